"""
The comment form sent back with errors (no JavaScript needed): a page with its own
heading, a summary of what to fix at the top linking to each field, each field in
error tied to its message, and a reply that stays a reply.
"""

import re

import pytest

from comments.models import Comment
from tests.factories import article_page, comment_form, make_comment, post_comment

pytestmark = pytest.mark.usefixtures("rules")


def summary_of(page: str) -> list[tuple[str, str]]:
    """The summary's entries: (the field linked to, or "", the message)."""
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    return [
        (link or "", text or plain)
        for link, text, plain in re.findall(
            r'<li>(?:<a href="#(\w+)">([^<]*)</a>|([^<]*))</li>', summary
        )
    ]


def parent_field(page: str) -> str:
    return re.search(r'<input type="hidden" name="parent"[^>]*>', page).group(0)


def test_the_error_page_has_its_heading_and_says_error_in_its_title(client, article):
    page = post_comment(client, article, body="").content.decode()

    assert re.search(r"<title>Error: Your comment on Article number \d+ – ", page)
    assert "<h1>Your comment</h1>" in page
    assert re.search(
        r'<div class="error-summary" id="error-summary" role="alert" tabindex="-1">'
        r'\s*<h2 class="error-summary__title">There is a problem</h2>',
        page,
    )
    assert '<script type="module" src="/static/js/error-summary.js">' in page


def test_the_summary_links_to_each_field_in_error_in_page_order(client, article):
    response = post_comment(
        client, article, body=" ", email="grace@example", name=" ", url="ftp://x"
    )

    assert response.status_code == 400
    assert summary_of(response.content.decode()) == [
        ("id_body", "Please type your comment."),
        ("id_email", "Enter a valid email address."),
        ("id_name", "Please fill in your name."),
        ("id_url", "Enter a web address starting with http:// or https://."),
    ]


def test_each_field_in_error_is_tied_to_its_message(client, article):
    page = post_comment(client, article, email="grace@example", url="ftp://x")
    page = page.content.decode()

    for name, message in [
        ("email", "Enter a valid email address."),
        ("url", "Enter a web address starting with http:// or https://."),
    ]:
        field = re.search(rf'<input [^>]*name="{name}"[^>]*>', page).group(0)
        assert 'aria-invalid="true"' in field
        assert f'aria-describedby="id_{name}_error"' in field
        assert (
            f'<span class="field__error" id="id_{name}_error">'
            f'<span class="visually-hidden">Error:</span> {message}</span>'
        ) in page
    for name in ("body", "name"):  # no error, nothing said
        field = re.search(rf'<(?:input|textarea) [^>]*name="{name}"[^>]*>', page)
        assert "aria-invalid" not in field.group(0)
        assert f'id="id_{name}_error"' not in page


def test_the_forms_own_errors_are_listed_unlinked(client, article):
    data = comment_form(client, article, body="Said once.")
    post_comment(client, article, data)

    page = post_comment(client, article, body="Said once.").content.decode()

    assert summary_of(page) == [
        ("", "Duplicate comment detected; it looks as though you’ve already said that!")
    ]


def test_a_changed_hidden_field_is_told_as_a_changed_form(client, article):
    page = post_comment(client, article, parent="not a number").content.decode()

    assert summary_of(page) == [
        ("", "This form has expired or was changed. Please post your comment again.")
    ]
    assert parent_field(page) == '<input type="hidden" name="parent" id="id_parent">'
    assert not Comment.objects.exists()


def test_a_reply_stays_a_reply(client, article):
    parent = make_comment(article, author_name="Pat Parent")

    page = post_comment(client, article, body="", parent=str(parent.pk))
    page = page.content.decode()

    assert re.search(
        r'<h2 id="reply-title" class="respond__title">Leave a Reply'
        r'<span class="respond__to"> to Pat Parent</span>',
        page,
    )
    assert (
        f'<a id="cancel-comment-reply-link" href="{article.get_absolute_url()}'
        '#respond">Cancel reply</a>'
    ) in page
    assert f'value="{parent.pk}"' in parent_field(page)


def test_a_reply_to_a_comment_gone_from_view_is_posted_as_a_new_comment(
    client, article
):
    parent = make_comment(article, author_name="Pat Parent", status="pending")
    data = comment_form(client, article, body="A reply.", parent=str(parent.pk))

    page = post_comment(client, article, data).content.decode()

    assert "The comment you are replying to is not available." in page
    assert '<span class="respond__to"></span>' in page
    assert re.search(r'id="cancel-comment-reply-link" href="[^"]*" hidden>', page)
    assert parent_field(page) == '<input type="hidden" name="parent" id="id_parent">'
    stamp = re.search(r'name="stamp" value="([^"]+)"', page).group(1)
    again = post_comment(client, article, data | {"parent": "", "stamp": stamp})
    assert again.status_code == 302
    assert Comment.objects.get(body="A reply.").parent is None


def test_without_javascript_the_page_opens_at_the_summary(client, article):
    page = article_page(client, article)

    assert f'action="/comments/post/{article.pk}/#error-summary"' in page
