"""
The admin's import page: an editor uploads an export, the worker imports it, and
the page follows it (refreshing itself while it runs) to the report.
"""

from typing import Any

from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from newsroom.interchange import jobs
from newsroom.interchange.forms import ImportForm
from newsroom.interchange.importing import ImportReport

PERMISSIONS = ["articles.add_article", "comments.change_comment"]


def may_import(user: Any) -> bool:
    """Imports write articles and comments: both rights (superusers have all)."""
    return bool(user.is_active and user.is_staff and user.has_perms(PERMISSIONS))


def import_page(request: HttpRequest, site: AdminSite) -> HttpResponse:
    if not may_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job_id = jobs.start(
            form.cleaned_data["file"],
            form.file_format,
            with_pingbacks=form.cleaned_data["with_pingbacks"],
        )
        return redirect("admin:articles_article_import_status", job_id=job_id)
    return render(
        request,
        "admin/newsroom/import.html",
        {
            **site.each_context(request),
            "title": _("Import articles and comments"),
            "form": form,
        },
    )


def import_status(request: HttpRequest, site: AdminSite, job_id: str) -> HttpResponse:
    if not may_import(request.user):
        raise PermissionDenied
    status = jobs.read_status(str(job_id))
    if status is None:
        raise Http404("No such import.")
    report = ImportReport.from_dict(status["report"]) if "report" in status else None
    return render(
        request,
        "admin/newsroom/import_status.html",
        {
            **site.each_context(request),
            "title": _("Importing %(name)s") % {"name": status.get("name", "")},
            "status": status,
            "running": status.get("state") in ("queued", "running"),
            "estimate": jobs.estimate(status),
            "report_lines": report.lines() if report else [],
            "unmatched": sorted(status.get("unmatched", {}).items()),
        },
    )
