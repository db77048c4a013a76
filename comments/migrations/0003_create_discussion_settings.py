"""Create the one row of discussion settings, with WordPress's defaults."""

from django.db import migrations


def create_settings(apps, schema_editor):
    apps.get_model("comments", "DiscussionSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("comments", "0002_reply_in_same_article")]

    operations = [migrations.RunPython(create_settings, migrations.RunPython.noop)]
