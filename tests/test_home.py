import datetime

from django.utils import timezone

from tests import factories


def test_home_lists_published_articles_newest_first(client, db):
    older = factories.make_article(title="Older story")
    newer = factories.make_article(
        title="Newer story", published_at=timezone.now() - datetime.timedelta(hours=1)
    )
    factories.make_article(title="Secret draft", status="draft")

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(newer.title) < html.index(older.title)
    assert "Secret draft" not in html
    assert newer.get_absolute_url() in html


def test_home_shows_the_seed_article_with_its_date(client, db):
    html = client.get("/").content.decode()
    assert "New Sign-Ups And Registration In China Suspended By LinkedIn" in html
    assert "March 10, 2021" in html


def test_scheduled_article_stays_off_the_home_page(client, db):
    factories.make_article(
        title="Tomorrow's story",
        published_at=timezone.now() + datetime.timedelta(days=1),
    )
    assert "Tomorrow&#x27;s story" not in client.get("/").content.decode()
