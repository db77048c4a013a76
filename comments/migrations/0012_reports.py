"""
Readers report comments: each report once per account or browser, resolved by
a moderator; enough open reports hide an approved comment.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0011_premoderation_by_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="discussionsettings",
            name="reports_to_hold",
            field=models.PositiveSmallIntegerField(
                default=3,
                help_text="Readers' open reports of an approved comment. 0: never hide, only list in the Reported queue.",
                verbose_name="hide a comment for a moderator after this many reports",
            ),
        ),
        migrations.AlterField(
            model_name="moderationaction",
            name="action",
            field=models.CharField(
                choices=[
                    ("approve", "Approved"),
                    ("unapprove", "Unapproved"),
                    ("spam", "Marked as spam"),
                    ("not_spam", "Marked as not spam"),
                    ("remove", "Removed"),
                    ("restore", "Restored"),
                    ("edit", "Edited"),
                    ("reply", "Replied"),
                    ("ban", "Banned the author"),
                    ("premoderate", "Marked the author always pre-moderated"),
                    ("dismiss", "Dismissed readers' reports"),
                    ("reported", "Hidden after readers' reports"),
                    ("feature", "Made an editors' pick"),
                    ("unfeature", "No longer an editors' pick"),
                ],
                max_length=20,
            ),
        ),
        migrations.CreateModel(
            name="Report",
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
                    "reason",
                    models.CharField(
                        choices=[
                            ("spam", "Spam"),
                            ("abuse", "Abuse or harassment"),
                            ("off_topic", "Off topic"),
                            ("other", "Something else"),
                        ],
                        max_length=10,
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=500)),
                ("browser", models.CharField(blank=True, max_length=64)),
                (
                    "ip_address",
                    models.GenericIPAddressField(
                        blank=True, null=True, verbose_name="IP address"
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
                (
                    "resolution",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("dismissed", "Dismissed: the comment stays"),
                            ("upheld", "Upheld: the comment went"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "comment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reports",
                        to="comments.comment",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="comment_reports",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("resolved_at__isnull", True)),
                        fields=["comment"],
                        name="report_open_idx",
                    ),
                    models.Index(
                        fields=["ip_address", "-created_at"], name="report_ip_idx"
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("user__isnull", False)),
                        fields=("comment", "user"),
                        name="report_once_per_account",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("user__isnull", True)),
                        fields=("comment", "browser"),
                        name="report_once_per_browser",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("user__isnull", False),
                            models.Q(("browser", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="report_has_a_reporter",
                    ),
                ],
            },
        ),
    ]
