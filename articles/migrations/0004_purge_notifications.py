"""
An edited article is announced on the "newsroom_purge" channel with its id, when
its transaction commits, as comments' migration 0021 announces changed
discussions: `manage.py purge_http_cache` purges its pages from HTTP caches.
"""

from django.db import migrations

FUNCTION = """
CREATE FUNCTION newsroom_announce_article_change() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('newsroom_purge', NEW.id::text);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER newsroom_article_changed AFTER UPDATE ON newsroom_article
FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW)
EXECUTE FUNCTION newsroom_announce_article_change();
"""

DROP = """
DROP TRIGGER newsroom_article_changed ON newsroom_article;
DROP FUNCTION newsroom_announce_article_change();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_create_editors_group"),
    ]

    operations = [migrations.RunSQL(FUNCTION, DROP)]
