from django.contrib.auth.models import Group

from articles.models import Article
from tests import factories


def test_editors_group_can_edit_articles_but_not_users_or_groups(client, db):
    editor = factories.make_staff("Editors")
    article = Article.objects.get()
    client.force_login(editor)

    form = client.get(f"/admin/articles/article/{article.pk}/change/")
    assert form.status_code == 200
    response = client.post(
        f"/admin/articles/article/{article.pk}/change/",
        {
            "title": "Corrected headline",
            "slug": article.slug,
            "byline": article.byline,
            "body": article.body.replace("Whilke", "While"),
            "status": "published",
            "published_at_0": "2021-03-10",
            "published_at_1": "09:00:00",
            "comments_open": "on",
            "source": "",
            "source_url": "",
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Corrected headline"
    assert "While making" in article.body

    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403
    assert client.get("/admin/auth/user/add/").status_code == 403


def test_editors_group_exists_with_article_permissions_only(db):
    codenames = set(
        Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    )
    assert {"add_article", "change_article", "view_article"} <= codenames
    assert not {c for c in codenames if c.endswith(("_user", "_group", "_permission"))}


def test_editor_can_unpublish_an_article_with_the_admin_action(client, db):
    editor = factories.make_staff("Editors")
    article = factories.make_article()
    client.force_login(editor)

    client.post(
        "/admin/articles/article/",
        {"action": "unpublish", "_selected_action": [article.pk]},
    )

    assert client.get(article.get_absolute_url()).status_code == 404


def test_readers_never_reach_the_admin(client, db):
    client.force_login(factories.make_user())
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
