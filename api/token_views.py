"""
The reader's personal tokens for the API, on their account's pages: make one
(shown once, then only its name and dates), and revoke one. Ordinary forms with
Django's CSRF token: the page is the reader's own.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
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

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self) -> str:
        name = single_line(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Please name the token."))
        return name

    def clean(self):
        if self.user.api_tokens.count() >= TOKENS_PER_READER:
            raise forms.ValidationError(
                _("You have %(count)s tokens: revoke one you no longer use first.")
                % {"count": TOKENS_PER_READER}
            )
        return super().clean()


@login_required
def tokens(request):
    """The reader's tokens, and the form that makes one; a new one shown once."""
    form = TokenForm(request.POST or None, user=request.user)
    made = None
    if request.method == "POST" and form.is_valid():
        _token, made = PersonalToken.objects.issue(
            request.user, form.cleaned_data["name"]
        )
        form = TokenForm(user=request.user)
    response = render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "made": made,
            "tokens": request.user.api_tokens.all(),
        },
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "private, no-store"  # the new token, once
    return response


@login_required
@require_POST
def revoke(request, token_id: int):
    token = get_object_or_404(request.user.api_tokens, pk=token_id)
    token.delete()
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token})
    return HttpResponseRedirect(reverse("api_tokens"))
