from django.apps import AppConfig


class ReadersConfig(AppConfig):
    """
    Who the reader is and what their request carries, knowing nothing of comments:
    sign-in methods and how a person appears, their address behind proxies, the
    cookies their browser keeps, signed links, forms other sites may not send,
    what caches are told of a shared answer. The discussion and the site build on
    it; it imports none of them (tests/test_app_boundaries.py).
    """

    name = "readers"

    def ready(self) -> None:
        from django.core import checks as system_checks

        from readers import checks

        system_checks.register(checks.trusted_proxies, system_checks.Tags.security)
