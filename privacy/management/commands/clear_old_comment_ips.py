"""
`manage.py clear_old_comment_ips`: clear the IP addresses and user agents of
comments older than COMMENT_IP_RETENTION_DAYS, for sites that run it from cron.
The task worker does the same every hour by itself (privacy.retention).
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from privacy import retention


class Command(BaseCommand):
    help = (
        "Clear the IP addresses and user agents of comments older than "
        "COMMENT_IP_RETENTION_DAYS (the task worker also does it every hour)."
    )

    def handle(self, *args, **options) -> None:
        cleared = retention.clear_old_addresses()
        days = settings.COMMENT_IP_RETENTION_DAYS
        if cleared is None:
            self.stdout.write("Another run is clearing addresses right now: skipped.")
        else:
            self.stdout.write(
                f"Cleared the IP address and user agent of {cleared} comment(s) "
                f"older than {days} days."
            )
