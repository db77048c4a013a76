"""
Every screen of the moderators' desk in Chinese (and in Arabic): an editor whose
browser asks for either meets no English of ours, on the dashboard, the queue (with a
search), a comment's page, "Approve all shown", bans (and a new one), the rules
and the log. The data is Chinese too, so that any English left is the desk's:
a column, a filter, a form's label or help, a message, the chart.
"""

import re

import pytest

from articles.models import Article
from comments.models import Ban, Comment, DiscussionSettings
from desk.decisions import moderate
from tests import factories
from tests.test_reader_pages_in_chinese import VisibleText

QUEUE = "/admin/comments/comment/"
# What may stay as it is: addresses, the site's name, names of products.
NOT_ENGLISH = re.compile(
    r"[\w.+-]+@[\w.-]+|\d+(\.\d+){3}|Newsroom|WordPress|Disqus|JSON|IP|URL|\bX\b"
)
# Django's own, which it leaves in English: the search box's icon and the yes/no
# icons' alternative text, 6.1's empty choice (not yet in its Chinese catalog),
# and a few words its Arabic catalog lacks (the action's button, landmarks' names).
DJANGOS_OWN = re.compile(
    r"Search|True|False|- Select an option -|Run|(Pagination|Search) [^A-Za-z]+"
)


def english_in(html: str) -> list[str]:
    """The texts of a page with English words in them, once each."""
    parser = VisibleText()
    parser.feed(html)
    found = [" ".join(text.split()) for text in parser.words]
    return sorted(
        {
            text
            for text in found
            if not DJANGOS_OWN.fullmatch(text)
            and re.search(r"[A-Za-z]{2}", NOT_ENGLISH.sub("", text))
        }
    )


def test_the_check_finds_english_and_leaves_addresses_alone():
    html = (
        '<p title="Filter">评论</p><script>const a = "English";</script>'
        '<td>ada@example.com · 192.0.2.1</td><h1>Newsroom</h1><img alt="Search">'
    )

    assert english_in(html) == ["Filter"]


@pytest.fixture
def editor(db):
    return factories.make_staff("Editors", username="艾迪", first_name="艾迪")


@pytest.fixture
def desk(editor, rules):
    Article.objects.all().delete()  # the seed article's English title
    story = factories.make_article(title="大桥通车")
    held = factories.make_comment(
        story,
        status="pending",
        author_name="阿达",
        author_email="ada@example.com",
        body="这座桥安全吗？",
        moderation_reason="",
    )
    spam = factories.make_comment(story, author_name="博", body="好消息。")
    moderate(Comment.objects.filter(pk=spam.pk), "spam", editor)
    Ban.objects.create(kind=Ban.Kind.EMAIL, email="spam@example.com", reason="广告")
    return held


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        QUEUE,
        f"{QUEUE}?status=all&q=桥",
        "{held}/change/",
        f"{QUEUE}approve-shown/",
        "/admin/comments/ban/",
        "/admin/comments/ban/add/",
        "/admin/comments/discussionsettings/{rules}/change/",
        "/admin/comments/moderationaction/",
    ],
)
@pytest.mark.parametrize("language", ["zh-Hans", "ar"])
def test_a_desk_screen_has_no_english_of_ours(editor_client, desk, path, language):
    rules = DiscussionSettings.load()
    path = path.format(held=f"{QUEUE}{desk.pk}", rules=rules.pk)

    response = editor_client.get(path, headers={"accept-language": language})

    assert response.status_code == 200
    left = english_in(response.content.decode())
    assert left == [], "\n".join(left)
