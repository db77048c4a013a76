"""
The shared page's forms carry no CSRF token: a comment, a like or a sign-in sent
from another site's page is refused by what the browser says of where it comes
from (readers.crossorigin), with nothing saved; readers with a session, and the
admin and account pages, still need Django's token.
"""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment, Like
from tests.factories import make_comment, post_comment


def post_from(article, headers: dict, *, client=None, body="From somewhere.", **fields):
    client = client or Client(enforce_csrf_checks=True)
    return post_comment(
        client,
        article,
        body=body,
        name="Mallory",
        email="mallory@example.com",
        headers=headers,
        **fields,
    )


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Sec-Fetch-Site": "cross-site"}, id="sec-fetch-site"),
        pytest.param(
            {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},
            id="sec-fetch-site-before-origin",
        ),
        pytest.param({"Sec-Fetch-Site": "same-site"}, id="same-site-untrusted"),
        pytest.param({"Origin": "https://evil.example"}, id="foreign-origin"),
        pytest.param({"Origin": "null"}, id="opaque-origin"),
        pytest.param({"Origin": "https://testserver"}, id="other-scheme"),
    ],
)
def test_a_post_from_another_site_is_refused_and_nothing_saved(article, rules, headers):
    answer = post_from(article, headers)

    assert answer.status_code == 403
    html = answer.content.decode()
    assert "This was sent to us from another site, so nothing was done." in html
    assert "/static/css/site.css" in html  # the site's own page, not a bare 403
    assert not Comment.objects.filter(body="From somewhere.").exists()


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Sec-Fetch-Site": "same-origin"}, id="sec-fetch-site"),
        pytest.param({"Sec-Fetch-Site": "none"}, id="typed-in"),
        pytest.param({"Origin": "http://testserver"}, id="origin-only"),
        # Neither header: not a browser that could be made to send it (see
        # docs/security.md, "Posting without a token").
        pytest.param({}, id="no-headers"),
    ],
)
def test_a_post_from_the_site_itself_needs_no_token(article, rules, headers):
    answer = post_from(article, headers, body=f"Same origin {sorted(headers)}.")

    assert answer.status_code == 302
    assert Comment.objects.filter(body=f"Same origin {sorted(headers)}.").exists()


def test_trusted_origins_may_post_from_their_own_site(article, rules, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.example.org"]

    taken = post_from(
        article,
        {"Sec-Fetch-Site": "same-site", "Origin": "https://www.example.org"},
        body="From our other site.",
    )
    refused = post_from(
        article,
        {"Sec-Fetch-Site": "same-site", "Origin": "http://www.example.org"},
        body="From its plain-HTTP twin.",
    )

    assert taken.status_code == 302
    assert refused.status_code == 403
    assert not Comment.objects.filter(body="From its plain-HTTP twin.").exists()


def test_behind_a_proxy_the_origin_is_the_one_readers_see(article, rules, settings):
    """With TLS at the proxy, the app compares with https://, as readers' browsers."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.USE_X_FORWARDED_HOST = True
    settings.ALLOWED_HOSTS = ["news.example.com"]
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "news.example.com"}
    reader = Client(enforce_csrf_checks=True, headers=proxied)

    taken = post_from(
        article,
        {"Origin": "https://news.example.com"},
        client=reader,
        body="Proxied.",
    )
    refused = post_from(
        article, {"Origin": "https://testserver"}, client=reader, body="Not proxied."
    )

    assert taken.status_code == 302
    assert refused.status_code == 403


def test_a_signed_in_readers_post_still_needs_the_token(
    article, rules, django_user_model
):
    reader = Client(enforce_csrf_checks=True)
    reader.force_login(django_user_model.objects.create_user("dana", password="x"))
    same_origin = {"Sec-Fetch-Site": "same-origin"}

    without = post_from(
        article, same_origin, client=reader, body="No token.", csrfmiddlewaretoken=""
    )
    page = reader.get(article.get_absolute_url()).content.decode()
    with_token = post_from(article, same_origin, client=reader, body="With token.")

    assert without.status_code == 403
    assert "This form has expired" in without.content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    assert with_token.status_code == 302
    assert list(Comment.objects.values_list("body", flat=True)) == ["With token."]


def test_the_admin_still_needs_the_token(article, admin_user):
    comment = make_comment(article, status=Comment.Status.PENDING)
    editor = Client(enforce_csrf_checks=True)
    editor.force_login(admin_user)

    answer = editor.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve", "_selected_action": [comment.pk]},
        headers={"Sec-Fetch-Site": "same-origin"},
    )

    assert answer.status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_a_like_from_another_site_is_refused(article, rules):
    comment = make_comment(article)
    guest = Client(enforce_csrf_checks=True)
    stamp = guest.get(reverse("comments:stamp", args=[article.pk])).json()["stamp"]

    answer = guest.post(
        reverse("comments:like", args=[comment.pk]),
        {"stamp": stamp, "homepage": ""},
        headers={"Sec-Fetch-Site": "cross-site", "Accept": "application/json"},
    )

    assert answer.status_code == 403
    assert not Like.objects.exists()
