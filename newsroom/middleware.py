"""Response headers Django has no setting for, and compression."""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware


def permissions_policy(get_response):
    """Switch off browser features no page of ours uses (camera, location, …)."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


class AnonymousGZipMiddleware(GZipMiddleware):
    """
    Compress responses for readers without a session, and only for them.

    BREACH recovers a secret from the size of compressed pages that also reflect
    text an attacker chose. An anonymous page's only secret is the CSRF token,
    which Django masks anew on every response precisely against BREACH; pages for
    a signed-in reader may hold personal data beside readers' comments, so they
    are sent uncompressed.
    """

    def process_response(self, request, response):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return response
        return super().process_response(request, response)
