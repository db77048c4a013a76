"""
Likes and reports count a guest by their network (comments.models.reader_actions):
each row keeps a keyed hash of the network it came from
(readers.client_ip.network_key) instead of its IP address, and a guest likes or
reports a comment once per network.

Rows made before get the hash of their address. Where one network had several
guest rows on a comment (fresh browsers), the earliest keeps it and the others
stay as they were, counted by their browser: nothing readers did is thrown away.
Then the addresses go. Backwards, the column of addresses comes back empty.
"""

from django.conf import settings
from django.db import migrations, models

from readers.client_ip import network_key

BATCH_SIZE = 1000


def hash_addresses(apps, schema_editor):
    for name in ("Like", "Report"):
        model = apps.get_model("comments", name)
        table = schema_editor.quote_name(model._meta.db_table)
        addresses = (
            model.objects.exclude(ip_address=None)
            .order_by()
            .values_list("ip_address", flat=True)
            .distinct()
        )
        pairs: list[str] = []
        for address in addresses.iterator():
            pairs += [address, network_key(address)]
            if len(pairs) == 2 * BATCH_SIZE:
                keep_networks(schema_editor, table, pairs)
                pairs = []
        keep_networks(schema_editor, table, pairs)
        schema_editor.execute(
            f"UPDATE {table} SET network = '' WHERE id IN ("  # noqa: S608
            " SELECT id FROM (SELECT id, row_number() OVER ("
            "  PARTITION BY comment_id, network ORDER BY created_at, id) AS n"
            f" FROM {table} WHERE user_id IS NULL AND network <> '') AS ranked"
            " WHERE n > 1)"
        )


def keep_networks(schema_editor, table: str, pairs: list[str]) -> None:
    """Give the rows of each address (pairs: address, its network's key) its key."""
    if not pairs:
        return
    values = ", ".join(["(%s::inet, %s)"] * (len(pairs) // 2))
    schema_editor.execute(
        f"UPDATE {table} AS reader_action SET network = v.network"  # noqa: S608
        f" FROM (VALUES {values}) AS v(address, network)"
        " WHERE reader_action.ip_address = v.address",
        pairs,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0023_page_comments_by_default"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="like",
            name="network",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.AddField(
            model_name="report",
            name="network",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.RunPython(hash_addresses, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="like", name="like_ip_idx"),
        migrations.RemoveIndex(model_name="report", name="report_ip_idx"),
        migrations.RemoveField(model_name="like", name="ip_address"),
        migrations.RemoveField(model_name="report", name="ip_address"),
        migrations.AddIndex(
            model_name="like",
            index=models.Index(fields=["network", "-created_at"], name="like_net_idx"),
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                fields=["network", "-created_at"], name="report_net_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="like",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("user__isnull", True), models.Q(("network", ""), _negated=True)
                ),
                fields=("comment", "network"),
                name="like_once_per_network",
            ),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("user__isnull", True), models.Q(("network", ""), _negated=True)
                ),
                fields=("comment", "network"),
                name="report_once_per_network",
            ),
        ),
    ]
