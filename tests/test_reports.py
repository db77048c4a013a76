"""Readers report comments; enough reports hide one; moderators answer them."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import Comment, ModerationAction, Report
from comments.reporting import REPORTS_PER_ADDRESS
from tests.factories import article_page, bulk_action, make_comment

QUEUE = "/admin/comments/comment/"


def report_url(comment) -> str:
    return f"/comments/{comment.pk}/report/"


def report(client, comment, *, remote_addr="192.0.2.10", **fields):
    """Report `comment` as `client`'s browser would: its report page's form."""
    page = client.get(report_url(comment), REMOTE_ADDR=remote_addr).content.decode()
    stamp = re.search(r'name="stamp" value="([^"]+)"', page)
    data = {
        "reason": "abuse",
        "note": "",
        "stamp": stamp[1] if stamp else "",
        "homepage": "",
    }
    return client.post(report_url(comment), data | fields, REMOTE_ADDR=remote_addr)


@pytest.fixture
def comment(article, rules):
    return make_comment(article, author_name="Troll", body="You are all idiots.")


def test_a_guest_reports_a_comment_and_is_thanked(client, article, comment):
    page = client.get(report_url(comment)).content.decode()
    assert "You are all idiots." in page
    assert "What is wrong with this comment?" in page

    response = report(client, comment, reason="abuse", note="Insults everyone.")

    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#c-{comment.pk}"
    filed = Report.objects.get()
    assert (filed.comment, filed.reason, filed.note, filed.user) == (
        comment,
        "abuse",
        "Insults everyone.",
        None,
    )
    assert filed.browser and filed.network
    assert "192.0.2.10" not in repr(Report.objects.values().get())  # no address kept
    assert response.cookies["reported_comments"].value == str(comment.pk)
    page = client.get(response["Location"]).content.decode()
    assert "Thank you for your report." in page


def test_a_browser_reports_a_comment_once(client, comment):
    report(client, comment)

    again = report(client, comment, reason="spam")

    assert again.status_code == 200
    assert "You reported this comment on" in again.content.decode()
    assert Report.objects.count() == 1
    # Another browser at another address: another reader.
    assert report(Client(), comment, remote_addr="192.0.2.11").status_code == 302
    assert Report.objects.count() == 2


def test_an_account_reports_a_comment_once_from_any_browser(comment, django_user_model):
    reader = django_user_model.objects.create_user("ann", password="pw")
    first, second = Client(), Client()
    first.force_login(reader)
    second.force_login(reader)

    assert report(first, comment).status_code == 302
    assert "You reported this comment" in report(second, comment).content.decode()
    assert Report.objects.get().user == reader


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"homepage": "http://spam.example"}, "Your report looks automated"),
        ({"stamp": "forged"}, "This form has expired or was changed"),
        ({"reason": "other", "note": ""}, "Please say what is wrong"),
        ({"reason": "nonsense"}, "Select a valid choice"),
    ],
)
def test_robots_and_bad_forms_get_a_clear_message(client, comment, fields, message):
    response = report(client, comment, **fields)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Report.objects.exists()


def test_a_report_sent_at_once_is_refused(client, article):
    comment = make_comment(article)  # the real rules: 3 seconds to read first

    response = report(client, comment)

    assert response.status_code == 400
    assert "That was quick!" in response.content.decode()


def test_one_address_may_send_only_so_many_reports(article, rules):
    comments = [make_comment(article) for _ in range(REPORTS_PER_ADDRESS + 1)]
    for comment in comments[:-1]:
        assert report(Client(), comment, remote_addr="198.51.100.7").status_code == 302

    refused = report(Client(), comments[-1], remote_addr="198.51.100.7")

    assert refused.status_code == 400
    assert "many reports in a short time" in refused.content.decode()
    assert report(Client(), comments[-1], remote_addr="198.51.100.8").status_code == 302


def test_three_reports_hide_a_comment_for_a_moderator(article, comment):
    for n in range(2):
        report(Client(), comment, remote_addr=f"192.0.2.{n + 1}")
    comment.refresh_from_db()
    assert comment.status == "approved"

    report(Client(), comment, remote_addr="192.0.2.3")

    comment.refresh_from_db()
    assert (comment.status, comment.moderation_reason) == (
        "pending",
        "held: reported by 3 readers",
    )
    assert ModerationAction.objects.get(comment=comment).action == "reported"
    assert "You are all idiots." not in article_page(Client(), article)
    assert Client().get(report_url(comment)).status_code == 404


def test_fresh_browsers_at_one_address_count_as_one_reader(article, comment):
    """A browser without cookies costs nothing: an address is one reader."""
    first = report(Client(), comment, remote_addr="198.51.100.40")
    again = [report(Client(), comment, remote_addr="198.51.100.40") for _ in range(2)]

    assert first.status_code == 302
    comment.refresh_from_db()
    assert comment.status == "approved"
    assert Report.objects.count() == 1
    for answer in again:
        assert answer.status_code == 200
        assert "already reported from your internet connection" in (
            answer.content.decode()
        )

    for address in ("198.51.100.41", "198.51.100.42"):
        report(Client(), comment, remote_addr=address)

    comment.refresh_from_db()
    assert comment.moderation_reason == "held: reported by 3 readers"


def test_an_ipv6_network_counts_as_one_reader(comment):
    for host in ("::1", "::2", ":abcd:ef01:2345:6789"):
        report(Client(), comment, remote_addr=f"2001:db8:7:8{host}")

    comment.refresh_from_db()
    assert comment.status == "approved"
    assert Report.objects.count() == 1
    # The next /64 is another household's, or another phone's.
    assert report(Client(), comment, remote_addr="2001:db8:7:9::1").status_code == 302
    assert Report.objects.count() == 2


def test_behind_the_proxy_what_a_client_writes_in_the_header_makes_no_one(
    comment, settings
):
    """The network is the address readers.client_ip trusts: nginx's, not theirs."""
    settings.TRUSTED_PROXY_COUNT = 1
    for made_up in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        forwarded = {"X-Forwarded-For": f"{made_up}, 198.51.100.80"}
        report(Client(headers=forwarded), comment, remote_addr="127.0.0.1")

    comment.refresh_from_db()
    assert comment.status == "approved"
    assert Report.objects.count() == 1


def test_signed_in_readers_count_as_their_accounts(comment, django_user_model):
    """Three accounts behind one office's address are three readers."""
    for name in ("ann", "bob", "cy"):
        reader = Client()
        reader.force_login(django_user_model.objects.create_user(name))
        assert report(reader, comment, remote_addr="198.51.100.50").status_code == 302

    comment.refresh_from_db()
    assert comment.moderation_reason == "held: reported by 3 readers"


@pytest.mark.parametrize(
    "fields",
    [{"author_is_staff": True}, {"featured_at": timezone.now()}],
    ids=["staff", "pick"],
)
def test_staff_comments_and_picks_are_never_hidden_by_reports(
    moderator_client, article, rules, fields
):
    comment = make_comment(article, body="Word from the editors.", **fields)

    for n in range(3):
        report(Client(), comment, remote_addr=f"192.0.2.{n + 1}")

    comment.refresh_from_db()
    assert comment.status == "approved"
    assert Report.objects.filter(comment=comment).count() == 3
    assert "Word from the editors." in article_page(Client(), article)
    reported = moderator_client.get(f"{QUEUE}?status=reported").content.decode()
    assert "Word from the editors." in reported


def test_after_a_dismissal_the_same_readers_cannot_hide_it_again(
    moderator_client, article, comment
):
    addresses = [f"192.0.2.{n + 1}" for n in range(3)]
    for address in addresses:
        report(Client(), comment, remote_addr=address)
    moderator_client.post(f"{QUEUE}{comment.pk}/moderate/", {"moderate": "dismiss"})

    # The same people with fresh browsers.
    again = [report(Client(), comment, remote_addr=address) for address in addresses]

    comment.refresh_from_db()
    assert comment.status == "approved"
    assert "You are all idiots." in article_page(Client(), article)
    assert all("already reported" in answer.content.decode() for answer in again)


def test_an_ipv6_network_may_send_only_so_many_reports(article, rules):
    comments = [make_comment(article) for _ in range(REPORTS_PER_ADDRESS + 1)]
    for n, comment in enumerate(comments[:-1]):
        address = f"2001:db8:5:6::{n + 1:x}"
        assert report(Client(), comment, remote_addr=address).status_code == 302

    refused = report(Client(), comments[-1], remote_addr="2001:db8:5:6::ff")

    assert refused.status_code == 400
    assert "many reports in a short time" in refused.content.decode()


def test_held_comments_have_no_report_link(client, article, rules):
    shown = make_comment(article)
    held = make_comment(article, status="pending")

    page = article_page(client, article, sort="oldest")

    assert f'href="/comments/{shown.pk}/report/"' in page
    assert f"/comments/{held.pk}/report/" not in page
    assert client.get(report_url(held)).status_code == 404


def test_the_reported_queue_lists_reports_beside_pending(moderator_client, comment):
    make_comment(comment.article, body="Nothing wrong here.")
    report(Client(), comment, reason="abuse", remote_addr="192.0.2.1")
    report(Client(), comment, reason="spam", remote_addr="192.0.2.2")

    queue = moderator_client.get(QUEUE).content.decode()
    assert "Reported (1)" in queue
    reported = moderator_client.get(f"{QUEUE}?status=reported").content.decode()

    assert "You are all idiots." in reported
    assert "Nothing wrong here." not in reported
    assert "Abuse or harassment" in reported and "Spam" in reported
    assert f"Dismiss reports comment {comment.pk}" in reported


def test_dismissing_brings_a_hidden_comment_back(moderator_client, article, comment):
    for n in range(3):
        report(Client(), comment, remote_addr=f"192.0.2.{n + 1}")

    response = moderator_client.post(
        f"{QUEUE}{comment.pk}/moderate/", {"moderate": "dismiss"}
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == "approved"
    assert set(Report.objects.values_list("resolution", flat=True)) == {"dismissed"}
    assert "You are all idiots." in article_page(Client(), article)
    assert "dismiss" in ModerationAction.objects.filter(comment=comment).values_list(
        "action", flat=True
    )


def test_removing_a_reported_comment_upholds_its_reports(moderator_client, comment):
    report(Client(), comment)

    bulk_action(moderator_client, "remove", comment)

    assert Report.objects.get().resolution == "upheld"
    page = moderator_client.get(f"{QUEUE}?status=reported").content.decode()
    assert "You are all idiots." not in page


def test_a_hostile_note_is_escaped_for_moderators(moderator_client, comment):
    report(Client(), comment, reason="other", note="<script>alert(1)</script>")

    page = moderator_client.get(f"{QUEUE}{comment.pk}/change/").content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_reports_cost_the_article_page_no_query(
    article, rules, django_assert_num_queries
):
    comments = [make_comment(article) for _ in range(20)]
    for n, comment in enumerate(comments[:5]):
        report(Client(), comment, remote_addr=f"192.0.2.{n + 1}")

    with django_assert_num_queries(4):
        Client().get(article.get_absolute_url())
    assert Comment.objects.filter(status="approved").count() == 20


def test_reports_and_likes_made_before_keep_a_network_not_an_address(comment):
    """
    Migration 0024 gives the rows made before it their network's key for their
    address, and drops the address; of one network's guest rows on a comment the
    first keeps it, the others stay as they were.
    """
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from comments.models import Like
    from readers.client_ip import network_key

    before = ("comments", "0023_page_comments_by_default")
    with connection.cursor() as cursor:  # the comment's checks, before its table
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # is altered going back
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old = executor.loader.project_state(before).apps
    addresses = ["198.51.100.70", "198.51.100.70", "2001:db8:1:2::1", None]
    for n, address in enumerate(addresses):
        old.get_model("comments", "Report").objects.create(
            comment_id=comment.pk, reason="spam", browser=f"b{n}", ip_address=address
        )
        old.get_model("comments", "Like").objects.create(
            comment_id=comment.pk, browser=f"b{n}", ip_address=address
        )
    with connection.cursor() as cursor:  # the counts' triggers run, as on a site
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    kept = [network_key("198.51.100.70"), "", network_key("2001:db8:1:2::ff"), ""]
    for model in (Report, Like):
        rows = model.objects.order_by("browser").values_list("network", flat=True)
        assert list(rows) == kept
    assert "198.51.100.70" not in repr(list(Report.objects.values()))
