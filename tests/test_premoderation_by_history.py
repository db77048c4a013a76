"""
Pre-moderation by history, as Coral does it: authors whose latest comments were
rejected are held, and moderators can mark an author "always pre-moderate".
"""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import Ban, Comment, DiscussionSettings, ModerationAction
from comments.moderation import History, Submission, decide
from tests.factories import make_comment, post_comment

QUEUE = "/admin/comments/comment/"
EMAIL = "repeat@example.com"


def rules(**changes) -> DiscussionSettings:
    return DiscussionSettings(**changes)


def test_decide_holds_an_author_with_enough_recent_rejections():
    known = {"has_approved_comment": True}
    held = decide(Submission(body="hi"), rules(), History(**known, recent_rejections=2))
    passed = decide(
        Submission(body="hi"), rules(), History(**known, recent_rejections=1)
    )
    switched_off = decide(
        Submission(body="hi"),
        rules(hold_after_rejections=0),
        History(**known, recent_rejections=5),
    )

    assert (held.status, held.reason) == (
        "pending",
        "held: 2 of their last 5 comments rejected",
    )
    assert passed.status == switched_off.status == "approved"


def test_decide_holds_a_marked_author_and_a_ban_still_wins():
    marked = History(True, premoderation_reason="heated on this topic")
    assert decide(Submission(body="hi"), rules(), marked).reason == (
        "held: always pre-moderated (heated on this topic)"
    )
    both = History(True, ban_reason="troll", premoderation_reason="heated")
    assert decide(Submission(body="hi"), rules(), both).status == "spam"
    staff = History(is_trusted=True, premoderation_reason="x", recent_rejections=9)
    assert decide(Submission(body="hi"), rules(), staff).status == "approved"


def past_comments(article, *statuses):
    """The author's earlier comments, oldest first, a day apart, long ago."""
    start = timezone.now() - datetime.timedelta(days=30)
    for n, status in enumerate(statuses):
        make_comment(
            article,
            status=status,
            author_name="Rae",
            author_email=EMAIL,
            body=f"Earlier comment {n}.",
            created_at=start + datetime.timedelta(days=n),
        )


def posted(client, article, body="Another view.") -> Comment:
    response = post_comment(client, article, name="Rae", email=EMAIL, body=body)
    assert response.status_code == 302
    return Comment.objects.get(body=body)


@pytest.mark.parametrize(
    ("history", "status", "reason"),
    [
        (
            ["approved", "removed", "approved", "spam", "approved"],
            "pending",
            "held: 2 of their last 5 comments rejected",
        ),
        # The rejections are older than the last five: they count no more.
        (
            [
                "spam",
                "removed",
                "approved",
                "approved",
                "approved",
                "approved",
                "approved",
            ],
            "approved",
            "approved: passed every rule",
        ),
        (
            ["approved", "removed", "approved"],
            "approved",
            "approved: passed every rule",
        ),
    ],
)
def test_a_guests_latest_comments_decide(
    client, article, rules, history, status, reason
):
    past_comments(article, *history)

    comment = posted(client, article)

    assert (comment.status, comment.moderation_reason) == (status, reason)


def test_a_moderator_marks_an_author_always_premoderated_and_lifts_it(
    moderator_client, article, rules
):
    past_comments(article, "approved")
    earlier = Comment.objects.get()
    response = moderator_client.post(
        f"{QUEUE}{earlier.pk}/ban/",
        {
            "effect": "hold",
            "kind": "email",
            "reason": "Heated on this topic",
            "expires_in": "",
        },
        follow=True,
    )
    assert "is always pre-moderated" in response.content.decode()
    earlier.refresh_from_db()
    assert earlier.status == "approved"  # the comment itself is left alone
    assert ModerationAction.objects.get(comment=earlier).action == "premoderate"

    held = posted(Client(), article)
    assert (held.status, held.moderation_reason) == (
        "pending",
        "held: always pre-moderated (Heated on this topic)",
    )

    mark = Ban.objects.get()
    assert mark.effect == "hold"
    moderator_client.post(f"/admin/comments/ban/{mark.pk}/delete/", {"post": "yes"})
    assert not Ban.objects.exists()
    free = posted(Client(), article, body="Calmer now.")
    assert free.status == "approved"


def test_a_marked_account_is_held(client, article, rules, django_user_model):
    reader = django_user_model.objects.create_user("rae", email=EMAIL, password="pw")
    Ban.objects.create(
        kind="account", user=reader, effect="hold", reason="New to the desk's rules"
    )
    make_comment(article, user=reader, status="approved")
    client.force_login(reader)

    response = post_comment(client, article, body="Signed in and held.")

    assert response.status_code == 302
    comment = Comment.objects.get(body="Signed in and held.")
    assert comment.status == "pending"
    assert "always pre-moderated" in comment.moderation_reason


def test_the_moderator_sees_why_in_the_queue(moderator_client, article, rules):
    past_comments(article, "spam", "removed", "approved")
    posted(Client(), article)

    queue = moderator_client.get(QUEUE).content.decode()

    assert "held: 2 of their last 5 comments rejected" in queue


def test_rejections_under_a_guests_email_and_another_name_are_not_theirs(
    article, rules
):
    past_comments(article, "approved")
    for n in range(3):  # someone who knows Rae's address, rejected under a new name
        make_comment(
            article,
            status="spam",
            author_name="Mallory",
            author_email=EMAIL,
            body=f"Spam in Rae's name {n}.",
        )

    comment = posted(Client(), article)

    assert (comment.status, comment.moderation_reason) == (
        "approved",
        "approved: passed every rule",
    )


def test_an_authors_own_deletions_are_not_rejections(client, article, rules):
    past_comments(article, "approved")
    for n in range(3):
        deleted = posted(client, article, body=f"Second thoughts {n}.")
        assert client.post(f"/comments/{deleted.pk}/delete/").status_code == 302
    assert Comment.objects.filter(status="removed").count() == 3

    comment = posted(client, article)

    assert (comment.status, comment.moderation_reason) == (
        "approved",
        "approved: passed every rule",
    )


def test_an_accounts_rejections_still_count_and_its_deletions_do_not(
    client, article, rules, django_user_model
):
    reader = django_user_model.objects.create_user("rae", email=EMAIL, password="pw")
    make_comment(article, user=reader, status="approved")
    client.force_login(reader)
    deleted = posted(client, article, body="Second thoughts.")
    client.post(f"/comments/{deleted.pk}/delete/")
    assert posted(client, article, body="Still fine.").status == "approved"
    make_comment(article, user=reader, status="removed", body="Rejected once.")
    make_comment(article, user=reader, status="spam", body="Rejected twice.")

    held = posted(client, article, body="Now held.")

    assert held.moderation_reason == "held: 2 of their last 5 comments rejected"
