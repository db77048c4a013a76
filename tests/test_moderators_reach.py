"""
What moderators can read in the admin: comments and their authors, not drafts or
every account on the site. Moderators can't open articles or users (see
test_moderation_permissions); the queue's filter and the ban form must not show
them either.
"""

import datetime

import pytest
from django.utils import timezone

from comments.models import Ban, Comment
from tests import factories

QUEUE = "/admin/comments/comment/"
ADD_BAN = "/admin/comments/ban/add/"


@pytest.fixture
def moderator_client(client, db):
    client.force_login(
        factories.make_user(password=None, groups=("Moderators",), is_staff=True)
    )
    return client


@pytest.fixture
def editor_client(client, db):
    client.force_login(
        factories.make_user(password=None, groups=("Editors",), is_staff=True)
    )
    return client


@pytest.fixture
def draft(db):
    return factories.make_article(
        title="Secret scoop, not out yet", slug="secret-scoop", status="draft"
    )


@pytest.fixture
def scheduled(db):
    return factories.make_article(
        title="Embargoed story, out tomorrow",
        slug="embargoed-story",
        published_at=timezone.now() + datetime.timedelta(days=1),
    )


@pytest.fixture
def pages(article, draft, scheduled):
    """
    Every admin page that names the article of a comment: the queue, its search,
    "Approve all shown…", a comment's page (its own article, and those of its
    author's other comments and of others from the same address), the front page.
    """
    author = {"author_email": "grace@example.com", "ip_address": "203.0.113.5"}
    factories.make_comment(draft, status="pending", body="On the draft.", **author)
    factories.make_comment(scheduled, status="pending", body="Early.", **author)
    on_article = factories.make_comment(article, body="Published.", **author)
    neighbour = factories.make_comment(article, ip_address="203.0.113.5")
    on_draft = Comment.objects.get(body="On the draft.")
    return [
        QUEUE,
        QUEUE + "?status=all",
        QUEUE + "?status=all&q=grace",
        QUEUE + "approve-shown/?status=all",
        *(QUEUE + f"{c.pk}/change/" for c in (on_draft, on_article, neighbour)),
        "/admin/",
    ]


UNPUBLISHED_TITLES = ["Secret scoop", "secret-scoop", "Embargoed", "embargoed-story"]


def test_a_moderator_reads_no_unpublished_articles_title_anywhere(
    moderator_client, pages
):
    for url in pages:
        html = moderator_client.get(url).content.decode()
        assert [t for t in UNPUBLISHED_TITLES if t in html] == [], url
        assert "an unpublished article" in html, url


def test_editors_who_may_read_drafts_see_their_titles(editor_client, pages):
    for url in pages:
        html = editor_client.get(url).content.decode()
        assert "Secret scoop" in html, url
        assert "an unpublished article" not in html, url


def test_article_filter_never_names_a_draft_to_a_moderator(
    moderator_client, article, draft
):
    html = moderator_client.get(QUEUE + f"?article={draft.pk}").content.decode()

    assert "Secret scoop" not in html
    assert article.title in html  # published articles are listed


def test_article_filter_names_a_chosen_published_article_to_a_moderator(
    moderator_client, article
):
    older = factories.make_article(title="An older story")
    html = moderator_client.get(QUEUE + f"?article={older.pk}").content.decode()
    assert "An older story" in html


def test_editors_who_may_read_drafts_still_find_them_in_the_filter(
    editor_client, draft
):
    html = editor_client.get(QUEUE + f"?article={draft.pk}").content.decode()
    assert "Secret scoop" in html


def ban_by_account(user_id: int, reason: str) -> dict:
    return {
        "effect": "spam",
        "kind": "account",
        "user": user_id,
        "email": "",
        "ip_address": "",
        "reason": reason,
        "expires_at_0": "",
        "expires_at_1": "",
    }


def test_ban_form_does_not_name_an_account_that_never_commented(moderator_client, db):
    stranger = factories.make_user(username="chief-editor-private", password=None)

    html = moderator_client.get(ADD_BAN + f"?user={stranger.pk}").content.decode()

    assert "chief-editor-private" not in html


def test_moderator_cannot_ban_an_account_that_never_commented(moderator_client, db):
    stranger = factories.make_user(username="chief-editor-private", password=None)

    response = moderator_client.post(ADD_BAN, ban_by_account(stranger.pk, "x"))

    assert response.status_code == 200
    assert "chief-editor-private" not in response.content.decode()
    assert not Ban.objects.exists()


def test_moderator_bans_an_account_that_commented(moderator_client, article):
    commenter = factories.make_user(username="loud-reader", password=None)
    factories.make_comment(article, user=commenter)

    html = moderator_client.get(ADD_BAN + f"?user={commenter.pk}").content.decode()
    assert "loud-reader" in html
    response = moderator_client.post(ADD_BAN, ban_by_account(commenter.pk, "insults"))

    assert response.status_code == 302
    assert Ban.objects.get().user == commenter
