"""
An author's edit can keep or lower their comment's standing, never raise it: it
doesn't undo what a moderator or readers' reports decided, and a typo fixed in an
approved comment doesn't send it back to the queue. Once someone else has held,
rejected, rewritten or picked a comment, its author can no longer change it.
"""

from django.test import Client

from comments.models import Comment
from tests.factories import article_page, make_comment, post_comment


def posted(author, article, body="My first take.", **fields) -> Comment:
    response = post_comment(author, article, body=body, **fields)
    assert response.status_code == 302
    return Comment.objects.get(body=body)


def edit(author, comment, body):
    return author.post(f"/comments/{comment.pk}/edit/", {"body": body})


def test_a_held_comment_that_starts_a_new_page_is_shown_to_its_author(article, rules):
    rules.page_comments = True
    rules.comments_per_page = 2
    rules.save()
    make_comment(article, body="First thread.")
    make_comment(article, body="Second thread.")
    author = Client()
    comment = posted(author, article, body="A third thread, held.")
    assert comment.status == "pending"

    response = edit(author, comment, "A third thread, still held.")

    assert response["Location"].endswith(f"comment-page-2/#c-{comment.pk}")
    page = author.get(response["Location"])
    assert page.status_code == 200
    assert "A third thread, still held." in page.content.decode()
    assert "Your comment is awaiting moderation." in page.content.decode()
    permalink = author.get(f"/comments/{comment.pk}/")
    assert permalink["Location"] == response["Location"]
    assert "Second thread." in article_page(Client(), article)  # one page for others
