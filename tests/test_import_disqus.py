"""
Moving from Disqus: `import_disqus` puts the comments of a Disqus export under the
articles at the same addresses, once, and says what it left out.

The files here are small Disqus exports written as Disqus writes them (threads
first, then posts naming their thread and parent by dsq:id, messages as HTML in
CDATA), with the cases a real one holds: deleted and spam comments, deleted
threads, threads whose page is not here, a reply before its parent.
"""

import datetime
import gzip
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from comments.models import Comment
from newsroom.models import Imported, OldAddress
from tests.factories import make_article

pytestmark = pytest.mark.django_db

HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<disqus xmlns="http://disqus.com" '
    'xmlns:dsq="http://disqus.com/disqus-internals" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://disqus.com/api/schemas/1.0/disqus.xsd '
    'http://disqus.com/api/schemas/1.0/disqus-internals.xsd">\n'
    '<category dsq:id="707279"><forum>oldblog</forum><title>General</title>'
    "<isDefault>true</isDefault></category>\n"
)


def thread(dsq_id: str, link: str, *, deleted: bool = False, forum="oldblog") -> str:
    return f"""
  <thread dsq:id="{dsq_id}">
    <id/>
    <forum>{forum}</forum>
    <category dsq:id="707279"/>
    <link>{link}</link>
    <title>Some title</title>
    <message/>
    <createdAt>2011-03-07T20:46:25Z</createdAt>
    <author><email>owner@example.com</email><name>Owner</name>
      <isAnonymous>false</isAnonymous><username>owner</username></author>
    <ipAddress>198.51.100.1</ipAddress>
    <isClosed>false</isClosed>
    <isDeleted>{str(deleted).lower()}</isDeleted>
  </thread>"""


def post(
    dsq_id: str,
    thread_id: str,
    *,
    parent: str = "",
    message: str = "<p>A comment.</p>",
    created: str = "2011-08-31T15:16:29Z",
    deleted: bool = False,
    spam: bool = False,
    name: str = "Alexander",
    email: str = "alex@example.com",
    ip: str = "192.0.2.5",
) -> str:
    return f"""
  <post dsq:id="{dsq_id}">
    <id>{dsq_id}0000</id>
    <message>
      <![CDATA[{message}]]>
    </message>
    <createdAt>{created}</createdAt>
    <isDeleted>{str(deleted).lower()}</isDeleted>
    <isSpam>{str(spam).lower()}</isSpam>
    <author>
      <email>{email}</email>
      <name>{name}</name>
      <isAnonymous>false</isAnonymous>
      <username>alex-1</username>
    </author>
    <ipAddress>{ip}</ipAddress>
    <thread dsq:id="{thread_id}"/>
    {f'<parent dsq:id="{parent}"/>' if parent else ""}
  </post>"""


def disqus_file(tmp_path, *parts: str, name: str = "export.xml", head: str = HEAD):
    path = tmp_path / name
    data = (head + "".join(parts) + "\n</disqus>\n").encode()
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return path


def import_disqus(path) -> str:
    out = StringIO()
    call_command("import_disqus", str(path), stdout=out)
    return out.getvalue()


@pytest.fixture
def story(db):
    return make_article(
        title="The story",
        slug="the-story",
        published_at=datetime.datetime(2011, 3, 5, 9, 0, tzinfo=datetime.UTC),
    )


STORY_LINK = "https://old.example.com/2011/03/05/the-story/"


def test_every_field_of_a_comment_is_imported(tmp_path, story):
    path = disqus_file(
        tmp_path,
        thread("1", STORY_LINK + "?utm_source=feed"),
        post(
            "299619020",
            "1",
            message='<p>Hello <b>world</b> &amp; you.</p><p>Second <a href="'
            'https://example.org/x">link</a><br>line.</p>',
            created="2011-08-31T15:16:29Z",
            name="Alexander Blah",
            email="alex@example.com",
            ip="178.178.178.178",
        ),
    )

    out = import_disqus(path)

    comment = story.comments.get()
    assert comment.body == (
        "Hello world & you.\n\nSecond link (https://example.org/x)\nline."
    )
    assert comment.created_at == datetime.datetime(
        2011, 8, 31, 15, 16, 29, tzinfo=datetime.UTC
    )
    assert comment.author_name == "Alexander Blah"
    assert comment.author_email == "alex@example.com"
    assert str(comment.ip_address) == "178.178.178.178"
    assert comment.status == Comment.Status.APPROVED
    assert comment.old_anchor == "comment-299619020"
    assert comment.parent is None
    assert comment.user is None
    assert Imported.objects.get(comment=comment).source == "disqus:oldblog"
    assert Imported.objects.get(comment=comment).source_id == "299619020"
    assert "Comments imported: 1 (1 approved)." in out
    assert "The story (/2011/03/05/the-story/): 1" in out


def test_deleted_comments_are_removed_and_spam_is_spam(tmp_path, story):
    path = disqus_file(
        tmp_path,
        thread("1", STORY_LINK),
        post("10", "1", deleted=True),
        post("11", "1", spam=True),
        post("12", "1", deleted=True, spam=True),
        post("13", "1"),
    )

    import_disqus(path)

    statuses = dict(story.comments.values_list("old_anchor", "status"))
    assert statuses == {
        "comment-10": "removed",
        "comment-11": "spam",
        "comment-12": "removed",
        "comment-13": "approved",
    }


def test_a_thread_with_no_article_here_is_reported_not_created(tmp_path, story):
    articles = Article.objects.count()
    path = disqus_file(
        tmp_path,
        thread("1", STORY_LINK),
        thread("2", "https://old.example.com/2010/01/01/gone/"),
        thread("3", "https://old.example.com/never-commented/"),
        post("10", "1"),
        post("11", "2"),
        post("12", "2"),
    )

    out = import_disqus(path)

    assert Article.objects.count() == articles
    assert Comment.objects.count() == 1
    assert "threads with no article here: 2" in out
    assert "comments of threads with no article here: 2" in out
    assert "  https://old.example.com/2010/01/01/gone/: 2 comments" in out
    assert "  https://old.example.com/never-commented/: 0 comments" in out


def test_comments_of_deleted_threads_are_skipped(tmp_path, story):
    path = disqus_file(
        tmp_path,
        thread("1", STORY_LINK, deleted=True),
        post("10", "1"),
        post("11", "1"),
    )

    out = import_disqus(path)

    assert Comment.objects.count() == 0
    assert "deleted threads: 1" in out
    assert "comments of deleted threads: 2" in out


def test_a_thread_finds_the_article_by_its_address_before_an_import(tmp_path, story):
    OldAddress.objects.create(path="/?p=4", article=story)
    OldAddress.objects.create(path="/2011/03/old-permalink/", article=story)
    path = disqus_file(
        tmp_path,
        thread("1", "http://old.example.com/?p=4"),
        thread("2", "http://old.example.com/2011/03/old-permalink"),
        post("10", "1"),
        post("11", "2"),
    )

    import_disqus(path)

    assert story.comments.count() == 2


def test_a_reply_may_come_before_its_parent(tmp_path, story):
    path = disqus_file(
        tmp_path,
        thread("1", STORY_LINK),
        post("30", "1", parent="20", created="2011-09-03T10:00:00Z"),
        post("20", "1", parent="10", created="2011-09-02T10:00:00Z"),
        post("10", "1", created="2011-09-01T10:00:00Z"),
        post("40", "1", parent="99", created="2011-09-04T10:00:00Z"),
    )

    out = import_disqus(path)

    by_anchor = {c.old_anchor: c for c in story.comments.all()}
    assert by_anchor["comment-30"].parent == by_anchor["comment-20"]
    assert by_anchor["comment-20"].parent == by_anchor["comment-10"]
    assert by_anchor["comment-10"].parent is None
    assert [by_anchor[f"comment-{n}"].depth for n in (10, 20, 30)] == [0, 1, 2]
    # A parent that isn't in the file: the reply stands on its own.
    assert by_anchor["comment-40"].parent is None
    assert "replies whose parent is missing: 1" in out
    # Parents are written first, so WordPress's importer can thread an export.
    assert by_anchor["comment-10"].pk < by_anchor["comment-20"].pk
    assert by_anchor["comment-20"].pk < by_anchor["comment-30"].pk


def test_running_it_again_imports_nothing_twice(tmp_path, story):
    path = disqus_file(
        tmp_path,
        thread("1", STORY_LINK),
        post("10", "1"),
        post("11", "1", parent="10"),
    )
    import_disqus(path)

    out = import_disqus(path)

    assert story.comments.count() == 2
    assert Imported.objects.count() == 2
    assert "comments already imported: 2" in out
    assert "Comments imported: 0." in out


def test_a_gzipped_export_is_read(tmp_path, story):
    path = disqus_file(
        tmp_path, thread("1", STORY_LINK), post("10", "1"), name="export.xml.gz"
    )

    import_disqus(path)

    assert story.comments.count() == 1


def test_text_in_any_script_stays_text(tmp_path, story):
    message = (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; 5 &lt; 6 &amp;lt; "
        "🦊 中文 مرحبا \u202eevil</p><script>alert(2)</script>"
    )
    path = disqus_file(
        tmp_path,
        thread("1", STORY_LINK),
        post(
            "10",
            "1",
            message=message,
            name="Zoë 🦊 李小龍 محمد\u202e &amp; co",
            email="",
        ),
    )

    import_disqus(path)

    comment = story.comments.get()
    assert comment.body == (
        "<script>alert(1)</script> 5 < 6 &lt; 🦊 中文 مرحبا \u202eevil"
    )
    assert "<script>" not in comment.body_html
    assert "&lt;script&gt;" in comment.body_html
    assert comment.author_name == "Zoë 🦊 李小龍 محمد & co"
    assert comment.author_email == ""


def test_a_message_without_cdata_is_read_with_its_entities(tmp_path, story):
    path = disqus_file(
        tmp_path,
        thread("1", STORY_LINK),
        post("10", "1").replace(
            "<![CDATA[<p>A comment.</p>]]>", "&lt;p&gt;Fish &amp;amp; chips&lt;/p&gt;"
        ),
    )

    import_disqus(path)

    assert story.comments.get().body == "Fish & chips"


@pytest.mark.parametrize(
    "head",
    [
        # Billion laughs: entities that expand to gigabytes.
        '<?xml version="1.0"?><!DOCTYPE disqus [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' + HEAD.split("\n", 1)[1],
        # An external entity: a file of this server.
        '<?xml version="1.0"?><!DOCTYPE disqus [<!ENTITY x SYSTEM '
        '"file:///etc/passwd">]>' + HEAD.split("\n", 1)[1],
    ],
)
def test_a_file_declaring_entities_is_refused(tmp_path, story, head):
    path = disqus_file(tmp_path, thread("1", STORY_LINK), post("10", "1"), head=head)

    with pytest.raises(CommandError, match="refused: the file declares entities"):
        import_disqus(path)
    assert Comment.objects.count() == 0


def test_broken_or_foreign_files_are_refused_with_a_reason(tmp_path, story):
    broken = tmp_path / "broken.xml"
    broken.write_text(HEAD + thread("1", STORY_LINK) + "<post dsq:id='1'><message>")
    wordpress = tmp_path / "wordpress.xml"
    wordpress.write_text('<?xml version="1.0"?><rss version="2.0"></rss>')

    with pytest.raises(CommandError, match="not well-formed XML at line 18"):
        import_disqus(broken)
    with pytest.raises(CommandError, match="not a Disqus export .*<rss>"):
        import_disqus(wordpress)
    with pytest.raises(CommandError, match="Can't read"):
        import_disqus(tmp_path / "missing.xml")
    with pytest.raises(CommandError, match="no <thread>"):
        import_disqus(disqus_file(tmp_path))


def test_a_post_over_the_size_limit_is_refused(tmp_path, story, settings):
    settings.IMPORT_MAX_ELEMENT_SIZE = 1024 * 1024
    huge = post("11", "1", message="Spam! " * 200_000)
    path = disqus_file(tmp_path, thread("1", STORY_LINK), huge, name="x.xml.gz")

    with pytest.raises(CommandError, match="an element larger than 1 MB"):
        import_disqus(path)
    assert Comment.objects.count() == 0


def test_many_comments_are_written_in_batches_with_flat_queries(
    tmp_path, story, django_assert_max_num_queries
):
    posts = [
        post(str(n), "1", parent=str(n - 1) if n % 3 != 1 else "")
        for n in range(1, 301)
    ]
    path = disqus_file(tmp_path, thread("1", STORY_LINK), *posts)

    with django_assert_max_num_queries(20):
        import_disqus(path)

    assert story.comments.count() == 300
    assert story.comments.filter(parent__isnull=False).count() == 200


def test_posts_without_an_id_and_threads_of_another_forum_are_counted(tmp_path, story):
    path = disqus_file(
        tmp_path,
        thread("1", STORY_LINK),
        thread("2", STORY_LINK, forum="someone-else"),
        post("10", "1").replace('<post dsq:id="10">', "<post>"),
        post("11", "2"),
        post("12", "1"),
    )

    out = import_disqus(path)

    assert list(story.comments.values_list("old_anchor", flat=True)) == ["comment-12"]
    assert "comments without a dsq:id: 1" in out
    assert "threads of another forum: 1" in out
    assert "comments of threads of another forum: 1" in out


def test_progress_is_told_as_the_file_is_read(tmp_path, story):
    from newsroom.interchange.disqus import import_disqus as import_file

    posts = [post(str(n), "1") for n in range(1, 601)]
    path = disqus_file(tmp_path, thread("1", STORY_LINK), *posts)
    told = []

    with path.open("rb") as file:
        import_file(
            file,
            on_progress=lambda done, size, report: told.append(
                (done, size, report.comments_imported)
            ),
        )

    size = path.stat().st_size
    assert len(told) == 3  # at the 250th and 500th records, and at the end
    assert [t[1] for t in told] == [size] * 3
    assert [t[0] for t in told] == sorted(t[0] for t in told)
    assert told[-1] == (size, size, 600)
