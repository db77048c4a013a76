"""Why a moderator removed a comment or marked it as spam, with the action."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0017_undo"),
    ]

    operations = [
        migrations.AddField(
            model_name="moderationaction",
            name="reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("spam", "Spam"),
                    ("abuse", "Abuse or harassment"),
                    ("off_topic", "Off topic"),
                    ("other", "Other"),
                ],
                max_length=10,
            ),
        ),
    ]
