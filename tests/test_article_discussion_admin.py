"""The article admin shows the article's discussion and links to its queue."""

from tests import factories


def test_article_page_shows_counts_by_status_and_queue_links(client, article):
    client.force_login(
        factories.make_user(password=None, groups=("Editors",), is_staff=True)
    )
    for status, n in [("pending", 2), ("approved", 3), ("spam", 1)]:
        for _ in range(n):
            factories.make_comment(article, status=status)

    html = client.get(f"/admin/newsroom/article/{article.pk}/change/").content.decode()

    queue = f"/admin/comments/comment/?article={article.pk}"
    assert f'<a href="{queue}&amp;status=pending">Pending (2)</a>' in html
    assert f'<a href="{queue}&amp;status=approved">Approved (3)</a>' in html
    assert "Spam (1)" in html and "Removed (0)" in html
    assert f'href="{queue}&amp;status=all"' in html
    assert 'name="comments_open"' in html

    listing = client.get("/admin/newsroom/article/").content.decode()
    assert f'<a href="{queue}&amp;status=pending">2</a>' in listing

    queue_page = client.get(queue + "&status=all").content.decode()
    assert queue_page.count('name="_selected_action"') == 6
