"""What an editors' audit found in the admin, fixed: each one shown here."""

from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin


def test_provider_setup_is_not_in_the_admin():
    # Providers come from the environment; connected accounts stay.
    assert not admin.site.is_registered(SocialApp)
    assert not admin.site.is_registered(SocialToken)
    assert admin.site.is_registered(SocialAccount)


def test_discussion_settings_open_the_one_row(editor_client):
    response = editor_client.get("/admin/comments/discussionsettings/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/comments/discussionsettings/1/change/"
    assert editor_client.get(response["Location"]).status_code == 200


def test_favicon_ico_is_found(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("/img/favicon.svg")
