"""
Create the "Moderators" group and give "Editors" the same moderation permissions.

Moderators moderate comments, manage bans and change the discussion settings; they
can't touch articles, users or groups. Nobody gets delete_comment: moderation never
deletes a row (removing a comment is a status).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATION_PERMISSIONS = [
    "view_comment",
    "change_comment",
    "add_ban",
    "view_ban",
    "change_ban",
    "delete_ban",
    "view_moderationaction",
    "view_discussionsettings",
    "change_discussionsettings",
]


def moderation_permissions(apps):
    # Permissions are normally created after all migrations ran; make sure this
    # app's exist now, on a fresh database.
    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    return apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="comments", codename__in=MODERATION_PERMISSIONS
    )


def create_moderators_group(apps, schema_editor):
    permissions = list(moderation_permissions(apps))
    Group = apps.get_model("auth", "Group")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(*permissions)
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*permissions)


def delete_moderators_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name="Moderators").delete()
    editors = Group.objects.filter(name="Editors").first()
    if editors is not None:
        editors.permissions.remove(*moderation_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0005_create_discussion_settings"),
        # The Editors group is the articles'; this adds to it.
        ("articles", "0003_create_editors_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_moderators_group, delete_moderators_group)
    ]
