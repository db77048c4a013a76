"""
An index of the comments that still hold an IP address or a browser (user agent),
by date: what the hourly clearing after COMMENT_IP_RETENTION_DAYS reads
(privacy.retention). Cleared comments leave it, so it stays the size of the last
few months of comments however large the table grows. Built concurrently: on a big
table a plain CREATE INDEX would block posting while it ran.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("comments", "0014_likes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="comment",
            index=models.Index(
                condition=models.Q(
                    ("ip_address__isnull", False),
                    models.Q(("user_agent", ""), _negated=True),
                    _connector="OR",
                ),
                fields=["created_at"],
                name="comment_address_kept_idx",
            ),
        ),
    ]
