"""
A guest's like keeps the token of the form stamp it came with, once: a stamp is
good for one like (comments.liking). Likes made before have none.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0024_count_guests_by_network"),
    ]

    operations = [
        migrations.AddField(
            model_name="like",
            name="form_token",
            field=models.UUIDField(blank=True, editable=False, null=True),
        ),
        migrations.AddConstraint(
            model_name="like",
            constraint=models.UniqueConstraint(
                condition=models.Q(("form_token__isnull", False)),
                fields=("form_token",),
                name="like_once_per_stamp",
            ),
        ),
    ]
