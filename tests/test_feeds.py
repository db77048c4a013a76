"""
The Atom feeds: the site's articles (/feed/), an article's comments (its address
and feed/, as on WordPress) and the recent comments (/comments/feed/). Each is
read as a feed reader would, with xml.etree (through defusedxml), and held to
RFC 4287's rules; none holds a comment readers can't see, or an email address;
what readers typed stays text.
"""

import datetime
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, tostring

import pytest
from defusedxml import ElementTree
from django.core.cache import cache
from django.test import Client

from articles.models import Article
from articles.text import single_line
from comments.models import Comment
from feeds.comment_feeds import FEED_ENTRIES, FEED_SECONDS
from tests import factories
from tests.injection_corpus import INJECTIONS

ATOM = "{http://www.w3.org/2005/Atom}"
SEED_FEED = (
    "/2021/03/10/new-sign-ups-and-registration-in-china-suspended-by-linkedin/feed/"
)
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
EMAIL = re.compile(rb"[\w.+-]+@[\w-]+(\.[\w-]+)+")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def feed_of(url: str, client: Client | None = None) -> Element:
    response = (client or Client()).get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert not atom_problems(response.content), atom_problems(response.content)
    return ElementTree.fromstring(response.content)


def atom_problems(xml: bytes) -> list[str]:
    """
    What breaks RFC 4287 (sections 4.1 and 4.2) in a feed, or our own rules for
    feeds: no <email>, and no author named by an email address.
    """
    problems = []
    root = ElementTree.fromstring(xml)
    if root.tag != f"{ATOM}feed":
        return [f"the root is {root.tag}, not an Atom feed"]

    def one(element, name, where):
        found = element.findall(f"{ATOM}{name}")
        if len(found) != 1:
            problems.append(f"{where}: {len(found)} <{name}>, not one")
        return found[0] if found else None

    def check_common(element, where):
        identifier = one(element, "id", where)
        if identifier is not None and not urlsplit(identifier.text or "").scheme:
            problems.append(f"{where}: id {identifier.text!r} is no IRI")
        title = one(element, "title", where)
        if title is not None and title.get("type", "text") not in TEXT_TYPES:
            problems.append(f"{where}: title of type {title.get('type')}")
        for name in ("updated", "published"):
            for date in element.findall(f"{ATOM}{name}"):
                if not RFC3339.match(date.text or ""):
                    problems.append(f"{where}: <{name}> {date.text!r} not RFC 3339")
        one(element, "updated", where)
        if len(element.findall(f"{ATOM}published")) > 1:
            problems.append(f"{where}: more than one <published>")
        alternates = [
            link
            for link in element.findall(f"{ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        if len({(a.get("type"), a.get("hreflang")) for a in alternates}) != len(
            alternates
        ):
            problems.append(f"{where}: two alternate links of one type")
        for author in element.findall(f"{ATOM}author"):
            name = author.find(f"{ATOM}name")
            if name is None or not (name.text or "").strip():
                problems.append(f"{where}: an author without a name")
            elif EMAIL.search(name.text.encode()):
                problems.append(f"{where}: an author named by an email address")
            if author.find(f"{ATOM}email") is not None:
                problems.append(f"{where}: an author's email")
        return identifier

    check_common(root, "feed")
    if not any(link.get("rel") == "self" for link in root.findall(f"{ATOM}link")):
        problems.append("feed: no link to itself (rel=self)")
    feed_has_author = root.find(f"{ATOM}author") is not None
    ids = []
    for number, entry in enumerate(root.findall(f"{ATOM}entry"), start=1):
        where = f"entry {number}"
        identifier = check_common(entry, where)
        if identifier is not None:
            ids.append(identifier.text)
        if not feed_has_author and entry.find(f"{ATOM}author") is None:
            problems.append(f"{where}: no author, and none for the feed")
        content = entry.find(f"{ATOM}content")
        summary = entry.find(f"{ATOM}summary")
        if content is None and summary is None:
            problems.append(f"{where}: neither content nor summary")
        for text in (content, summary):
            if text is not None and text.get("type", "text") not in TEXT_TYPES:
                problems.append(f"{where}: text of type {text.get('type')}")
        if content is None and not any(
            link.get("rel", "alternate") == "alternate"
            for link in entry.findall(f"{ATOM}link")
        ):
            problems.append(f"{where}: no content and no alternate link")
    if len(set(ids)) != len(ids):
        problems.append("two entries with one id")
    return problems


TEXT_TYPES = ("text", "html", "xhtml")


def entries(feed: Element) -> list[Element]:
    return feed.findall(f"{ATOM}entry")


def text_of(entry: Element, name: str) -> str:
    return entry.findtext(f"{ATOM}{name}") or ""


def author_of(entry: Element) -> str:
    return entry.findtext(f"{ATOM}author/{ATOM}name") or ""


@pytest.fixture
def seed_article(db):
    return Article.objects.get()


@pytest.fixture
def discussion(seed_article):
    """The seed article with a comment of every status and kind."""
    reader = factories.make_user(first_name="Sally", last_name="Signed-In")
    return {
        "approved": factories.make_comment(
            seed_article, author_name="Ada", author_email="ada@example.com"
        ),
        "reply": factories.make_comment(
            seed_article,
            author_name="Bob",
            author_email="bob@example.com",
            body="A reply, with a link: https://example.org/page",
        ),
        "signed_in": factories.make_comment(
            seed_article, author_name="", user=reader, body="Signed in."
        ),
        "held": factories.make_comment(
            seed_article, status="pending", body="Held words", author_name="Hal"
        ),
        "spam": factories.make_comment(
            seed_article, status="spam", body="Spam words", author_name="Sam"
        ),
        "removed": factories.make_comment(
            seed_article, status="removed", body="Removed words", author_name="Rem"
        ),
        "deleted": factories.make_comment(
            seed_article,
            body="",
            author_name="Del",
            deleted_at=datetime.datetime.now(datetime.UTC),
        ),
    }


# --- What a feed reader sees --------------------------------------------------------


def test_a_feed_reader_sees_the_seed_articles_approved_comments(
    client, seed_article, discussion
):
    feed = feed_of(SEED_FEED)

    assert feed.findtext(f"{ATOM}title") == f"Comments on: {seed_article.title}"
    shown = entries(feed)
    # Newest first, each by its author, with its text and its permalink.
    expected = [discussion[k] for k in ("signed_in", "reply", "approved")]
    assert [author_of(e) for e in shown] == ["Sally Signed-In", "Bob", "Ada"]
    assert [text_of(e, "title") for e in shown] == [
        "By: Sally Signed-In",
        "By: Bob",
        "By: Ada",
    ]
    for entry, comment in zip(shown, expected, strict=True):
        assert text_of(entry, "summary") == comment.body_html
        assert entry.find(f"{ATOM}summary").get("type") == "html"
        link = entry.find(f"{ATOM}link")
        assert link.get("href") == f"http://testserver/comments/{comment.pk}/"
        assert link.get("rel") == "alternate"
        # The permalink leads to the comment on the article's page.
        assert client.get(link.get("href"))["Location"].endswith(f"#c-{comment.pk}")
    assert '<a href="https://example.org/page" rel="nofollow ugc noopener">' in (
        text_of(shown[1], "summary")
    )


def test_held_spam_removed_and_deleted_comments_are_never_in_a_feed(discussion):
    for url in (SEED_FEED, "/comments/feed/"):
        feed = feed_of(url)
        xml = tostring(feed, encoding="unicode")
        for hidden in ("held", "spam", "removed", "deleted"):
            comment = discussion[hidden]
            assert f"/comments/{comment.pk}/" not in xml, (url, hidden)
            assert comment.author_name not in {author_of(e) for e in entries(feed)}
        for words in ("Held words", "Spam words", "Removed words"):
            assert words not in xml
        assert len(entries(feed)) == 3


def test_no_email_address_anywhere_in_a_feed(client, discussion):
    for url in ("/feed/", SEED_FEED, "/comments/feed/"):
        body = client.get(url).content
        assert EMAIL.search(body) is None, url
        assert b"example.com" not in body


def test_recent_comments_span_the_published_articles_only(seed_article, discussion):
    other = factories.make_article(title="Another story")
    newest = factories.make_comment(other, author_name="Cy", body="On another story")
    draft = factories.make_article(status="draft")
    factories.make_comment(draft, body="Under a draft")
    scheduled = factories.make_article(
        published_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    )
    factories.make_comment(scheduled, body="Under a scheduled article")

    feed = feed_of("/comments/feed/")

    assert feed.findtext(f"{ATOM}title") == "Comments for Newsroom"
    shown = entries(feed)
    assert len(shown) == 4
    assert text_of(shown[0], "title") == "Comment on Another story by Cy"
    assert text_of(shown[0], "summary") == newest.body_html
    assert text_of(shown[1], "title") == (
        f"Comment on {seed_article.title} by Sally Signed-In"
    )


def test_the_articles_feed_lists_published_articles_newest_first(seed_article):
    factories.make_article(
        title="Older & wiser <b>", byline="", body="Plain <i>text</i>.\n\nMore."
    )
    factories.make_article(status="draft", title="A draft")
    factories.make_article(
        title="Scheduled",
        published_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1),
    )

    feed = feed_of("/feed/")

    assert feed.findtext(f"{ATOM}title") == "Newsroom"
    shown = entries(feed)
    assert [text_of(e, "title") for e in shown] == [
        "Older & wiser <b>",
        seed_article.title,
    ]
    assert author_of(shown[0]) == "Newsroom"  # no byline: the site
    assert author_of(shown[1]) == "Newsroom staff"
    # The summary is Atom's "html": the article's plain text, escaped.
    assert text_of(shown[0], "summary") == "Plain &lt;i&gt;text&lt;/i&gt;."
    assert shown[1].find(f"{ATOM}link").get("href") == (
        f"http://testserver{seed_article.get_absolute_url()}"
    )
    assert text_of(shown[1], "published") == "2021-03-10T09:00:00+00:00"


def test_entry_ids_stay_when_an_article_is_edited(seed_article):
    before = text_of(entries(feed_of("/feed/"))[0], "id")
    seed_article.title = "A corrected title"
    seed_article.slug = "a-corrected-title"
    seed_article.save()

    after = entries(feed_of("/feed/"))[0]

    assert text_of(after, "title") == "A corrected title"
    assert text_of(after, "id") == before
    assert before.startswith("tag:testserver,")


def test_a_feed_is_limited_to_the_newest_entries(seed_article):
    many = [factories.make_comment(seed_article) for _ in range(FEED_ENTRIES + 5)]

    for url in (SEED_FEED, "/comments/feed/"):
        shown = entries(feed_of(url))
        assert len(shown) == FEED_ENTRIES
        assert (
            shown[0]
            .find(f"{ATOM}link")
            .get("href")
            .endswith(f"/comments/{many[-1].pk}/")
        )


def test_an_empty_feed_is_still_valid_and_dated_by_its_article(seed_article):
    feed = feed_of(SEED_FEED)

    assert entries(feed) == []
    assert feed.findtext(f"{ATOM}updated") == seed_article.modified_at.isoformat()
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == (
        f"http://testserver{SEED_FEED}"
    )


def test_an_edited_comment_is_dated_by_its_edit(seed_article):
    comment = factories.make_comment(seed_article)
    edited = comment.created_at + datetime.timedelta(hours=2)
    Comment.objects.filter(pk=comment.pk).update(edited_at=edited)

    entry = entries(feed_of(SEED_FEED))[0]

    assert text_of(entry, "published") == comment.created_at.isoformat()
    assert text_of(entry, "updated") == edited.isoformat()


def test_addresses_come_from_the_site_address_not_the_host_header(
    seed_article, discussion, settings
):
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    settings.SITE_URL = "https://news.example"
    for url in ("/feed/", SEED_FEED, "/comments/feed/"):
        body = Client(HTTP_HOST="evil.example").get(url).content
        assert b"evil.example" not in body
        assert b"https://news.example/" in body


# --- Nothing a reader typed becomes markup -------------------------------------------


class SummaryAudit(HTMLParser):
    """What a feed reader would render of a summary, beyond our own markup."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ("p", "br", "a"):
            self.problems.append(f"element <{tag}>")
        for name, value in attrs:
            if name not in ("href", "rel"):
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href" and not re.match(r"https?://", value or ""):
                self.problems.append(f"link to {value!r}")


def test_hostile_text_and_names_stay_text(seed_article, monkeypatch):
    monkeypatch.setattr("feeds.comment_feeds.FEED_ENTRIES", len(INJECTIONS))
    hostile = {
        factories.make_comment(
            seed_article, body=payload, author_name=payload[:200]
        ).pk: payload
        for payload in INJECTIONS
    }

    for url in (SEED_FEED, "/comments/feed/"):
        feed = feed_of(url)
        shown = entries(feed)
        assert len(shown) == len(hostile)
        for entry in shown:
            pk = int(entry.find(f"{ATOM}link").get("href").rstrip("/").split("/")[-1])
            name = single_line(hostile[pk][:200])
            # Titles and names are Atom's text: what was typed, as text.
            assert entry.find(f"{ATOM}title").get("type") is None
            assert author_of(entry) == name
            assert text_of(entry, "title").endswith(name)
            audit = SummaryAudit()
            audit.feed(text_of(entry, "summary"))
            assert audit.problems == [], (hostile[pk], audit.problems)


def test_characters_xml_cannot_carry_dont_take_a_feed_down(seed_article):
    comment = factories.make_comment(
        seed_article, author_name="Bell\x07 Esc\x1b", body="Ding\x07 dong\x0c\ufffe"
    )

    entry = entries(feed_of(SEED_FEED))[0]

    assert author_of(entry) == "Bell Esc"
    assert "Ding dong" in text_of(entry, "summary")
    assert Comment.objects.get(pk=comment.pk).body == "Ding\x07 dong\x0c\ufffe"


# --- The checker catches what it checks ----------------------------------------------


def test_the_rfc_4287_check_catches_broken_feeds(seed_article, discussion):
    good = Client().get(SEED_FEED).content.decode()
    assert atom_problems(good.encode()) == []
    first_id = re.search(r"<id>tag:[^<]+</id>", good).group()
    breakages = {
        "an entry without id": good.replace(first_id, "", 1),
        "two entries with one id": re.sub(r"<id>tag:[^<]+</id>", first_id, good),
        "an author's email": good.replace(
            "</name></author>", "</name><email>a@b.example</email></author>", 1
        ),
        "an author named by email": good.replace(
            "<name>Bob</name>", "<name>bob@example.com</name>"
        ),
        "a date that isn't RFC 3339": re.sub(
            r"<updated>[^<]+</updated>",
            "<updated>10 March 2021</updated>",
            good,
            count=1,
        ),
        "an entry without summary": re.sub(
            r'<summary type="html">[^<]*</summary>', "", good, count=1
        ),
        "no link to itself": good.replace('rel="self"', 'rel="related"'),
        "a feed without updated": re.sub(
            r"<updated>[^<]+</updated>", "", good, count=1
        ),
        "an entry without author": re.sub(
            r"<author><name>Bob</name></author>", "", good
        ),
    }
    for breakage, xml in breakages.items():
        assert xml != good, breakage
        assert atom_problems(xml.encode()), breakage


# --- Found from the pages -------------------------------------------------------------


def test_pages_name_their_feeds_in_the_head(client, seed_article):
    home = client.get("/").content.decode()
    article = client.get(seed_article.get_absolute_url()).content.decode()

    site_feeds = [
        '<link rel="alternate" type="application/atom+xml" title="Newsroom » Articles"'
        ' href="/feed/">',
        '<link rel="alternate" type="application/atom+xml" title="Newsroom » Comments"'
        ' href="/comments/feed/">',
    ]
    for page in (home, article):
        head = page.split("</head>")[0]
        for link in site_feeds:
            assert link in head
    assert (
        '<link rel="alternate" type="application/atom+xml" '
        f'title="Newsroom » {seed_article.title} Comments" href="{SEED_FEED}">'
    ) in article.split("</head>")[0]
    assert SEED_FEED not in home


def test_a_draft_or_a_wrong_address_has_no_feed(client, db):
    draft = factories.make_article(status="draft")
    assert client.get(f"{draft.get_absolute_url()}feed/").status_code == 404
    wrong_date = SEED_FEED.replace("/10/", "/11/")
    assert client.get(wrong_date).status_code == 404


# --- Cached like the pages -----------------------------------------------------------


@pytest.mark.parametrize("count", [3, 120])
def test_a_feed_costs_the_same_queries_whatever_the_number_of_comments(
    seed_article, count, django_assert_num_queries
):
    for _ in range(count):
        factories.make_comment(seed_article)
    factories.make_comment(seed_article, user=factories.make_user(), author_name="")

    for url in (SEED_FEED, "/comments/feed/", "/feed/"):
        # The article or the published articles' digest, then the entries.
        with django_assert_num_queries(2):
            Client().get(url)
        # Then from the cache.
        with django_assert_num_queries(1):
            Client().get(url)


def test_a_new_comment_or_a_moderation_changes_the_cached_feeds(seed_article):
    first = factories.make_comment(seed_article, body="First words")
    held = factories.make_comment(seed_article, status="pending", body="Held so far")
    assert len(entries(feed_of(SEED_FEED))) == 1
    assert len(entries(feed_of("/comments/feed/"))) == 1

    # Written behind the ORM's back: the triggers bump the version all the same.
    Comment.objects.filter(pk=held.pk).update(status="approved")
    for url in (SEED_FEED, "/comments/feed/"):
        assert [text_of(e, "summary") for e in entries(feed_of(url))] == [
            "<p>Held so far</p>",
            "<p>First words</p>",
        ]

    Comment.objects.filter(pk=first.pk).update(status="removed")
    for url in (SEED_FEED, "/comments/feed/"):
        assert [text_of(e, "summary") for e in entries(feed_of(url))] == [
            "<p>Held so far</p>"
        ]


def test_an_edited_comment_changes_the_cached_feeds(seed_article):
    comment = factories.make_comment(seed_article, body="As first written")
    feed_of(SEED_FEED)
    feed_of("/comments/feed/")

    # As an editor's edit in the admin: the text only, behind the ORM's back.
    Comment.objects.filter(pk=comment.pk).update(
        body="As corrected", body_html="<p>As corrected</p>"
    )

    for url in (SEED_FEED, "/comments/feed/"):
        [entry] = entries(feed_of(url))
        assert text_of(entry, "summary") == "<p>As corrected</p>"


def test_an_edited_or_unpublished_article_changes_the_cached_feeds(seed_article):
    factories.make_comment(seed_article, author_name="Ada")
    feed_of("/comments/feed/")
    feed_of("/feed/")

    seed_article.title = "Edited title"
    seed_article.save()
    assert text_of(entries(feed_of("/comments/feed/"))[0], "title") == (
        "Comment on Edited title by Ada"
    )
    assert text_of(entries(feed_of("/feed/"))[0], "title") == "Edited title"

    seed_article.status = Article.Status.DRAFT
    seed_article.save()
    assert entries(feed_of("/comments/feed/")) == []
    assert entries(feed_of("/feed/")) == []
    assert Client().get(SEED_FEED).status_code == 404


def test_a_scheduled_article_enters_the_cached_feed_when_it_comes_out(db):
    soon = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
    scheduled = factories.make_article(title="Coming soon", published_at=soon)
    assert len(entries(feed_of("/feed/"))) == 1

    # Its time comes, as if: its date moves to the past, and its last edit stays
    # (update() leaves auto_now fields alone).
    Article.objects.filter(pk=scheduled.pk).update(
        published_at=soon - datetime.timedelta(hours=2)
    )

    assert text_of(entries(feed_of("/feed/"))[0], "title") == "Coming soon"


def test_readers_and_http_caches_may_keep_a_feed_and_ask_again_cheaply(
    seed_article, discussion, django_assert_num_queries
):
    for url in ("/feed/", SEED_FEED, "/comments/feed/"):
        response = Client().get(url)
        assert response["Cache-Control"] == f"public, max-age={FEED_SECONDS}"
        assert response["ETag"]
        assert response["Last-Modified"]
        assert not response.cookies
        with django_assert_num_queries(1):
            again = Client().get(url, headers={"If-None-Match": response["ETag"]})
        assert again.status_code == 304
        assert again["Cache-Control"] == f"public, max-age={FEED_SECONDS}"
        assert again.content == b""


def test_a_feed_is_the_same_bytes_from_the_cache(seed_article, discussion):
    fresh = Client().get(SEED_FEED).content
    assert Client().get(SEED_FEED).content == fresh
    cache.clear()
    assert Client().get(SEED_FEED).content == fresh
