from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    """
    The articles: what the site publishes and each discussion hangs from. Below
    the discussion, which knows an article through a foreign key and its saves;
    it knows nothing of the apps above it.
    """

    name = "articles"
    verbose_name = _("Articles")
