from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    """
    The articles: what the site publishes and each discussion hangs from. Below
    the discussion, which knows an article through a foreign key and its saves;
    it knows nothing of the apps above it.
    """

    name = "articles"
    verbose_name = "Articles"
