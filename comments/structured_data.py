"""
What search engines read of the article page: schema.org's NewsArticle, with the
comments the page shows, as JSON-LD.

It goes in a <script type="application/ld+json">, a data block: browsers never run
it, so the Content Security Policy (script-src 'self', nothing inline) has nothing
to say about it, and the page needs no nonce (which a shared, cached page can't
have). The JSON is written with json.dumps and `<`, `>` and `&` as \\u003c, \\u003e
and \\u0026, so no text of a reader's ("</script>", "<!--") can end the block or
change how it is read; a JSON parser reads the same text back.

The Discussion builds it with the page of comments it renders (no query of its
own) and caches it with that rendering. Only approved comments with their text
are in it, at most STRUCTURED_COMMENTS of the page's, in reading order: on a story
with a thousand comments on one page, all of them would add their text a second
time to what every reader downloads, past the page's size budget (bench/), for
data search engines take a sample of at best. `commentCount` counts them all.
"""

import json
from typing import Any

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article
from comments.models import Comment
from readers.identity import SITE_NAME
from readers.tokens import absolute

STRUCTURED_COMMENTS = 50

# What a reader's text must not hold inside a <script> element, as JSON escapes.
SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def news_article(
    article: Article, comments: list[Comment], comment_count: int
) -> dict[str, Any]:
    """The article and the first of `comments` that readers see, as schema.org."""
    site = {
        "@type": "Organization",
        "name": SITE_NAME,
        "url": absolute(reverse("home")),
    }
    url = absolute(article.get_absolute_url())
    shown = [
        c for c in comments if c.status == Comment.Status.APPROVED and not c.deleted_at
    ]
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": article.title,
        "description": article.description,
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.modified_at.isoformat(),
        "author": (
            {"@type": "Person", "name": article.byline} if article.byline else site
        ),
        "publisher": site,
        "commentCount": comment_count,
        "comment": [comment_item(c) for c in shown[:STRUCTURED_COMMENTS]],
    }


def comment_item(comment: Comment) -> dict[str, Any]:
    url = absolute(comment.get_absolute_url())
    item: dict[str, Any] = {
        "@type": "Comment",
        "@id": url,
        "url": url,
        "author": {"@type": "Person", "name": comment.display_name},
        "dateCreated": comment.created_at.isoformat(),
        "text": comment.body,
    }
    if comment.edited_at:
        item["dateModified"] = comment.edited_at.isoformat()
    if comment.like_count:
        item["upvoteCount"] = comment.like_count
    if comment.parent_id:
        # A reply: the comment it answers, by its @id.
        parent = reverse("comments:permalink", args=[comment.parent_id])
        item["parentItem"] = {"@id": absolute(parent)}
    return item


def json_ld(data: dict[str, Any]) -> SafeString:
    """`data` as the text of a <script type="application/ld+json"> element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(SCRIPT_SAFE))  # noqa: S308 - no <, > or & left
