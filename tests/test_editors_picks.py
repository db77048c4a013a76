"""Editors' picks: moderators feature comments, readers see them above the thread."""

import re

from django.test import Client

from comments.models import Comment, ModerationAction
from tests.factories import article_page, bulk_action, make_comment

QUEUE = "/admin/comments/comment/"


def picks_block(page: str) -> str:
    match = re.search(r'<section class="picks".*?</section>', page, re.S)
    return match[0] if match else ""


def test_a_featured_comment_is_shown_above_the_discussion_and_marked(
    moderator_client, article
):
    make_comment(article, body="An ordinary comment.")
    chosen = make_comment(article, author_name="Ada", body="The sharpest point made.")
    assert picks_block(article_page(Client(), article)) == ""  # cached without picks

    response = moderator_client.post(
        f"{QUEUE}{chosen.pk}/moderate/", {"moderate": "feature"}
    )

    assert response.status_code == 302
    page = article_page(Client(), article)
    block = picks_block(page)
    assert "Editors' picks</h3>" in block
    assert "The sharpest point made." in block and "Ada" in block
    assert "An ordinary comment." not in block
    assert f'href="/comments/{chosen.pk}/"' in block
    assert page.index("picks-title") < page.index('<ol class="comment-list">')
    item = re.search(rf'<li id="c-{chosen.pk}" class="([^"]*)"', page)[1]
    assert "pick" in item.split()
    assert "Editors' pick</span>" in page.split(f'id="c-{chosen.pk}"')[1]


def test_featuring_and_unfeaturing_are_recorded(moderator_client, article):
    comment = make_comment(article)

    moderator_client.post(f"{QUEUE}{comment.pk}/moderate/", {"moderate": "feature"})
    moderator_client.post(f"{QUEUE}{comment.pk}/moderate/", {"moderate": "unfeature"})

    comment.refresh_from_db()
    assert comment.featured_at is None
    assert picks_block(article_page(Client(), article)) == ""
    assert list(
        ModerationAction.objects.filter(comment=comment)
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    ) == ["feature", "unfeature"]


def test_only_approved_comments_can_be_picked(moderator_client, article):
    held = make_comment(article, status="pending", body="Waiting for a moderator.")

    response = moderator_client.post(
        f"{QUEUE}{held.pk}/moderate/", {"moderate": "feature"}, follow=True
    )

    assert "only approved comments can be editors" in response.content.decode()
    held.refresh_from_db()
    assert held.featured_at is None


def test_a_pick_that_is_removed_leaves_the_block(moderator_client, article):
    comment = make_comment(article, body="Featured, then found to be plagiarised.")
    bulk_action(moderator_client, "make_picks", comment)
    assert "plagiarised" in picks_block(article_page(Client(), article))

    bulk_action(moderator_client, "remove", comment)

    page = article_page(Client(), article)
    assert "plagiarised" not in page


def test_bulk_feature_skips_what_it_cannot_feature(moderator_client, article):
    approved = make_comment(article)
    pending = make_comment(article, status="pending")

    response = bulk_action(moderator_client, "make_picks", approved, pending)

    assert response.status_code == 302
    assert Comment.objects.exclude(featured_at=None).get() == approved
    page = moderator_client.get(f"{QUEUE}?status=all&pick=yes").content.decode()
    assert f'value="{approved.pk}"' in page
    assert f'value="{pending.pk}"' not in page


def test_the_quick_button_offers_feature_then_unfeature(moderator_client, article):
    comment = make_comment(article)
    list_page = f"{QUEUE}?status=approved"
    assert f"Feature comment {comment.pk}" in moderator_client.get(list_page).text

    bulk_action(moderator_client, "make_picks", comment)

    page = moderator_client.get(list_page).text
    assert f"Unfeature comment {comment.pk}" in page


def test_readers_cannot_feature(client, article, django_user_model):
    comment = make_comment(article)
    reader = django_user_model.objects.create_user("reader", password="pw")
    client.force_login(reader)

    client.post(f"{QUEUE}{comment.pk}/moderate/", {"moderate": "feature"})

    comment.refresh_from_db()
    assert comment.featured_at is None


def test_a_hostile_pick_is_escaped_in_the_block(moderator_client, article):
    comment = make_comment(
        article, author_name='<img src=x onerror="alert(1)">', body="<script>x</script>"
    )
    bulk_action(moderator_client, "make_picks", comment)

    block = picks_block(article_page(Client(), article))

    assert "<script>" not in block and "<img" not in block
    assert "&lt;script&gt;" in block


def test_picks_cost_no_query(
    client, article, moderator_client, django_assert_num_queries
):
    comments = [make_comment(article, body=f"Comment {n}.") for n in range(30)]
    bulk_action(moderator_client, "make_picks", *comments[::3])

    # The same four queries as without picks (test_discussion): picks come from the
    # comments the page reads anyway.
    with django_assert_num_queries(4):
        page = Client().get(article.get_absolute_url()).content.decode()
    assert picks_block(page).count("<li>") == 10
