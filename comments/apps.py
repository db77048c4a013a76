from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Discussion"

    def ready(self):
        from django.db.models.signals import post_save, pre_save

        from comments import notifications
        from newsroom.models import Article

        # The moment an article is published is only visible to comments as a save.
        pre_save.connect(notifications.article_saving, sender=Article)
        post_save.connect(notifications.article_saved, sender=Article)
