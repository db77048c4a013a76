"""
Comments remember whether their author was staff when posting (the "Staff" mark
beside the name). Comments already written by accounts that are staff now get it;
going back drops the column.
"""

from django.db import migrations, models


def mark_staff_comments(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    Comment.objects.filter(user__is_staff=True).update(author_is_staff=True)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0007_prior_approval_by_name_and_email"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="author_is_staff",
            field=models.BooleanField(
                db_default=False,
                default=False,
                editable=False,
                help_text="The comment shows a Staff mark.",
                verbose_name="posted by staff",
            ),
        ),
        migrations.RunPython(mark_staff_comments, migrations.RunPython.noop),
    ]
