from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Discussion")

    def ready(self):
        from django.core import checks as system_checks
        from django.db.models.signals import post_save, pre_save

        from articles.models import Article
        from comments import checks, notifications

        system_checks.register(checks.trusted_proxies, system_checks.Tags.security)

        # The moment an article is published is only visible to comments as a save.
        pre_save.connect(notifications.article_saving, sender=Article)
        post_save.connect(notifications.article_saved, sender=Article)
