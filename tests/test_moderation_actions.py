"""Editors' actions on comments, in bulk and one at a time, and what readers see."""

import pytest
from django.test import Client

from comments.models import Comment, DiscussionSettings, ModerationAction
from tests import factories
from tests.factories import article_page, bulk_action

QUEUE = "/admin/comments/comment/"


def statuses(*comments) -> list[str]:
    return [Comment.objects.get(pk=c.pk).status for c in comments]


def test_bulk_approve_publishes_comments_and_records_who(
    editor_client, editor, article, django_user_model
):
    held = [
        factories.make_comment(article, status="pending", body=f"Held thought {i}.")
        for i in range(3)
    ]
    assert "Held thought" not in article_page(Client(), article)

    response = bulk_action(editor_client, "approve", *held)

    assert response.status_code == 302
    assert statuses(*held) == ["approved"] * 3
    # The page was cached without them: without the update trigger it still would be.
    page = article_page(Client(), article)
    assert all(f"Held thought {i}." in page for i in range(3))
    records = ModerationAction.objects.filter(comment__in=held)
    assert {(r.actor_id, r.from_status, r.to_status) for r in records} == {
        (editor.pk, "pending", "approved")
    }


@pytest.mark.parametrize(
    ("action", "start", "end", "visible"),
    [
        ("approve", "pending", "approved", True),
        ("approve", "spam", "approved", True),
        ("unapprove", "approved", "pending", False),
        ("mark_spam", "approved", "spam", False),
        ("mark_spam", "pending", "spam", False),
        ("mark_not_spam", "spam", "pending", False),
        ("remove", "approved", "removed", False),
        ("restore", "removed", "pending", False),
    ],
)
def test_each_bulk_action_and_its_effect_on_the_public_page(
    editor_client, article, action, start, end, visible
):
    comment = factories.make_comment(article, status=start, body="Watch this text.")

    bulk_action(editor_client, action, comment)

    assert statuses(comment) == [end]
    assert ("Watch this text." in article_page(Client(), article)) is visible
    assert Comment.objects.filter(pk=comment.pk).exists()  # never deleted


def test_not_spam_and_restore_return_to_the_status_before(editor_client, article):
    comment = factories.make_comment(article, status="approved", body="Was fine.")

    bulk_action(editor_client, "mark_spam", comment)
    bulk_action(editor_client, "mark_not_spam", comment)
    assert statuses(comment) == ["approved"]

    bulk_action(editor_client, "remove", comment)
    assert "Was fine." not in article_page(Client(), article)
    bulk_action(editor_client, "restore", comment)
    assert statuses(comment) == ["approved"]
    # Cached without it a moment ago: without the update trigger this would fail.
    assert "Was fine." in article_page(Client(), article)

    history = list(
        ModerationAction.objects.filter(comment=comment)
        .order_by("id")
        .values_list("action", "from_status", "to_status")
    )
    assert history == [
        ("spam", "approved", "spam"),
        ("not_spam", "spam", "approved"),
        ("remove", "approved", "removed"),
        ("restore", "removed", "approved"),
    ]


def test_action_that_does_not_apply_skips_the_comment(editor_client, article):
    approved = factories.make_comment(article, status="approved")
    pending = factories.make_comment(article, status="pending")

    response = bulk_action(editor_client, "unapprove", approved, pending)

    assert statuses(approved, pending) == ["pending", "pending"]
    assert ModerationAction.objects.count() == 1
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Unapproved 1 comment. 1 skipped (already in that state)."]


def test_bulk_action_takes_a_fixed_number_of_queries(
    editor_client, article, django_assert_max_num_queries
):
    few = [factories.make_comment(article, status="pending") for _ in range(2)]
    many = [factories.make_comment(article, status="pending") for _ in range(30)]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        bulk_action(editor_client, "approve", *few)
    with CaptureQueriesContext(connection) as large:
        bulk_action(editor_client, "approve", *many)
    assert len(small.captured_queries) == len(large.captured_queries)


def test_delete_is_not_offered(editor_client, article):
    comment = factories.make_comment(article, status="pending")
    html = editor_client.get(QUEUE).content.decode()
    assert "delete_selected" not in html
    assert editor_client.get(QUEUE + f"{comment.pk}/delete/").status_code == 403


def test_one_comment_buttons_moderate_it(editor_client, article):
    comment = factories.make_comment(article, status="pending", body="One at a time.")
    change = QUEUE + f"{comment.pk}/change/"

    page = editor_client.get(change).content.decode()
    assert 'name="moderate" value="approve"' in page
    response = editor_client.post(
        QUEUE + f"{comment.pk}/moderate/", {"moderate": "approve"}, HTTP_REFERER=change
    )

    assert response.status_code == 302
    assert response["Location"].endswith(change)
    assert statuses(comment) == ["approved"]
    assert "One at a time." in article_page(Client(), article)


def test_quick_buttons_on_the_list_post_to_the_comment(editor_client, article):
    comment = factories.make_comment(article, status="pending")
    html = editor_client.get(QUEUE).content.decode()
    assert f'formaction="/admin/comments/comment/{comment.pk}/moderate/"' in html

    editor_client.post(
        QUEUE + f"{comment.pk}/moderate/",
        {"moderate": "spam", "action": "", "_selected_action": []},
        HTTP_REFERER="http://testserver" + QUEUE + "?status=pending",
    )
    assert statuses(comment) == ["spam"]


def test_moderate_is_post_only(editor_client, article):
    comment = factories.make_comment(article, status="pending")
    response = editor_client.get(QUEUE + f"{comment.pk}/moderate/?moderate=approve")
    assert response.status_code == 405
    assert statuses(comment) == ["pending"]


def test_editing_text_rerenders_and_is_recorded(editor_client, editor, article):
    comment = factories.make_comment(
        article,
        status="approved",
        body="Visit http://spam.example now",
        author_name="A",
    )

    response = editor_client.post(
        QUEUE + f"{comment.pk}/change/",
        {"body": "Visit [link removed] now", "author_name": "A", "author_url": ""},
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body_html == "<p>Visit [link removed] now</p>"
    page = article_page(Client(), article)
    assert "spam.example" not in page and "[link removed]" in page
    record = ModerationAction.objects.get(comment=comment)
    assert record.action == "edit" and record.actor == editor
    assert record.changes == {
        "body": ["Visit http://spam.example now", "Visit [link removed] now"]
    }
    history = editor_client.get(QUEUE + f"{comment.pk}/change/").content.decode()
    assert "Edited" in history and "Visit http://spam.example now" in history


def test_status_cannot_be_changed_through_the_form(editor_client, article):
    comment = factories.make_comment(article, status="pending")
    editor_client.post(
        QUEUE + f"{comment.pk}/change/",
        {
            "body": comment.body,
            "author_name": "x",
            "author_url": "",
            "status": "approved",
        },
    )
    assert statuses(comment) == ["pending"]


def test_editor_replies_from_the_admin(editor_client, editor, article):
    question = factories.make_comment(article, status="pending", body="Is it true?")

    response = editor_client.post(
        QUEUE + f"{question.pk}/reply/", {"body": "Yes, we checked."}
    )

    assert response.status_code == 302
    reply = Comment.objects.get(parent=question)
    assert (reply.status, reply.user, reply.author_name) == (
        "approved",
        editor,
        "Eddie Editor",
    )
    assert statuses(question) == ["approved"]  # replying approves the question
    page = article_page(Client(), article)
    assert page.index("Is it true?") < page.index("Yes, we checked.")
    assert 'class="comment depth-1"' in page
    assert ModerationAction.objects.filter(comment=question, action="reply").exists()


def test_reply_at_the_deepest_level_joins_the_parents_thread(editor_client, article):
    rules = DiscussionSettings.load()
    rules.thread_depth = 2
    rules.save()
    top = factories.make_comment(article)
    deep = factories.make_comment(article, parent=top)

    editor_client.post(QUEUE + f"{deep.pk}/reply/", {"body": "Answer."})

    reply = Comment.objects.get(body="Answer.")
    assert reply.parent == top and reply.depth == 1


def test_no_reply_to_spam(editor_client, article):
    spam = factories.make_comment(article, status="spam")
    editor_client.post(QUEUE + f"{spam.pk}/reply/", {"body": "Hello."})
    assert not Comment.objects.filter(parent=spam).exists()


def test_comment_page_shows_history_and_live_link(editor_client, editor, article):
    comment = factories.make_comment(
        article,
        status="pending",
        moderation_reason="held: first comment from this author",
    )
    bulk_action(editor_client, "approve", comment)

    html = editor_client.get(QUEUE + f"{comment.pk}/change/").content.decode()

    assert "held: first comment from this author" in html
    assert "<strong>Approved</strong> by " + editor.username in html
    assert "(Pending → Approved)" in html
    assert f'href="{comment.get_absolute_url()}"' in html


@pytest.mark.parametrize(
    ("action", "start", "reason"),
    [
        ("approve", "pending", "approved by a moderator"),
        ("mark_spam", "pending", "spam: marked by a moderator"),
        ("remove", "approved", "removed by a moderator"),
    ],
)
def test_a_decision_replaces_the_rule_that_held_the_comment(
    editor_client, article, action, start, reason
):
    comment = factories.make_comment(
        article, status=start, moderation_reason="held: 3 links, limit 2"
    )

    bulk_action(editor_client, action, comment)

    assert Comment.objects.get(pk=comment.pk).moderation_reason == reason
    queue = editor_client.get(QUEUE + "?status=all").content.decode()
    assert reason in queue
    assert "held: 3 links, limit 2" not in queue
    # The comment's history still tells why it had been held when decided.
    page = editor_client.get(QUEUE + f"{comment.pk}/change/").content.decode()
    assert page.count("held: 3 links, limit 2") == 1
    assert f"Why: {reason}" in page


def test_undo_gives_the_comment_back_its_reason(editor_client, article):
    comment = factories.make_comment(
        article, status="pending", moderation_reason="held: 3 links, limit 2"
    )
    change = QUEUE + f"{comment.pk}/change/"
    bulk_action(editor_client, "approve", comment)

    editor_client.post(
        QUEUE + f"{comment.pk}/moderate/", {"moderate": "undo"}, HTTP_REFERER=change
    )

    comment.refresh_from_db()
    assert (comment.status, comment.moderation_reason) == (
        "pending",
        "held: 3 links, limit 2",
    )
