"""
The prior-approval rule knows a guest by the same name and email, no longer by
email alone (comments.views.save_comment): its help text says so. No data changes.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0006_create_moderators_group"),
    ]

    operations = [
        migrations.AlterField(
            model_name="discussionsettings",
            name="require_prior_approval",
            field=models.BooleanField(
                default=True,
                help_text="Guests are known by the same name and email (both given), "
                "signed-in readers by their account. A guest's name and email are not "
                "proof of who they are: anyone who knows both passes.",
                verbose_name="author must have a previously approved comment",
            ),
        ),
    ]
