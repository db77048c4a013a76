"""
The site in the reader's language: English, Simplified Chinese and Arabic (right
to left), from the browser's Accept-Language or the footer's links; every string
of the site translated into Chinese, and the cached pages kept apart by language.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests import factories

BASE_DIR = Path(settings.BASE_DIR)
# The catalogs readers must find complete (Arabic shows the right-to-left layout
# and translates what readers see first; the rest falls back to English).
COMPLETE = ["zh_Hans"]
GETTEXT = ["xgettext", "msgmerge", "msgattrib"]


@pytest.fixture
def story(db):
    article = factories.make_article(title="Bridge opens")
    factories.make_comment(article, author_name="Ada", body="Good news.")
    return article


def in_chinese(client, article) -> str:
    return client.get(
        article.get_absolute_url(), headers={"accept-language": "zh-Hans"}
    ).content.decode()


def test_a_chinese_browser_gets_the_page_in_chinese(client, story):
    response = client.get(
        story.get_absolute_url(), headers={"accept-language": "zh-CN,zh;q=0.9"}
    )
    html = response.content.decode()

    assert response["Content-Language"] == "zh-hans"
    assert "Accept-Language" in response["Vary"]
    assert '<html lang="zh-hans" dir="ltr">' in html
    assert "发表评论" in html  # "Leave a Reply"
    assert "Leave a Reply" not in html
    # The footer names each language in itself.
    assert 'hreflang="en" rel="nofollow">English</a>' in html


def test_the_footer_choice_wins_over_the_browser(client, story):
    url = story.get_absolute_url()
    page = client.get(url).content.decode()
    assert f'href="/language/ar/?next={url}"' in page

    response = client.get(f"/language/ar/?next={url}")
    assert response.status_code == 302 and response["Location"] == url
    arabic = client.get(url, headers={"accept-language": "zh-CN"}).content.decode()

    assert '<html lang="ar" dir="rtl">' in arabic
    assert 'lang="ar" hreflang="ar" rel="nofollow" aria-current="true"' in arabic


@pytest.mark.parametrize(
    ("path", "back_to"),
    [("/language/xx/?next=/", None), ("/language/en/?next=https://evil.example/", "/")],
)
def test_language_links_refuse_what_they_do_not_know(client, db, path, back_to):
    response = client.get(path)
    if back_to is None:
        assert response.status_code == 404
    else:
        assert response["Location"] == back_to


def test_cached_pages_and_lists_are_kept_apart_by_language(client, story):
    url = story.get_absolute_url()
    english = client.get(url).content.decode()  # renders and caches
    chinese = in_chinese(client, story)

    assert ">Reply<" in english
    assert ">回复<" in chinese and ">Reply<" not in chinese
    # The ETag names the language: a browser that switches gets the new page.
    assert (
        client.get(url)["ETag"]
        != client.get(url, headers={"accept-language": "zh-Hans"})["ETag"]
    )


def test_dates_are_written_in_the_readers_language(client, story):
    chinese = in_chinese(client, story)
    year = story.published_at.year

    assert f"{year}年" in chinese


def require_gettext():
    missing = [tool for tool in GETTEXT if shutil.which(tool) is None]
    if missing:
        message = f"gettext's {', '.join(missing)} not found (apt-get install gettext)"
        if os.environ.get("NEWSROOM_REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def untranslated(catalog: Path) -> list[str]:
    """The messages of a catalog with no translation, or only a fuzzy one."""
    found = []
    for flag in ("--untranslated", "--only-fuzzy"):
        output = subprocess.run(
            [shutil.which("msgattrib") or "msgattrib", flag, "--no-wrap", str(catalog)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        found += [
            line.removeprefix("msgid ")
            for line in output.splitlines()
            if line.startswith("msgid ") and line != 'msgid ""'
        ]
    return found


def test_the_check_names_untranslated_and_fuzzy_messages(tmp_path):
    require_gettext()
    catalog = tmp_path / "django.po"
    catalog.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Reply"\nmsgstr "回复"\n\n'
        'msgid "Left out"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Guessed"\nmsgstr "猜的"\n',
        encoding="utf-8",
    )

    assert untranslated(catalog) == ['"Left out"', '"Guessed"']


@pytest.mark.slow
@pytest.mark.parametrize("locale", COMPLETE)
def test_every_string_of_the_site_is_translated(tmp_path, locale):
    """
    The catalogs as `make translations` would make them from today's code, in a
    copy of the project: a string marked for translation and left untranslated (or
    fuzzy) fails, named.
    """
    require_gettext()
    copy = tmp_path / "project"
    copy.mkdir()
    shutil.copy(BASE_DIR / "manage.py", copy)
    apps = [path.parent.name for path in BASE_DIR.glob("*/apps.py")]
    for folder in [*apps, "templates", "static"]:
        shutil.copytree(
            BASE_DIR / folder,
            copy / folder,
            ignore=shutil.ignore_patterns("__pycache__", "*.mo", "node_modules"),
        )
    environment = os.environ | {
        # makemessages loads the settings, not the database: none is started.
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "DEBUG": "1",
    }
    for domain in ("django", "djangojs"):
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                f"--locale={locale}",
                f"--domain={domain}",
                "--no-location",
                "--no-wrap",
                "--ignore=staticfiles",
            ],
            cwd=copy,
            env=environment,
            capture_output=True,
            check=True,
        )
    missing = {
        str(catalog.relative_to(copy)): untranslated(catalog)
        for catalog in copy.glob(f"*/locale/{locale}/LC_MESSAGES/*.po")
    }
    assert missing, "no catalog was made"
    assert not any(missing.values()), f"Untranslated in {locale}: {missing}"


def test_the_moderation_screens_in_chinese(editor_client, story):
    held = factories.make_comment(story, status="pending", author_name="Cy")
    chinese = {"accept-language": "zh-Hans"}

    queue = editor_client.get("/admin/comments/comment/", headers=chinese)
    page = editor_client.get(
        f"/admin/comments/comment/{held.pk}/change/", headers=chinese
    )
    front = editor_client.get("/admin/", headers=chinese)

    queue_html = queue.content.decode()
    assert "审核队列" in queue_html and ">批准<" in queue_html
    assert "Moderation queue" not in queue_html and ">Approve<" not in queue_html
    assert "作者的其他评论" in page.content.decode()
    assert "过去 48 小时" in front.content.decode()


def test_moderators_mail_is_in_the_sites_language(settings, story):
    from comments import tasks
    from comments.models import OutboundMail, Subscription

    settings.LANGUAGE_CODE = "zh-hans"  # a newsroom that works in Chinese
    factories.make_staff("Moderators", email="mod@example.com")
    held = factories.make_comment(story, status="pending", author_name="Cy")

    tasks.comment_held.call(held.pk)
    tasks.send_digest.call(Subscription.objects.get(email="mod@example.com").pk)

    mail = OutboundMail.objects.get()
    assert mail.subject == "《Bridge opens》的一条评论正在等待审核"
    assert "一条评论正在等待审核：" in mail.body and "原因：" in mail.body
    assert "waiting" not in mail.body


def test_a_chinese_feed_reader_gets_chinese_titles(client, story):
    feed = client.get("/comments/feed/", headers={"accept-language": "zh-Hans"})
    english = client.get("/comments/feed/")

    assert "<title>Newsroom 的评论</title>" in feed.content.decode()
    assert "<title>Comments for Newsroom</title>" in english.content.decode()


def test_the_feeds_and_the_readers_apps_speak_arabic(client, story, rules):
    """Their texts moved with them (feeds/locale, readers/locale)."""
    feed = client.get("/feed/", headers={"accept-language": "ar"}).content.decode()
    comments = client.get(
        f"{story.get_absolute_url()}feed/", headers={"accept-language": "ar"}
    ).content.decode()
    refused = factories.post_comment(
        client,
        story,
        body="From somewhere.",
        headers={"Sec-Fetch-Site": "cross-site", "Accept-Language": "ar"},
    )

    assert "الأخبار، والنقاش الذي يليها." in feed
    assert "التعليقات على: Bridge opens" in comments
    assert refused.status_code == 403
    assert "وصلنا هذا الطلب من موقع آخر" in refused.content.decode()
