"""`manage.py import_comments` (and `make import`) reads either kind of export."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from comments.models import Comment
from tests.factories import make_article
from tests.test_import_disqus import HEAD, post, thread
from tests.wxr import comment, export, item

pytestmark = pytest.mark.django_db


def run(path) -> str:
    out = StringIO()
    call_command("import_comments", str(path), stdout=out)
    return out.getvalue()


def test_a_wordpress_export_goes_to_import_wordpress(tmp_path):
    path = tmp_path / "export.xml"
    path.write_text(export(item(1, comment(1), comment(2, parent=1))))

    assert "Comments imported: 2" in run(path)
    assert Comment.objects.count() == 2


def test_a_disqus_export_goes_to_import_disqus(tmp_path):
    story = make_article()
    path = tmp_path / "disqus.xml"
    path.write_text(
        HEAD
        + thread("1", f"https://old.example{story.get_absolute_url()}")
        + post("10", "1")
        + "\n</disqus>\n"
    )

    assert "Comments imported: 1" in run(path)
    assert Comment.objects.get().article == story


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<?xml version='1.0'?><html></html>", "neither a WordPress nor a Disqus"),
        ("not xml at all", "not an export"),
        (
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "b">]><rss>&a;</rss>',
            "refused",
        ),
    ],
)
def test_anything_else_is_refused_with_a_reason(tmp_path, text, message):
    path = tmp_path / "file.xml"
    path.write_text(text)

    with pytest.raises(CommandError, match=message):
        run(path)
    assert not Comment.objects.exists()
