"""
The injection corpus, posted through the real form as body, name and website, by a
guest and by a signed-in reader: each payload is refused with a clear message or
stored and shown as inert text.
"""

import itertools
import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from comments.forms import make_stamp
from comments.models import Comment
from tests import factories
from tests.factories import article_page, every_comment_page, post_comment
from tests.injection_corpus import INJECTIONS, WEBSITES

CLEAR_MESSAGES = (
    "Ensure this value has at most",
    "Enter a web address starting with http",
    "Null characters are not allowed.",
    "Please type your comment.",
    "Please fill in your name.",
)
ALLOWED_TAGS = {"li", "article", "header", "span", "b", "a", "time", "div", "p", "br"}
ALLOWED_ATTRIBUTES = {
    "id", "class", "href", "rel", "datetime", "dir", "aria-hidden", "aria-label",
    "data-liked",
}  # fmt: skip
_addresses = itertools.count(1)


class CommentListAudit(HTMLParser):
    """Everything in the list of comments that isn't markup we wrote ourselves."""

    def __init__(self, comment_ids: set[int]):
        super().__init__()
        self.comment_ids = comment_ids
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"element <{tag}>")
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href" and not (
                re.match(r"(https?://|#c-\d+$|\?replytocom=)", value or "")
                or self.is_our_link(value or "")
            ):
                self.problems.append(f"link to {value!r}")
            if name == "data-liked" and value not in ("0", "1"):
                self.problems.append(f"data-liked {value!r}")
            if name == "id" and value not in {f"c-{pk}" for pk in self.comment_ids}:
                self.problems.append(f"id {value!r}")

    def is_our_link(self, href: str) -> bool:
        """A comment's like or report page, of a comment on the page."""
        match = re.fullmatch(r"/comments/(\d+)/(like|report)/", href)
        return bool(match) and int(match[1]) in self.comment_ids


def audit(page: str) -> list[str]:
    # The list ends before the links to other pages, or the form.
    after = r'\s*<(?:nav class="comment-pages"|div id="respond")'
    match = re.search(r'<ol class="comment-list">(.*?)</ol>' + after, page, re.S)
    assert match, "no list of comments on the page"
    ids = set(Comment.objects.values_list("pk", flat=True))
    parser = CommentListAudit(ids)
    parser.feed(match.group(1))
    return parser.problems


def post_payload(client: Client, article, field: str, payload: str) -> str:
    """
    Post `payload` in `field` from an address of its own (no flood limit), and say
    whether it was "stored" or "refused" with one of the CLEAR_MESSAGES.

    The form's fields as the page renders them; the stamp is made as the page makes
    it, without rendering an ever longer page for each of hundreds of posts.
    """
    n = next(_addresses)
    data = {
        "body": f"Body for payload {n}",
        "name": f"Poster {n}",
        "email": f"p{n}@example.com",
        "url": "",
        "parent": "",
        "homepage": "",
        "stamp": make_stamp(article.pk),
    }
    data["url" if field == "website" else field] = payload
    response = post_comment(
        client, article, data, remote_addr=f"10.9.{n // 250}.{n % 250}"
    )
    if response.status_code == 302:
        return "stored"
    text = response.content.decode()
    assert response.status_code == 400, (field, payload, response.status_code)
    assert any(message in text for message in CLEAR_MESSAGES), (field, payload)
    return "refused"


@pytest.fixture
def open_rules(rules):
    rules.require_prior_approval = False
    rules.link_limit = 0
    rules.save()
    return rules


CASES = (
    [("body", p) for p in INJECTIONS]
    + [("name", p) for p in INJECTIONS]
    + [("website", p) for p in WEBSITES]
)


@pytest.mark.slow  # hundreds of posts; test_stored_payloads_keep_their_text stays fast
@pytest.mark.parametrize("signed_in", [False, True], ids=["guest", "signed-in"])
def test_every_payload_is_refused_or_shown_inert(
    client, article, open_rules, signed_in
):
    if signed_in:
        client.force_login(factories.make_user())
    outcomes = {"stored": 0, "refused": 0}
    for field, payload in CASES:
        if signed_in and field != "body":
            continue  # a signed-in reader's name and website come from the account
        outcomes[post_payload(client, article, field, payload)] += 1

    pages = every_comment_page(Client(), article)
    assert len(pages) > 1  # in pages, as by default: every one is looked at
    for page in pages:
        assert audit(page) == []
        # Our own modules and the scripts' catalog of words, and the one data
        # block for search engines, which no browser runs
        # (tests/test_structured_data.py reads it back).
        scripts = re.findall(r"<script[^>]*>", page, re.I)
        data_block = '<script type="application/ld+json">'
        assert scripts.count(data_block) == 1, scripts
        assert all(
            'src="/static/js/' in tag or 'src="/jsi18n/en/"' in tag
            for tag in scripts
            if tag != data_block
        )
    assert sum(page.count('<li id="c-') for page in pages) == outcomes["stored"]
    assert outcomes["stored"] > 100
    print(outcomes)


def test_the_corpus_is_big_enough():
    assert len(INJECTIONS) >= 100


def test_stored_payloads_keep_their_text(client, article, open_rules):
    payload = '<img src=x onerror="window.__pwned=1">'
    post_payload(client, article, "body", payload)
    comment = Comment.objects.get()
    assert comment.body == payload  # stored as typed, escaped only when shown
    page = article_page(client, article)
    assert "&lt;img src=x onerror=" in page
