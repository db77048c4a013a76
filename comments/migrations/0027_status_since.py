"""
Comment.status_since: when the row was made (the column's default), then each
change of its status, set by a trigger whatever writes it (the form, moderation,
readers' reports, a bulk UPDATE, a script). Open pages learn which comments were
approved last, whenever they were written (comments.views.live).

Comments there are take the moment of the migration, before any change to come:
no row is rewritten, so no discussion's version moves and nothing is purged.
"""

from django.db import migrations, models
from django.db.models.functions import Now

FUNCTION = """
CREATE FUNCTION comments_status_changed() RETURNS trigger AS $$
BEGIN
    NEW.status_since := statement_timestamp();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER comments_status_since
BEFORE UPDATE OF status ON comments_comment
FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
EXECUTE FUNCTION comments_status_changed();
"""

DROP = """
DROP TRIGGER comments_status_since ON comments_comment;
DROP FUNCTION comments_status_changed();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0026_versions_follow_what_readers_see"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="status_since",
            field=models.DateTimeField(db_default=Now(), editable=False),
        ),
        migrations.RunSQL(FUNCTION, DROP),
    ]
