"""
Comments imported from another system keep their dates (created_at is no longer
auto_now_add, which would overwrite them) and their old #anchor.
"""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0008_mark_staff_comments"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="old_anchor",
            field=models.CharField(blank=True, editable=False, max_length=40),
        ),
        migrations.AlterField(
            model_name="comment",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, editable=False
            ),
        ),
    ]
