"""
Signing in to the admin, with failed attempts limited as on the site's own
sign-in page.

allauth limits failed sign-ins on /accounts/login/ only; Django's admin login
takes as many guesses as anyone sends. Editors keep signing in there with their
username, and `AdminLoginForm` counts each attempt with allauth's rate limits
(action "admin_login_failed" in ACCOUNT_RATE_LIMITS): in the default cache, so
every app server counts the same attempts, by the address readers.client_ip
trusts behind the proxies (AccountAdapter.get_client_ip).

As allauth does for its own sign-in, an attempt is counted before the password is
checked, so that a burst of parallel guesses can't pass a check together, and
taken back when the password was right: signing in is no failure, and a right
password for one account doesn't reset the count of another. The address's limit
comes first and is the smaller, so guesses from one address stop before they
could block the account for everyone else.
"""

from typing import Any

# allauth's public ratelimit.consume() answers only yes or no; its internal one
# returns what it counted, which can be taken back.
from allauth.core.internal import ratelimit
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

ACTION = "admin_login_failed"


class AdminLoginForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "too_many_attempts": _(
            "Too many failed sign-in attempts for this account or from this "
            "address. Please try again in 15 minutes."
        ),
    }

    @sensitive_variables()
    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data  # the fields say what is missing
        attempt = ratelimit.consume(
            self.request,
            app="allauth.account",
            action=ACTION,
            key=username.casefold(),
        )
        if attempt is None:
            raise ValidationError(
                self.error_messages["too_many_attempts"], code="too_many_attempts"
            )
        self.user_cache = authenticate(
            self.request, username=username, password=password
        )
        if self.user_cache is None:
            raise self.get_invalid_login_error()
        attempt.rollback()
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
