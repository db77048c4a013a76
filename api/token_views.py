"""
The reader's personal tokens for the API, on their account's pages: make one
(shown once, then only its name and dates), and revoke one. Ordinary forms with
Django's CSRF token: the page is the reader's own.
"""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from api.models import PersonalToken
from articles.text import single_line

# Enough for any reader's apps; a reader with more is a robot farm.
TOKENS_PER_READER = 20


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("What the token is for"),
        max_length=100,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self) -> str:
        name = single_line(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Please name the token."))
        return name

    def clean(self) -> dict[str, Any]:
        super().clean()
        if self.user.api_tokens.count() >= TOKENS_PER_READER:
            raise forms.ValidationError(
                _("You have %(count)s tokens: revoke one you no longer use first.")
                % {"count": TOKENS_PER_READER}
            )
        return self.cleaned_data


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The reader's tokens, and the form that makes one; a new one shown once."""
    user = cast(User, request.user)  # signed in
    form = TokenForm(request.POST or None, user=user)
    made = None
    if request.method == "POST" and form.is_valid():
        _token, made = PersonalToken.objects.issue(user, form.cleaned_data["name"])
        form = TokenForm(user=user)
    response = render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "made": made,
            "tokens": PersonalToken.objects.filter(user=user),
        },
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "private, no-store"  # the new token, once
    return response


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(
        PersonalToken.objects.filter(user=cast(User, request.user)), pk=token_id
    )
    token.delete()
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token})
    return HttpResponseRedirect(reverse("api_tokens"))
