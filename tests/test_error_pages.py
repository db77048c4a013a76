"""Error pages are styled, say what happened and leak nothing."""

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import path, reverse

from newsroom import views


def explode(request):
    raise RuntimeError("secret internals: password=hunter2")


def lose_database(request):
    raise OperationalError("connection to server on socket failed")


urlpatterns = [
    path("explode/", explode),
    path("lose-database/", lose_database),
    *__import__("newsroom.urls", fromlist=["urlpatterns"]).urlpatterns,
]
handler500 = "newsroom.views.server_error"


@pytest.fixture
def raising_client(settings):
    settings.ROOT_URLCONF = __name__
    return Client(raise_request_exception=False)


def test_500_page_is_styled_and_leaks_nothing(raising_client, db):
    response = raising_client.get("/explode/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in page
    assert "/static/css/site.css" in page
    assert "hunter2" not in page and "Traceback" not in page


def test_database_outage_gives_a_503_with_retry_after(raising_client, db):
    response = raising_client.get("/lose-database/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "back in a moment" in response.content.decode()
    assert "socket" not in response.content.decode()


def test_404_page_is_styled(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "/static/css/site.css" in response.content.decode()


def test_oversized_post_is_refused_with_400_not_500(client, article):
    response = client.post(
        f"/comments/post/{article.pk}/", {"body": "x" * (1024 * 1024 + 10)}
    )
    assert response.status_code == 400
    assert "understand that request" in response.content.decode()


def test_post_without_csrf_token_is_refused_with_a_styled_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "dana"})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


def test_server_error_view_is_the_configured_handler():
    from newsroom import urls

    assert urls.handler500 == "newsroom.views.server_error"
    assert callable(views.server_error)


def test_logging_in_while_redis_is_down_gives_a_503(raising_client, settings, db):
    """Login rate limits live in Redis: without it, a wait, not a crash."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    response = raising_client.post(
        "/accounts/login/", {"login": "ada@example.com", "password": "not-it"}
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "back in a moment" in response.content.decode()
