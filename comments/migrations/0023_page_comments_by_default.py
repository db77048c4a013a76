"""
"Break comments into pages" on by default, and on for the settings row that
0005_create_discussion_settings made with the old default (off): one page of 1,000
comments is too much for a phone to lay out (bench/README.md). Editors who want one
page turn it off in the admin. Every article's discussion version is bumped, as
saving the rules in the admin does, so no page cached with the old rule is served
again and HTTP caches are told (0021_purge_notifications).
"""

from django.db import migrations, models

BUMP_EVERY_VERSION = """
INSERT INTO comments_discussionversion (article_id, version)
SELECT id, 1 FROM newsroom_article
ON CONFLICT (article_id)
DO UPDATE SET version = comments_discussionversion.version + 1
"""


def set_page_comments(value: bool):
    def operation(apps, schema_editor):
        rules = apps.get_model("comments", "DiscussionSettings")
        rules.objects.filter(pk=1).update(page_comments=value)
        schema_editor.execute(BUMP_EVERY_VERSION)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0022_redundant_foreign_key_indexes"),
        ("articles", "0004_purge_notifications"),
    ]

    operations = [
        migrations.AlterField(
            model_name="discussionsettings",
            name="page_comments",
            field=models.BooleanField(
                default=True, verbose_name="break comments into pages"
            ),
        ),
        migrations.RunPython(set_page_comments(True), set_page_comments(False)),
    ]
