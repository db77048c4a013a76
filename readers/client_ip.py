"""
The address of the reader behind a request: what flood limits, IP bans and the
moderation queue know a guest by.

Behind proxies, TRUSTED_PROXY_COUNT must say how many append to X-Forwarded-For,
and the app's port must be reachable only through them: with 0 every reader has
the proxy's address, and with a count the header is believed, so a reader who
reaches the app directly could name any address. `readers.checks` warns about
the first case; /healthz shows the address the site derives, to try the second.

Likes and reports count a guest by their network (`network_key`): a keyed hash,
not the address, since a like is kept as long as the comment.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

NETWORK_KEY_SALT = "comments.client_ip.network"


def client_ip(request: HttpRequest) -> str | None:
    """
    The reader's address. Behind TRUSTED_PROXY_COUNT proxies it is the address the
    outermost trusted proxy saw, read from X-Forwarded-For counting from the right:
    entries further left were written by the client and can't be believed. An
    entry that is no address (a count set too high reads one the client wrote)
    is not taken for one.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.headers.get("X-Forwarded-For", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            try:
                return str(ipaddress.ip_address(forwarded[-proxies]))
            except ValueError:
                pass
    remote_addr: str | None = request.META.get("REMOTE_ADDR")
    return remote_addr or None


def network_key(address: str | None) -> str:
    """
    The network a guest is counted by, as a keyed hash: their IPv4 address, or the
    /64 of an IPv6 one (a household's or a phone's, every address of which is its
    owner's to take), so that fresh browsers, which cost nothing, don't make new
    people. Keyed with SECRET_KEY: the hash names no address that anyone without
    the key could find again. "" without an address.
    """
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped
        network = str(mapped or ipaddress.IPv6Network((ip, 64), strict=False))
    else:
        network = str(ip)
    return salted_hmac(NETWORK_KEY_SALT, network, algorithm="sha256").hexdigest()[:32]
