from django.apps import AppConfig


class FeedsConfig(AppConfig):
    """
    The Atom feeds: of the articles (/feed/), of an article's comments and of the
    recent ones (/comments/feed/), at WordPress's addresses. They read the
    articles and the discussion, which know nothing of them; the site's URLs
    route to them.
    """

    name = "feeds"
