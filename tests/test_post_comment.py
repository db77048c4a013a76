"""Posting a comment as a guest, through every path."""

import datetime
import time

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import Ban, Comment
from tests import factories, refusals
from tests.factories import article_page, comment_form, make_comment, post_comment

pytestmark = pytest.mark.usefixtures("rules")


def test_known_guest_is_approved_and_redirected_to_the_permalink(client, article):
    make_comment(article, author_name="Grace Guest", author_email="grace@example.com")

    response = post_comment(client, article, body="Well said.")

    comment = Comment.objects.latest("id")
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#c-{comment.pk}"
    assert comment.status == "approved"
    assert (comment.author_name, comment.author_email) == (
        "Grace Guest",
        "grace@example.com",
    )
    assert comment.ip_address == "127.0.0.1"
    # Taking the form cached the page: without the insert trigger the comment
    # would be missing from it and these assertions would fail.
    page = article_page(client, article)
    assert f'id="c-{comment.pk}"' in page
    assert "Well said." in page


def test_first_time_guest_is_held_and_sees_it_only_in_their_browser(client, article):
    response = post_comment(client, article, body="First!")

    comment = Comment.objects.get()
    assert (comment.status, comment.moderation_reason) == (
        "pending",
        "held: first comment from this author",
    )
    own_page = client.get(response["Location"]).content.decode()
    assert "First!" in own_page
    assert "Your comment is awaiting moderation." in own_page

    other_page = article_page(Client(), article)
    assert "First!" not in other_page


def test_spam_is_shown_to_nobody_but_its_author_who_sees_it_held(
    client, article, rules
):
    rules.disallowed_words = "casino"
    rules.save()

    post_comment(client, article, body="Best CASINO here")

    comment = Comment.objects.get()
    assert comment.status == "spam"
    assert comment.moderation_reason == "spam: disallowed word “casino” in body"
    own_page = article_page(client, article)
    assert "Best CASINO" in own_page
    assert "Your comment is awaiting moderation." in own_page
    assert "Best CASINO" not in article_page(Client(), article)


def test_closed_article_refuses_comments(client, article):
    data = comment_form(client, article)
    article.comments_open = False
    article.save()

    response = post_comment(client, article, data)

    assert response.status_code == 403
    assert "Comments are closed on this article." in response.content.decode()
    assert not Comment.objects.exists()


def test_article_past_the_age_limit_refuses_comments(client, rules):
    import datetime

    from django.utils import timezone

    old = factories.make_article(
        published_at=timezone.now() - datetime.timedelta(days=40)
    )
    data = comment_form(client, old)
    rules.close_after_days = 30
    rules.save()
    response = post_comment(client, old, data)
    assert response.status_code == 403
    assert "Comments are closed" in article_page(client, old)


def test_unpublished_article_refuses_comments(client, article):
    data = comment_form(client, article)
    article.status = "draft"
    article.save()

    response = post_comment(client, article, data)

    assert response.status_code == 404
    assert "doesn&#x27;t exist or isn&#x27;t published" in response.content.decode()
    assert not Comment.objects.exists()


def test_missing_article_refuses_comments(client, db):
    response = client.post("/comments/post/999999/", {"body": "hello"})
    assert response.status_code == 404


def test_reply_to_a_comment_that_is_not_visible_is_refused(client, article):
    hidden = make_comment(article, status="spam")

    response = post_comment(client, article, parent=hidden.pk)

    assert response.status_code == 400
    assert (
        "The comment you are replying to is not available" in response.content.decode()
    )
    assert "A thoughtful comment." in response.content.decode()
    assert Comment.objects.count() == 1


def test_reply_to_a_comment_of_another_article_is_refused(client, article):
    elsewhere = make_comment(factories.make_article())
    response = post_comment(client, article, parent=elsewhere.pk)
    assert response.status_code == 400
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(("fields", "message"), refusals.BAD_INPUT)
def test_bad_input_gets_a_clear_message_and_keeps_the_text(
    client, article, fields, message
):
    data = comment_form(client, article, body="Keep this text, please.") | fields

    response = post_comment(client, article, data)

    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    if "body" not in fields:
        assert "Keep this text, please." in page
    assert not Comment.objects.exists()


def test_honeypot_refuses_robots(client, article):
    response = post_comment(client, article, homepage="http://spam")
    assert response.status_code == 400
    assert "looks automated" in response.content.decode()
    assert not Comment.objects.exists()


def test_posting_faster_than_a_person_can_write_is_refused_then_accepted(
    client, article, rules
):
    rules.min_seconds_to_post = 1
    rules.save()
    data = comment_form(client, article, body="Quick thought")

    first = post_comment(client, article, data)
    assert first.status_code == 400
    assert "That was quick!" in first.content.decode()
    assert "Quick thought" in first.content.decode()

    time.sleep(1.1)
    assert post_comment(client, article, data).status_code == 302
    assert Comment.objects.count() == 1


def test_forged_stamp_is_refused(client, article):
    response = post_comment(client, article, stamp="forged:1:abc")
    assert response.status_code == 400
    assert "expired or was changed" in response.content.decode()


def test_stamp_from_another_article_is_refused(client, article):
    other = factories.make_article()
    data = comment_form(client, other)
    response = post_comment(client, article, data)
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_flood_limit_per_ip_and_per_email(client, article, rules):
    rules.flood_interval = 15
    rules.save()
    assert post_comment(client, article, body="one").status_code == 302

    same_ip = post_comment(client, article, body="two", email="x@example.com")
    same_email = post_comment(client, article, body="three", remote_addr="198.51.100.7")

    for response in (same_ip, same_email):
        assert response.status_code == 400
        assert "You are posting comments too quickly." in response.content.decode()
    other = post_comment(
        client, article, body="four", email="y@example.com", remote_addr="198.51.100.8"
    )
    assert other.status_code == 302
    assert Comment.objects.count() == 2


def test_duplicate_comment_is_detected(client, article):
    post_comment(client, article, body="Same words")
    response = post_comment(client, article, body="Same words")
    assert response.status_code == 400
    assert (
        "Duplicate comment detected; it looks as though you’ve already said that!"
        in response.content.decode()
    )
    assert Comment.objects.count() == 1


def test_double_submission_of_one_form_creates_one_comment(client, article):
    data = comment_form(client, article, body="Clicked twice")
    first = post_comment(client, article, data)
    second = post_comment(client, article, data)
    assert first["Location"] == second["Location"]
    assert Comment.objects.count() == 1


def test_a_post_asks_its_checks_in_one_query_whatever_they_find(
    client, article, rules, django_assert_num_queries
):
    """
    The article and the rules (one query), the address lock, one query for every
    check and rule (comments.history), the comment and its task row, and the test's
    savepoint.
    """
    rules.flood_interval = 15
    rules.hold_after_rejections = 2
    rules.save()
    factories.make_staff("Editors", first_name="Eddie", last_name="Editor")
    Ban.objects.create(kind="ip", ip_address="198.51.100.9", effect="hold", reason="x")
    for status in ("approved", "spam", "removed"):
        make_comment(
            article,
            author_name="Grace Guest",
            author_email="grace@example.com",
            status=status,
            created_at=timezone.now() - datetime.timedelta(hours=1),
        )
    form = comment_form(client, article)

    with django_assert_num_queries(7):
        response = post_comment(client, article, form, remote_addr="198.51.100.9")

    assert response.status_code == 302
    comment = Comment.objects.latest("id")
    assert comment.moderation_reason == "held: always pre-moderated (x)"


def test_the_article_and_rules_read_together_are_the_orms(article, rules):
    """DiscussionSettings.with_article builds both rows without the ORM's queries."""
    from articles.models import Article
    from comments.models import DiscussionSettings

    found, read_rules = DiscussionSettings.with_article(article.pk)

    def values(row):
        return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}

    assert values(found) == values(Article.objects.get(pk=article.pk))
    assert values(read_rules) == values(DiscussionSettings.objects.get(pk=1))
    assert not found._state.adding and not read_rules._state.adding
    assert DiscussionSettings.with_article(article.pk + 1000)[0] is None


def test_the_rules_row_is_made_by_its_first_reader(article):
    from comments.models import DiscussionSettings

    DiscussionSettings.objects.all().delete()
    found, read_rules = DiscussionSettings.with_article(article.pk)
    assert found == article
    assert read_rules.min_seconds_to_post == 3  # the model's default
    assert DiscussionSettings.objects.filter(pk=1).exists()


def test_reply_is_threaded_under_its_parent(client, article):
    parent = make_comment(article)
    post_comment(client, article, parent=parent.pk, body="A reply")
    reply = Comment.objects.get(body="A reply")
    assert (reply.parent, reply.depth) == (parent, 1)


def test_reply_at_the_deepest_level_joins_the_parents_thread(client, article, rules):
    rules.thread_depth = 3
    rules.save()
    top = make_comment(article)
    middle = make_comment(article, parent=top)
    deepest = make_comment(article, parent=middle)

    post_comment(client, article, parent=deepest.pk, body="Deeper")

    reply = Comment.objects.get(body="Deeper")
    assert (reply.parent, reply.depth) == (middle, 2)


def test_database_refuses_a_reply_in_another_article(article):
    from django.db import IntegrityError, transaction

    parent = make_comment(factories.make_article())
    with pytest.raises(IntegrityError), transaction.atomic():
        make_comment(article, parent=parent)


def test_database_refuses_an_unknown_status(article):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        make_comment(article, status="published")


def test_remember_me_sets_the_cookie_only_when_ticked(client, article):
    post_comment(client, article, body="no cookie")
    assert (
        "comment_author" not in client.cookies
        or not client.cookies["comment_author"].value
    )

    client.cookies.clear()
    post_comment(
        client,
        article,
        body="with cookie",
        remember="on",
        email="r@example.com",
        remote_addr="198.51.100.9",
    )
    assert client.cookies["comment_author"].value
    page = article_page(client, article)
    assert 'value="r@example.com"' in page
    assert 'value="Grace Guest"' in page


def test_a_form_kept_in_the_browser_serves_the_next_comment_too(client, article):
    data = comment_form(client, article, body="First thought")
    post_comment(client, article, data)
    post_comment(client, article, data, body="Second thought, same page")
    assert Comment.objects.count() == 2


def test_a_forms_age_counts_from_the_moment_it_was_shown(article):
    """To the millisecond: whole seconds would let a form through up to 1 s early."""
    from comments.forms import make_stamp, read_stamp

    stamp = make_stamp(article.pk)
    shown = time.time()
    _, shown_at = read_stamp(stamp, article.pk)
    assert abs(shown_at - shown) < 0.05


def test_the_form_shown_again_still_offers_signing_in(client, article, rules):
    response = post_comment(client, article, body="")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Please type your comment." in html
    assert 'class="sign-in__icon"' in html


def test_the_form_shown_again_still_shows_who_is_commenting(client, article, rules):
    reader = factories.make_verified_user(first_name="Ada", last_name="Lovelace")
    client.force_login(reader)
    response = post_comment(client, article, body="")
    html = response.content.decode()
    assert response.status_code == 400
    assert "You are commenting using your Newsroom account." in html
    assert ">AL</span>" in html


def test_a_bad_website_is_explained_once(client, article):
    """Once by the field, and once in the summary of errors at the top."""
    page = post_comment(client, article, url="javascript:alert(1)").content.decode()
    field = page.split('id="id_url_error"')[1].split("<input")[0]
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    assert field.count("Enter a web address starting with http://") == 1
    assert summary.count("Enter a web address starting with http://") == 1


@pytest.mark.parametrize(("fields", "message"), refusals.ROBOTS)
def test_robots_are_refused_with_a_message(client, article, fields, message):
    response = post_comment(client, article, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Comment.objects.exists()
