"""
The admin's import page: who may use it, what it refuses, and the report it shows
once the worker's task has run.
"""

import gzip
import re
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core import checks
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from newsroom.interchange import jobs
from newsroom.management.commands import import_disqus
from tests import factories
from tests.wxr import comment, export, item

PAGE = "/admin/articles/article/import/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_ROOT = tmp_path / "imports"
    return settings.MEDIA_ROOT


@pytest.fixture
def importer_client(client, db):
    user = factories.make_staff()
    user.user_permissions.add(
        Permission.objects.get(codename="add_article"),
        Permission.objects.get(codename="change_comment"),
        Permission.objects.get(codename="view_article"),
    )
    client.force_login(user)
    return client


def upload(client, name: str, data: bytes, **fields):
    return client.post(
        PAGE, {"file": SimpleUploadedFile(name, data), **fields}, follow=False
    )


def test_the_articles_list_links_to_the_page_for_those_allowed(importer_client):
    page = importer_client.get("/admin/articles/article/").content.decode()
    assert f'href="{PAGE}">Import from WordPress or Disqus</a>' in page


def test_editors_may_import(editor_client):
    page = editor_client.get(PAGE).content.decode()
    assert "<h1>Import articles and comments</h1>" in page
    assert 'enctype="multipart/form-data"' in page and "csrfmiddlewaretoken" in page


def test_editors_without_both_rights_are_refused(client, db):
    moderator = factories.make_staff("Moderators")
    client.force_login(moderator)
    assert client.get(PAGE).status_code == 403
    assert (
        "Import from WordPress"
        not in client.get("/admin/comments/comment/").content.decode()
    )


def test_an_upload_is_imported_by_the_task_and_the_report_shown(importer_client):
    text = export(item(1, comment(1), comment(2, parent=1, approved="0")))
    response = upload(importer_client, "export.xml.gz", gzip.compress(text.encode()))
    assert response.status_code == 302
    job_id = re.search(r"/import/([0-9a-f-]{36})/$", response["Location"])[1]
    waiting = importer_client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in waiting
    assert "Waiting for the task worker" in waiting
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs["args"] == [job_id, "wordpress", False]

    jobs.run_import.call(job_id, "wordpress", False)

    page = importer_client.get(response["Location"]).content.decode()
    assert "refresh" not in page
    assert "Comments imported: 2 (1 approved, 1 pending)." in page
    assert "A story (/2021/03/10/story-1/): 2" in page
    assert Comment.objects.filter(old_anchor__startswith="comment-").count() == 2
    assert not jobs.upload_path(job_id).exists()  # readers' emails and IPs


def test_a_running_import_shows_its_progress(importer_client):
    job_id = "8c5b9f8e-6a55-4d54-9a36-3f0b8c1d2e4f"
    (jobs.folder()).mkdir(parents=True)
    jobs.write_status(
        job_id, state="running", name="x.xml", size=1000, bytes_read=420, comments=4200
    )
    page = importer_client.get(f"{PAGE}{job_id}/").content.decode()
    assert "Running: 4,200 of ~10,000 comments." in page


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("notes.txt", b"just some text", "it is not XML, or it is cut short"),
        ("cut.xml.gz", gzip.compress(b"<rss>" * 10)[:15], "not XML, or it is cut"),
        (
            "feed.xml",
            b"<?xml version='1.0'?><html></html>",
            "not a WordPress or Disqus export",
        ),
        (
            "lol.xml",
            b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "b">]><rss>&a;</rss>',
            "Refused: the file declares entities",
        ),
    ],
    ids=["text", "cut-gzip", "other-xml", "entities"],
)
def test_a_bad_file_is_a_form_error(importer_client, name, data, error):
    response = upload(importer_client, name, data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not DBTaskResult.objects.exists()


def test_a_file_over_the_limit_is_a_form_error(importer_client, settings):
    settings.IMPORT_MAX_UPLOAD_SIZE = 100
    response = upload(importer_client, "big.xml", export(item(1)).encode())
    assert "the largest this page takes is 100 bytes" in response.content.decode()
    assert not DBTaskResult.objects.exists()


def test_a_file_that_fails_midway_shows_why(importer_client):
    response = upload(
        importer_client, "export.xml", b"<?xml version='1.0'?><rss><channel>"
    )
    job_id = response["Location"].rstrip("/").rpartition("/")[2]
    jobs.run_import.call(job_id, "wordpress", False)
    page = importer_client.get(response["Location"]).content.decode()
    assert "The import stopped" in page and "cut short" not in page
    assert "line 1" in page
    assert not jobs.upload_path(job_id).exists()


def test_an_unknown_job_is_not_found(importer_client):
    assert (
        importer_client.get(f"{PAGE}{'0' * 8}-0000-4000-8000-{'0' * 12}/").status_code
        == 404
    )


def test_a_disqus_export_is_imported_and_its_unmatched_threads_listed(
    importer_client,
):
    from tests.test_import_disqus import HEAD, post, thread

    story = factories.make_article(title="Disqus story")
    here, elsewhere = story.get_absolute_url(), "/2010/01/01/gone/"
    data = (
        HEAD
        + "".join(
            [
                thread("1", f"https://old.example{here}"),
                thread("2", f"https://old.example{elsewhere}"),
                post("10", "1"),
                post("11", "1", parent="10", spam=True),
                post("12", "2"),
            ]
        )
        + "\n</disqus>\n"
    )
    response = upload(importer_client, "disqus.xml", data.encode())
    assert response.status_code == 302
    job_id = re.search(r"/import/([0-9a-f-]{36})/$", response["Location"])[1]
    queued = DBTaskResult.objects.get(task_path="newsroom.interchange.jobs.run_import")
    assert queued.args_kwargs["args"] == [job_id, "disqus", False]

    jobs.run_import.call(job_id, "disqus", False)

    page = importer_client.get(response["Location"]).content.decode()
    assert "Comments imported: 2 (1 approved, 1 spam)." in page
    assert "Disqus threads with no article here" in page
    assert f"https://old.example{elsewhere}: 1 comment" in page
    assert Comment.objects.filter(article=story).count() == 2


def test_an_upload_waits_outside_the_public_media_folder(importer_client, media_root):
    text = export(item(1, comment(1)))
    response = upload(importer_client, "export.xml", text.encode())
    job_id = response["Location"].rstrip("/").rpartition("/")[2]

    kept = jobs.upload_path(job_id)
    assert kept.read_bytes() == text.encode()
    assert not kept.is_relative_to(media_root)
    assert not [path for path in Path(media_root).rglob("*") if path.is_file()]


def test_an_import_folder_under_a_served_one_is_an_error(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    for served in (settings.MEDIA_ROOT, settings.STATIC_ROOT, tmp_path):
        settings.IMPORT_ROOT = Path(served) / "imports"
        errors = [m for m in checks.run_checks() if m.id == "newsroom.E001"]
        assert len(errors) == (served != tmp_path)


def test_uploads_an_earlier_version_left_in_the_media_folder_are_a_warning(
    settings, media_root
):
    def warned() -> bool:
        return any(m.id == "newsroom.W001" for m in checks.run_checks())

    (media_root / "imports").mkdir(parents=True)
    assert not warned()
    (media_root / "imports" / f"{uuid.uuid4()}.upload").write_bytes(b"<rss/>")
    assert warned()


def test_an_export_too_large_once_uncompressed_says_so(importer_client, settings):
    settings.IMPORT_MAX_XML_SIZE = 1024 * 1024
    text = export(item(1, *(comment(n, content="x" * 5000) for n in range(1, 400))))
    response = upload(importer_client, "export.xml.gz", gzip.compress(text.encode()))
    job_id = response["Location"].rstrip("/").rpartition("/")[2]

    jobs.run_import.call(job_id, "wordpress", False)

    page = importer_client.get(response["Location"]).content.decode()
    assert "The import stopped" in page
    assert "larger than 1 MB once uncompressed" in page
    assert "IMPORT_MAX_XML_SIZE" in page
    assert not jobs.upload_path(job_id).exists()


def test_the_page_says_where_disqus_keeps_its_export_as_the_docs_do(
    editor_client, settings
):
    page = editor_client.get(PAGE).content.decode()
    readme = (Path(settings.BASE_DIR) / "docs" / "importing.md").read_text()
    command = import_disqus.Command.help

    assert "not supported" not in page
    export_page = "disqus.com/admin/discussions/export/"
    assert export_page in page and export_page in readme and export_page in command
    # Nowhere another place: the help under the field points up to the list.
    assert "Moderation →" not in page and "Community →" not in readme
