"""A signed-in reader's own page: their comments across articles, and subscriptions."""

import pytest
from django.test import Client

from comments.models import Like, Subscription
from tests.factories import make_article, make_comment


@pytest.fixture
def reader(client, django_user_model):
    user = django_user_model.objects.create_user("rae", email="rae@example.com")
    client.force_login(user)
    return user


def test_their_comments_across_articles_with_status_likes_and_replies(
    client, reader, article
):
    other_article = make_article(title="Another story")
    liked = make_comment(article, user=reader, body="My liked words.")
    Like.objects.bulk_create(Like(comment=liked, browser=f"b{n}") for n in range(2))
    make_comment(article, parent=liked, body="A reply to me.")
    make_comment(other_article, user=reader, status="spam", body="Judged spam.")
    make_comment(article, body="Someone else's words.")
    Subscription.objects.create(
        email="rae@example.com", user=reader, topic="comments", article=article
    )

    page = client.get("/comments/yours/").content.decode()

    assert "My liked words." in page and "Judged spam." in page
    assert "Someone else's words." not in page
    assert "2 likes" in page and "1 reply" in page
    # Spam looks held to its author, as everywhere (Comment.SHOWN_AS_HELD).
    assert "Awaiting moderation" in page
    assert "Spam" not in page
    assert "Another story" in page and article.title in page
    assert "Your subscriptions" in page and "Change your subscriptions" in page
    assert f'href="/comments/{liked.pk}/"' in page


def test_it_is_reached_from_the_header(client, reader, article):
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<a href="/comments/yours/">Your comments</a>' in page


def test_guests_are_sent_to_log_in(db):
    response = Client().get("/comments/yours/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("count", [5, 60])
def test_the_page_costs_a_fixed_number_of_queries(
    client, reader, article, count, django_assert_num_queries
):
    for n in range(count):
        make_comment(article, user=reader, body=f"Comment {n}.")

    # Session, user, the count, the page of comments, the verified address, the
    # subscriptions, and the header's pending count for staff (none here).
    with django_assert_num_queries(6):
        page = client.get("/comments/yours/").content.decode()
    assert page.count("See it in the discussion") == min(count, 50)
