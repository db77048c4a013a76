"""
Working from the queue itself: replying, editing, "approve all shown", and the
name an editor's reply is signed with.
"""

import io
import re
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from comments.models import Comment, ModerationAction
from readers.identity import STAFF_NAME
from tests import factories
from tests.factories import article_page

QUEUE = "/admin/comments/comment/"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_each_row_has_reply_and_edit_boxes_posting_to_its_comment(
    editor_client, article
):
    waiting = factories.make_comment(article, status="pending", body="<b>Bold</b>")
    spam = factories.make_comment(article, status="spam")

    html = editor_client.get(QUEUE + "?status=all").content.decode()

    assert f'formaction="/admin/comments/comment/{waiting.pk}/reply/"' in html
    assert f'formaction="/admin/comments/comment/{waiting.pk}/edit/"' in html
    assert f'<label for="reply-{waiting.pk}">Your reply to ' in html
    # The text to edit, escaped in its box; no Reply for what readers can't see.
    assert "&lt;b&gt;Bold&lt;/b&gt;</textarea>" in html
    assert f'formaction="/admin/comments/comment/{spam.pk}/reply/"' not in html
    assert f'formaction="/admin/comments/comment/{spam.pk}/edit/"' in html
    # An empty box must not stop the row's other buttons: no `required` on them.
    assert not re.search(r'<textarea id="(reply|body)-\d+"[^>]* required', html)


def test_reply_from_the_queue_is_published_and_goes_back_to_the_queue(
    editor_client, editor, article
):
    question = factories.make_comment(article, status="pending", body="Is it true?")
    other = factories.make_comment(article, status="pending")
    queue = f"http://testserver{QUEUE}?article={article.pk}"

    # The whole list's form is posted: the other rows' boxes come along, empty.
    response = editor_client.post(
        QUEUE + f"{question.pk}/reply/",
        {
            f"reply-{question.pk}": "Yes, we checked.",
            f"reply-{other.pk}": "",
            f"body-{other.pk}": other.body,
            "from": "queue",
        },
        headers={"referer": queue},
    )

    assert response.status_code == 302 and response["Location"] == queue
    reply = Comment.objects.get(parent=question)
    assert (reply.status, reply.user, reply.body) == (
        "approved",
        editor,
        "Yes, we checked.",
    )
    assert Comment.objects.get(pk=question.pk).status == "approved"
    assert Comment.objects.get(pk=other.pk).status == "pending"
    assert not Comment.objects.filter(parent=other).exists()
    assert "Yes, we checked." in article_page(Client(), article)


def test_empty_reply_from_the_queue_is_a_message_not_a_comment(editor_client, article):
    question = factories.make_comment(article, status="pending")

    response = editor_client.post(
        QUEUE + f"{question.pk}/reply/",
        {f"reply-{question.pk}": "  ", "from": "queue"},
        headers={"referer": f"http://testserver{QUEUE}"},
        follow=True,
    )

    assert f"Comment {question.pk}: please type a reply." in messages_of(response)
    assert not Comment.objects.filter(parent=question).exists()
    assert Comment.objects.get(pk=question.pk).status == "pending"


def test_edit_from_the_queue_rerenders_and_is_recorded(editor_client, editor, article):
    comment = factories.make_comment(
        article, status="pending", body="Buy pills at http://spam.example"
    )

    response = editor_client.post(
        QUEUE + f"{comment.pk}/edit/",
        {f"body-{comment.pk}": "Buy [link removed]", "from": "queue"},
        headers={"referer": f"http://testserver{QUEUE}"},
        follow=True,
    )

    assert f"Comment {comment.pk}: the new text is saved." in messages_of(response)
    assert response.redirect_chain[-1][0] == f"http://testserver{QUEUE}"
    comment.refresh_from_db()
    assert comment.body == "Buy [link removed]"
    assert comment.body_html == "<p>Buy [link removed]</p>"
    assert comment.status == "pending"  # editing decides nothing
    record = ModerationAction.objects.get(comment=comment)
    assert (record.action, record.actor) == ("edit", editor)
    assert record.changes == {
        "body": ["Buy pills at http://spam.example", "Buy [link removed]"]
    }


@pytest.mark.parametrize(
    ("text", "said"),
    [("", "This field is required."), ("x" * 70_000, "at most")],
)
def test_a_bad_edit_keeps_the_text_and_says_why(editor_client, article, text, said):
    comment = factories.make_comment(article, body="Original words.")

    response = editor_client.post(
        QUEUE + f"{comment.pk}/edit/",
        {f"body-{comment.pk}": text, "from": "queue"},
        follow=True,
    )

    (message,) = messages_of(response)
    assert message.startswith(f"Comment {comment.pk} was not changed:")
    assert said in message
    assert Comment.objects.get(pk=comment.pk).body == "Original words."
    assert not ModerationAction.objects.filter(comment=comment).exists()


def test_readers_and_staff_without_the_right_cannot_edit(client, article):
    comment = factories.make_comment(article, body="Original words.")
    url = QUEUE + f"{comment.pk}/edit/"
    data = {f"body-{comment.pk}": "Changed."}

    client.force_login(factories.make_user())
    assert client.post(url, data).status_code == 302  # to the admin's sign-in
    client.force_login(factories.make_staff())  # staff, in no group
    assert client.post(url, data).status_code == 403
    assert Comment.objects.get(pk=comment.pk).body == "Original words."


def approve_shown_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'name="ids" value="(\d+)"', html)]


def test_approve_all_shown_asks_then_approves_exactly_the_page(
    editor_client, editor, article, settings
):
    waiting = [factories.make_comment(article, status="pending") for _ in range(3)]
    elsewhere = factories.make_comment(
        factories.make_article(title="Another story"), status="pending"
    )
    query = f"article={article.pk}"

    queue = editor_client.get(f"{QUEUE}?{query}").content.decode()
    assert f'href="{QUEUE}approve-shown/?{query}"' in queue

    confirm = editor_client.get(f"{QUEUE}approve-shown/?{query}")
    html = confirm.content.decode()
    assert "Approve 3 waiting comments?" in html
    assert approve_shown_ids(html) == [c.pk for c in waiting]
    # Asking changes nothing.
    assert Comment.objects.filter(status="pending").count() == 4

    late = factories.make_comment(article, status="pending")  # arrives meanwhile
    response = editor_client.post(
        f"{QUEUE}approve-shown/",
        {"ids": approve_shown_ids(html), "query": query},
        follow=True,
    )

    assert "Approved 3 comments." in messages_of(response)
    assert response.redirect_chain[-1][0] == f"{QUEUE}?{query}"
    for comment in waiting:
        assert Comment.objects.get(pk=comment.pk).status == "approved"
    assert Comment.objects.get(pk=late.pk).status == "pending"
    assert Comment.objects.get(pk=elsewhere.pk).status == "pending"
    assert ModerationAction.objects.filter(action="approve", actor=editor).count() == 3


def test_approve_all_shown_takes_only_the_page_shown(editor_client, article):
    waiting = [factories.make_comment(article, status="pending") for _ in range(52)]

    second_page = editor_client.get(f"{QUEUE}approve-shown/?p=2").content.decode()

    # 50 a page, oldest first: the second page holds the two newest.
    assert approve_shown_ids(second_page) == [c.pk for c in waiting[50:]]


def test_approve_all_shown_needs_the_right_to_moderate(client, article):
    comment = factories.make_comment(article, status="pending")
    client.force_login(factories.make_staff())

    assert client.get(f"{QUEUE}approve-shown/").status_code == 403
    assert client.post(f"{QUEUE}approve-shown/", {"ids": [comment.pk]}).status_code == (
        403
    )
    assert Comment.objects.get(pk=comment.pk).status == "pending"


def test_a_staff_reply_without_a_name_is_signed_by_the_editors(client, article):
    unnamed = factories.make_staff("Editors", username="ed.login")
    question = factories.make_comment(article, status="approved")
    client.force_login(unnamed)

    page = client.get(QUEUE + f"{question.pk}/change/").content.decode()
    assert f"Reply as {STAFF_NAME}" in page
    assert "Your account has no name" in page
    client.post(QUEUE + f"{question.pk}/reply/", {"body": "Thanks."})

    reply = Comment.objects.get(parent=question)
    assert reply.author_name == STAFF_NAME
    assert "ed.login" not in article_page(Client(), article)


def test_createeditor_asks_for_the_name_readers_see(db):
    answers = iter(["dana", "dana@example.com", "Dana Li"])
    with (
        mock.patch("builtins.input", lambda prompt: next(answers)),
        mock.patch("getpass.getpass", return_value="a-Long-passw0rd"),
    ):
        call_command("createeditor", stdout=io.StringIO())

    dana = get_user_model().objects.get(username="dana")
    assert dana.get_full_name() == "Dana Li" and dana.is_staff
    assert list(dana.groups.values_list("name", flat=True)) == ["Editors"]
