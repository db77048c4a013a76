"""
The pages a reader reaches from the discussion, in Chinese for a Chinese browser:
reporting and liking a comment, their own comments, signing in. No English of ours
is left on them; only what readers wrote, names and the site's name stay as they are.
"""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from comments.models import Subscription
from tests.factories import make_article, make_comment

CHINESE = {"accept-language": "zh-CN,zh;q=0.9"}
# Not ours to translate: the site's name, the footer's language names, the
# providers' names.
PROPER_NAMES = {"Newsroom", "English", "Twitter", "Facebook"}


class VisibleText(HTMLParser):
    """The words a reader sees or hears: text, titles, labels, placeholders."""

    SPOKEN = {"title", "aria-label", "placeholder", "alt"}

    def __init__(self):
        super().__init__()
        self.words: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        if tag == "link":
            return  # the feeds' titles: the feeds' own, in English
        self.words += [value for name, value in attrs if name in self.SPOKEN and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.words.append(data)


def english_words(html: str, *theirs: str) -> set[str]:
    """English words on the page, apart from what readers wrote and proper names."""
    parser = VisibleText()
    parser.feed(html)
    text = " ".join(parser.words)
    for words in theirs:
        text = text.replace(words, "")
    return set(re.findall(r"[A-Za-z]{2,}", text)) - PROPER_NAMES


@pytest.fixture
def story(db):
    article = make_article(title="Bridge opens")
    return article, make_comment(article, author_name="Ada", body="Good news.")


def test_the_report_page_is_in_chinese(client, story):
    article, comment = story
    page = client.get(f"/comments/{comment.pk}/report/", headers=CHINESE)
    html = page.content.decode()

    assert "举报评论" in html and "这条评论有什么问题？" in html
    assert "Report a comment" not in html and "Cancel" not in html
    assert english_words(html, "Bridge opens", "Ada", "Good news.") == set()


def test_the_like_page_is_in_chinese(client, story):
    article, comment = story
    html = client.get(f"/comments/{comment.pk}/like/", headers=CHINESE).content.decode()

    assert "赞这条评论？" in html and "返回讨论" in html
    assert "Like this comment?" not in html
    assert english_words(html, "Bridge opens", "Ada", "Good news.") == set()


def test_your_comments_page_is_in_chinese(django_user_model, story):
    article, _ = story
    reader = django_user_model.objects.create_user("rae", email="rae@example.com")
    mine = make_comment(article, user=reader, author_name="Rae", body="My words.")
    make_comment(article, parent=mine, body="A reply.")
    Subscription.objects.create(
        email="rae@example.com", user=reader, topic="comments", article=article
    )
    client = Client(headers=CHINESE)
    client.force_login(reader)

    html = client.get("/comments/yours/").content.decode()

    assert "1 条评论，最新的在前。" in html and "1 条回复" in html
    assert "》</a>的新评论" in html  # the subscription
    assert "Your subscriptions" not in html and "1 reply" not in html
    assert english_words(html, "Bridge opens", "My words.") == set()


def test_the_sign_in_page_is_in_chinese(client, db):
    html = client.get("/accounts/login/", headers=CHINESE).content.decode()

    assert "登录" in html
    assert english_words(html) == set()
