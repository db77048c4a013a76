from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Discussion")

    def ready(self):
        from django.db.models.signals import post_save, pre_save

        from articles.models import Article
        from comments import notifications

        # The moment an article is published is only visible to comments as a save.
        pre_save.connect(notifications.article_saving, sender=Article)
        post_save.connect(notifications.article_saved, sender=Article)
