"""
robots.txt: crawlers may read everything readers read, not the admin, accounts
or the discussion's actions, and learn where the sitemap is. Its rules are read
as RFC 9309 says crawlers read them (the longest matching rule wins, `*` matches
anything) against the site's real addresses.
"""

import re

import pytest
from django.urls import reverse

from tests import factories


@pytest.fixture
def robots(client, db) -> str:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=86400"
    return response.content.decode()


def allowed(robots: str, path: str) -> bool:
    """Whether a crawler may fetch `path`, by the longest rule matching it."""
    rules = re.findall(r"^(Allow|Disallow): (\S*)$", robots, re.M)
    matching = [
        (len(pattern), kind == "Allow")
        for kind, pattern in rules
        if re.match(re.escape(pattern).replace(r"\*", ".*"), path)
    ]
    return max(matching, default=(0, True))[1]


def test_it_points_at_the_sitemap_by_its_full_address(robots):
    assert robots.startswith("User-agent: *\n")
    assert robots.rstrip().endswith("Sitemap: http://testserver/sitemap.xml")


def test_crawlers_read_what_readers_read(robots):
    article = factories.make_article()
    comment = factories.make_comment(article)
    for path in (
        "/",
        article.get_absolute_url(),
        f"{article.get_absolute_url()}comment-page-2/",
        f"{article.get_absolute_url()}?sort=newest",
        article.get_feed_url(),
        "/feed/",
        "/comments/feed/",
        comment.get_absolute_url(),
        "/sitemap.xml",
        "/static/css/site.css",
    ):
        assert allowed(robots, path), path


def test_crawlers_stay_out_of_the_admin_accounts_and_actions(robots):
    article = factories.make_article()
    comment = factories.make_comment(article)
    for path in (
        "/admin/",
        "/admin/comments/comment/",
        reverse("account_login"),
        reverse("account_signup"),
        reverse("comment_sign_in", args=[article.pk]),
        reverse("comments:post", args=[article.pk]),
        reverse("comments:stamp", args=[article.pk]),
        reverse("comments:like", args=[comment.pk]),
        reverse("comments:report", args=[comment.pk]),
        reverse("comments:edit", args=[comment.pk]),
        reverse("comments:delete", args=[comment.pk]),
        reverse("comments:live", args=[article.pk]),
        reverse("comments:confirm", args=["token"]),
        reverse("comments:unsubscribe", args=["token"]),
        reverse("comments:subscriptions"),
        reverse("comments:yours"),
        f"{article.get_absolute_url()}?replytocom={comment.pk}",
    ):
        assert not allowed(robots, path), path


def test_the_reading_of_rules_here_is_the_longest_match():
    rules = "Allow: /\nDisallow: /a/*/b/\nAllow: /a/1/b/c/\n"
    assert allowed(rules, "/a/")
    assert not allowed(rules, "/a/1/b/")
    assert allowed(rules, "/a/1/b/c/d")
