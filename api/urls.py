"""
The API, version 1, at /api/v1/: its OpenAPI 3 document at /api/v1/openapi.json
and the browsable documentation (Swagger UI, served from our own static files)
at /api/v1/docs. A later version is a new NinjaAPI beside this one, so v1's
clients keep working.
"""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.urls import path
from ninja import NinjaAPI
from ninja.errors import ValidationError

from api import views, writing
from api.auth import Browser, PersonalTokenAuth

api = NinjaAPI(
    title="Newsroom API",
    version="1",
    description=(
        "Articles and their discussions, for apps, newsletters and partner sites. "
        "See the documentation's API page for tokens, limits and examples."
    ),
    urls_namespace="api-1",
    # A token, else the browser's session (with the forms' cross-origin and CSRF
    # checks), else a guest: operations open to nobody say auth=None.
    auth=[PersonalTokenAuth(), Browser()],
)
api.add_router("", views.router)  # with api.writing's operations


@api.exception_handler(writing.FormRefused)
def form_refused(request: HttpRequest, error: writing.FormRefused) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": error.message, "errors": error.errors},
        status=error.status_code,
    )


@api.exception_handler(ValidationError)
def not_understood(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A request of the wrong shape: 400, each field named, as a form's errors."""
    errors: dict[str, list[str]] = {}
    for problem in error.errors:
        field = ".".join(str(part) for part in problem.get("loc", ())[1:]) or "__all__"
        errors.setdefault(field, []).append(problem.get("msg", ""))
    detail = "The request is not understood: see errors."
    return api.create_response(
        request, {"detail": detail, "errors": errors}, status=400
    )


@api.exception_handler(RequestDataTooBig)
def too_large(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    """Past DATA_UPLOAD_MAX_MEMORY_SIZE (1 MB): refused before it is read, in JSON."""
    detail = "The request is too large."
    return api.create_response(request, {"detail": detail, "errors": {}}, status=400)


urlpatterns = [path("v1/", api.urls)]
