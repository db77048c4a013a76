"""
System checks of how the discussion finds a reader's address (readers.client_ip),
run by `manage.py check`, runserver and migrate.

Flood limits, IP bans, the moderation queue, likes and reports know a guest by
that address. Behind a proxy with TRUSTED_PROXY_COUNT at 0, every reader has the
proxy's address: one flood interval for the whole site, one IP ban bans everyone,
and all guests together are one reader to like or report a comment. A TLS proxy is the
usual setup, and SECURE_PROXY_SSL_HEADER says there is one, so the pair is worth a
warning. The opposite mistake, a count set while the app's port can be reached
without the proxy (spoofed X-Forwarded-For believed), can't be seen from settings:
the deploy recipe (docs/deploying.md) binds the app to 127.0.0.1, and /healthz shows the
address the site derives, for operators to try.
"""

from django.conf import settings
from django.core.checks import Error, Warning


def trusted_proxies(app_configs, **kwargs) -> list:
    count = settings.TRUSTED_PROXY_COUNT
    if not isinstance(count, int) or count < 0:
        return [
            Error(
                f"TRUSTED_PROXY_COUNT must be a whole number, 0 or more (it is "
                f"{count!r}).",
                hint="The number of proxies in front of the app that append to "
                "X-Forwarded-For: 1 for one nginx, 0 for none.",
                id="comments.E001",
            )
        ]
    if settings.SECURE_PROXY_SSL_HEADER and count == 0:
        return [
            Warning(
                "SECURE_PROXY_SSL_HEADER says the site runs behind a proxy, but "
                "TRUSTED_PROXY_COUNT is 0: every commenter gets the proxy's address, "
                "so the flood limit is shared by everyone, an IP ban bans "
                "everyone, and all guests together like or report a comment once.",
                hint="Set TRUSTED_PROXY_COUNT=1 behind one proxy that appends to "
                "X-Forwarded-For (nginx: proxy_add_x_forwarded_for), and let only "
                "the proxy reach the app (bind gunicorn to 127.0.0.1 or a unix "
                "socket). /healthz shows the address the site reads.",
                id="comments.W001",
            )
        ]
    return []
