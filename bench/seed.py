"""
Realistic data for the benchmark, written straight through the ORM in bulk:

- the seed article with 1,000 approved comments in threads up to five levels deep,
  of varied length, some with links, from guests and signed-in readers, all on
  one page (the rules' "Break comments into pages" off: the worst case);
- 1,000 more articles holding 100,000 comments in every status, for the admin.

Run inside Django: `manage.py shell -c "from bench.seed import seed; seed()"`.
"""

import datetime
import json
import random

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from articles.models import Article
from comments.models import Comment, DiscussionSettings, render_body

SENTENCES = [
    "I read this twice and I still think the timing is not a coincidence.",
    "The spokesperson's answer leaves more questions than it settles.",
    "Local law has been the reason given for a lot of things lately.",
    "Forty-five million users is not a number any company walks away from lightly.",
    "Has anyone found the original statement? The quotes here seem partial.",
    "This is exactly what people predicted when the localized version launched.",
    "Good reporting, though I would have liked a comment from the regulator.",
    "It's worth remembering that Bing is still available there.",
    "The Exchange attack and this decision are two different stories.",
    "See the background at https://example.com/background for more context.",
    "Another analysis: https://example.org/analysis/linkedin-china",
    "Thanks for the clear summary.",
]
STATUSES = ["approved"] * 90 + ["pending"] * 5 + ["spam"] * 3 + ["removed"] * 2


def body(rng: random.Random) -> str:
    paragraphs = [
        " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 3)))
        for _ in range(rng.choice([1, 1, 1, 1, 2]))
    ]
    return "\n\n".join(paragraphs)


def seed(*, thread_comments: int = 1000, admin_comments: int = 100_000) -> None:
    rng = random.Random(2021)
    rules = DiscussionSettings.load()
    rules.flood_interval = 0  # benchmarks post from one machine, fast
    rules.min_seconds_to_post = 0
    # The worst case: all 1,000 comments on one page, as the budgets are set for
    # (pages, the default, show 50 threads; bench.audit measures both).
    rules.page_comments = False
    rules.save()
    users = [
        get_user_model().objects.get_or_create(
            username=f"benchreader{n}",
            defaults={
                "email": f"benchreader{n}@example.com",
                "first_name": f"Reader {n}",
            },
        )[0]
        for n in range(50)
    ]
    article = Article.objects.get(slug__startswith="new-sign-ups")
    seed_thread(article, users, thread_comments, rng)
    seed_admin(users, admin_comments, rng)
    # The planner's statistics, as a database in use has them: autovacuum would
    # gather them only up to a minute after these rows arrived.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(json.dumps({"article": article.get_absolute_url(), "article_id": article.pk}))


def new_comment(article, rng, users, *, parent=None, status="approved", when=None):
    text = body(rng)
    user = rng.choice(users) if rng.random() < 0.2 else None
    n = rng.randint(1, 5000)
    return Comment(
        article=article,
        parent=parent,
        depth=parent.depth + 1 if parent else 0,
        user=user,
        author_name=user.first_name if user else f"Guest {n}",
        author_email=user.email if user else f"guest{n}@example.com",
        author_url="https://example.net/" if rng.random() < 0.1 else "",
        body=text,
        body_html=render_body(text),
        status=status,
        moderation_reason="approved: passed every rule",
        ip_address=f"198.51.100.{n % 250}",
        user_agent="Mozilla/5.0 (bench)",
        created_at=when or timezone.now(),
    )


def seed_thread(article, users, total, rng) -> None:
    Comment.objects.filter(article=article).delete()
    start = article.published_at + datetime.timedelta(hours=1)
    levels: list[list[Comment]] = []
    made = 0
    for depth in range(5):
        count = int(total * [0.35, 0.3, 0.2, 0.1, 0.05][depth])
        if depth == 4:
            count = total - made
        parents = levels[-1] if levels else None
        batch = [
            new_comment(
                article,
                rng,
                users,
                parent=rng.choice(parents) if parents else None,
                when=start + datetime.timedelta(minutes=made + i),
            )
            for i in range(count)
        ]
        levels.append(Comment.objects.bulk_create(batch))
        made += count


def seed_admin(users, total, rng) -> None:
    if (
        Comment.objects.exclude(article__slug__startswith="new-sign-ups").count()
        >= total
    ):
        return
    articles = Article.objects.bulk_create(
        Article(
            title=f"Archive story {n}",
            slug=f"archive-story-{n}",
            body="Archive text.",
            status="published",
            published_at=timezone.now() - datetime.timedelta(days=n),
        )
        for n in range(1000)
    )
    now = timezone.now()
    for start in range(0, total, 5000):
        Comment.objects.bulk_create(
            new_comment(
                articles[(start + i) % len(articles)],
                rng,
                users,
                status=rng.choice(STATUSES),
                when=now - datetime.timedelta(minutes=start + i),
            )
            for i in range(5000)
        )
