"""
Keep DiscussionVersion current from inside PostgreSQL.

Statement-level triggers with transition tables: one upsert per article touched by
a statement, however many rows it wrote (a bulk approve of 500 comments bumps each
of their articles once).
"""

from django.db import migrations

FUNCTION = """
CREATE FUNCTION comments_bump_discussion_versions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO comments_discussionversion (article_id, version)
        SELECT DISTINCT article_id, 1 FROM new_rows
        ON CONFLICT (article_id)
        DO UPDATE SET version = comments_discussionversion.version + 1;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO comments_discussionversion (article_id, version)
        SELECT article_id, 1 FROM new_rows UNION SELECT article_id, 1 FROM old_rows
        ON CONFLICT (article_id)
        DO UPDATE SET version = comments_discussionversion.version + 1;
    ELSE
        UPDATE comments_discussionversion SET version = version + 1
        WHERE article_id IN (SELECT article_id FROM old_rows);
    END IF;
    RETURN NULL;
END
$$;
"""

TRIGGERS = """
CREATE TRIGGER comments_version_on_insert AFTER INSERT ON comments_comment
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION comments_bump_discussion_versions();

CREATE TRIGGER comments_version_on_update AFTER UPDATE ON comments_comment
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION comments_bump_discussion_versions();

CREATE TRIGGER comments_version_on_delete AFTER DELETE ON comments_comment
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION comments_bump_discussion_versions();
"""

DROP = """
DROP TRIGGER comments_version_on_insert ON comments_comment;
DROP TRIGGER comments_version_on_update ON comments_comment;
DROP TRIGGER comments_version_on_delete ON comments_comment;
DROP FUNCTION comments_bump_discussion_versions();
"""


class Migration(migrations.Migration):
    dependencies = [("comments", "0003_reply_in_same_article")]

    operations = [migrations.RunSQL(FUNCTION + TRIGGERS, DROP)]
