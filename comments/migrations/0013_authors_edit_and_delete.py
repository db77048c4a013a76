"""
Authors edit or delete their own comments for a while after posting: when, and
the actions that record it.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0012_reports"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="deleted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="comment",
            name="edited_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="discussionsettings",
            name="edit_window_minutes",
            field=models.PositiveSmallIntegerField(
                default=10,
                help_text="0: never. An edit is moderated again.",
                verbose_name="authors may edit or delete their comment for (minutes)",
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
                    ("author_edit", "Edited by its author"),
                    ("author_delete", "Deleted by its author"),
                    ("reported", "Hidden after readers' reports"),
                    ("feature", "Made an editors' pick"),
                    ("unfeature", "No longer an editors' pick"),
                ],
                max_length=20,
            ),
        ),
    ]
