"""
Like counts kept by PostgreSQL: a like added or deleted, by whatever wrote it (the
Like button, an account deleted, an erasure, a script), changes its comment's
count (LikeCount) and the discussion's likes counter (DiscussionVersion.likes),
in the same transaction. The discussion's version is not touched: see
comments.liking.
"""

from django.db import migrations

FUNCTION = """
CREATE FUNCTION comments_count_likes() RETURNS trigger AS $$
DECLARE
    liked integer := CASE WHEN TG_OP = 'INSERT' THEN NEW.comment_id
                          ELSE OLD.comment_id END;
    change integer := CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END;
BEGIN
    INSERT INTO comments_likecount (comment_id, count)
    VALUES (liked, GREATEST(change, 0))
    ON CONFLICT (comment_id)
    DO UPDATE SET count = GREATEST(comments_likecount.count + change, 0);
    UPDATE comments_discussionversion AS v SET likes = v.likes + 1
    FROM comments_comment AS c
    WHERE c.id = liked AND v.article_id = c.article_id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER comments_likes_counted AFTER INSERT OR DELETE ON comments_like
FOR EACH ROW EXECUTE FUNCTION comments_count_likes();
"""

DROP = """
DROP TRIGGER comments_likes_counted ON comments_like;
DROP FUNCTION comments_count_likes();
"""


class Migration(migrations.Migration):
    dependencies = [("comments", "0015_comment_address_kept_idx")]

    operations = [migrations.RunSQL(FUNCTION, DROP)]
