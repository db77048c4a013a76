"""Readers like comments; the counts show; cached pages survive likes."""

import re
from unittest.mock import ANY

import pytest
from django.test import Client

from comments.forms import make_stamp
from comments.liking import LIKES_PER_ADDRESS
from comments.models import Like, LikeCount
from readers.client_ip import network_key
from tests.factories import article_page, make_comment, stamp_of

JSON = {"headers": {"accept": "application/json"}}


def like_url(comment) -> str:
    return f"/comments/{comment.pk}/like/"


def guest_like(client, comment, *, remote_addr="192.0.2.20", **fields):
    """A guest's like as the page's script sends it: the comment form's stamp."""
    article = comment.article
    stamp = stamp_of(client, article, article_page(client, article))
    data = {"stamp": stamp, "homepage": ""} | fields
    return client.post(like_url(comment), data, REMOTE_ADDR=remote_addr, **JSON)


def count_shown(page: str, comment) -> str:
    card = page.split(f'id="c-{comment.pk}"')[1].split("</li>")[0]
    return re.search(r'<span class="like-count">([^<]*)</span>', card)[1]


@pytest.fixture
def fresh_counts(settings):
    """Cached pages show like counts as they are (no grace period)."""
    settings.COMMENTS_LIKES_FRESHNESS = 0


@pytest.fixture
def reader(client, django_user_model):
    user = django_user_model.objects.create_user("lee", password="pw")
    client.force_login(user)
    return user


def test_a_reader_likes_and_unlikes(client, article, rules, reader, fresh_counts):
    comment = make_comment(article, author_name="Ada")

    response = client.post(like_url(comment))

    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#c-{comment.pk}"
    assert Like.objects.get().user == reader
    page = article_page(client, article)
    assert count_shown(page, comment) == "1"
    assert 'aria-label="You like Ada\'s comment" data-liked="1">Liked</a>' in page
    assert "You like Ada" in page  # the message
    other = article_page(Client(), article)
    assert count_shown(other, comment) == "1" and 'data-liked="1"' not in other

    client.post(like_url(comment))  # liking again takes it back

    assert not Like.objects.exists()
    assert count_shown(article_page(Client(), article), comment) == ""


def test_the_script_gets_json(client, article, rules, reader):
    comment = make_comment(article)

    first = client.post(like_url(comment), **JSON)
    second = client.post(like_url(comment), **JSON)

    assert first.json() == {"liked": True, "count": 1}
    assert second.json() == {"liked": False, "count": 0}
    assert LikeCount.objects.get(comment=comment).count == 0


def test_the_script_says_what_the_reader_saw_and_a_stale_button_changes_nothing(
    client, article, rules, reader
):
    """
    A Like pressed on a page that didn't know of the like given elsewhere (another
    device, the page's script keeping the reader a week) likes: it doesn't take
    the like back. Without saying what they saw, a like is a toggle as before.
    """
    comment = make_comment(article)
    Like.objects.create(comment=comment, user=reader, network="n")

    stale = client.post(like_url(comment), {"liked": "1"}, **JSON)
    taken_back = client.post(like_url(comment), {"liked": "0"}, **JSON)
    stale_again = client.post(like_url(comment), {"liked": "0"}, **JSON)
    toggled = client.post(like_url(comment), **JSON)

    assert stale.json() == {"liked": True, "count": 1}
    assert taken_back.json() == {"liked": False, "count": 0}
    assert stale_again.json() == {"liked": False, "count": 0}
    assert toggled.json() == {"liked": True, "count": 1}


def test_a_guest_likes_once_per_browser(client, article, rules):
    comment = make_comment(article)

    liked = {"liked": True, "count": 1, "stamp": ANY}
    assert guest_like(client, comment).json() == liked
    assert client.cookies["liked_comments"].value == str(comment.pk)
    other = guest_like(Client(), comment, remote_addr="192.0.2.21")
    assert other.json() == {"liked": True, "count": 2, "stamp": ANY}
    # The first browser again: its like is taken back, not added twice.
    assert guest_like(client, comment).json() == liked | {"liked": False}
    assert client.cookies["liked_comments"].value == ""


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"homepage": "http://robot.example"}, "looks automated"),
        ({"stamp": "forged"}, "This page has expired"),
    ],
)
def test_robots_cannot_like(client, article, rules, fields, message):
    comment = make_comment(article)

    response = guest_like(client, comment, **fields)

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Like.objects.exists()


def test_a_like_given_at_once_counts(client, article):
    """
    With the real rules (3 seconds before the comment form may be posted): a
    like waits for no time, the page's first nor the next.
    """
    first, second = make_comment(article), make_comment(article)

    liked = guest_like(client, first)
    at_once = client.post(like_url(second), {"stamp": liked.json()["stamp"]}, **JSON)

    assert liked.json()["liked"] is True
    assert at_once.json()["liked"] is True
    assert Like.objects.count() == 2


def test_a_refusal_brings_a_fresh_stamp(client, article, rules):
    """The script keeps it: the reader's next like needs no new page."""
    first, second = make_comment(article), make_comment(article)
    stamp = stamp_of(client, article, article_page(client, article))
    client.post(like_url(first), {"stamp": stamp}, **JSON)

    refused = client.post(like_url(second), {"stamp": stamp}, **JSON)

    assert refused.status_code == 400
    fresh = refused.json()["stamp"]
    assert fresh != stamp
    assert client.post(like_url(second), {"stamp": fresh}, **JSON).json()["liked"]


def test_one_address_may_give_only_so_many_likes(article, rules):
    comments = [make_comment(article) for _ in range(LIKES_PER_ADDRESS + 1)]
    Like.objects.bulk_create(
        Like(comment=comment, browser=f"b{n}", network=network_key("198.51.100.9"))
        for n, comment in enumerate(comments[:-1])
    )

    refused = guest_like(Client(), comments[-1], remote_addr="198.51.100.9")

    assert refused.status_code == 400
    assert "many comments in a short time" in refused.json()["error"]


def test_fresh_browsers_at_one_address_count_once(article, rules):
    """A browser without cookies costs nothing: an address likes a comment once."""
    comment = make_comment(article)

    answers = [
        guest_like(Client(), comment, remote_addr="198.51.100.60").json()
        for _ in range(60)
    ]

    # Each is told it likes it (it does, from its address), none adds to the count.
    assert answers == [{"liked": True, "count": 1, "stamp": ANY}] * 60
    assert Like.objects.count() == 1
    other = guest_like(Client(), comment, remote_addr="198.51.100.61")
    assert other.json()["count"] == 2


def test_an_ipv6_network_likes_once(article, rules):
    comment = make_comment(article)

    for host in ("::1", "::2", ":abcd:ef01:2345:6789"):
        guest_like(Client(), comment, remote_addr=f"2001:db8:7:8{host}")

    assert LikeCount.objects.get(comment=comment).count == 1
    guest_like(Client(), comment, remote_addr="2001:db8:7:9::1")  # the next /64
    assert LikeCount.objects.get(comment=comment).count == 2


def test_a_signed_in_reader_likes_as_their_account_wherever_they_are(
    article, rules, django_user_model
):
    comment = make_comment(article)
    guest_like(Client(), comment, remote_addr="198.51.100.62")
    for name in ("ann", "bob"):  # two accounts in the same office
        reader = Client()
        reader.force_login(django_user_model.objects.create_user(name))
        reader.post(like_url(comment), REMOTE_ADDR="198.51.100.62")

    assert LikeCount.objects.get(comment=comment).count == 3


def test_a_stamp_is_good_for_one_like(article, rules):
    """Fresh browsers at many addresses sharing one form's stamp: one like."""
    comment = make_comment(article)
    stamp = stamp_of(Client(), article, article_page(Client(), article))

    answers = [
        Client().post(
            like_url(comment),
            {"stamp": stamp, "homepage": ""},
            REMOTE_ADDR=f"198.51.100.{n + 1}",
            **JSON,
        )
        for n in range(60)
    ]

    assert LikeCount.objects.get(comment=comment).count == 1
    assert answers[0].json() == {"liked": True, "count": 1, "stamp": ANY}
    for refused in answers[1:]:
        assert refused.status_code == 400
        assert "This page has expired" in refused.json()["error"]


def test_each_like_brings_the_stamp_for_the_next(client, article, rules):
    first, second, third = (make_comment(article) for _ in range(3))
    stamp = stamp_of(client, article, article_page(client, article))

    liked = client.post(like_url(first), {"stamp": stamp}, **JSON).json()
    again = client.post(like_url(second), {"stamp": liked["stamp"]}, **JSON)
    reused = client.post(like_url(third), {"stamp": stamp}, **JSON)

    assert liked["stamp"] != stamp
    assert again.json()["liked"] is True
    assert reused.status_code == 400
    assert [like.comment for like in Like.objects.order_by("pk")] == [first, second]


def test_a_double_click_likes_once_and_says_so(client, article, rules):
    comment = make_comment(article)
    stamp = stamp_of(client, article, article_page(client, article))
    client.post(like_url(comment), {"stamp": stamp}, **JSON)

    # The same click's request again, as if the first answer were lost: the
    # browser's like is there, so it is taken back, not refused.
    again = client.post(like_url(comment), {"stamp": stamp}, **JSON)

    assert again.json()["liked"] is False


def test_without_javascript_a_used_stamp_gets_a_fresh_one(client, article):
    """With the real rules: the fresh one works at once."""
    first, second = make_comment(article), make_comment(article)
    stamp = make_stamp(article.pk)
    assert client.post(like_url(first), {"stamp": stamp}).status_code == 302

    refused = client.post(like_url(second), {"stamp": stamp, "homepage": ""})

    assert refused.status_code == 400
    page = refused.content.decode()
    assert "This page has expired. Please like the comment again." in page
    fresh = re.search(r'name="stamp" value="([^"]+)"', page)[1]
    assert fresh != stamp
    assert client.post(like_url(second), {"stamp": fresh}).status_code == 302
    assert Like.objects.count() == 2


def test_without_javascript_the_like_page_says_where_you_stand(client, article, rules):
    comment = make_comment(article, author_name="Ada", body="Worth a like.")
    page = client.get(like_url(comment)).content.decode()
    assert "Like this comment?" in page and "Worth a like." in page
    assert "Liking Ada's comment adds yours to its likes" in page
    stamp = re.search(r'name="stamp" value="([^"]+)"', page)[1]

    response = client.post(like_url(comment), {"stamp": stamp, "homepage": ""})

    assert response.status_code == 302
    liked = client.get(like_url(comment)).content.decode()
    assert "You like this comment" in liked and "Press Unlike to take it back" in liked


def test_held_and_deleted_comments_cannot_be_liked(client, article, rules, reader):
    held = make_comment(article, status="pending")

    assert client.post(like_url(held)).status_code == 404
    assert like_url(held) not in article_page(client, article)


def test_a_cached_page_stays_cached_across_likes(
    article, rules, reader, client, django_assert_num_queries
):
    comments = [make_comment(article) for _ in range(5)]
    article_page(Client(), article)  # rendered and cached

    client.post(like_url(comments[0]))

    # Within the grace period the shared page is served as it is, likes and all:
    # no rendering, one query.
    with django_assert_num_queries(1):
        page = article_page(Client(), article)
    assert count_shown(page, comments[0]) == ""


def test_after_the_grace_period_the_counts_catch_up(
    article, rules, reader, client, fresh_counts
):
    comment = make_comment(article)
    article_page(Client(), article)

    client.post(like_url(comment))

    assert count_shown(article_page(Client(), article), comment) == "1"


def test_a_new_comment_still_shows_at_once(article, rules):
    article_page(Client(), article)

    make_comment(article, body="Brand new.")

    assert "Brand new." in article_page(Client(), article)


def test_most_liked_first(client, article, rules, reader, fresh_counts):
    quiet, popular, middling = (make_comment(article) for _ in range(3))
    Like.objects.bulk_create(Like(comment=popular, browser=f"b{n}") for n in range(3))
    Like.objects.create(comment=middling, browser="b0")

    page = article_page(Client(), article, sort="liked")

    order = [int(pk) for pk in re.findall(r'<li id="c-(\d+)"', page)]
    assert order == [popular.pk, middling.pk, quiet.pk]
    assert ">Most liked</a>" in page


@pytest.mark.parametrize("count", [10, 300])
def test_likes_cost_no_query_per_comment(
    article, one_page, reader, client, count, django_assert_num_queries
):
    # All of them on one page, the most a page can show.
    comments = [make_comment(article) for _ in range(count)]
    Like.objects.bulk_create(Like(comment=c, user=reader) for c in comments[::2])

    # Session, user, article, rules, the comments (with counts and the reader's
    # likes): the same for 10 and 300.
    with django_assert_num_queries(5):
        page = article_page(client, article)
    assert page.count('data-liked="1"') == len(comments[::2])
    # From the cache: the reader's likes and held comments in one query instead.
    with django_assert_num_queries(5):
        again = article_page(client, article)
    assert again.count('data-liked="1"') == len(comments[::2])


def test_counts_follow_likes_however_they_go(
    article, rules, django_user_model, fresh_counts
):
    comment = make_comment(article)
    fans = [django_user_model.objects.create_user(f"fan{n}") for n in range(3)]
    Like.objects.bulk_create(Like(comment=comment, user=fan) for fan in fans)
    assert LikeCount.objects.get(comment=comment).count == 3

    fans[0].delete()  # an account deleted takes its likes with it

    assert LikeCount.objects.get(comment=comment).count == 2
    assert count_shown(article_page(Client(), article), comment) == "2"


@pytest.mark.parametrize("count", [10, 1000])
def test_likes_reports_and_picks_keep_the_page_at_fixed_queries(
    article, one_page, reader, client, count, django_assert_num_queries
):
    """All of them on one page, the most a page can show."""
    from django.utils import timezone

    from comments.models import Comment, Report

    Comment.objects.bulk_create(
        Comment(
            article=article,
            author_name=f"R{n}",
            body=f"text {n}",
            body_html=f"<p>text {n}</p>",
            status="approved",
            featured_at=timezone.now() if n % 100 == 0 else None,
        )
        for n in range(count)
    )
    comments = list(Comment.objects.all())
    Like.objects.bulk_create(Like(comment=c, user=reader) for c in comments[::3])
    Like.objects.bulk_create(Like(comment=c, browser="other") for c in comments[::2])
    Report.objects.bulk_create(
        Report(comment=c, reason="spam", browser="r") for c in comments[::10]
    )

    with django_assert_num_queries(4):  # anonymous: state, article, rules, comments
        anonymous = Client().get(article.get_absolute_url()).content.decode()
    with django_assert_num_queries(1):  # then from the cache
        Client().get(article.get_absolute_url())
    # Signed in: session, user, article, rules, and their likes and held comments
    # in one query; the list from the cache.
    with django_assert_num_queries(5):
        mine = client.get(article.get_absolute_url()).content.decode()
    assert anonymous.count('<li id="c-') == count
    assert anonymous.count("Editors' pick</span>") == len(comments[::100])
    assert mine.count('data-liked="1"') == len(comments[::3])
