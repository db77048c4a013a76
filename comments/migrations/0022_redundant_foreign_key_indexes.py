"""
A comment's article and user lose the index Django gives every foreign key:
comment_article_idx (article, status, created_at) and comment_user_idx (user,
created_at) begin with them, so PostgreSQL uses those for the same lookups and
the cascades, and each index is one more write on every comment posted. The
constraints stay as they are (altering the fields through Django would drop and
validate them again, a scan of every comment); only the indexes go.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0021_purge_notifications"),
        ("articles", "0004_purge_notifications"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="comment",
                    name="article",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="comments",
                        to="articles.article",
                    ),
                ),
                migrations.AlterField(
                    model_name="comment",
                    name="user",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="comments",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "comments_comment_article_id_94fe60a2";'
                    ' DROP INDEX IF EXISTS "comments_comment_user_id_a1db4881";',
                    reverse_sql=(
                        'CREATE INDEX "comments_comment_article_id_94fe60a2"'
                        ' ON "comments_comment" ("article_id");'
                        ' CREATE INDEX "comments_comment_user_id_a1db4881"'
                        ' ON "comments_comment" ("user_id");'
                    ),
                ),
            ],
        ),
    ]
