"""
Who is calling the API, and whether a browser was tricked into calling it.

Two ways in, tried in this order (api.urls names both for every operation):

- `PersonalTokenAuth`: `Authorization: Bearer nr_…`, a token the reader made on
  their account's page (api.models). Browsers never add that header on their own,
  so another site can't forge such a request: no cross-origin check. A token
  that names nothing is refused (401), never taken as a guest.
- `Browser`: everyone else, signed in by their session cookie or a guest. A
  write goes through the same checks as the page's forms (readers.crossorigin):
  refused when a browser says another site sent it, and with a session, only
  with Django's CSRF token (the X-CSRFToken header), as the page's script sends.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from api.models import PersonalToken
from readers.crossorigin import SAFE_METHODS, is_cross_origin


class PersonalTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User:
        found = PersonalToken.objects.holding(token).select_related("user").first()
        if found is None or not found.user.is_active:
            raise HttpError(
                401, _("This token is not valid: it may have been revoked.")
            )
        found.used()
        request.user = found.user
        return found.user


class Browser(APIKeyCookie):
    """The reader's browser: their session, or none (a guest)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, for writes only

    def __call__(self, request: HttpRequest) -> User | AnonymousUser:
        if request.method not in SAFE_METHODS:
            if is_cross_origin(request):
                raise HttpError(
                    403,
                    _(
                        "This was sent to us from another site, so nothing was "
                        "done. If you meant to post here, go to the article and "
                        "post from its page."
                    ),
                )
            if self.param_name in request.COOKIES and check_csrf(request):
                raise HttpError(403, _("Please reload the page and try again."))
        # A guest's AnonymousUser: a caller all the same.
        return request.user

    def authenticate(
        self, request: HttpRequest, key: str | None
    ) -> User | AnonymousUser:
        return request.user  # not used: __call__ decides
