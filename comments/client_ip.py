"""
The address of the reader behind a request: what flood limits, IP bans and the
moderation queue know a guest by.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """
    The reader's address. Behind TRUSTED_PROXY_COUNT proxies it is the address the
    outermost trusted proxy saw, read from X-Forwarded-For counting from the right:
    entries further left were written by the client and can't be believed.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.headers.get("X-Forwarded-For", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    remote_addr: str | None = request.META.get("REMOTE_ADDR")
    return remote_addr or None
