"""Who may moderate: Moderators and Editors; readers never reach the admin."""

import pytest
from django.contrib.auth.models import Group

from tests import factories

QUEUE = "/admin/comments/comment/"


def codenames(group: str) -> set[str]:
    return set(
        Group.objects.get(name=group).permissions.values_list("codename", flat=True)
    )


def test_moderators_moderate_comments_bans_and_settings_only(db):
    perms = codenames("Moderators")
    assert {
        "view_comment",
        "change_comment",
        "add_ban",
        "change_ban",
        "view_ban",
        "delete_ban",
        "change_discussionsettings",
    } <= perms
    assert "delete_comment" not in perms
    assert not {p for p in perms if p.endswith(("_article", "_user", "_group"))}


def test_editors_have_article_and_moderation_permissions(db):
    perms = codenames("Editors")
    assert {"change_article", "change_comment", "add_ban"} <= perms
    assert not {p for p in perms if p.endswith(("_user", "_group"))}


@pytest.mark.parametrize("group", ["Moderators", "Editors"])
def test_both_groups_clear_the_queue(client, article, group):
    client.force_login(factories.make_staff(group))
    comment = factories.make_comment(article, status="pending")

    assert client.get(QUEUE).status_code == 200
    assert client.get("/admin/comments/ban/add/").status_code == 200
    assert client.get("/admin/comments/discussionsettings/1/change/").status_code == 200
    factories.bulk_action(client, "approve", comment)

    comment.refresh_from_db()
    assert comment.status == "approved"


def test_moderators_cannot_touch_articles_users_or_groups(moderator_client, article):
    for url in [
        "/admin/articles/article/",
        f"/admin/articles/article/{article.pk}/change/",
        "/admin/auth/user/",
        "/admin/auth/group/",
    ]:
        assert moderator_client.get(url).status_code == 403, url


def test_staff_without_comment_permissions_cannot_moderate(client, article):
    client.force_login(factories.make_staff())
    comment = factories.make_comment(article, status="pending")
    assert client.get(QUEUE).status_code == 403
    response = client.post(QUEUE + f"{comment.pk}/moderate/", {"moderate": "approve"})
    assert response.status_code == 403
    response = client.post(QUEUE + f"{comment.pk}/reply/", {"body": "Hi"})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_view_only_staff_cannot_ban(client, article):
    from django.contrib.auth.models import Permission

    user = factories.make_staff()
    user.user_permissions.add(
        Permission.objects.get(codename="view_comment"),
        Permission.objects.get(codename="change_comment"),
    )
    client.force_login(user)
    comment = factories.make_comment(article, status="pending")
    response = client.post(
        QUEUE + f"{comment.pk}/ban/",
        {"effect": "spam", "kind": "ip", "reason": "x", "expires_in": ""},
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "url", ["/admin/", QUEUE, "/admin/comments/ban/", "/admin/comments/comment/1/ban/"]
)
def test_readers_never_reach_the_admin(client, db, url):
    client.force_login(factories.make_user(password=None))
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_social_login_readers_never_reach_the_admin(client, db):
    from allauth.socialaccount.models import SocialAccount

    reader = factories.make_user(password=None)
    SocialAccount.objects.create(user=reader, provider="facebook", uid="123")
    client.force_login(reader)
    assert client.get(QUEUE).status_code == 302


@pytest.fixture
def ban_only_client(client, db):
    """Staff who may ban and read comments, but not change them."""
    from django.contrib.auth.models import Permission

    user = factories.make_user(password=None, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_comment", "add_ban"])
    )
    client.force_login(user)
    return client


def test_banning_cannot_mark_spam_without_the_right_to_change_comments(
    ban_only_client, article
):
    from comments.models import Ban

    comment = factories.make_comment(article, status="pending")

    response = ban_only_client.post(
        QUEUE + f"{comment.pk}/ban/",
        {
            "effect": "spam",
            "kind": "ip",
            "reason": "flood",
            "expires_in": "",
            "spam": "on",
        },
    )

    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == "pending"
    assert not Ban.objects.exists()  # the whole request is refused


def test_staff_who_may_only_ban_are_offered_the_ban_alone(ban_only_client, article):
    from comments.models import Ban

    comment = factories.make_comment(article, status="pending")

    page = ban_only_client.get(QUEUE + f"{comment.pk}/change/").content.decode()
    assert "Ban or pre-moderate this author" in page
    assert "Also mark this comment as spam" not in page
    response = ban_only_client.post(
        QUEUE + f"{comment.pk}/ban/",
        {"effect": "spam", "kind": "ip", "reason": "flood"},
    )

    assert response.status_code == 302
    assert Ban.objects.get().ip_address == comment.ip_address
    comment.refresh_from_db()
    assert comment.status == "pending"
