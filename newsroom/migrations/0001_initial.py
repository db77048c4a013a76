"""
What was imported from another system (to import nothing twice), the old
addresses of imported articles, and the log of personal-data requests.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("comments", "0009_comment_dates_and_old_anchors"),
        ("articles", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="OldAddress",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("path", models.CharField(max_length=500, unique=True)),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="old_addresses",
                        to="articles.article",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "old addresses",
            },
        ),
        migrations.CreateModel(
            name="PersonalDataRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[("export", "Export"), ("erase", "Erase")],
                        max_length=10,
                    ),
                ),
                ("by_the_reader", models.BooleanField(default=False)),
                ("done_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("summary", models.JSONField(default=dict)),
                (
                    "done_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-done_at"],
            },
        ),
        migrations.CreateModel(
            name="Imported",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("source", models.CharField(max_length=200)),
                (
                    "kind",
                    models.CharField(
                        choices=[("article", "Article"), ("comment", "Comment")],
                        max_length=10,
                    ),
                ),
                (
                    "source_id",
                    models.CharField(max_length=100, verbose_name="id at the source"),
                ),
                (
                    "imported_at",
                    models.DateTimeField(default=django.utils.timezone.now),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="articles.article",
                    ),
                ),
                (
                    "comment",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="comments.comment",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("source", "kind", "source_id"), name="imported_once"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("comment__isnull", True), ("kind", "article")),
                            models.Q(("comment__isnull", False), ("kind", "comment")),
                            _connector="OR",
                        ),
                        name="imported_kind_matches",
                    ),
                ],
            },
        ),
    ]
