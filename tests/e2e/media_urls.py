"""The site's URLs plus MEDIA_ROOT (read per request: tests change it)."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from newsroom.urls import handler500  # noqa: F401 - the site's own error page
from newsroom.urls import urlpatterns as site_urlpatterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [*site_urlpatterns, re_path(r"^media/(?P<path>.*)$", media)]
