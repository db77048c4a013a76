"""
The "Leave a Reply" form's sign-in: site accounts, the icons, Log Out and Change,
and providers that have no keys.
"""

import html
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from comments.models import Comment
from tests.factories import (
    article_page,
    comment_form,
    make_article,
    make_user,
    post_comment,
    textarea,
)
from tests.fake_providers import FakeProviders, providers_settings
from tests.mailserver import deliver_queued_mail

User = get_user_model()


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


def sign_up(client, next_url, email="reader@example.com", name="Rita Reader"):
    return client.post(
        f"{reverse('account_signup')}?next={next_url}",
        {
            "name": name,
            "email": email,
            "password1": "a-Long-passw0rd-here",
            "password2": "a-Long-passw0rd-here",
            "next": next_url,
        },
    )


def confirmation_link(message) -> str:
    return re.search(
        r"http://testserver(/accounts/confirm-email/[^\s]+/)", message.body
    ).group(1)


def test_guest_sees_three_icons_as_buttons_of_the_form(client, article, settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()

    page = article_page(client, article)

    form = page.split('id="commentform"')[1].split("</form>")[0]
    icons = re.findall(r'<button type="submit" class="sign-in__icon"[^>]*>', form)
    assert [re.search(r'value="(\w+)"', b).group(1) for b in icons] == [
        "account",
        "twitter_oauth2",
        "facebook",
    ]
    assert all(
        f'formaction="/accounts/comment/{article.pk}/sign-in/"' in b for b in icons
    )
    assert all("formnovalidate" in b for b in icons)
    for name in (
        "Log in with your Newsroom account",
        "Log in with Twitter",
        "Log in with Facebook",
    ):
        assert f'<span class="visually-hidden">{name}</span>' in form
    assert 'data-connecting="Connecting to Twitter…"' in form
    # No form inside the comment form; Enter in a field still posts the comment.
    assert "<form" not in form
    first_submit = re.search(r"<button[^>]*>", form).group(0)
    assert 'class="default-submit"' in first_submit
    assert "sign-in.js" in page


def test_site_account_icon_goes_to_login_keeping_the_draft(client, article):
    data = comment_form(client, article, body="Draft before logging in.")
    response = client.post(
        reverse("comment_sign_in", args=[article.pk]), data | {"provider": "account"}
    )

    next_url = f"{article.get_absolute_url()}#respond"
    assert response.status_code == 302
    assert response["Location"] == (
        f"/accounts/login/?next={next_url.replace('/', '%2F').replace('#', '%23')}"
    )
    login_page = client.get(response["Location"]).content.decode()
    assert re.search(r'class="account__title">\s*Sign In\s*</h1>', login_page)
    assert 'class="masthead"' in login_page


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow  # the mail worker runs in a process of its own
def test_sign_up_verify_and_comment_with_a_site_account(
    client, article, rules, smtp_server
):
    next_url = f"{article.get_absolute_url()}#respond"
    client.post(
        reverse("comment_sign_in", args=[article.pk]),
        comment_form(client, article, body="Waiting for my account.")
        | {"provider": "account"},
    )

    response = sign_up(client, next_url)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="reader@example.com")
    assert user.get_full_name() == "Rita Reader"
    assert "_auth_user_id" not in client.session  # mandatory verification first
    outbox = deliver_queued_mail(smtp_server)
    assert len(outbox) == 1
    assert outbox[0].to == ["reader@example.com"]
    assert outbox[0].subject.startswith("[Newsroom]")

    link = confirmation_link(outbox[0])
    assert client.get(link).status_code == 200  # a page with a button, not a GET
    confirmed = client.post(link)

    assert confirmed.status_code == 302
    assert confirmed["Location"] == next_url
    assert client.session["_auth_user_id"] == str(user.pk)
    page = article_page(client, article)
    assert "You are commenting using your Newsroom account." in page
    assert textarea(page) == "Waiting for my account."

    post_comment(client, article, body="My first comment as Rita.")
    comment = Comment.objects.get()
    assert (comment.user, comment.author_name, comment.author_email) == (
        user,
        "Rita Reader",
        "reader@example.com",
    )
    assert comment.author_provider == "account"
    assert comment.author_avatar == ""


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow  # the mail worker runs in a process of its own
def test_sign_up_with_an_address_that_has_an_account_creates_nothing(
    client, article, smtp_server
):
    make_user(email="reader@example.com")

    response = sign_up(client, "/")

    assert User.objects.count() == 1
    assert "_auth_user_id" not in client.session
    # allauth does not reveal the account; it mails its owner instead.
    assert response.status_code == 302
    outbox = deliver_queued_mail(smtp_server)
    assert outbox[0].to == ["reader@example.com"]


def test_site_account_login_and_identity(client, article):
    user = make_user(email="known@example.com", first_name="Kim")
    user.emailaddress_set.create(email="known@example.com", verified=True, primary=True)

    response = client.post(
        reverse("account_login"),
        {
            "login": "known@example.com",
            "password": "a-Long-passw0rd",
            "next": f"{article.get_absolute_url()}#respond",
        },
    )

    assert response["Location"] == f"{article.get_absolute_url()}#respond"
    page = article_page(client, article)
    assert "You are commenting using your Newsroom account." in page
    assert '<span class="avatar c' in page  # initials: no picture
    assert re.search(r'<span class="avatar[^>]*>K</span>', page)


def test_unverified_site_account_cannot_log_in(client, db):
    user = make_user(email="new@example.com")
    user.emailaddress_set.create(email="new@example.com", verified=False, primary=True)

    client.post(
        reverse("account_login"),
        {"login": "new@example.com", "password": "a-Long-passw0rd"},
    )

    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow  # the mail worker runs in a process of its own
def test_password_reset_mails_a_link(client, smtp_server):
    user = make_user(email="forgot@example.com")
    user.emailaddress_set.create(
        email="forgot@example.com", verified=True, primary=True
    )

    response = client.post(
        reverse("account_reset_password"), {"email": "forgot@example.com"}
    )

    assert response.status_code == 302
    outbox = deliver_queued_mail(smtp_server)
    assert "/accounts/password/reset/key/" in outbox[0].body


def test_failed_logins_are_rate_limited(client, db):
    make_user(email="target@example.com")
    pages = [
        client.post(
            reverse("account_login"),
            {"login": "target@example.com", "password": "wrong"},
        ).content.decode()
        for _ in range(6)
    ]

    assert "Too many failed login attempts" not in pages[0]
    assert "Too many failed login attempts" in pages[-1]


def test_logout_is_a_post_that_returns_to_the_form_with_the_draft(client, article):
    client.force_login(make_user())
    assert client.get(reverse("account_logout")).status_code == 200  # asks first
    assert "_auth_user_id" in client.session

    data = comment_form(client, article, body="Not finished.")
    response = client.post(reverse("comment_sign_out", args=[article.pk]), data)

    assert response["Location"] == f"{article.get_absolute_url()}#respond"
    assert "_auth_user_id" not in client.session
    page = article_page(client, article)
    assert "Fill in your details below or click an icon to log in:" in page
    assert textarea(page) == "Not finished."


def test_the_draft_stays_until_its_comment_is_posted(client, article, rules):
    """
    Looking at the page never uses the draft up: not a HEAD request, not a
    browser's prefetch, not a second tab. Posting the comment does.
    """
    data = comment_form(client, article, body="Typed before leaving.")
    client.post(reverse("comment_sign_out", args=[article.pk]), data)
    url = article.get_absolute_url()

    assert client.head(url).status_code == 200
    client.get(url, headers={"Sec-Purpose": "prefetch"})
    assert textarea(article_page(client, article)) == "Typed before leaving."
    assert textarea(article_page(client, article)) == "Typed before leaving."

    posted = post_comment(client, article, body="Typed before leaving.")
    assert posted.status_code == 302
    assert textarea(article_page(client, article)) == ""


def test_change_offers_the_other_ways_to_sign_in(client, article, settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()
    user = make_user()
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    client.post(
        reverse("account_login"),
        {"login": user.email, "password": "a-Long-passw0rd"},
    )

    page = article_page(client, article)

    change = page.split('id="sign-in-change"')[1].split("</ul>")[0]
    assert re.findall(r'name="provider" value="(\w+)"', change) == [
        "twitter_oauth2",
        "facebook",
    ]
    assert 'href="#sign-in-change"' in page


def test_change_from_a_site_account_to_x(client, article, rules, settings, monkeypatch):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()
    fake = FakeProviders().patch(monkeypatch)
    site_user = make_user()
    client.force_login(site_user)

    data = comment_form(client, article, body="Switching accounts.")
    authorize = client.post(
        reverse("comment_sign_in", args=[article.pk]),
        data | {"provider": "twitter_oauth2"},
    )["Location"]
    assert "_auth_user_id" not in client.session  # signed out before leaving
    client.get(fake.grant("twitter_oauth2", authorize))

    page = article_page(client, article)
    assert "You are commenting using your Twitter account." in page
    assert textarea(page) == "Switching accounts."
    assert client.session["_auth_user_id"] != str(site_user.pk)


def test_sign_in_only_ever_returns_to_the_article(
    client, article, settings, monkeypatch
):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()
    fake = FakeProviders().patch(monkeypatch)
    data = comment_form(client, article) | {
        "provider": "twitter_oauth2",
        "next": "https://evil.example/",
    }
    authorize = client.post(
        reverse("comment_sign_in", args=[article.pk]) + "?next=https://evil.example/",
        data,
    )["Location"]

    response = client.get(fake.grant("twitter_oauth2", authorize))

    assert response["Location"] == f"{article.get_absolute_url()}#respond"


def test_sign_in_and_sign_up_pages_lead_back_to_the_article(client, db):
    article = make_article(title="Fish & <Chips>")
    reply = f"{article.get_absolute_url()}?replytocom=7#respond"
    data = comment_form(client, article, parent="7")
    login_url = client.post(
        reverse("comment_sign_in", args=[article.pk]), data | {"provider": "account"}
    )["Location"]

    login_page = client.get(login_url).content.decode()
    signup_url = re.search(r'href="(/accounts/signup/[^"]*)"', login_page).group(1)
    signup_page = client.get(html.unescape(signup_url)).content.decode()

    link = f'<a href="{html.escape(reply)}">Back to “Fish &amp; &lt;Chips&gt;”</a>'
    assert link in login_page
    assert link in signup_page


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example{path}",
        "//evil.example{path}",
        "http://testserver{path}",  # this site, but only local addresses are kept
        "javascript:alert(1)//{path}",
        "/",
        "/accounts/email/",
        "{path}comment-page-x/",
        "/2001/01/01/{slug}/",  # the slug, but not the article's date
    ],
)
def test_the_way_back_is_only_to_an_article_here(client, article, next_url):
    path = article.get_absolute_url()
    next_url = next_url.format(path=path, slug=article.slug)

    page = client.get(reverse("account_login"), {"next": next_url})

    assert page.status_code == 200
    assert "Back to" not in page.content.decode()


def test_the_way_back_is_never_to_an_unpublished_article(client, article):
    article.status = "draft"
    article.save()

    page = client.get(reverse("account_login"), {"next": article.get_absolute_url()})

    assert "Back to" not in page.content.decode()


def test_sign_in_for_an_unpublished_article_is_not_found(client, article):
    article.status = "draft"
    article.save()
    response = client.post(
        reverse("comment_sign_in", args=[article.pk]), {"provider": "account"}
    )
    assert response.status_code == 404


# --- Providers with no keys -----------------------------------------------------------


def test_without_keys_in_debug_the_icon_explains_the_setup(client, article, settings):
    settings.DEBUG = True

    page = article_page(client, article)
    assert "Log in with Twitter (not set up yet)" in page
    response = client.post(
        reverse("comment_sign_in", args=[article.pk]),
        comment_form(client, article) | {"provider": "twitter_oauth2"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/twitter_oauth2/login/"
    response = client.get(response["Location"])
    assert response.status_code == 503
    help_page = response.content.decode()
    assert "TWITTER_CLIENT_ID" in help_page and "TWITTER_CLIENT_SECRET" in help_page
    assert "http://testserver/accounts/twitter_oauth2/login/callback/" in help_page
    assert f'href="{article.get_absolute_url()}#respond"' in help_page


@pytest.mark.parametrize("debug", [True, False], ids=["help page", "not found"])
def test_the_draft_survives_the_page_of_a_provider_without_keys(
    client, article, settings, debug
):
    """
    The help page answers 503, and Django saves no session with a 5xx answer: the
    draft is kept by the redirect that leads there, and the page only reads it.
    """
    settings.DEBUG = debug
    data = comment_form(client, article, body="Typed before trying X.")
    sent = client.post(
        reverse("comment_sign_in", args=[article.pk]),
        data | {"provider": "twitter_oauth2"},
    )

    for _ in range(2):  # the page, then the page reloaded
        page = client.get(sent["Location"])
        assert page.status_code == (503 if debug else 404)
        assert f'href="{article.get_absolute_url()}#respond"' in page.content.decode()
    assert textarea(article_page(client, article)) == "Typed before trying X."
    assert textarea(article_page(client, article)) == "Typed before trying X."


@pytest.mark.parametrize(
    "provider, part", [("twitter_oauth2", "X (Twitter)"), ("facebook", "Facebook")]
)
def test_the_help_page_names_a_page_the_documentation_has(
    client, article, settings, provider, part
):
    settings.DEBUG = True

    help_page = client.post(
        reverse("comment_sign_in", args=[article.pk]),
        comment_form(client, article) | {"provider": provider},
        follow=True,
    ).content.decode()

    title, path, subsection = re.search(
        r"The documentation's page “([^”]+)” \((docs/[\w-]+\.md)\) has the details, "
        r"under “([^”]+)”",
        help_page,
    ).groups()
    page = (Path(settings.BASE_DIR) / path).read_text()
    assert page.startswith(f"# {title}\n")
    assert subsection == part
    assert f"**{part}.**" in page


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/facebook/login/",
        "/accounts/facebook/login/callback/?code=x&state=y",
        "/accounts/twitter_oauth2/login/",
        "/accounts/twitter_oauth2/login/callback/?code=x&state=y",
    ],
)
@pytest.mark.parametrize("debug", [True, False])
def test_provider_addresses_without_keys_are_never_a_500(
    client, db, settings, path, debug
):
    settings.DEBUG = debug

    get = client.get(path)
    post = client.post(path)

    expected = 503 if debug else 404
    assert (get.status_code, post.status_code) == (expected, expected)
    assert ("_CLIENT_ID" in get.content.decode()) is debug


def test_without_keys_in_production_the_icons_are_hidden(client, article, settings):
    settings.DEBUG = False

    page = article_page(client, article)

    assert re.findall(r'name="provider" value="(\w+)"', page) == ["account"]
    response = client.post(
        reverse("comment_sign_in", args=[article.pk]),
        comment_form(client, article) | {"provider": "facebook"},
        follow=True,
    )
    assert response.status_code == 404
    assert "FACEBOOK_CLIENT_ID" not in response.content.decode()


def test_login_page_offers_configured_providers_as_post_forms(client, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()

    page = client.get(reverse("account_login")).content.decode()

    assert re.search(
        r'<form method="post" action="/accounts/twitter_oauth2/login/\?process=login">'
        r'<input type="hidden" name="csrfmiddlewaretoken"',
        page,
    )
    assert 'action="/accounts/facebook/login/?process=login"' in page


def test_sign_in_buttons_refuse_other_sites(article):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    url = reverse("comment_sign_in", args=[article.pk])

    refused = client.post(
        url, {"provider": "account"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    # The shared page's buttons carry no token: where they come from is the check.
    taken = client.post(
        url, {"provider": "account"}, headers={"Sec-Fetch-Site": "same-origin"}
    )

    assert refused.status_code == 403
    assert "from another site" in refused.content.decode()
    assert taken.status_code == 302
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("view", ["comment_sign_in", "comment_sign_out"])
def test_signed_in_readers_buttons_need_the_forms_csrf_token(
    article, view, django_user_model
):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.create_user("dana", password="x"))

    response = client.post(
        reverse(view, args=[article.pk]),
        {"provider": "account"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )

    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    assert client.get(reverse(view, args=[article.pk])).status_code == 405


@pytest.mark.slow  # loads the settings in a process of its own
def test_facebook_endpoints_come_from_the_environment_when_settings_load():
    """allauth reads them once at import, so a fake is chosen before start-up."""
    import os
    import subprocess
    import sys

    script = (
        "import django; django.setup()\n"
        "from allauth.socialaccount.providers.facebook import views\n"
        "a = views.FacebookOAuth2Adapter\n"
        "print(a.authorize_url); print(a.access_token_url)\n"
    )
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "1",
        "DATABASE_URL": "postgres://unused@127.0.0.1:1/unused",
        "FACEBOOK_AUTHORIZE_URL": "http://127.0.0.1:9999/dialog/oauth",
        "FACEBOOK_GRAPH_API_URL": "http://127.0.0.1:9999/v23.0",
    }
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True
    )

    assert out.stdout.split() == [
        "http://127.0.0.1:9999/dialog/oauth",
        "http://127.0.0.1:9999/v23.0/oauth/access_token",
    ], out.stderr
