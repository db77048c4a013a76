"""
Names and titles are one line of visible text.

A line break in a mail subject makes Python's email package refuse the message,
which the worker then retries until it fails: a reader whose name held one could
silence every reply notification about their comments, an article title every "new
post" mail. Bidi overrides and zero-width characters in a name show every reader
something else than what it says ("\u202eEddie Editor").

So line breaks, other control characters, bidi overrides and zero-width characters
are taken out where names and titles are entered (a site account's sign-up, a
provider's profile, the guest form, the article admin), and again from every mail
subject, for what was stored before. The mails here really go through the worker
to the SMTP server on 127.0.0.1.
"""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from articles.models import Article
from comments import notifications
from comments.forms import CommentForm
from comments.models import Comment
from tests.factories import comment_form, make_article, make_comment, make_user
from tests.fake_providers import FakeProviders, providers_settings
from tests.mailserver import deliver_queued_mail

User = get_user_model()

HOSTILE = "\u202eEddie\r\nBcc: spy@example.net\u200b"
CLEAN = "Eddie Bcc: spy@example.net"


@pytest.mark.parametrize(
    "text, line",
    [
        ("Eddie\r\nBcc: x", "Eddie Bcc: x"),
        ("\u202eEddie Editor", "Eddie Editor"),
        ("\u202a\u202b\u202c\u202dEd\u2066\u2067\u2068\u2069", "Ed"),
        ("Ed\u200b\u200c\u200d\u200e\u200fdie\ufeff\u2060", "Eddie"),
        ("Jean\u00a0Luc\tPicard\u2028", "Jean Luc Picard"),
        ("bell\x07 and escape\x1b[31m", "bell and escape[31m"),
        ("  Zoë  Ørsted 🦊 中文 مرحبا  ", "Zoë  Ørsted 🦊 中文 مرحبا"),
        # Blanks that are no space, and what is drawn as nothing (U+034F, U+17B4).
        ("Eddie\u2800Editor", "Eddie Editor"),
        ("Eddie\u3164Editor\uffa0", "Eddie Editor"),
        ("Ed\u034fdie Edi\u17b4tor\U000e0041", "Eddie Editor"),
        ("\u2800\u3164\u115f", ""),
        # A variation selector only chooses how the character before it looks.
        ("Ada \u2764\ufe0f", "Ada \u2764\ufe0f"),
    ],
)
def test_single_line(text, line):
    from articles.text import single_line

    assert single_line(text) == line


def test_a_name_stored_before_shows_on_one_line(db):
    from readers.identity import display_name

    assert display_name(make_user(first_name=HOSTILE)) == CLEAN


def test_guest_name_is_one_clean_line():
    form = CommentForm(data={"name": HOSTILE})
    form.is_valid()
    assert form.cleaned_data["name"] == CLEAN


@pytest.mark.parametrize("name", ["\u200b", "\u2800\u3164", "\u034f \u17b4"])
def test_a_guest_name_that_shows_nothing_is_asked_for_again(client, rules, name):
    article = make_article()

    response = client.post(
        f"/comments/post/{article.pk}/", comment_form(client, article, name=name)
    )

    assert "Please fill in your name." in response.content.decode()
    assert not Comment.objects.exists()


# --- Entered, then mailed ----------------------------------------------------------


@pytest.fixture
def open_rules(rules):
    rules.require_prior_approval = False
    rules.save()
    cache.clear()  # allauth's rate limits count in the cache
    return rules


@pytest.fixture
def grace_on(db):
    """Grace's comment on an article, and her subscription to its comments."""

    def subscribed(article):
        comment = make_comment(
            article, author_name="Grace", author_email="grace@example.com"
        )
        notifications.subscribe(
            email="grace@example.com", verified=True, article=article
        )
        return comment

    return subscribed


def reply(client, article, parent, body="Quite right."):
    response = client.post(
        reverse("comments:post", args=[article.pk]),
        comment_form(client, article, body=body, parent=str(parent.pk)),
    )
    assert response.status_code == 302
    assert Comment.objects.get(body=body).status == "approved"


def mail_to_grace(smtp_server):
    """The one mail Grace got: a failed send would have left the worker's log."""
    mails = deliver_queued_mail(smtp_server)
    to_grace = [m for m in mails if m.to == ["grace@example.com"]]
    assert len(to_grace) == 1, [m.subject for m in mails]
    # Each message went to its one recipient: no "Bcc:" line became a header.
    assert all(len(item["rcpt_tos"]) == 1 for item in smtp_server.received)
    return to_grace[0]


@pytest.mark.slow  # the mail worker runs in a process of its own
@pytest.mark.django_db(transaction=True)
def test_a_name_given_at_sign_up_is_one_line_and_replies_are_mailed(
    open_rules, grace_on, smtp_server
):
    client = Client()
    response = client.post(
        reverse("account_signup"),
        {
            "name": HOSTILE,
            "email": "eddie@example.com",
            "password1": "a-Long-passw0rd",
            "password2": "a-Long-passw0rd",
        },
    )
    assert response.status_code == 302
    eddie = User.objects.get(email="eddie@example.com")
    assert eddie.first_name == CLEAN
    article = make_article(title="Harbour reopens")
    grace_comment = grace_on(article)

    client.force_login(eddie)
    reply(client, article, grace_comment)

    mail = mail_to_grace(smtp_server)
    assert mail.subject == f"{CLEAN} replied to your comment on “Harbour reopens”"


@pytest.mark.slow  # the mail worker runs in a process of its own
@pytest.mark.django_db(transaction=True)
def test_a_name_from_facebook_is_one_line_and_replies_are_mailed(
    open_rules, grace_on, smtp_server, settings, monkeypatch
):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()
    fake = FakeProviders().patch(monkeypatch)
    del fake.facebook_user["email"]
    fake.facebook_user |= {
        "name": f"{HOSTILE} Hopper",
        "first_name": HOSTILE,
        "last_name": "\u2066Hopper\r\n",
    }
    article = make_article(title="Harbour reopens")
    grace_comment = grace_on(article)
    client = Client()
    authorize = client.post(reverse("facebook_login"), {"process": "login"})
    client.get(fake.grant("facebook", authorize["Location"]))

    reader = User.objects.get(socialaccount__provider="facebook")
    assert (reader.first_name, reader.last_name) == (CLEAN, "Hopper")
    reply(client, article, grace_comment)

    comment = Comment.objects.get(user=reader)
    assert comment.author_name == f"{CLEAN} Hopper"
    assert comment.author_account.startswith(f"{CLEAN} Hopper (Facebook id ")
    mail = mail_to_grace(smtp_server)
    assert mail.subject == (
        f"{CLEAN} Hopper replied to your comment on “Harbour reopens”"
    )
    assert SocialAccount.objects.get().extra_data["first_name"] == HOSTILE


@pytest.mark.slow  # the mail worker runs in a process of its own
@pytest.mark.django_db(transaction=True)
def test_an_article_title_from_the_admin_is_one_line_and_new_posts_are_mailed(
    smtp_server,
):
    notifications.subscribe(email="grace@example.com", verified=True, posts=True)
    editor = Client()
    editor.force_login(make_user(is_staff=True, is_superuser=True))

    response = editor.post(
        "/admin/articles/article/add/",
        {
            "title": "Ferry\r\ntimetable\u202e",
            "slug": "ferry-timetable",
            "byline": "",
            "body": "Sundays from June.",
            "status": "published",
            "published_at_0": "2021-03-10",
            "published_at_1": "09:00:00",
            "comments_open": "on",
            "source": "",
            "source_url": "",
        },
    )

    assert response.status_code == 302
    assert Article.objects.get(slug="ferry-timetable").title == "Ferry timetable"
    mail = mail_to_grace(smtp_server)
    assert mail.subject == "New on Newsroom: Ferry timetable"


@pytest.mark.slow  # the mail worker runs in a process of its own
@pytest.mark.django_db(transaction=True)
def test_names_and_titles_stored_before_are_taken_out_of_subjects(
    open_rules, grace_on, smtp_server
):
    article = make_article(title="Harbour reopens")
    grace_comment = grace_on(article)
    Article.objects.filter(pk=article.pk).update(title="Harbour\r\nreopens\u202e")
    make_comment(article, parent=grace_comment, author_name=HOSTILE)
    notifications.comment_approved(Comment.objects.get(author_name=HOSTILE))

    mail = mail_to_grace(smtp_server)
    assert mail.subject == f"{CLEAN} replied to your comment on “Harbour reopens”"
