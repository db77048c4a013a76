"""
sitemap.xml: the published articles, with when each last changed, for search
engines. Full addresses come from SITE_URL, never from the request's Host header.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap

from articles.models import Article


class ArticleSitemap(Sitemap):
    def items(self):
        # A list, not a queryset: one query instead of a COUNT and a page of rows.
        return list(
            Article.objects.published()
            .only("slug", "published_at", "updated_at")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, article: Article) -> datetime.datetime:
        return article.modified_at

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc
