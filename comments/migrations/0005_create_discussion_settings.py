"""Create the one row of discussion settings, with WordPress's defaults."""

from django.db import migrations


def create_discussion_settings(apps, schema_editor):
    apps.get_model("comments", "DiscussionSettings").objects.get_or_create(pk=1)


def delete_discussion_settings(apps, schema_editor):
    apps.get_model("comments", "DiscussionSettings").objects.filter(pk=1).delete()


class Migration(migrations.Migration):
    dependencies = [("comments", "0004_discussion_version_triggers")]

    operations = [
        migrations.RunPython(create_discussion_settings, delete_discussion_settings)
    ]
