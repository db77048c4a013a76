"""Moderators take a decision back ("Undo"): the action that records it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0016_like_count_triggers"),
    ]

    operations = [
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
                    ("undo", "Undid the last action"),
                    ("reported", "Hidden after readers' reports"),
                    ("feature", "Made an editors' pick"),
                    ("unfeature", "No longer an editors' pick"),
                ],
                max_length=20,
            ),
        ),
    ]
