"""
Each subscription keeps the language its reader subscribed in, so the mail the
worker writes later is in that language. Existing rows get "" (the site's default).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0019_reader_actions_share_their_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscription",
            name="language",
            field=models.CharField(blank=True, default="", max_length=15),
        ),
    ]
