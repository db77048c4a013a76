"""
Every change of an article's discussion version (migration 0004's triggers bump it
on any change to its comments; rule changes bump them all) is announced on the
"newsroom_purge" channel with the article's id, when its transaction commits, for
`manage.py purge_http_cache` to purge the article's pages from HTTP caches
(newsroom.purge). Likes don't bump the version and announce nothing.
"""

from django.db import migrations

FUNCTION = """
CREATE FUNCTION comments_announce_discussion_change() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('newsroom_purge', NEW.article_id::text);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER comments_discussion_changed
AFTER INSERT OR UPDATE OF version ON comments_discussionversion
FOR EACH ROW EXECUTE FUNCTION comments_announce_discussion_change();
"""

DROP = """
DROP TRIGGER comments_discussion_changed ON comments_discussionversion;
DROP FUNCTION comments_announce_discussion_change();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0020_subscription_language"),
    ]

    operations = [migrations.RunSQL(FUNCTION, DROP)]
