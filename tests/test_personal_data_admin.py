"""
An editor with the right exports or erases what is held about an email address,
in the admin's "Personal data requests"; the log keeps counts, never whose.
"""

import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from comments.models import (
    Ban,
    Comment,
    ModerationAction,
    Notice,
    OutboundMail,
    Subscription,
)
from newsroom.models import PersonalDataRequest
from tests import factories

TOOL = "/admin/newsroom/personaldatarequest/add/"
LOG = "/admin/newsroom/personaldatarequest/"


@pytest.fixture
def officer_client(client, db):
    """Staff given the tool's one permission, and nothing else."""
    officer = factories.make_staff(username="officer")
    officer.user_permissions.add(
        Permission.objects.get(codename="add_personaldatarequest")
    )
    client.force_login(officer)
    return client


@pytest.fixture
def grace(article):
    return factories.make_reader_with_history(article)


def export(client, email: str) -> dict:
    response = client.post(TOOL, {"email": email, "mode": "anonymise", "export": "1"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    return json.loads(response.content)


def erase(client, email: str, mode: str):
    return client.post(TOOL, {"email": email, "mode": mode, "confirm": "1"})


def test_export_holds_every_kind_of_data_and_nothing_of_anyone_else(
    officer_client, grace
):
    data = export(officer_client, "GRACE@example.com")

    [account] = data["accounts"]
    assert account["username"] == "grace"
    assert {a["email"]: a["verified"] for a in account["addresses"]} == {
        "grace@example.com": True,
        "ghopper@example.org": True,
        "maybe-grace@example.net": False,
    }
    assert account["signs_in_with"][0] | {"date_joined": None, "last_login": None} == {
        "provider": "twitter_oauth2",
        "uid": "4242",
        "date_joined": None,
        "last_login": None,
    }
    assert account["date_joined"]
    comments = {c["text"]: c for c in data["comments"]}
    assert set(comments) == {"Signed-in words of Grace.", "Guest words of Grace."}
    signed_in = comments["Signed-in words of Grace."]
    assert signed_in | {"posted_at": None, "id": None} == {
        "id": None,
        "article": grace["signed_in"].article.title,
        "article_url": "http://testserver"
        + grace["signed_in"].article.get_absolute_url(),
        "in_reply_to": None,
        "status": "Approved",
        "posted_at": None,
        "text": "Signed-in words of Grace.",
        "name": "Grace Hopper",
        "email": "grace@example.com",
        "website": "",
        "ip_address": "203.0.113.7",
        "user_agent": "GraceBrowser/1.0",
        "signed_in_with": "twitter_oauth2",
        "account": "@ghopper (X id 4242)",
        "picture": "http://testserver/media/avatars/grace.png",
        "moderation_reason": "",
    }
    assert comments["Guest words of Grace."]["status"] == "Spam"
    assert comments["Guest words of Grace."]["website"] == "https://grace.example.org/"
    [subscription] = data["subscriptions"]
    assert subscription["status"] == "Confirmed"
    assert subscription["notices_waiting"] == 1
    assert [m["subject"] for m in data["mail"]] == ["A reply to your comment"]
    assert [(b["on"], b["reason"]) for b in data["bans"]] == [
        ("ghopper@example.org", "Shouting")
    ]
    [edit] = data["moderation"]
    assert edit["changes"] == {"author_url": ["https://old.grace.example/", ""]}
    text = json.dumps(data)
    for someone_else in ["Bob", "bob@example.com", "198.51.100.9", "Not Grace"]:
        assert someone_else not in text


def test_an_export_is_logged_with_counts_only(officer_client, grace):
    export(officer_client, "grace@example.com")

    entry = PersonalDataRequest.objects.get()
    assert (entry.action, entry.done_by.username) == ("export", "officer")
    assert entry.summary["comments exported"] == 2
    assert_no_trace_of_grace(entry)


def assert_no_trace_of_grace(entry: PersonalDataRequest) -> None:
    row = json.dumps(
        [entry.action, entry.summary, str(entry), entry.done_by_id], default=str
    ).lower()
    for trace in ["grace", "hopper", "example", "203.0.113"]:
        assert trace not in row


def test_erasing_asks_first_with_the_counts(officer_client, grace):
    page = officer_client.post(
        TOOL, {"email": "grace@example.com", "mode": "anonymise", "erase": "1"}
    ).content.decode()

    assert "anonymise <strong>2</strong> comments" in page
    assert "<strong>1</strong> subscription and <strong>1</strong> mail" in page
    assert "<strong>1</strong> account: grace" in page
    assert "keep <strong>1</strong> ban" in page
    assert Comment.objects.filter(author_name="Grace Hopper").exists()


def test_erasing_anonymises_comments_and_deletes_the_rest(
    officer_client,
    grace,
    article,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.MEDIA_ROOT = tmp_path
    default_storage.save("avatars/grace.png", ContentFile(b"\x89PNG\r\n\x1a\n"))
    reader = Client()
    assert "Grace Hopper" in factories.article_page(reader, article)

    with django_capture_on_commit_callbacks(execute=True):
        response = erase(officer_client, "grace@example.com", "anonymise")

    assert response.status_code == 302
    signed_in = Comment.objects.get(pk=grace["signed_in"].pk)
    assert signed_in.body == "Signed-in words of Grace."
    assert signed_in.status == "approved"
    assert signed_in.display_name == "Anonymous"
    for comment in [signed_in, Comment.objects.get(pk=grace["as_guest"].pk)]:
        assert (
            comment.user,
            comment.author_name,
            comment.author_email,
            comment.author_url,
            comment.ip_address,
            comment.user_agent,
            comment.author_account,
            comment.author_avatar,
            comment.author_provider,
        ) == (None, "", "", "", None, "", "", "", "")
    assert not default_storage.exists("avatars/grace.png")
    assert ModerationAction.objects.get(comment=signed_in).changes == {}
    assert not get_user_model().objects.filter(username="grace").exists()
    assert not EmailAddress.objects.filter(email__icontains="grace").exists()
    assert list(Subscription.objects.values_list("email", flat=True)) == [
        "bob@example.com"
    ]
    assert not Notice.objects.exists()
    assert list(OutboundMail.objects.values_list("subject", flat=True)) == ["For Bob"]
    assert Ban.objects.filter(email="ghopper@example.org").exists()  # bans stay
    # Someone else's words are untouched, and an unproven address isn't hers.
    assert Comment.objects.get(pk=grace["reply"].pk).author_name == "Bob Builder"
    assert Comment.objects.get(pk=grace["unproven"].pk).author_name == "Not Grace"

    page = factories.article_page(reader, article)
    assert "Grace Hopper" not in page
    assert "Signed-in words of Grace." in page
    assert "Anonymous" in page

    entry = PersonalDataRequest.objects.get()
    assert entry.action == "erase"
    assert entry.summary["comments anonymised"] == 2
    assert entry.summary["accounts deleted"] == 1
    assert entry.summary["subscriptions deleted"] == 1
    assert entry.summary["mails deleted"] == 1
    assert_no_trace_of_grace(entry)


def test_removing_hides_her_words_and_keeps_the_replies(officer_client, grace, article):
    reader = Client()
    assert "Signed-in words of Grace." in factories.article_page(reader, article)

    erase(officer_client, "grace@example.com", "remove")

    signed_in = Comment.objects.get(pk=grace["signed_in"].pk)
    assert signed_in.status == "removed"
    assert "Grace" not in signed_in.body + signed_in.body_html
    assert signed_in.author_name == signed_in.author_email == ""
    page = factories.article_page(reader, article)
    assert "Signed-in words of Grace." not in page
    assert "Grace Hopper" not in page
    assert "Bob answers." in page
    entry = PersonalDataRequest.objects.get()
    assert entry.summary["comments removed"] == 2


def test_an_account_that_never_verified_the_address_is_not_theirs(
    officer_client, grace
):
    """An unverified address may be a typo, or put there by someone else: the
    account is not handed over or deleted, only the address taken off it."""
    data = export(officer_client, "maybe-grace@example.net")
    confirm = officer_client.post(
        TOOL, {"email": "maybe-grace@example.net", "mode": "remove", "erase": "1"}
    ).content.decode()
    erase(officer_client, "maybe-grace@example.net", "remove")

    assert data["accounts"] == []
    assert data["unverified_on_accounts"] == [
        {"email": "maybe-grace@example.net", "verified": False}
    ]
    assert [c["name"] for c in data["comments"]] == ["Not Grace"]
    assert "grace@example.com" not in json.dumps(data)
    assert "take the address off <strong>1</strong> other account" in confirm
    user = get_user_model().objects.get(username="grace")
    assert set(user.emailaddress_set.values_list("email", flat=True)) == {
        "grace@example.com",
        "ghopper@example.org",
    }
    assert Comment.objects.get(pk=grace["unproven"].pk).status == "removed"
    assert Comment.objects.get(pk=grace["signed_in"].pk).author_name == "Grace Hopper"
    entry = PersonalDataRequest.objects.get(action="erase")
    assert entry.summary["unverified addresses removed"] == 1
    assert entry.summary["accounts deleted"] == 0


def test_a_staff_account_is_not_erased(officer_client, article):
    staff = factories.make_staff("Editors", email="eve@example.com")
    factories.make_comment(article, user=staff, author_email="eve@example.com")

    confirm = officer_client.post(
        TOOL, {"email": "eve@example.com", "mode": "remove", "erase": "1"}
    )
    response = erase(officer_client, "eve@example.com", "remove")

    assert "staff accounts are not erased from here" in confirm.content.decode()
    assert response.status_code == 200
    assert "belongs to staff" in response.content.decode()
    assert get_user_model().objects.filter(pk=staff.pk).exists()
    assert Comment.objects.get().author_email == "eve@example.com"
    assert not PersonalDataRequest.objects.exists()


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b@c"])
def test_a_bad_address_is_an_error_on_the_form(officer_client, email):
    for button in ["export", "erase", "confirm"]:
        response = officer_client.post(
            TOOL, {"email": email, "mode": "remove", button: "1"}
        )
        assert response.status_code == 200
        assert "Please correct the error below." in response.content.decode()
    assert not PersonalDataRequest.objects.exists()


def test_an_address_nobody_has_exports_an_empty_file(officer_client, grace):
    data = export(officer_client, "nobody@example.com")

    assert data["accounts"] == data["comments"] == data["subscriptions"] == []


def test_moderators_and_editors_have_no_access(client, grace):
    for group in ["Moderators", "Editors"]:
        client.force_login(factories.make_staff(group))
        assert client.get(TOOL).status_code == 403
        assert client.get(LOG).status_code == 403
        response = erase(client, "grace@example.com", "remove")
        assert response.status_code == 403
    assert Comment.objects.filter(author_name="Grace Hopper").exists()


def test_the_tool_is_linked_from_the_admin_index_for_those_allowed(officer_client):
    index = officer_client.get("/admin/").content.decode()
    log = officer_client.get(LOG).content.decode()

    assert "Personal data requests" in index
    assert "Export or erase personal data" in log


def test_the_tool_takes_posts_with_a_csrf_token_only(grace):
    officer = factories.make_staff(username="officer", is_superuser=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)

    response = erase(client, "grace@example.com", "remove")

    assert response.status_code == 403
    assert Comment.objects.filter(author_name="Grace Hopper").exists()


def test_her_likes_and_reports_are_exported_and_erased(officer_client, grace, article):
    from comments.models import Like, LikeCount, Report
    from readers.client_ip import network_key

    user = get_user_model().objects.get(username="grace")
    other = factories.make_comment(article, author_name="Bob", body="Bob's point.")
    Like.objects.create(comment=other, user=user)
    Like.objects.create(comment=other, browser="someone-else")
    Report.objects.create(
        comment=other,
        user=user,
        reason="other",
        note="Grace's note",
        network=network_key("203.0.113.7"),
    )

    data = export(officer_client, "grace@example.com")
    assert [like["comment"] for like in data["likes"]] == [other.pk]
    assert [report["note"] for report in data["reports"]] == ["Grace's note"]

    erase(officer_client, "grace@example.com", "anonymise")

    assert LikeCount.objects.get(comment=other).count == 1
    assert not Like.objects.filter(user__username="grace").exists()
    report = Report.objects.get()
    assert (report.user, report.network, report.note) == (None, "", "Grace's note")
    assert report.browser.startswith("erased:")
    entry = PersonalDataRequest.objects.get(action="erase")
    assert (
        entry.summary["likes deleted"],
        entry.summary["reports made anonymous"],
    ) == (
        1,
        1,
    )
