"""
Django REST Framework against django-ninja (and plain Django) for the API's
answer: one page of 50 comments, serialised through each, answered through
Django's test client, CPU time per request (best of three thousand). It chose the
framework of issue 29 (docs/api.md); DRF is no dependency of Newsroom, so run it
in a scratch virtualenv:

    python3 -m venv /tmp/apibench && /tmp/apibench/bin/pip install \
        django==6.1.3 djangorestframework==3.18.3 django-ninja==1.7.1
    /tmp/apibench/bin/python bench/api_frameworks.py
"""

import datetime
import time

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    ROOT_URLCONF=__name__,
    SECRET_KEY="only-for-this-benchmark",  # noqa: S106 - signs nothing
    ALLOWED_HOSTS=["*"],
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
    MIDDLEWARE=[],
    USE_TZ=True,
    REST_FRAMEWORK={
        "DEFAULT_AUTHENTICATION_CLASSES": [],
        "DEFAULT_PERMISSION_CLASSES": [],
        "UNAUTHENTICATED_USER": None,
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    },
)
django.setup()

from django.http import JsonResponse  # noqa: E402 - after settings
from django.test import Client  # noqa: E402
from django.urls import path  # noqa: E402
from ninja import NinjaAPI, Schema  # noqa: E402
from rest_framework import serializers  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

NOW = datetime.datetime.now(datetime.UTC)
COMMENTS = [
    {
        "id": n,
        "parent_id": None if n % 3 == 0 else n - 1,
        "depth": n % 3,
        "author_name": f"Reader {n}",
        "staff": False,
        "created_at": NOW,
        "edited_at": None,
        "deleted": False,
        "body_html": "<p>" + "word " * 40 + "</p>",
        "like_count": n,
        "editors_pick": False,
        "url": f"https://news.example.com/comments/{n}/",
    }
    for n in range(50)
]


class CommentOut(Schema):
    id: int
    parent_id: int | None
    depth: int
    author_name: str
    staff: bool
    created_at: datetime.datetime
    edited_at: datetime.datetime | None
    deleted: bool
    body_html: str
    like_count: int
    editors_pick: bool
    url: str


class CommentPage(Schema):
    items: list[CommentOut]
    next: str | None


api = NinjaAPI(urls_namespace="bench")


@api.get("/comments", response=CommentPage)
def with_ninja(request):
    return {"items": COMMENTS, "next": None}


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    parent_id = serializers.IntegerField(allow_null=True)
    depth = serializers.IntegerField()
    author_name = serializers.CharField()
    staff = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    deleted = serializers.BooleanField()
    body_html = serializers.CharField()
    like_count = serializers.IntegerField()
    editors_pick = serializers.BooleanField()
    url = serializers.CharField()


class WithDRF(APIView):
    def get(self, request):
        items = CommentSerializer(COMMENTS, many=True).data
        return Response({"items": items, "next": None})


def plain(request):
    return JsonResponse({"items": COMMENTS, "next": None})


urlpatterns = [
    path("ninja/", api.urls),
    path("drf/comments", WithDRF.as_view()),
    path("plain/comments", plain),
]


def main() -> None:
    client = Client()
    for name, url in [
        ("plain Django", "/plain/comments"),
        ("django-ninja", "/ninja/comments"),
        ("DRF", "/drf/comments"),
    ]:
        assert client.get(url).status_code == 200, url
        for _ in range(200):
            client.get(url)
        best = []
        for _ in range(3):
            started = time.process_time()
            for _ in range(1000):
                client.get(url)
            best.append(time.process_time() - started)
        print(f"{name}: {min(best):.3f} ms CPU per request (50 comments)")


if __name__ == "__main__":
    main()
