"""
Notification mail in the subscriber's language: the one they read the site in when
they ticked "Notify me", kept on the subscription, since the worker writes the mail
later, outside any request. Real SMTP server, real worker process.
"""

import re

import pytest
from django.test import Client

from comments import notifications
from comments.models import Comment, Subscription
from tests import factories
from tests.factories import post_comment
from tests.mailserver import run_worker

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("rules"),
]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def subscribe_by_commenting(client, article, email):
    post_comment(
        client,
        article,
        body="When do the works start?",
        email=email,
        notify_comments="on",
    )


def confirm(client, message):
    path = re.search(r"http://testserver(/comments/confirm/\S+?/)", text_of(message))
    client.post(path.group(1))


def approved_comment(article, **fields):
    comment = factories.make_comment(article, status="pending", **fields)
    comment.status = Comment.Status.APPROVED
    comment.save()
    notifications.comment_approved(comment)


def test_a_chinese_readers_mail_is_in_chinese_an_english_readers_in_english(
    smtp_server,
):
    article = factories.make_article(title="Bridge opens")
    chinese = Client(headers={"accept-language": "zh-CN,zh;q=0.9"})
    english = Client(headers={"accept-language": "en-GB"})
    subscribe_by_commenting(chinese, article, "li@example.com")
    subscribe_by_commenting(english, article, "ann@example.com")
    assert dict(Subscription.objects.values_list("email", "language")) == {
        "li@example.com": "zh-hans",
        "ann@example.com": "en",
    }

    run_worker(EMAIL_URL=smtp_server.url)

    [to_li] = smtp_server.messages(to="li@example.com")
    [to_ann] = smtp_server.messages(to="ann@example.com")
    assert to_li["Subject"] == "请确认您对 Newsroom 的订阅"
    assert "关于《Bridge opens》的新评论" in text_of(to_li)
    assert "确认我的订阅" in html_of(to_li)
    assert '<html lang="zh-hans" dir="ltr">' in html_of(to_li)
    assert "Confirm" not in html_of(to_li) and "Hello" not in text_of(to_li)
    assert to_ann["Subject"] == "Please confirm your subscription to Newsroom"
    assert 'new comments on "Bridge opens"' in text_of(to_ann)

    # Confirmed in any language (the links are the same), then a new comment.
    confirm(Client(), to_li)
    confirm(Client(), to_ann)
    approved_comment(article, author_name="Bob", body="Next month.")
    run_worker(EMAIL_URL=smtp_server.url)

    to_li = smtp_server.messages(to="li@example.com")[-1]
    to_ann = smtp_server.messages(to="ann@example.com")[-1]
    smtp_server.keep_sample(to_li, "7-new-comment-in-chinese")
    assert to_li["Subject"] == "Bob 评论了《Bridge opens》"
    assert "阅读并回复" in text_of(to_li) and "Read it" not in text_of(to_li)
    assert "退订" in html_of(to_li) and "Unsubscribe" not in html_of(to_li)
    assert to_ann["Subject"] == "Bob commented on “Bridge opens”"
    assert "Read it and reply" in text_of(to_ann)
