"""
`manage.py import_wordpress`: a WordPress export (WXR) becomes articles and
comments, once, streaming, refusing hostile XML.
"""

import datetime
import gzip
import io
import re
import threading
import tracemalloc
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from articles.models import Article
from comments.models import Comment
from newsroom.interchange.wordpress import WXRError, import_wxr
from newsroom.models import Imported, OldAddress
from tests import factories, mailserver
from tests.wxr import SITE, comment, export, item

SAMPLE = Path("/work/shared/samples/wordpress-export-1000-comments.wxr.gz")
UTC = datetime.UTC


def run(tmp_path, text: str, *args: str, name: str = "export.xml") -> str:
    """Import `text` written to a file; the command's report."""
    path = tmp_path / name
    data = text.encode()
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    out = io.StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out)
    return out.getvalue()


def imported_comments():
    return Comment.objects.exclude(old_anchor="").order_by("created_at", "id")


def test_a_post_becomes_an_article_with_its_fields(tmp_path, db):
    body = (
        "<!-- wp:heading --><h2>A heading</h2><!-- /wp:heading -->\n"
        "<!-- wp:paragraph --><p>First &amp; <em>best</em>&#8217;s.</p>"
        "<!-- /wp:paragraph -->\n\n<!-- wp:list --><ul><li>One</li><li>Two</li></ul>"
        "<!-- /wp:list --><script>alert(1)</script>"
        '\n\n[caption id="a" width="300"]<img src="x.jpg"> The river [sic].[/caption]'
        '\n\n[gallery ids="1,2"]'
    )
    report = run(
        tmp_path,
        export(item(7, title="Rock &amp; roll", slug="rock-roll", content=body)),
    )

    article = Article.objects.get(slug="rock-roll")
    assert article.title == "Rock & roll"
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == datetime.datetime(2021, 3, 10, 9, tzinfo=UTC)
    assert article.comments_open is True
    assert article.paragraphs == [
        "A heading",
        "First & best’s.",
        "One",
        "Two",
        "The river [sic].",
    ]
    assert "Articles: 1 created" in report
    assert Imported.objects.filter(kind="article", source_id="7").count() == 1


@pytest.mark.parametrize(
    ("wp_status", "status"),
    [
        ("publish", "published"),
        ("draft", "draft"),
        ("pending", "draft"),
        ("future", "draft"),
        ("private", "draft"),
    ],
)
def test_post_statuses(tmp_path, db, wp_status, status):
    run(tmp_path, export(item(7, status=wp_status)))
    assert Article.objects.get(slug="story-7").status == status


def test_a_draft_without_dates_takes_its_local_date(tmp_path, db):
    # What WordPress exports for a draft never published.
    draft = item(
        7,
        status="draft",
        date_gmt="0000-00-00 00:00:00",
        pub_date="Mon, 30 Nov -0001 00:00:00 +0000",
    ).replace(
        "<wp:post_date><![CDATA[0000-00-00 00:00:00]]>",
        "<wp:post_date><![CDATA[2021-05-01 10:00:00]]>",
    )
    run(tmp_path, export(draft))
    article = Article.objects.get(slug="story-7")
    assert article.published_at == datetime.datetime(2021, 5, 1, 10, tzinfo=UTC)


def test_pages_attachments_and_trash_are_skipped_and_counted(tmp_path, db):
    report = run(
        tmp_path,
        export(
            item(1, post_type="page", slug="about"),
            item(2, comment(20), post_type="attachment", slug="picture"),
            item(3, comment(30), comment(31), status="trash", slug="gone"),
            item(4, post_type="nav_menu_item", slug="menu"),
            item(5, slug="kept", comment_status="closed"),
        ),
    )
    slugs = ["about", "picture", "gone", "menu", "kept"]
    kept = Article.objects.filter(slug__in=slugs).values_list("slug", flat=True)
    assert list(kept) == ["kept"]
    assert Article.objects.get(slug="kept").comments_open is False
    assert "pages (not posts): 1" in report
    assert "attachments (not posts): 1" in report
    assert "posts in trash status: 1" in report
    assert "comments on skipped pages and posts: 3" in report
    assert not imported_comments().exists()


def test_an_empty_slug_is_made_from_the_title_and_a_taken_one_gets_a_suffix(
    tmp_path, db
):
    factories.make_article(slug="taken", title="Another story entirely")
    run(
        tmp_path,
        export(
            item(1, slug="", title="Héllo wörld"),
            item(2, slug="taken", title="Mine"),
        ),
    )
    assert Article.objects.filter(slug="hello-world", title="Héllo wörld").exists()
    assert Article.objects.filter(slug="taken-2", title="Mine").exists()


def test_an_existing_article_with_the_same_slug_and_title_receives_the_comments(
    tmp_path, db
):
    existing = factories.make_article(slug="same", title="The Same Story")
    report = run(
        tmp_path, export(item(1, comment(10), slug="same", title="The same story"))
    )
    assert Article.objects.filter(slug__startswith="same").count() == 1
    assert existing.comments.get().old_anchor == "comment-10"
    assert "1 existing ones received comments" in report


def test_comments_keep_every_field(tmp_path, db):
    run(
        tmp_path,
        export(
            item(
                1,
                comment(
                    11,
                    author="Ana Ruiz",
                    email="ana@example.org",
                    url="https://ana.example.org/",
                    ip="2001:db8::1",
                    date_gmt="2021-03-11 08:30:05",
                    agent="Mozilla/5.0 (X11)",
                    content="Line one\nline two\n\n<p>Para <a href='https://x.example/'>"
                    "there</a> &amp; <em>here</em></p><script>alert(1)</script>",
                ),
            )
        ),
    )
    c = imported_comments().get()
    assert (c.author_name, c.author_email, c.author_url) == (
        "Ana Ruiz",
        "ana@example.org",
        "https://ana.example.org/",
    )
    assert c.ip_address == "2001:db8::1"
    assert c.user_agent == "Mozilla/5.0 (X11)"
    assert c.created_at == datetime.datetime(2021, 3, 11, 8, 30, 5, tzinfo=UTC)
    assert c.status == "approved"
    assert c.old_anchor == "comment-11"
    assert c.user is None  # readers' accounts are not imported
    assert c.body == ("Line one\nline two\n\nPara there (https://x.example/) & here")
    assert "<script" not in c.body_html and "alert" not in c.body_html
    assert c.body_html == Comment(body=c.body).body_as_html or "<p>" in c.body_html
    assert '<a href="https://x.example/"' in c.body_html
    assert c.depth == 0 and c.parent is None


@pytest.mark.parametrize(
    ("approved", "status"),
    [
        ("1", "approved"),
        ("0", "pending"),
        ("spam", "spam"),
        ("trash", "removed"),
        ("post-trashed", "removed"),
        ("something-else", "pending"),
    ],
)
def test_comment_statuses(tmp_path, db, approved, status):
    report = run(tmp_path, export(item(1, comment(5, approved=approved))))
    assert imported_comments().get().status == status
    assert f"1 {status}" in report


def test_dates_fall_back_to_the_local_date_then_the_articles(tmp_path, db):
    report = run(
        tmp_path,
        export(
            item(
                1,
                comment(1, date_gmt="0000-00-00 00:00:00", date="2021-04-01 12:00:00"),
                comment(2, date_gmt="0000-00-00 00:00:00", date="0000-00-00 00:00:00"),
                date_gmt="0000-00-00 00:00:00",
                pub_date="Thu, 11 Mar 2021 10:00:00 +0000",
            )
        ),
    )
    article = Article.objects.get(slug="story-1")
    assert article.published_at == datetime.datetime(2021, 3, 11, 10, tzinfo=UTC)
    first, second = Comment.objects.filter(article=article).order_by("old_anchor")
    assert first.created_at == datetime.datetime(2021, 4, 1, 12, tzinfo=UTC)
    assert second.created_at == article.published_at
    assert "dates missing (the article's date used): 1" in report


def test_invalid_email_website_and_ip_are_dropped_and_counted(tmp_path, db):
    report = run(
        tmp_path,
        export(
            item(
                1,
                comment(
                    1, email="not an email", url="javascript:alert(1)", ip="999.1.1.1"
                ),
                comment(2, author="N" * 300),
            )
        ),
    )
    first, second = imported_comments().order_by("old_anchor")
    assert (first.author_email, first.author_url, first.ip_address) == ("", "", None)
    assert len(second.author_name) == 245
    assert "invalid emails dropped: 1" in report
    assert "invalid websites dropped: 1" in report
    assert "invalid IP addresses dropped: 1" in report
    assert "names cut to fit: 1" in report


def test_wxr_1_1_is_read_too(tmp_path, db):
    report = run(tmp_path, export(item(1, comment(1), comment(2)), version="1.1"))
    assert imported_comments().count() == 2
    assert "Comments imported: 2 (2 approved)" in report


def test_threads_to_depth_five_with_a_parent_later_in_the_file_and_orphans(
    tmp_path, db
):
    report = run(
        tmp_path,
        export(
            item(
                1,
                comment(1),
                comment(3, parent=2),  # its parent comes later in the file
                comment(2, parent=1),
                comment(4, parent=3),
                comment(5, parent=4),
                comment(6, parent=5),
                comment(7, parent=99),  # a parent that isn't in the file
                comment(8, parent=7),
            )
        ),
    )
    by_anchor = {c.old_anchor: c for c in imported_comments()}
    parents = {
        anchor: c.parent.old_anchor if c.parent else None
        for anchor, c in by_anchor.items()
    }
    assert parents == {
        "comment-1": None,
        "comment-2": "comment-1",
        "comment-3": "comment-2",
        "comment-4": "comment-3",
        "comment-5": "comment-4",
        "comment-6": "comment-5",
        "comment-7": None,
        "comment-8": "comment-7",
    }
    assert by_anchor["comment-6"].depth == 5
    assert by_anchor["comment-8"].depth == 1
    assert "replies whose parent is missing: 1" in report


def test_a_parent_later_in_the_file_across_batches(tmp_path, db):
    text = export(
        item(1, comment(5, parent=9), comment(6), comment(7), comment(8), comment(9))
    )
    report = import_wxr(io.BytesIO(text.encode()), batch_size=2)
    reply = imported_comments().get(old_anchor="comment-5")
    assert reply.parent.old_anchor == "comment-9" and reply.depth == 1
    assert report.comments_imported == 5 and not report.problems


def test_text_survives_cdata_entities_emoji_cjk_and_rtl(tmp_path, db):
    text = "Ça &amp; 👍🏽 中文评论 — مرحبا بالعالم ]]> end &lt;b&gt;"
    run(
        tmp_path,
        export(
            item(1, comment(1, content=text, author="李雷 &amp; مريم")), version="1.2"
        ),
        name="export.xml.gz",
    )
    c = imported_comments().get()
    assert c.body == "Ça & 👍🏽 中文评论 — مرحبا بالعالم ]]> end <b>"
    assert c.author_name == "李雷 & مريم"
    assert "&lt;b&gt;" in c.body_html


def test_pingbacks_are_skipped_unless_asked_for(tmp_path, db):
    text = export(
        item(
            1,
            comment(1),
            comment(2, comment_type="pingback"),
            comment(3, comment_type="trackback"),
        )
    )
    report = run(tmp_path, text)
    assert imported_comments().count() == 1
    assert "pingbacks and trackbacks: 2" in report

    report = run(tmp_path, text, "--with-pingbacks")
    assert imported_comments().count() == 3
    assert "comments already imported: 1" in report


def test_a_second_run_imports_nothing_twice_and_says_what_it_skipped(tmp_path, db):
    text = export(item(1, comment(1), comment(2, parent=1)), item(2, comment(3)))
    run(tmp_path, text)

    def counts():
        return [m.objects.count() for m in (Article, Comment, OldAddress, Imported)]

    before = counts()

    report = run(tmp_path, text)

    assert counts() == before
    assert "Articles: 0 created" in report
    assert "Comments imported: 0." in report
    assert "articles already imported: 2" in report
    assert "comments already imported: 3" in report


def test_the_same_ids_from_another_site_are_other_comments(tmp_path, db):
    run(tmp_path, export(item(1, comment(1))))
    run(tmp_path, export(item(1, comment(1)), site="https://other.example.net"))
    # The same slug and title: the other site's post is taken to be this story.
    article = Article.objects.get(slug__startswith="story-1")
    assert article.comments.count() == 2


def test_a_file_cut_short_names_the_line_keeps_complete_batches_and_resumes(db):
    text = export(item(1, *(comment(n) for n in range(1, 8))))
    cut = text[: text.index("<wp:comment_id>6<")]
    with pytest.raises(WXRError, match=r"not well-formed XML at line \d+"):
        import_wxr(io.BytesIO(cut.encode()), batch_size=2)
    # Batches 1-2 and 3-4 were complete; 5 was in the batch in progress.
    assert sorted(imported_comments().values_list("old_anchor", flat=True)) == [
        "comment-1",
        "comment-2",
        "comment-3",
        "comment-4",
    ]

    report = import_wxr(io.BytesIO(text.encode()), batch_size=2)
    assert imported_comments().count() == 7
    assert report.skipped["comments already imported"] == 4


def test_a_compressed_file_cut_short_says_so_with_the_line(db):
    text = export(item(1, *(comment(n, content="x" * n) for n in range(1, 200))))
    compressed = gzip.compress(text.encode())
    with pytest.raises(WXRError, match=r"cut short at line \d+") as error:
        import_wxr(io.BytesIO(compressed[: len(compressed) // 2]), batch_size=10)
    assert "run the import again" in str(error.value)
    assert imported_comments().count() % 10 == 0


def test_broken_xml_is_a_clear_command_error(tmp_path, db):
    with pytest.raises(CommandError, match=r"not well-formed XML at line 3"):
        run(tmp_path, '<?xml version="1.0"?>\n<rss>\n<channel><oops</channel>')
    assert not Imported.objects.exists()


@pytest.mark.parametrize(
    "head",
    [
        # The billion laughs: entities that expand to gigabytes.
        '<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]>\n',
        # An external entity: a file of the server's read into a comment.
        '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n',
    ],
    ids=["billion-laughs", "external-entity"],
)
def test_hostile_xml_is_refused_and_nothing_is_written(tmp_path, db, head):
    text = export(item(1, comment(1, content="&lol3; &xxe;")), head=head)
    articles = Article.objects.count()
    with pytest.raises(CommandError, match="refused: the file declares entities"):
        run(tmp_path, text)
    assert Article.objects.count() == articles
    assert not Imported.objects.exists() and not imported_comments().exists()


def test_an_element_over_the_limit_is_refused_with_the_line(db, settings):
    """A comment of 100 MB in a gzip of 100 KB took the worker from 80 to 246 MB."""
    settings.IMPORT_MAX_ELEMENT_SIZE = 1024 * 1024
    huge = comment(2, content="Spam! " * 200_000)
    text = export(item(1, comment(1), huge, comment(3)))
    with pytest.raises(WXRError, match=r"an element larger than 1 MB .* at line \d+"):
        import_wxr(io.BytesIO(gzip.compress(text.encode())), batch_size=1)
    assert list(imported_comments().values_list("old_anchor", flat=True)) == [
        "comment-1"
    ]


@pytest.mark.parametrize(
    ("where", "what"),
    [
        ("<title>", "Spam!<b/>" * 200_000),  # text split by elements, all kept
        ("<channel>", "Spam! " * 200_000),  # text between a container's parts
        ('<?xml version="1.0" encoding="UTF-8" ?>', "<!-- " + "x" * 2**21 + " -->"),
    ],
    ids=["split-text", "container-text", "xml-comment"],
)
def test_text_of_one_piece_counts_whole(db, settings, where, what):
    settings.IMPORT_MAX_ELEMENT_SIZE = 1024 * 1024
    text = export(item(1, comment(1))).replace(where, where + what, 1)
    with pytest.raises(WXRError, match="an element larger than 1 MB"):
        import_wxr(io.BytesIO(text.encode()))


def test_a_post_of_many_comments_or_parts_is_read_in_flat_memory(db, settings):
    """Its comments are imported as read; parts of it no article needs, dropped."""
    settings.IMPORT_MAX_ELEMENT_SIZE = 64 * 1024
    parts = "<category>Spam!</category>" * 100_000
    text = export(item(1, *(comment(n) for n in range(1, 60)), parts))
    import_wxr(io.BytesIO(text.encode()))  # warm: modules, queries, caches
    Comment.objects.exclude(old_anchor="").delete()
    Imported.objects.all().delete()

    file = io.BytesIO(text.encode())
    tracemalloc.start()
    try:
        import_wxr(file)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert imported_comments().count() == 59
    assert peak < len(text) / 4  # kept, the <category>s took 4.8 times their size


def test_a_file_over_the_limit_once_uncompressed_is_refused(db, settings):
    settings.IMPORT_MAX_XML_SIZE = 1024 * 1024
    text = export(item(1, *(comment(n, content="x" * 5000) for n in range(1, 400))))
    compressed = gzip.compress(text.encode())
    assert len(compressed) < 64 * 1024
    with pytest.raises(WXRError, match="larger than 1 MB once uncompressed"):
        import_wxr(io.BytesIO(compressed))


def test_something_else_than_a_wordpress_export_is_refused(tmp_path, db):
    with pytest.raises(CommandError, match="not a WordPress export"):
        run(tmp_path, '<?xml version="1.0"?><disqus><thread/></disqus>')
    with pytest.raises(CommandError, match="Can't read"):
        call_command("import_wordpress", str(tmp_path / "missing.xml"))


def test_the_sample_export_is_imported_whole_onto_the_existing_article(db, client):
    text = gzip.decompress(SAMPLE.read_bytes()).decode()
    comments = re.findall(r"<wp:comment>.*?</wp:comment>", text, re.S)
    in_file = {
        re.search(r"<wp:comment_id>(\d+)<", c)[1]: re.search(
            r"<wp:comment_parent>(\d+)<", c
        )[1]
        for c in comments
    }
    statuses = re.findall(r"<wp:comment_approved><!\[CDATA\[(\w+)\]\]>", text)
    seed = Article.objects.get()

    out = io.StringIO()
    call_command("import_wordpress", str(SAMPLE), stdout=out)

    report = out.getvalue()
    assert Article.objects.get() == seed  # attached, not duplicated
    imported = {c.old_anchor.removeprefix("comment-"): c for c in seed.comments.all()}
    assert set(imported) == set(in_file)
    for wp_id, parent in in_file.items():
        got = imported[wp_id].parent
        assert (got.old_anchor if got else "comment-0") == f"comment-{parent}"
    assert max(c.depth for c in imported.values()) == max(
        depth_in_file(in_file, wp_id) for wp_id in in_file
    )
    assert (
        f"Comments imported: {len(comments):,} ({statuses.count('1'):,} approved)"
        in report
    )
    assert f"{seed.title} ({seed.get_absolute_url()}): {len(comments):,}" in report
    assert "pages (not posts): 1" in report

    # Every approved comment keeps its old anchor, on one of the pages.
    pages = factories.every_comment_page(client, seed)
    assert len(pages) > 1
    anchors = sum(page.count('<span id="comment-') for page in pages)
    assert anchors == statuses.count("1")


def depth_in_file(parents: dict[str, str], wp_id: str) -> int:
    depth = 0
    while parents[wp_id] != "0":
        wp_id, depth = parents[wp_id], depth + 1
    return depth


def test_other_kinds_of_comments_are_skipped_and_counted(tmp_path, db):
    report = run(
        tmp_path,
        export(item(1, comment(1), comment(2, comment_type="order_note"))),
        "--with-pingbacks",
    )
    assert imported_comments().count() == 1
    assert "comments of type 'order_note': 1" in report


def test_a_second_import_of_the_same_site_waits_for_the_first(transactional_db):
    """An import waits while another import of the same site is writing."""
    text = export(item(1, comment(1), comment(2)))
    with psycopg.connect(mailserver.test_database_url(), autocommit=True) as other:
        other.execute(
            "SELECT pg_advisory_lock(hashtext(%s))", [f"import:wordpress:{SITE}"]
        )
        done = threading.Event()

        def second_import():
            try:
                import_wxr(io.BytesIO(text.encode()))
                done.set()
            finally:
                connection.close()  # this thread's own

        thread = threading.Thread(target=second_import)
        thread.start()
        assert not done.wait(1), "the import did not wait for the lock"
        assert not Imported.objects.exists()
        other.execute(
            "SELECT pg_advisory_unlock(hashtext(%s))", [f"import:wordpress:{SITE}"]
        )
    thread.join(30)
    assert done.is_set()
    assert imported_comments().count() == 2


def test_the_progress_bar_shows_on_request_and_not_when_piped(tmp_path, db):
    path = tmp_path / "export.xml"
    path.write_text(export(item(1, comment(1), comment(2))))
    shown, piped = io.StringIO(), io.StringIO()
    call_command(
        "import_wordpress", str(path), "--progress", stdout=io.StringIO(), stderr=shown
    )
    call_command("import_wordpress", str(path), stdout=io.StringIO(), stderr=piped)
    assert "\r[##############################] 100% 2 comments\n" in shown.getvalue()
    assert piped.getvalue() == ""


def test_a_comment_or_post_whose_id_is_too_long_is_skipped_and_counted(tmp_path, db):
    # A hostile file's ids: too long to keep as the record of what was imported
    # (so a second run would import the comment twice), or as its old anchor.
    long_id = "9" * 101
    report = run(
        tmp_path,
        export(
            item(1, comment(1), comment(2), comment(3, parent=2)).replace(
                "<wp:comment_id>2<", f"<wp:comment_id>{long_id}<"
            ),
            item(2, comment(20)).replace("<wp:post_id>2<", f"<wp:post_id>{long_id}<"),
            item(3, comment(30)).replace(
                "<wp:comment_id>30<", f"<wp:comment_id>{'3' * 33}<"
            ),
        ),
    )
    assert "comments whose id is too long: 1" in report
    assert "articles whose id is too long: 1" in report
    assert "comments on skipped pages and posts: 1" in report
    assert not Article.objects.filter(slug="story-2").exists()
    bodies = sorted(Comment.objects.values_list("body", flat=True))
    assert bodies == ["Comment 1.", "Comment 3.", "Comment 30."]
    # A numeric id of 33 digits fits no anchor: the comment stays, its anchor goes.
    assert Comment.objects.get(body="Comment 30.").old_anchor == ""
    assert "old anchors of an unknown shape dropped: 1" in report


def test_a_comment_nested_inside_another_element_is_skipped_and_counted(tmp_path, db):
    nested = item(1, comment(1), f"<wp:postmeta>{comment(2)}</wp:postmeta>")
    nested = nested.replace("</wp:comment>", f"{comment(3)}</wp:comment>", 1)
    report = run(tmp_path, export(nested, item(2, comment(20))))
    assert "comments not directly in a post: 2" in report
    bodies = sorted(imported_comments().values_list("body", flat=True))
    assert bodies == ["Comment 1.", "Comment 20."]
