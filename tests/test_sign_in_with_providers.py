"""
Signing in to comment with X and Facebook: the whole OAuth 2.0 dance through the
real allauth views and provider adapters, the providers answered by test code.
"""

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from comments.models import Comment
from tests.factories import (
    article_page,
    comment_form,
    make_comment,
    make_user,
    post_comment,
    textarea,
)
from tests.fake_providers import (
    CLIENT,
    PNG,
    FakeProviders,
    providers_settings,
)
from tests.mailserver import deliver_queued_mail

User = get_user_model()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()  # allauth's rate limits count in the cache
    return tmp_path


@pytest.fixture
def fake(monkeypatch, settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()
    return FakeProviders().patch(monkeypatch)


def query_of(url: str) -> dict:
    return dict(parse_qsl(urlsplit(url).query))


def start_sign_in(client, article, provider, body="My thoughts, typed first."):
    """Press an icon of the comment form: the form is posted to the sign-in view."""
    data = comment_form(client, article, body=body) | {"provider": provider}
    response = client.post(reverse("comment_sign_in", args=[article.pk]), data)
    assert response.status_code == 302
    return response["Location"]


def sign_in(client, fake, article, provider, body="My thoughts, typed first."):
    authorize = start_sign_in(client, article, provider, body)
    return client.get(fake.grant(provider, authorize))


def test_x_sign_in_creates_the_reader_and_brings_them_back_to_the_form(
    client, article, rules, fake, media
):
    authorize = start_sign_in(client, article, "twitter_oauth2")

    assert authorize.startswith("https://x.com/i/oauth2/authorize?")
    asked = query_of(authorize)
    assert asked["client_id"] == CLIENT["twitter_oauth2"][0]
    assert asked["code_challenge_method"] == "S256"
    assert asked["redirect_uri"] == (
        "http://testserver/accounts/twitter_oauth2/login/callback/"
    )
    assert set(asked["scope"].split()) == {"users.read", "tweet.read"}

    response = client.get(fake.grant("twitter_oauth2", authorize))

    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#respond"
    user = User.objects.get()
    assert user.get_full_name() == "Ada Lovelace"
    assert user.email == ""
    account = SocialAccount.objects.get()
    assert (account.user, account.provider, account.uid) == (
        user,
        "twitter_oauth2",
        "2244994945",
    )
    assert account.extra_data["profile_image_url"].endswith("/avatar/ada.png")
    token_call = next(c for c in fake.calls if c["path"] == "/2/oauth2/token")
    assert token_call["form"]["code_verifier"]  # checked against the challenge

    page = article_page(client, article)
    assert "You are commenting using your Twitter account." in page
    assert "Log Out" in page and "Change" in page
    assert textarea(page) == "My thoughts, typed first."
    avatar = re.search(r'<img class="avatar" src="/media/(avatars/\w+\.png)"', page)
    assert avatar, "the reader's picture, served from our own storage"
    assert (Path(media) / avatar.group(1)).read_bytes() == PNG
    assert "x.com" not in re.sub(r"https://x\.com/i/oauth2", "", page)


def test_x_reader_comments_with_name_and_picture(client, article, rules, fake):
    sign_in(client, fake, article, "twitter_oauth2")

    response = post_comment(client, article, body="Signed in and commenting.")

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert comment.user.socialaccount_set.get().uid == "2244994945"
    assert comment.author_name == "Ada Lovelace"
    assert comment.author_email == ""
    assert comment.author_provider == "twitter_oauth2"
    assert comment.author_account == "@ada (X id 2244994945)"
    assert comment.author_avatar.startswith("avatars/")
    page = article_page(client, article)
    card = page.split(f'id="c-{comment.pk}"')[1].split("</li>")[0]
    assert "Ada Lovelace" in card
    assert f'src="/media/{comment.author_avatar}"' in card


def test_facebook_sign_in_creates_the_reader_without_their_unverified_email(
    client, article, rules, fake, media
):
    authorize = start_sign_in(client, article, "facebook")

    assert authorize.startswith("https://www.facebook.com/")
    assert "/dialog/oauth?" in authorize
    asked = query_of(authorize)
    assert asked["client_id"] == CLIENT["facebook"][0]
    assert set(asked["scope"].split(",")) == {"email", "public_profile"}
    assert (
        asked["redirect_uri"] == "http://testserver/accounts/facebook/login/callback/"
    )

    response = client.get(fake.grant("facebook", authorize))

    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#respond"
    user = User.objects.get()
    assert (user.first_name, user.last_name) == ("Grace", "Hopper")
    # Facebook's address is unverified: kept, a later sign-up with it would be
    # told this account exists and take it over (tests/test_account_pre_hijacking).
    assert user.email == ""
    assert not user.emailaddress_set.exists()
    account = SocialAccount.objects.get()
    assert (account.provider, account.uid) == ("facebook", "10158000123456789")
    profile_call = next(c for c in fake.calls if c["path"] == "/v23.0/me")
    assert profile_call["query"]["appsecret_proof"]
    assert "picture.type(large)" in profile_call["query"]["fields"]

    page = article_page(client, article)
    assert "You are commenting using your Facebook account." in page
    assert textarea(page) == "My thoughts, typed first."
    avatar = re.search(r'<img class="avatar" src="/media/(avatars/\w+\.png)"', page)
    assert (Path(media) / avatar.group(1)).read_bytes() == PNG
    assert "fbcdn" not in page and "fake-provider" not in page


def test_returning_reader_signs_in_to_the_same_account(client, article, rules, fake):
    sign_in(client, fake, article, "twitter_oauth2")
    client.logout()

    sign_in(client, fake, article, "twitter_oauth2")

    assert User.objects.count() == 1
    assert SocialAccount.objects.count() == 1
    page = article_page(client, article)
    assert "You are commenting using your Twitter account." in page


def test_a_picture_that_is_not_an_image_is_not_kept(client, article, rules, fake):
    fake.avatar = (b"<svg onload=alert(1)></svg>", "image/svg+xml")

    response = sign_in(client, fake, article, "twitter_oauth2")

    assert response.status_code == 302
    page = article_page(client, article)
    assert "You are commenting using your Twitter account." in page
    assert '<img class="avatar"' not in page
    assert '<span class="avatar c' in page  # initials instead


def test_reply_target_and_draft_survive_the_round_trip(client, article, rules, fake):
    parent = make_comment(article, author_name="Ada")
    data = comment_form(client, article, body="Replying.", parent=str(parent.pk))
    response = client.post(
        reverse("comment_sign_in", args=[article.pk]),
        data | {"provider": "facebook"},
    )
    back = client.get(fake.grant("facebook", response["Location"]))

    assert back["Location"] == (
        f"{article.get_absolute_url()}?replytocom={parent.pk}#respond"
    )
    page = client.get(back["Location"]).content.decode()
    assert 'Leave a Reply<span class="respond__to"> to Ada' in page
    assert textarea(page) == "Replying."


def test_editors_see_the_account_behind_a_comment(client, article, rules, fake):
    sign_in(client, fake, article, "twitter_oauth2")
    post_comment(client, article, body="Who am I?")
    comment = Comment.objects.get()
    comment.status = "approved"
    comment.save()

    editor = make_user(is_staff=True)
    client.force_login(editor)
    staff_page = article_page(client, article)
    client.logout()
    public_page = article_page(client, article)

    assert "Twitter: <a href=" in staff_page
    assert "@ada (X id 2244994945)" in staff_page
    assert "@ada" not in public_page


def test_page_with_signed_in_readers_comments_costs_no_query_per_comment(
    client, article, rules, fake, django_assert_num_queries
):
    sign_in(client, fake, article, "twitter_oauth2")
    user = User.objects.get()
    for n in range(30):
        make_comment(
            article,
            user=user,
            author_name="Ada Lovelace",
            author_provider="twitter_oauth2",
            author_avatar="avatars/abc.png",
            author_account="@ada",
            body=f"c{n}",
        )
    client.get(article.get_absolute_url())  # caches the list signed-in readers share

    # Signed in: + the session and the user; the identity comes from the session.
    with django_assert_num_queries(5):
        page = article_page(client, article)
    assert page.count('src="/media/avatars/abc.png"') == 30
    client.logout()
    # Page state, article, rules: the comment list is the one the signed-in
    # reader's view cached (none of theirs awaits moderation).
    with django_assert_num_queries(3):
        client.get(article.get_absolute_url())
    with django_assert_num_queries(1):  # the page now comes from the cache
        client.get(article.get_absolute_url())


# --- Failure paths: each ends on a clear page, back to the article, nothing saved ---


def assert_nothing_created(client):
    assert User.objects.count() == 0
    assert SocialAccount.objects.count() == 0
    assert "_auth_user_id" not in client.session


def test_reader_cancels_at_the_provider(client, article, fake):
    authorize = start_sign_in(client, article, "twitter_oauth2")

    response = client.get(fake.deny(authorize))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Sign-in cancelled" in page
    assert f'href="{article.get_absolute_url()}#respond"' in page
    assert_nothing_created(client)
    assert "token" not in str(fake.calls)  # the provider was not called


def test_forged_state_is_refused_without_calling_the_provider(client, article, fake):
    authorize = start_sign_in(client, article, "facebook")
    callback = fake.grant("facebook", authorize)
    forged = re.sub(r"state=[^&]+", "state=forged", callback)

    response = client.get(forged)

    assert response.status_code == 400
    page = response.content.decode()
    assert "This sign-in link has expired" in page
    assert f'href="{article.get_absolute_url()}#respond"' in page
    assert fake.calls == []
    assert_nothing_created(client)


def test_replayed_callback_is_refused(client, article, fake):
    authorize = start_sign_in(client, article, "twitter_oauth2")
    callback = fake.grant("twitter_oauth2", authorize)
    assert client.get(callback).status_code == 302
    calls = len(fake.calls)

    replay = client.get(callback)

    assert replay.status_code == 400
    assert "This sign-in link has expired" in replay.content.decode()
    assert len(fake.calls) == calls
    assert SocialAccount.objects.count() == 1


def test_callback_in_another_browser_is_refused(client, article, fake):
    from django.test import Client

    callback = fake.grant(
        "twitter_oauth2", start_sign_in(client, article, "twitter_oauth2")
    )

    response = Client().get(callback)

    assert response.status_code == 400
    assert "This sign-in link has expired" in response.content.decode()
    assert 'href="/"' in response.content.decode()  # no article known: front page
    assert fake.calls == []


@pytest.mark.parametrize("endpoint", ["token", "profile"])
@pytest.mark.parametrize("failure", [500, "unreachable"])
@pytest.mark.parametrize("provider", ["twitter_oauth2", "facebook"])
def test_provider_endpoint_failing_ends_on_a_clear_page(
    client, article, fake, endpoint, failure, provider
):
    fake.failures[endpoint] = failure

    response = sign_in(client, fake, article, provider)

    assert response.status_code == 502
    page = response.content.decode()
    label = "Twitter" if provider == "twitter_oauth2" else "Facebook"
    assert f"{label} did not answer" in page
    assert f'href="{article.get_absolute_url()}#respond"' in page
    assert_nothing_created(client)


def test_provider_email_of_an_existing_account_never_signs_into_it(
    client, article, fake
):
    owner = make_user(email="grace@example.com")

    response = sign_in(client, fake, article, "facebook")

    assert response.status_code == 409
    page = response.content.decode()
    assert "You already have an account" in page
    assert f'href="{article.get_absolute_url()}#respond"' in page
    assert list(User.objects.all()) == [owner]
    assert SocialAccount.objects.count() == 0
    assert "_auth_user_id" not in client.session


def test_provider_email_matching_case_insensitively_is_also_stopped(
    client, article, fake
):
    make_user(email="Grace@Example.com")
    fake.facebook_user["email"] = "GRACE@example.COM"

    response = sign_in(client, fake, article, "facebook")

    assert response.status_code == 409
    assert SocialAccount.objects.count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow  # the mail worker runs in a process of its own
def test_x_reader_can_add_and_verify_an_email_on_their_account_page(
    client, article, fake, smtp_server
):

    sign_in(client, fake, article, "twitter_oauth2")
    assert client.get(reverse("account_email")).status_code == 200

    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "ada@example.com"}
    )

    assert response.status_code == 302
    address = User.objects.get().emailaddress_set.get()
    assert (address.email, address.verified) == ("ada@example.com", False)
    outbox = deliver_queued_mail(smtp_server)
    assert outbox[0].to == ["ada@example.com"]
    assert "/accounts/confirm-email/" in outbox[0].body
