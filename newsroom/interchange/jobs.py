"""
An import started from the admin: the uploaded file, the worker's task that reads
it, and the progress the admin page shows.

The upload is kept as IMPORT_ROOT/<id>.upload under a random id. It holds
readers' emails and IP addresses, so IMPORT_ROOT is never a folder the site serves
(the `private_folder` check), and the task deletes the file however it ends:
imported, refused as unreadable, or stopped by an unexpected error (uploading it
again continues). Only a worker killed mid-import leaves it, for the next worker,
which requeues the task. Beside it, <id>.json holds the progress and, at the end,
the report: the worker writes it (replacing it whole, so a reader never sees half a
file) and the page reads it. A file rather than the cache, because the cache of a
development site is each process's own memory, which the worker doesn't share.

The task is safe to run again (the import skips what it already wrote): a worker
killed mid-import is requeued by the next one, which continues.
"""

import json
import os
import tempfile
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.files.uploadedfile import UploadedFile
from django.tasks import task
from django.utils import timezone

from comments.tasks import enqueue
from newsroom.interchange.disqus import DisqusError, import_disqus
from newsroom.interchange.importing import ImportReport
from newsroom.interchange.wordpress import WXRError, import_wxr

FORMAT_LABELS = {"wordpress": "WordPress export (WXR)", "disqus": "Disqus export"}


def folder() -> Path:
    return Path(settings.IMPORT_ROOT)


def private_folder(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """
    IMPORT_ROOT inside a folder the site serves would publish every upload; so do
    the uploads an earlier version left in MEDIA_ROOT/imports.
    """
    served = {"MEDIA_ROOT": settings.MEDIA_ROOT, "STATIC_ROOT": settings.STATIC_ROOT}
    earlier = Path(settings.MEDIA_ROOT) / "imports"
    left: list[checks.CheckMessage] = [
        checks.Warning(
            f"{earlier} holds uploaded exports of an earlier version, served to "
            "anyone with MEDIA_ROOT: every commenter's email and IP address.",
            hint="Delete the folder; imports now wait in IMPORT_ROOT.",
            id="newsroom.W001",
        )
    ]
    return (left if any(earlier.glob("*.upload")) else []) + [
        checks.Error(
            f"IMPORT_ROOT ({folder()}) is inside {name}, which is served to anyone: "
            "uploaded exports, with every commenter's email and IP address, would "
            "be too.",
            hint="Set IMPORT_ROOT to a folder outside MEDIA_ROOT and STATIC_ROOT.",
            id="newsroom.E001",
        )
        for name, root in served.items()
        if root and folder().resolve().is_relative_to(Path(root).resolve())
    ]


def upload_path(job_id: str) -> Path:
    return folder() / f"{uuid.UUID(job_id)}.upload"


def status_path(job_id: str) -> Path:
    return folder() / f"{uuid.UUID(job_id)}.json"


def read_status(job_id: str) -> dict[str, Any] | None:
    """The job's progress and report; None for an id that isn't a job."""
    try:
        return dict(json.loads(status_path(job_id).read_text()))
    except (ValueError, OSError):
        return None


def write_status(job_id: str, **changes: Any) -> dict[str, Any]:
    status = (read_status(job_id) or {}) | changes | {"updated_at": timezone.now()}
    fd, temporary = tempfile.mkstemp(dir=folder(), suffix=".tmp")
    with os.fdopen(fd, "w") as out:
        json.dump(status, out, default=str)
    os.replace(temporary, status_path(job_id))
    return status


def start(
    upload: UploadedFile[bytes], file_format: str, *, with_pingbacks: bool
) -> str:
    """Keep the upload, and enqueue its import; the job's id."""
    job_id = str(uuid.uuid4())
    folder().mkdir(parents=True, exist_ok=True)
    with upload_path(job_id).open("wb") as kept:
        for chunk in upload.chunks():
            kept.write(chunk)
    write_status(
        job_id,
        state="queued",
        name=upload.name,
        format=file_format,
        size=upload.size,
        comments=0,
    )
    enqueue(run_import, job_id, file_format, with_pingbacks)
    return job_id


def estimate(status: dict[str, Any]) -> int | None:
    """Roughly how many comments the whole file holds, from how far it has come."""
    done, size = status.get("bytes_read", 0), status.get("size", 0)
    if not done or not size or done >= size:
        return None
    return int(round(status.get("comments", 0) * size / done, -2)) or None


@task
def run_import(job_id: str, file_format: str, with_pingbacks: bool) -> dict[str, Any]:
    """Import an uploaded file, writing progress for the admin page; the report."""
    path = upload_path(job_id)
    write_status(job_id, state="running")

    def progress(done: int, size: int, report: ImportReport) -> None:
        write_status(
            job_id, bytes_read=done, size=size, comments=report.comments_imported
        )

    unmatched: dict[str, int] = {}
    try:
        with path.open("rb") as file:
            if file_format == "disqus":
                outcome = import_disqus(file, on_progress=progress)
                report, unmatched = outcome.report, dict(outcome.unmatched)
            else:
                report = import_wxr(
                    file, with_pingbacks=with_pingbacks, on_progress=progress
                )
    except (WXRError, DisqusError) as error:
        write_status(job_id, state="failed", error=str(error))
        return {"error": str(error)}
    except Exception:
        write_status(
            job_id,
            state="failed",
            error="The import stopped on an unexpected error (see the worker's log). "
            "What was imported stays; importing the file again continues.",
        )
        raise
    finally:
        path.unlink(missing_ok=True)  # of no further use, and holds personal data
    result = report.as_dict()
    # Disqus threads whose page is not here: their link and comments left out.
    write_status(job_id, state="done", report=result, unmatched=unmatched)
    return result
