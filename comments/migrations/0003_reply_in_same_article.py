"""
A reply belongs to the same article as its parent, enforced by PostgreSQL.

A composite foreign key (parent_id, article_id) -> (id, article_id) does what a
check constraint can't: compare a row with another row. It references the unique
constraint comment_id_article (0002_initial). With parent_id NULL (a top-level
comment) it is not checked (MATCH SIMPLE). Django doesn't model composite foreign
keys, so the field Comment.parent has db_constraint=False and this is the only
constraint on parent_id.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("comments", "0002_initial")]

    operations = [
        migrations.RunSQL(
            sql="""
                ALTER TABLE comments_comment
                ADD CONSTRAINT comment_parent_same_article
                FOREIGN KEY (parent_id, article_id)
                REFERENCES comments_comment (id, article_id)
                ON DELETE CASCADE
            """,
            reverse_sql="""
                ALTER TABLE comments_comment
                DROP CONSTRAINT comment_parent_same_article
            """,
        )
    ]
