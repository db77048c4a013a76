"""Editors' picks: the time a comment was featured, and the actions that record it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0009_comment_dates_and_old_anchors"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="featured_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                null=True,
                verbose_name="editors' pick since",
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
                    ("feature", "Made an editors' pick"),
                    ("unfeature", "No longer an editors' pick"),
                ],
                max_length=20,
            ),
        ),
    ]
