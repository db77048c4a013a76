from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Discussion"

    def ready(self):
        from django.db.models.signals import post_save, pre_save

        from comments import notifications

        # comments knows Article only through its foreign key: the moment one is
        # published is only visible here as a save.
        article = self.apps.get_model("newsroom", "Article")
        pre_save.connect(notifications.article_saving, sender=article)
        post_save.connect(notifications.article_saved, sender=article)
