"""
`manage.py purge_http_cache`: purge an article's pages from the HTTP caches in
HTTP_CACHE_PURGE whenever its discussion or the article changes (newsroom.purge).
Runs until stopped, beside the app servers; one is enough for the whole site.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsroom import purge


class Command(BaseCommand):
    help = (
        "Listen for changed discussions and articles and purge their pages from "
        "the HTTP caches named in HTTP_CACHE_PURGE."
    )

    def handle(self, *args, **options) -> None:
        if not settings.HTTP_CACHE_PURGE:
            raise CommandError("HTTP_CACHE_PURGE names no cache to purge.")
        caches = ", ".join(settings.HTTP_CACHE_PURGE)
        self.stdout.write(f"Purging {caches} as discussions change.", ending="\n")
        self.stdout.flush()
        purge.listen()
