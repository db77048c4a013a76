"""
Taking the discussions elsewhere: `export_wordpress` writes the WXR file that
WordPress's own importer reads, `export_json` a JSON document per article.

The WXR file is compared with a real one, written by WordPress 6.1.9's exporter
(tests' sample in /work/shared/samples, also used by the import tests): the same
elements in the same order, per channel, item and comment. Readers' text is
hostile: it stays text, and the file stays well-formed whatever it holds.
"""

import datetime
import gc
import gzip
import json
import os
import weakref
from io import StringIO
from pathlib import Path

import pytest
from defusedxml import ElementTree
from django.core.management import CommandError, call_command

from articles.models import Article
from comments.models import Comment
from newsroom.interchange.exporting import cdata, with_comments
from tests.factories import make_article, make_comment

SAMPLE = Path("/work/shared/samples/wordpress-export-1000-comments.wxr.gz")
WP = "{http://wordpress.org/export/1.2/}"
NAMESPACES = {
    "http://wordpress.org/export/1.2/excerpt/": "excerpt:",
    "http://purl.org/rss/1.0/modules/content/": "content:",
    "http://wellformedweb.org/CommentAPI/": "wfw:",
    "http://purl.org/dc/elements/1.1/": "dc:",
    "http://wordpress.org/export/1.2/": "wp:",
}
# What WordPress writes and we have no equivalent of: categories and tags, custom
# fields (postmeta, commentmeta).
WORDPRESS_ONLY = {
    "wp:category",
    "wp:term",
    "wp:tag",
    "category",
    "wp:postmeta",
    "wp:commentmeta",
}


@pytest.fixture(autouse=True)
def only_the_tests_articles(db):
    """Without the article the migrations seed."""
    Article.objects.all().delete()


def export_wordpress(*args: str) -> str:
    out, err = StringIO(), StringIO()
    call_command("export_wordpress", *args, stdout=out, stderr=err)
    return out.getvalue()


def parse(wxr: str):
    return ElementTree.fromstring(wxr.encode())


def name(element) -> str:
    """An element's name as the file writes it: "wp:comment_id"."""
    for uri, prefix in NAMESPACES.items():
        if element.tag.startswith("{" + uri + "}"):
            return prefix + element.tag[len(uri) + 2 :]
    return element.tag


def shape(element) -> list[str]:
    """The names of an element's children, a run of the same name written once."""
    names = [name(child) for child in element if name(child) not in WORDPRESS_ONLY]
    return [n for i, n in enumerate(names) if i == 0 or names[i - 1] != n]


def items(root) -> dict[str, object]:
    return {item.findtext(f"{WP}post_name"): item for item in root.iter("item")}


def comments_of(item) -> dict[str, dict[str, str]]:
    return {
        c.findtext(f"{WP}comment_id"): {name(e)[3:]: e.text or "" for e in c}
        for c in item.findall(f"{WP}comment")
    }


@pytest.fixture(scope="module")
def wordpress_sample():
    with gzip.open(SAMPLE) as file:
        return ElementTree.parse(file).getroot()


def test_the_file_has_the_elements_wordpress_writes_in_its_order(wordpress_sample):
    article = make_article(slug="the-story")
    first = make_comment(article)
    make_comment(article, parent=first)

    ours = parse(export_wordpress())

    theirs_channel = wordpress_sample.find("channel")
    their_post = next(
        item
        for item in theirs_channel.iter("item")
        if item.find(f"{WP}comment") is not None
    )
    our_channel = ours.find("channel")
    our_post = items(ours)["the-story"]
    assert ours.tag == wordpress_sample.tag == "rss"
    assert ours.attrib == wordpress_sample.attrib == {"version": "2.0"}
    assert shape(our_channel) == shape(theirs_channel)
    assert shape(our_channel.find(f"{WP}author")) == shape(
        theirs_channel.find(f"{WP}author")
    )
    assert shape(our_post) == shape(their_post)
    assert len(our_post.findall(f"{WP}comment")) == 2
    assert shape(our_post.find(f"{WP}comment")) == shape(
        their_post.find(f"{WP}comment")
    )


def test_the_namespaces_are_declared_as_wordpress_declares_them():
    make_article()
    head = export_wordpress().split("<channel>")[0]

    with gzip.open(SAMPLE, "rt") as file:
        sample_head = file.read(5000).split("<channel>")[0]
    assert head[head.index("<rss") :] == sample_head[sample_head.index("<rss") :]


def test_an_article_is_written_with_its_fields(settings):
    settings.TIME_ZONE = "Europe/Paris"
    article = make_article(
        title='Q&A: <what> "now"',
        slug="q-and-a",
        byline="Jane Doe",
        body="One & two.\n\nLine\nbreak <b>.",
        published_at=datetime.datetime(2021, 3, 10, 9, 0, tzinfo=datetime.UTC),
        comments_open=False,
    )
    draft = make_article(status=Article.Status.DRAFT, byline="")

    root = parse(export_wordpress())
    item = items(root)["q-and-a"]

    url = "http://testserver/2021/03/10/q-and-a/"
    assert item.findtext("title") == 'Q&amp;A: &lt;what&gt; "now"'
    assert item.findtext("link") == url
    assert item.findtext("guid") == url
    assert item.find("guid").attrib == {"isPermaLink": "false"}
    assert item.findtext("pubDate") == "Wed, 10 Mar 2021 09:00:00 +0000"
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "jane-doe"
    assert item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") == (
        "<!-- wp:paragraph -->\n<p>One &amp; two.</p>\n<!-- /wp:paragraph -->\n\n"
        "<!-- wp:paragraph -->\n<p>Line<br>break &lt;b&gt;.</p>\n"
        "<!-- /wp:paragraph -->"
    )
    assert item.findtext(f"{WP}post_id") == str(article.pk)
    assert item.findtext(f"{WP}post_date") == "2021-03-10 10:00:00"
    assert item.findtext(f"{WP}post_date_gmt") == "2021-03-10 09:00:00"
    assert item.findtext(f"{WP}comment_status") == "closed"
    assert item.findtext(f"{WP}status") == "publish"
    assert item.findtext(f"{WP}post_type") == "post"
    assert items(root)[draft.slug].findtext(f"{WP}status") == "draft"
    assert items(root)[draft.slug].findtext(f"{WP}comment_status") == "open"
    authors = {
        author.findtext(f"{WP}author_login"): author.findtext(
            f"{WP}author_display_name"
        )
        for author in root.iter(f"{WP}author")
    }
    assert authors == {"jane-doe": "Jane Doe", "newsroom": "Newsroom"}
    assert root.findtext("channel/language") == "en"
    assert root.findtext(f"channel/{WP}base_site_url") == "http://testserver"
    assert root.findtext(f"channel/{WP}wxr_version") == "1.2"


def test_a_comment_is_written_with_its_fields_and_status():
    article = make_article()
    moment = datetime.datetime(2022, 5, 1, 12, 30, 15, tzinfo=datetime.UTC)
    first = make_comment(
        article,
        author_name="Ada",
        author_email="ada@example.org",
        author_url="https://ada.example.org/?a=1&b=2",
        ip_address="2001:db8::1",
        body="I <3 this & that.\nSecond line.",
        created_at=moment,
    )
    reply = make_comment(article, parent=first, status="pending", ip_address=None)
    spam = make_comment(article, status="spam")
    removed = make_comment(article, status="removed")

    comments = comments_of(items(parse(export_wordpress()))[article.slug])

    assert comments[str(first.pk)] == {
        "comment_id": str(first.pk),
        "comment_author": "Ada",
        "comment_author_email": "ada@example.org",
        "comment_author_url": "https://ada.example.org/?a=1&b=2",
        "comment_author_IP": "2001:db8::1",
        "comment_date": "2022-05-01 12:30:15",
        "comment_date_gmt": "2022-05-01 12:30:15",
        "comment_content": "I &lt;3 this &amp; that.\nSecond line.",
        "comment_approved": "1",
        "comment_type": "comment",
        "comment_parent": "0",
        "comment_user_id": "0",
    }
    assert comments[str(reply.pk)]["comment_parent"] == str(first.pk)
    assert comments[str(reply.pk)]["comment_author_IP"] == ""
    assert {pk: c["comment_approved"] for pk, c in comments.items()} == {
        str(first.pk): "1",
        str(reply.pk): "0",
        str(spam.pk): "spam",
        str(removed.pk): "trash",
    }


@pytest.mark.parametrize(
    "text, cdata_section",
    [
        ("plain", "<![CDATA[plain]]>"),
        ("a]]>b", "<![CDATA[a]]]]><![CDATA[>b]]>"),
        ("]]>]]>", "<![CDATA[]]]]><![CDATA[>]]]]><![CDATA[>]]>"),
        ("bell\x07 esc\x1b vt\x0b ok\ttab", "<![CDATA[bell esc vt ok\ttab]]>"),
    ],
)
def test_cdata_splits_its_end_marker_and_drops_what_xml_forbids(text, cdata_section):
    assert cdata(text) == cdata_section


HOSTILE = (
    "]]></wp:comment_content></wp:comment></item><item><title>x</title>"
    "<script>alert(1)</script> &amp; &#0; \x01\x08\x0b\x0c\x1b\x1f "
    "<!ENTITY x 'y'> &x; ]]]]><![CDATA[> \ufffe 🦊 中文 مرحبا"
)
CLEANED = HOSTILE.translate(dict.fromkeys(map(ord, "\x01\x08\x0b\x0c\x1b\x1f\ufffe")))


def test_hostile_text_stays_text_and_the_file_well_formed():
    article = make_article(title=HOSTILE, slug="hostile", byline="]]><b>\x01\nJo")
    make_comment(
        article,
        author_name=HOSTILE,
        author_email="a]]>b@example.org",
        author_url="https://example.org/]]></wp:comment_author_url>",
        body=HOSTILE,
    )

    wxr = export_wordpress()
    root = parse(wxr)  # not well-formed would raise here

    assert len(items(root)) == 1
    item = items(root)["hostile"]
    (comment,) = comments_of(item).values()
    as_html = CLEANED.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert comment["comment_author"] == as_html
    assert comment["comment_content"] == as_html
    assert comment["comment_author_email"] == "a]]>b@example.org"
    assert comment["comment_author_url"] == article.comments.get().author_url
    assert item.findtext("title") == as_html
    author = wxr[wxr.index("<wp:author>") :]
    assert "\n" not in author[: author.index("</wp:author>")]
    assert root.findtext(f"channel/{WP}author/{WP}author_display_name") == (
        "]]&gt;&lt;b&gt; Jo"
    )


def test_the_file_streams_with_the_same_queries_for_more_articles(
    django_assert_num_queries,
):
    def export_and_count_items() -> int:
        return export_wordpress().count("<item>")

    for _ in range(2):
        article = make_article()
        make_comment(article, parent=make_comment(article))
    # The bylines (for the authors), a chunk of articles, their comments.
    with django_assert_num_queries(3):
        assert export_and_count_items() == 2
    for _ in range(5):
        make_comment(make_article())
    with django_assert_num_queries(3):
        assert export_and_count_items() == 7


def test_a_written_article_and_its_comments_are_freed_without_waiting_for_gc():
    """Memory stays flat: nothing of a written chunk waits for a full collection."""
    for _ in range(3):
        article = make_article()
        make_comment(article, parent=make_comment(article))
    written = []
    gc.disable()
    try:
        for article in with_comments(Article.objects.all()):
            written += [weakref.ref(c) for c in article.comments.all()]
            written.append(weakref.ref(article))
        del article
        assert [ref() for ref in written] == [None] * 9
    finally:
        gc.enable()


def test_chosen_articles_only(tmp_path):
    wanted = make_article(slug="wanted")
    make_article(slug="other")
    make_comment(wanted)

    assert set(items(parse(export_wordpress("--article", "wanted")))) == {"wanted"}
    with pytest.raises(CommandError, match="No article has the slug nope"):
        export_wordpress("--article", "wanted", "nope")


def test_the_file_is_readable_by_its_owner_only_and_the_help_warns(tmp_path, capsys):
    make_comment(make_article())
    path = tmp_path / "site.wxr"

    assert export_wordpress("-o", str(path)) == ""

    assert parse(path.read_text()).find("channel/item") is not None
    assert os.stat(path).st_mode & 0o777 == 0o600
    with pytest.raises(SystemExit):
        call_command("export_wordpress", "--help")
    assert "email and IP addresses" in " ".join(capsys.readouterr().out.split())


# --- JSON ---------------------------------------------------------------------------


def test_json_holds_each_article_with_its_comments_in_reading_order(tmp_path):
    article = make_article(
        title="Zoë's 🦊 中文 مرحبا",
        slug="the-story",
        byline="Jane",
        body="One.\n\nTwo ]]> <b>.",
        published_at=datetime.datetime(2021, 3, 10, 9, 0, tzinfo=datetime.UTC),
    )
    first = make_comment(
        article,
        author_name="Ada",
        author_email="ada@example.org",
        author_url="https://ada.example.org/",
        ip_address="192.0.2.7",
        user_agent="Firefox",
        author_provider="account",
        author_account="ada",
        body="Hello <b>world</b> ]]>",
        created_at=datetime.datetime(2021, 3, 10, 10, 0, tzinfo=datetime.UTC),
    )
    second = make_comment(article, status="spam", ip_address=None)
    reply = make_comment(article, parent=first, status="removed")
    make_article(slug="quiet", status=Article.Status.DRAFT)

    call_command("export_json", "-o", str(tmp_path / "out"), stderr=StringIO())

    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == ["quiet.json", "the-story.json"]
    document = json.loads((tmp_path / "out" / "the-story.json").read_text())
    assert {k: v for k, v in document.items() if k != "comments"} == {
        "title": "Zoë's 🦊 中文 مرحبا",
        "slug": "the-story",
        "url": "http://testserver/2021/03/10/the-story/",
        "byline": "Jane",
        "published_at": "2021-03-10T09:00:00+00:00",
        "status": "published",
        "body": ["One.", "Two ]]> <b>."],
    }
    assert [c["id"] for c in document["comments"]] == [first.pk, reply.pk, second.pk]
    assert document["comments"][0] == {
        "id": first.pk,
        "parent": None,
        "status": "approved",
        "created_at": "2021-03-10T10:00:00+00:00",
        "author": {
            "name": "Ada",
            "email": "ada@example.org",
            "url": "https://ada.example.org/",
            "ip": "192.0.2.7",
            "user_agent": "Firefox",
            "provider": "account",
            "account": "ada",
        },
        "body": "Hello <b>world</b> ]]>",
    }
    assert document["comments"][1]["parent"] == first.pk
    assert document["comments"][1]["status"] == "removed"
    assert document["comments"][2]["author"]["ip"] is None
    assert json.loads((tmp_path / "out" / "quiet.json").read_text())["status"] == (
        "draft"
    )
    assert os.stat(tmp_path / "out" / "the-story.json").st_mode & 0o777 == 0o600


# --- Round trips --------------------------------------------------------------------

EMOJI_CJK_RTL = "🦊 中文 日本語 한국어 مرحبا עברית \u202bRTL\u202c"


def import_wordpress(path: Path) -> str:
    out = StringIO()
    call_command("import_wordpress", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def site_as_data() -> dict[str, tuple]:
    """
    Every article and its comment tree as plain values, ids left out: a comment is
    known by its date, author and text, its parent by the same.
    """

    def known_as(comment) -> tuple:
        return (comment.created_at, comment.author_name, comment.body)

    site = {}
    for article in Article.objects.prefetch_related("comments__parent"):
        comments = {
            known_as(comment): (
                known_as(comment.parent) if comment.parent else None,
                comment.status,
                comment.author_email,
                comment.author_url,
                str(comment.ip_address or ""),
            )
            for comment in article.comments.all()
        }
        site[article.slug] = (
            article.title,
            article.published_at,
            article.paragraphs,
            article.status,
            article.comments_open,
            comments,
        )
    return site


def test_a_site_exported_and_imported_into_an_empty_one_is_the_same(tmp_path):
    moment = datetime.datetime(2024, 2, 29, 23, 59, 58, tzinfo=datetime.UTC)
    story = make_article(
        title=f"Q&A: <b>bold</b> ]]> &lt; {EMOJI_CJK_RTL}",
        slug="the-story",
        byline="Jane Doe",
        body=f"First & <i>only</i> ]]> &amp;lt;\n\nA line\nand another.\n\n"
        f"{EMOJI_CJK_RTL}",
        published_at=moment,
    )
    # WXR dates are to the second.
    draft = make_article(
        slug="a-draft",
        status=Article.Status.DRAFT,
        comments_open=False,
        published_at=moment,
    )
    make_article(slug="no-comments", published_at=moment)

    def at(minutes: int) -> datetime.datetime:
        return moment + datetime.timedelta(minutes=minutes)

    # A thread six deep (depths 0 to 5), every status on the way.
    parent = None
    for depth, status in enumerate(
        ["approved", "pending", "spam", "removed", "approved", "approved"]
    ):
        parent = make_comment(
            story,
            parent=parent,
            status=status,
            author_name=f"Depth {depth} {EMOJI_CJK_RTL}",
            author_email=f"d{depth}@example.org",
            author_url="https://example.org/?a=1&b=2",
            ip_address="2001:db8::1" if depth % 2 else "192.0.2.9",
            body=f"Level {depth}: ]]> <script>alert(1)</script> &lt; &amp;\n"
            f"{EMOJI_CJK_RTL}",
            created_at=at(depth),
        )
    top = make_comment(story, author_name="Ann & <Bob>", created_at=at(10))
    make_comment(story, parent=top, created_at=at(11), author_url="")
    make_comment(story, parent=top, created_at=at(12), ip_address=None)
    make_comment(draft, status="pending", created_at=at(13))
    before = site_as_data()
    path = tmp_path / "site.wxr"
    call_command("export_wordpress", "-o", str(path), stderr=StringIO())

    # An empty site: the articles go, and with them their comments, their
    # Imported rows and their old addresses.
    Article.objects.all().delete()
    assert Comment.objects.count() == 0
    out = import_wordpress(path)

    assert "Articles: 3 created" in out
    assert "Comments imported: 10 (6 approved, 2 pending, 1 removed, 1 spam)." in out
    assert site_as_data() == before
    assert Comment.objects.filter(depth=5).count() == 1


def test_every_comment_of_a_wordpress_site_comes_out_as_it_went_in(
    tmp_path, wordpress_sample
):
    """The sample WordPress export, imported here and exported again."""
    from newsroom.interchange.htmltext import html_to_text

    def tree(item) -> dict[tuple, tuple | None]:
        comments = comments_of(item)

        def known_as(comment) -> tuple:
            return (
                html_to_text(comment["comment_author"]),
                comment["comment_date_gmt"],
                html_to_text(comment["comment_content"]),
            )

        return {
            known_as(comment): known_as(comments[comment["comment_parent"]])
            if comment["comment_parent"] in comments
            else None
            for comment in comments.values()
        }

    theirs = {
        slug: tree(item)
        for slug, item in items(wordpress_sample).items()
        if item.find(f"{WP}comment") is not None
    }
    assert sum(len(comments) for comments in theirs.values()) == 1000
    import_wordpress(SAMPLE)

    ours = items(parse(export_wordpress()))

    for slug, comments in theirs.items():
        assert tree(ours[slug]) == comments
