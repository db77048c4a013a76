"""
The moderation actions' choices come from the code (moderation_log.action_choices):
the next action added needs no migration restating the list.
"""

from django.db import migrations, models

import comments.models.moderation_log


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0027_status_since"),
    ]

    operations = [
        migrations.AlterField(
            model_name="moderationaction",
            name="action",
            field=models.CharField(
                choices=comments.models.moderation_log.action_choices, max_length=20
            ),
        ),
    ]
