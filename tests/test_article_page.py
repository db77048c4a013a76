import html

from articles.models import Article
from tests import factories

SEED_URL = "/2021/03/10/new-sign-ups-and-registration-in-china-suspended-by-linkedin/"


def test_seed_article_answers_at_its_wordpress_style_permalink(client, db):
    article = Article.objects.get()
    assert article.get_absolute_url() == SEED_URL

    response = client.get(SEED_URL)

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    for paragraph in article.paragraphs:
        assert paragraph in page
    assert f"<title>{article.title} – Newsroom</title>" in page
    assert "By Newsroom staff" in page


def test_article_page_has_description_canonical_and_open_graph(client, db):
    page = client.get(SEED_URL).content.decode()
    assert '<meta name="description" content="No new signups' in page
    assert f'<link rel="canonical" href="http://testserver{SEED_URL}">' in page
    assert '<meta property="og:type" content="article">' in page
    assert f'<meta property="og:url" content="http://testserver{SEED_URL}">' in page
    assert '<meta property="og:title" content="New Sign-Ups And' in page


def test_draft_is_not_found_for_readers(client, db):
    draft = factories.make_article(status="draft")
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_unknown_slug_is_not_found(client, db):
    response = client.get("/2021/03/10/no-such-story/")
    assert response.status_code == 404
    assert "There is nothing at this address" in response.content.decode()


def test_wrong_date_in_the_address_is_not_found(client, db):
    assert client.get(SEED_URL.replace("/10/", "/11/")).status_code == 404


def test_article_text_is_escaped(client, db):
    article = factories.make_article(
        title="<script>alert(1)</script>", body="a <b>b</b>"
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_healthz_reports_database_up(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content.startswith(b"ok\n")
