"""The front page says how many approved comments each article has."""

from tests import factories


def link_text(html: str, article) -> str:
    import re

    pattern = rf'<a href="{re.escape(article.get_absolute_url())}#comments">([^<]+)</a>'
    return re.search(pattern, html).group(1)


def test_counts_approved_comments_only(client, db, django_assert_num_queries):
    none = factories.make_article()
    one = factories.make_article()
    three = factories.make_article()
    factories.make_comment(one)
    factories.make_comment(one, status="pending")
    factories.make_comment(none, status="spam")
    for _ in range(3):
        factories.make_comment(three)

    with django_assert_num_queries(1):
        html = client.get("/").content.decode()

    assert link_text(html, none) == "Leave a comment"
    assert link_text(html, one) == "1 Comment"
    assert link_text(html, three) == "3 Comments"
