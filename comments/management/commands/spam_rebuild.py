"""
`manage.py spam_rebuild`: teach a fresh spam classifier the whole moderation
history (comments.spam.rebuild), each decided comment by its moderators' latest
decision, and make it the one posting uses.
"""

from django.core.management.base import BaseCommand

from comments import spam


class Command(BaseCommand):
    help = "Rebuild the spam classifier from every moderator's decision on record."

    def handle(self, *args, **options) -> None:
        model = spam.rebuild()
        self.stdout.write(
            f"Spam classifier version {model.version}: learnt {model.decisions} "
            "decision(s)."
        )
