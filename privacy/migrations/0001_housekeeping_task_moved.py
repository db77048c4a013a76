"""
The hourly clearing of old comments' addresses moved from comments.tasks to
privacy.tasks. Its next run, queued under the old name, is renamed so the worker
finds it (one run waits, as before) instead of failing to import it and queueing
a second.
"""

from django.db import migrations

OLD = "comments.tasks.clear_old_comment_ips"
NEW = "privacy.tasks.clear_old_comment_ips"


def rename(apps, old: str, new: str) -> None:
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.filter(task_path=old, status__in=["READY", "RUNNING"]).update(
        task_path=new
    )


def forwards(apps, schema_editor):
    rename(apps, OLD, NEW)


def backwards(apps, schema_editor):
    rename(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
