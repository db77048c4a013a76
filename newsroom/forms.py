"""Forms of the personal-data pages: the editors' tool and the reader's own page."""

from typing import Any

from allauth.account.adapter import get_adapter
from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _

from newsroom.personal_data import Mode

# What a reader whose account has no password types to confirm (X or Facebook), in
# the language they read the page in.
CONFIRMATION_PHRASE = _("delete my account")


class PersonalDataRequestForm(forms.Form):
    """An editor's request: whose data, and for erasing, what becomes of comments."""

    email = forms.EmailField(
        label="Email address",
        help_text="Their comments, subscriptions and mail with this address, in "
        "any case, and the accounts that hold it.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    mode = forms.ChoiceField(
        label="When erasing, their comments",
        choices=Mode.choices,
        initial=Mode.ANONYMISE,
        widget=forms.RadioSelect,
    )


class DeleteAccountForm(forms.Form):
    """
    A reader closing their account proves it is them: their password, or for an
    account that signs in only with X or Facebook, a phrase typed out.
    """

    mode = forms.ChoiceField(
        label=_("Your comments"),
        choices=[
            (Mode.ANONYMISE, _("Keep them, shown as “Anonymous”")),
            (Mode.REMOVE, _("Remove them")),
        ],
        initial=Mode.ANONYMISE,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, user: AbstractBaseUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            self.fields["password"] = forms.CharField(
                label=_("Your password"),
                strip=False,
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
            )
        else:
            self.fields["confirmation"] = forms.CharField(
                label=_("Type “%(phrase)s” to confirm")
                % {"phrase": CONFIRMATION_PHRASE},
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )

    def clean_password(self) -> str:
        # allauth's check, with its limit on failed attempts.
        password: str = self.cleaned_data["password"]
        if not get_adapter().reauthenticate(self.user, password):
            raise forms.ValidationError(
                _("That is not your password."), code="incorrect_password"
            )
        return password

    def clean_confirmation(self) -> str:
        typed = " ".join(self.cleaned_data["confirmation"].lower().split())
        if typed != str(CONFIRMATION_PHRASE):
            raise forms.ValidationError(
                _("Type “%(phrase)s” to confirm.") % {"phrase": CONFIRMATION_PHRASE},
                code="confirmation",
            )
        return typed
