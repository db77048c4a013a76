"""The article admin shows the article's discussion and links to its queue."""

from tests import factories


def test_article_page_shows_counts_by_status_and_queue_links(editor_client, article):
    for status, n in [("pending", 2), ("approved", 3), ("spam", 1)]:
        for _ in range(n):
            factories.make_comment(article, status=status)

    html = editor_client.get(
        f"/admin/articles/article/{article.pk}/change/"
    ).content.decode()

    queue = f"/admin/comments/comment/?article={article.pk}"
    assert f'<a href="{queue}&amp;status=pending">Pending (2)</a>' in html
    assert f'<a href="{queue}&amp;status=approved">Approved (3)</a>' in html
    assert "Spam (1)" in html and "Removed (0)" in html
    assert f'href="{queue}&amp;status=all"' in html
    assert 'name="comments_open"' in html

    listing = editor_client.get("/admin/articles/article/").content.decode()
    assert f'<a href="{queue}&amp;status=pending">2</a>' in listing

    queue_page = editor_client.get(queue + "&status=all").content.decode()
    assert queue_page.count('name="_selected_action"') == 6
