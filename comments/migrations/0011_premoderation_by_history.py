"""
Holding authors by their history: "always pre-moderate" marks beside bans, and the
rule that holds authors whose latest comments were rejected.
"""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0010_editors_picks"),
    ]

    operations = [
        migrations.AddField(
            model_name="ban",
            name="effect",
            field=models.CharField(
                choices=[
                    ("spam", "Banned: comments go to spam"),
                    ("hold", "Always pre-moderated: comments are held"),
                ],
                db_default="spam",
                default="spam",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="discussionsettings",
            name="hold_after_rejections",
            field=models.PositiveSmallIntegerField(
                default=2,
                help_text="Rejected: sent to spam or removed, among the author's latest comments (next setting). 0 switches the rule off.",
                verbose_name="hold authors with this many rejected comments",
            ),
        ),
        migrations.AddField(
            model_name="discussionsettings",
            name="rejection_window",
            field=models.PositiveSmallIntegerField(
                default=5,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(100),
                ],
                verbose_name="among their latest comments",
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
                    ("feature", "Made an editors' pick"),
                    ("unfeature", "No longer an editors' pick"),
                ],
                max_length=20,
            ),
        ),
    ]
