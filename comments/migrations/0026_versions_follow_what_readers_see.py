"""
An article's discussion version moves only when what every reader sees of it
changes: an approved comment is inserted or deleted, a comment becomes or stops
being approved, or an approved comment changes in anything but what readers never
see (its IP address and browser, which retention clears; the rule that moderated
it). A guest's held comment, its edits, its rejection and its deletion change
nothing on the shared page, so they bump nothing and, through migration 0021's
trigger, announce nothing: no HTTP cache is purged for them. Before, every insert,
update or delete did, and each purged every cached copy of the article's pages
(156 purge requests to nginx for an article with one page of comments).

Readers who do see held comments never read them from a rendering kept under the
version: their authors get theirs put in by their own query, editors a rendering
of their own (comments.discussion).
"""

from importlib import import_module

from django.db import migrations

# The columns left out of the comparison are those no reader sees on a page, a
# feed or the JSON-LD.
FUNCTION = """
CREATE OR REPLACE FUNCTION comments_bump_discussion_versions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO comments_discussionversion (article_id, version)
        SELECT DISTINCT article_id, 1 FROM new_rows WHERE status = 'approved'
        ON CONFLICT (article_id)
        DO UPDATE SET version = comments_discussionversion.version + 1;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO comments_discussionversion (article_id, version)
        SELECT DISTINCT touched.article_id, 1
        FROM old_rows o JOIN new_rows n ON n.id = o.id,
            LATERAL (VALUES (o.article_id), (n.article_id)) AS touched (article_id)
        WHERE (o.status = 'approved' OR n.status = 'approved')
            AND to_jsonb(o) - '{ip_address,user_agent,moderation_reason}'::text[]
            IS DISTINCT FROM
            to_jsonb(n) - '{ip_address,user_agent,moderation_reason}'::text[]
        ON CONFLICT (article_id)
        DO UPDATE SET version = comments_discussionversion.version + 1;
    ELSE
        UPDATE comments_discussionversion SET version = version + 1
        WHERE article_id IN (
            SELECT article_id FROM old_rows WHERE status = 'approved'
        );
    END IF;
    RETURN NULL;
END
$$;
"""

# Migration 0004's, put back when this one is reversed: every statement that
# wrote a comment bumped its article.
BEFORE = import_module("comments.migrations.0004_discussion_version_triggers").FUNCTION
BEFORE = BEFORE.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)


class Migration(migrations.Migration):
    dependencies = [("comments", "0025_a_stamp_likes_once")]

    operations = [migrations.RunSQL(FUNCTION, BEFORE)]
