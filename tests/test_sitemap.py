"""sitemap.xml: the published articles, each with when it last changed."""

import datetime

from defusedxml import ElementTree
from django.test import Client

from articles.models import Article
from tests import factories

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_entries(client: Client) -> dict[str, str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{SITEMAP}urlset"
    return {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in root.findall(f"{SITEMAP}url")
    }


def test_it_lists_the_published_articles_only_with_their_last_change(client, db):
    seed = Article.objects.get()
    edited = factories.make_article()
    factories.make_article(status="draft")
    factories.make_article(
        published_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    )

    entries = sitemap_entries(client)

    assert entries == {
        f"http://testserver{seed.get_absolute_url()}": f"{seed.modified_at:%Y-%m-%d}",
        f"http://testserver{edited.get_absolute_url()}": (
            f"{edited.modified_at:%Y-%m-%d}"
        ),
    }


def test_a_scheduled_article_is_dated_by_its_publication(client, db):
    # Written a week ago for yesterday: it changed for readers when it came out.
    week_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=7)
    article = factories.make_article()
    Article.objects.filter(pk=article.pk).update(updated_at=week_ago)

    lastmod = sitemap_entries(client)[f"http://testserver{article.get_absolute_url()}"]

    assert lastmod == f"{article.published_at:%Y-%m-%d}"


def test_addresses_come_from_the_site_address_not_the_host_header(db, settings):
    settings.ALLOWED_HOSTS = ["evil.example"]
    settings.SITE_URL = "https://news.example"

    entries = sitemap_entries(Client(HTTP_HOST="evil.example"))

    assert list(entries) == [
        f"https://news.example{Article.objects.get().get_absolute_url()}"
    ]


def test_it_costs_one_query_however_many_articles(
    client, db, django_assert_num_queries
):
    for _ in range(30):
        factories.make_article()
    with django_assert_num_queries(1):
        assert len(sitemap_entries(client)) == 31
