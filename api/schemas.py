"""
What the API's answers and requests hold, as pydantic schemas: django-ninja
writes the OpenAPI document (/api/v1/openapi.json) from them, and the tests hold
real answers to that document. Nothing here holds an email address, an IP
address or a comment readers can't see: a comment's author is the name the page
shows, and the Staff mark is the one only the server sets.
"""

import datetime

from ninja import Field, Schema


class ArticleOut(Schema):
    id: int
    title: str
    byline: str
    published_at: datetime.datetime
    updated_at: datetime.datetime
    url: str = Field(description="The article's page, from SITE_URL.")
    comments_open: bool
    comments_url: str = Field(description="Its comments in this API.")


class ArticleList(Schema):
    items: list[ArticleOut]
    next: str | None = Field(description="The next page's address, or null.")


class CommentOut(Schema):
    id: int
    parent_id: int | None
    depth: int = Field(description="Its level in the thread, from 0.")
    author_name: str
    staff: bool = Field(description="Written by the site's staff (the Staff mark).")
    created_at: datetime.datetime
    edited_at: datetime.datetime | None
    deleted: bool = Field(description="Deleted by its author, kept for its replies.")
    body_html: str = Field(description="Escaped and cleaned: safe to insert as is.")
    like_count: int
    editors_pick: bool
    url: str = Field(description="Its place in the discussion.")


class CommentPage(Schema):
    article_id: int
    approved_count: int
    items: list[CommentOut] = Field(
        description="Whole threads, in reading order: each comment, then its replies."
    )
    next: str | None = Field(description="The next page's address, or null.")


class CommentIn(Schema):
    """As the "Leave a Reply" form: guests give name and email where it asks."""

    body: str = ""
    name: str = ""
    email: str = ""
    url: str = ""
    parent: int | None = None
    stamp: str = Field(
        "", description="From /comments/stamp/{article}/ when the form was shown."
    )
    homepage: str = Field("", description="Leave empty: robots fill it in.")
    notify_comments: bool = False
    notify_posts: bool = False


class Posted(Schema):
    id: int
    status: str = Field(description="approved, or held: awaiting moderation.")
    url: str
    editable_until: datetime.datetime | None


class Refusal(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(
        default_factory=dict, description="Each field's messages, by field."
    )


# What an operation that takes a caller may refuse: bad input, a token that
# names nobody, another site's request or a refusal of the rules, nothing there.
REFUSALS = {status: Refusal for status in (400, 401, 403, 404)}


class LikeIn(Schema):
    stamp: str = ""
    homepage: str = ""
    liked: bool | None = Field(
        None,
        description="The state asked for: true likes, false takes the like back, "
        "and either changes nothing where it already is so (a like given "
        "elsewhere is kept). Left out, the like is toggled.",
    )


class Liked(Schema):
    liked: bool
    count: int
    stamp: str | None = Field(None, description="A guest's stamp for their next like.")


class ReportIn(Schema):
    reason: str
    note: str = ""
    stamp: str = ""
    homepage: str = ""


class Reported(Schema):
    reported: bool


class EditIn(Schema):
    body: str


class Reader(Schema):
    id: int
    display_name: str
    signed_in_with: str = Field(description="The way they signed in: a provider id.")
    avatar_url: str = Field(description="Their picture, on this site; or empty.")
    avatar_initials: str = Field(description="The placeholder's letters.")
    avatar_colour: int = Field(description="The placeholder's colour, 0 to 7.")
    staff: bool = Field(description="Staff read their own page, not the shared one.")


class HeldComment(Schema):
    id: int
    parent_id: int | None
    depth: int = Field(description="Its level in the thread, capped by the rules.")
    created_at: datetime.datetime
    body_html: str
    html: str = Field(
        description="Its <li>, as the page shows it to its author (escaped and "
        "cleaned: safe to insert as is)."
    )


class Remembered(Schema):
    name: str = ""
    email: str = ""
    url: str = ""


class Draft(Schema):
    article: int
    body: str


class Me(Schema):
    reader: Reader | None = Field(description="Who is signed in; null for a guest.")
    liked: list[int] = Field(description="The comments here they like.")
    held: list[HeldComment] = Field(
        description="Their comments here awaiting moderation, which only they see: "
        "each goes in the thread under its parent, after the comments before it."
    )
    liked_on: list[int] = Field(description="The articles where they like comments.")
    held_on: list[int] = Field(
        description="The articles where they have comments awaiting moderation."
    )
    remembered: Remembered | None = Field(
        description='A guest\'s name, email and website, kept by "Save my name".'
    )
    draft: Draft | None = Field(
        description="The comment they were typing when they went to sign in, and "
        "the article it is for (any article): shown in its form until posted."
    )
    csrf: str | None = Field(
        None,
        description="For a browser with a session: the CSRF token its posts send "
        "(the page every reader shares holds none). Null for a personal token.",
    )
