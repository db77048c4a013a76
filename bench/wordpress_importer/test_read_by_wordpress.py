"""
The WXR file as WordPress's own importer reads it: the wordpress-importer plugin's
three parsers (SimpleXML, XML, and the Regex one it falls back to), run under PHP.

A check run by hand, not in CI (which can't have the plugin's source): after a
change to the exporter, `make check-wordpress-importer WORDPRESS_IMPORTER=<a
checkout of WordPress's wordpress-importer plugin>`, with `php` and its xml
extension installed (Debian: php-cli php-xml). Without them it fails, saying
what is missing.
"""

import json
import os
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.factories import make_article, make_comment
from tests.test_export import HOSTILE

PHP = shutil.which("php") or "php"
PLUGIN = Path(os.environ.get("WORDPRESS_IMPORTER", "/nonexistent"))
PARSERS = PLUGIN / "src" / "parsers"


@pytest.fixture(autouse=True)
def wordpress_importer():
    if not shutil.which("php"):
        pytest.fail("needs php and its xml extension (Debian: php-cli php-xml)")
    if not PARSERS.is_dir():
        pytest.fail(
            "set WORDPRESS_IMPORTER to a checkout of the wordpress-importer plugin"
        )


def as_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_wordpress_reads_every_post_comment_and_author_with_each_parser(db, tmp_path):
    Article.objects.all().delete()
    story = make_article(
        title=HOSTILE, slug="story", byline="Jo </wp:author>\n<wp:author> ]]>"
    )
    first = make_comment(
        story,
        author_name=HOSTILE,
        author_url="https://example.org/?a=1&b=2",
        body=HOSTILE + "\n</item>\n<item>",
    )
    statuses = {"approved": "1", "pending": "0", "spam": "spam", "removed": "trash"}
    replies = [make_comment(story, parent=first, status=s) for s in statuses]
    make_article(slug="draft", status=Article.Status.DRAFT, byline="")
    path = tmp_path / "site.wxr"
    call_command("export_wordpress", "-o", str(path), stderr=StringIO())

    found = json.loads(
        subprocess.run(
            [PHP, str(Path(__file__).parent / "wordpress_importer.php"), PARSERS, path],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )

    clean = as_html(
        HOSTILE.translate(dict.fromkeys(map(ord, "\x01\x08\x0b\x0c\x1b\x1f\ufffe")))
    )
    for parser, result in found.items():
        assert "error" not in result, parser
        assert result["version"] == "1.2"
        assert result["base_url"] == "http://testserver"
        assert {
            a["author_login"]: a["author_display_name"]
            for a in result["authors"].values()
        } == {
            "jo-wpauthor-wpauthor": "Jo &lt;/wp:author&gt; &lt;wp:author&gt; ]]&gt;",
            "newsroom": "Newsroom",
        }, parser
        posts = {post["post_name"]: post for post in result["posts"]}
        assert set(posts) == {"story", "draft"}, parser
        post = posts["story"]
        assert post["post_title"] == clean, parser
        assert post["post_author"] == "jo-wpauthor-wpauthor"
        assert (post["status"], posts["draft"]["status"]) == ("publish", "draft")
        comments = {int(c["comment_id"]): c for c in post["comments"]}
        assert set(comments) == {first.pk} | {r.pk for r in replies}, parser
        assert comments[first.pk]["comment_author"] == clean, parser
        assert comments[first.pk]["comment_content"] == (
            clean + "\n&lt;/item&gt;\n&lt;item&gt;"
        ), parser
        assert comments[first.pk]["comment_author_url"] == (
            "https://example.org/?a=1&b=2"
        ), parser
        for reply, approved in zip(replies, statuses.values(), strict=True):
            assert int(comments[reply.pk]["comment_parent"]) == first.pk, parser
            # The XML parser drops an element's text "0" (PHP reads it as false),
            # from WordPress's own exports as from ours: a pending comment comes
            # out with "", which WordPress also keeps unapproved.
            if not (parser == "xml" and approved == "0"):
                assert comments[reply.pk]["comment_approved"] == approved, parser
