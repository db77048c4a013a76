"""Bans: made from a comment's page, listed in the admin, applied to new comments."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import Ban, Comment, ModerationAction
from tests import factories
from tests.factories import article_page, post_comment

QUEUE = "/admin/comments/comment/"


@pytest.mark.parametrize(
    ("kind", "value"),
    [("email", "troll@example.com"), ("ip", "127.0.0.1")],
)
def test_banned_guest_comment_goes_straight_to_spam(
    client, article, rules, kind, value
):
    field = "email" if kind == "email" else "ip_address"
    Ban.objects.create(kind=kind, reason="abusive", **{field: value})

    post_comment(client, article, email="troll@example.com", body="Me again.")

    comment = Comment.objects.get(body="Me again.")
    assert (comment.status, comment.moderation_reason) == ("spam", "banned")
    # Shown to its author as held (they are not told), to nobody else.
    assert "Me again." not in article_page(Client(), article)


def test_ban_matches_email_whatever_its_case(client, article, rules):
    Ban.objects.create(kind="email", email="Troll@Example.com", reason="abusive")
    post_comment(client, article, email="troll@example.com", body="Case test.")
    assert Comment.objects.get(body="Case test.").status == "spam"


def test_banned_account_goes_to_spam(client, article, rules):
    reader = factories.make_user(password=None)
    Ban.objects.create(kind="account", user=reader, reason="spam links")
    client.force_login(reader)
    post_comment(client, article, body="Signed in and banned.")
    assert Comment.objects.get(body="Signed in and banned.").status == "spam"


def test_expired_ban_no_longer_applies(client, article, rules):
    factories.make_comment(  # known author
        article, author_name="Grace Guest", author_email="back@example.com"
    )
    Ban.objects.create(
        kind="email",
        email="back@example.com",
        reason="cooling off",
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    post_comment(client, article, email="back@example.com", body="I'm back.")
    assert Comment.objects.get(body="I'm back.").status == "approved"


def test_other_people_are_not_affected(client, article, rules):
    Ban.objects.create(kind="email", email="troll@example.com", reason="abusive")
    post_comment(client, article, email="nice@example.com", body="Hello.")
    assert Comment.objects.get(body="Hello.").moderation_reason != "banned"


def test_ban_lookup_is_one_query(client, article, rules, django_assert_num_queries):
    from comments.models import Ban as BanModel

    with django_assert_num_queries(1):
        assert (
            BanModel.objects.reason_for(
                user_id=1, email="x@example.com", ip_address="192.0.2.9"
            )
            == ""
        )


def test_posting_finds_the_bans_the_admin_finds(article, rules):
    """
    Posting asks for bans in SQL (bans.active_on(), in comments.history's one
    query) compiled from BanQuerySet.on(), which the admin asks through the ORM:
    both give the same answers, whatever identities a comment has.
    """
    from comments.history import gather

    user = factories.make_user()
    ago, soon = (timezone.now() + datetime.timedelta(hours=h) for h in (-1, 1))
    Ban.objects.create(kind="account", user=user, effect="hold", reason="watch")
    Ban.objects.create(kind="email", email="troll@example.com", reason="")
    Ban.objects.create(kind="ip", ip_address="192.0.2.9", reason="new", expires_at=soon)
    # The newest, but expired.
    Ban.objects.create(kind="ip", ip_address="192.0.2.9", reason="old", expires_at=ago)
    Ban.objects.create(kind="ip", ip_address="2001:db8::7", effect="hold", reason="v6")
    identities = [
        {"user_id": user.pk},
        {"email": "Troll@Example.com"},
        {"ip_address": "192.0.2.9"},
        {"user_id": user.pk, "email": "troll@example.com", "ip_address": "192.0.2.9"},
        {"email": "nice@example.com", "ip_address": "192.0.2.10"},
        {"ip_address": "2001:DB8:0:0::7"},
        {"email": "troll@example.com", "ip_address": "2001:db8::7"},
        {},
    ]
    found = []
    for identity in identities:
        comment = Comment(
            article=article,
            body="Hello.",
            user_id=identity.get("user_id"),
            author_email=identity.get("email", ""),
            ip_address=identity.get("ip_address"),
        )
        history = gather(comment, rules).history
        answer = (history.ban_reason, history.premoderation_reason)
        assert answer == Ban.objects.measures_for(**identity)
        found.append(answer)
    assert found[1:4] == [("no reason given", ""), ("new", ""), ("new", "watch")]
    assert found[5:7] == [("", "v6"), ("no reason given", "v6")]


def test_moderator_bans_from_the_comment_page(moderator_client, client, article, rules):
    comment = factories.make_comment(
        article, status="pending", author_email="pest@example.com"
    )
    page = moderator_client.get(QUEUE + f"{comment.pk}/change/").content.decode()
    assert "Ban or pre-moderate this author" in page
    assert "Email: pest@example.com" in page

    response = moderator_client.post(
        QUEUE + f"{comment.pk}/ban/",
        {
            "effect": "spam",
            "kind": "email",
            "reason": "Insults",
            "expires_in": "7",
            "spam": "on",
        },
    )

    assert response.status_code == 302
    ban = Ban.objects.get()
    assert (ban.kind, ban.email, ban.reason) == ("email", "pest@example.com", "Insults")
    assert ban.expires_at - timezone.now() > datetime.timedelta(days=6)
    comment.refresh_from_db()
    assert comment.status == "spam"
    assert set(
        ModerationAction.objects.filter(comment=comment).values_list(
            "action", flat=True
        )
    ) == {"ban", "spam"}
    page = moderator_client.get(QUEUE + f"{comment.pk}/change/").content.decode()
    assert "Insults" in page and "Banned the author" in page

    moderator_client.logout()
    post_comment(client, article, email="pest@example.com", body="Again!")
    assert Comment.objects.get(body="Again!").moderation_reason == "banned"


def test_ban_needs_a_reason(moderator_client, article):
    comment = factories.make_comment(article, status="pending")
    moderator_client.post(
        QUEUE + f"{comment.pk}/ban/", {"effect": "spam", "kind": "ip", "reason": ""}
    )
    assert not Ban.objects.exists()


def test_bans_are_listed_and_editable(moderator_client, db):
    ban = Ban.objects.create(kind="ip", ip_address="198.51.100.4", reason="flood")

    listing = moderator_client.get("/admin/comments/ban/").content.decode()
    assert "198.51.100.4" in listing and "flood" in listing

    response = moderator_client.post(
        f"/admin/comments/ban/{ban.pk}/change/",
        {
            "effect": "spam",
            "kind": "ip",
            "user": "",
            "email": "",
            "ip_address": "198.51.100.4",
            "reason": "flood, again",
            "expires_at_0": "2030-01-01",
            "expires_at_1": "00:00:00",
        },
    )
    assert response.status_code == 302
    ban.refresh_from_db()
    assert ban.reason == "flood, again" and ban.expires_at.year == 2030


def test_a_ban_must_name_one_identity(db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Ban.objects.create(kind="email", email="", reason="nobody")
    with pytest.raises(IntegrityError), transaction.atomic():
        Ban.objects.create(kind="ip", email="a@example.com", reason="mixed")


def test_commenter_context_lists_other_comments_by_account_email_and_ip(
    moderator_client, article
):
    reader = factories.make_user(password=None)
    comment = factories.make_comment(
        article,
        status="pending",
        user=reader,
        author_email="same@example.com",
        ip_address="192.0.2.50",
    )
    by_account = factories.make_comment(
        article, user=reader, body="By account.", ip_address="192.0.2.1"
    )
    by_email = factories.make_comment(
        article, status="spam", author_email="same@example.com", body="By email."
    )
    by_ip = factories.make_comment(
        article, status="removed", ip_address="192.0.2.50", body="By IP."
    )
    factories.make_comment(article, body="Somebody else.")

    page = moderator_client.get(QUEUE + f"{comment.pk}/change/").content.decode()

    for other, status in [
        (by_account, "Approved"),
        (by_email, "Spam"),
        (by_ip, "Removed"),
    ]:
        assert other.body in page
        assert f"/admin/comments/comment/{other.pk}/change/" in page
        assert f'status--{status.lower()}">{status}' in page
    assert "Somebody else." not in page


def test_admin_explains_a_ban_with_the_wrong_identity(moderator_client, db):
    response = moderator_client.post(
        "/admin/comments/ban/add/",
        {
            "effect": "spam",
            "kind": "email",
            "user": "",
            "email": "",
            "ip_address": "192.0.2.4",
            "reason": "mixed up",
            "expires_at_0": "",
            "expires_at_1": "",
        },
    )
    assert response.status_code == 200
    assert "A ban names one identity" in response.content.decode()
    assert not Ban.objects.exists()


def test_a_ban_by_email_is_added_by_hand(moderator_client, db):
    response = moderator_client.post(
        "/admin/comments/ban/add/",
        {
            "effect": "spam",
            "kind": "email",
            "user": "",
            "email": "Pest@Example.com",
            "ip_address": "",
            "reason": "insults",
            "expires_at_0": "",
            "expires_at_1": "",
        },
    )
    assert response.status_code == 302
    ban = Ban.objects.get()
    assert (ban.kind, ban.email, ban.ip_address) == ("email", "pest@example.com", None)


def test_the_authors_own_comments_come_first_and_shared_addresses_apart(
    moderator_client, article
):
    comment = factories.make_comment(
        article, status="pending", author_email="me@example.com", ip_address="10.0.0.1"
    )
    for n in range(30):  # a busy office behind one address
        factories.make_comment(
            article, author_email=f"colleague{n}@example.com", ip_address="10.0.0.1"
        )
    mine = factories.make_comment(
        article, author_email="me@example.com", ip_address="192.0.2.9", body="Mine."
    )

    page = moderator_client.get(QUEUE + f"{comment.pk}/change/").content.decode()

    own = page.split('id="others-title"')[1].split("</section>")[0]
    shared = page.split('id="same-address-title"')[1].split("</section>")[0]
    assert "Mine." in own and "colleague" not in own
    assert f"/admin/comments/comment/{mine.pk}/change/" in own
    assert "Others from the same IP address (30)" in shared
    assert shared.count("<tr>") == 1 + 10  # the header and the latest 10
