"""
The markup of a list of comments, the one place that writes it.

The list is rendered in Python rather than through the template engine. Measured
on 1,000 comments (CPU time, the same HTML byte for byte): a template with an
`{% include %}` per comment took 15 times as long, a single template loop doing
its own formatting 12 times, and the best single loop (Python preparing every
value, the template only looping and escaping) 2.8 times. That would take the
page of an author of a held comment, or an editor's, past its 60 ms budget
(bench/README.md). Every value is escaped here (`escape`) except `body_html`,
which only `render_body()` writes, already escaped and cleaned by nh3. The markup
is kept lean on purpose: it is repeated a thousand times on a busy story.

A reader with comments awaiting moderation sees the list every reader shares
with theirs in it. Rather than render the whole list for each such reader, the
shared rendering (cached) says where each comment's <li> is in it, and
`with_held()` puts theirs in between, reusing the rest as it is: the same bytes
a rendering of the whole list gives, for a fraction of its time.
"""

import datetime
import functools
import re
from array import array
from collections.abc import Collection
from html import escape

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from articles.text import single_line
from comments.models import Comment, in_reading_order
from readers.identity import SITE_ACCOUNT, method_of


def render_comments(
    comments: list[Comment], thread_depth: int, is_open: bool, *, editor: bool = False
) -> tuple[SafeString, array[int]]:
    """
    The <li> of each comment, in reading order, each reply nested in an
    <ol class="children"> inside its parent's <li>, as WordPress does: screen
    readers announce a thread's levels and how many replies each holds. Replies
    below the deepest level the rules allow join the deepest list. Editors also
    see the account behind a signed-in reader's comment.

    `comments` is a CommentQuerySet.thread() list, or a page of it: pages hold
    whole top-level threads (page_of), so a list starts with a top-level comment.
    A list that didn't would start at the top level rather than leave a <ol> open.

    Also returns where each comment is in the list (Place.FIELDS, one after the
    other): with_held() puts a reader's held comments among them.
    """
    # The report form's address, filled in per comment without a reverse() each.
    report_url = reverse("comments:report", args=[0]).replace("/0/", "/{}/")
    items = []
    previous = -1  # the depth of the comment before
    for comment in comments:
        depth = min(comment.display_depth, thread_depth - 1, previous + 1)
        items.append((depth, comment_item(comment, depth, is_open, editor, report_url)))
        previous = depth
    html, spans = nest(items)
    places = array("q")
    for comment, (depth, _item), span in zip(comments, items, spans, strict=True):
        parent, created = comment.parent_id or 0, moment(comment.created_at)
        places.extend((comment.pk, parent, created, comment.like_count, depth, *span))
    return html, places


def nest(items: list[tuple[int, str]]) -> tuple[SafeString, list[tuple[int, int]]]:
    """
    The list of `items` (each a depth and a comment's <li>, left open), every
    reply's <li> in an <ol class="children"> and every element closed; and where
    each item is in it, as (start, end).
    """
    parts = []
    spans = []
    length = 0
    previous = -1
    for depth, item in items:
        if previous < 0:
            opening = ""
        elif depth > previous:
            opening = '\n<ol class="children">'
        else:
            # Close the comment before, and the lists of replies it ends.
            opening = "\n</li>" + "</ol></li>" * (previous - depth)
        parts.append(opening + item)
        start = length + len(opening)
        length = start + len(item)
        spans.append((start, length))
        previous = depth
    if previous >= 0:
        parts.append("\n</li>" + "</ol></li>" * previous)
    # The items are comment_item()'s, which escapes every value.
    return mark_safe("".join(parts)), spans  # noqa: S308


# Microseconds since 1970: a comment's date as an exact number, for sorting places.
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)


def moment(when: datetime.datetime) -> int:
    return (when - EPOCH) // MICROSECOND


class Place:
    """
    A comment of a rendered list, as with_held() orders it: its id, its parent's
    (0: none), its date (moment()), its likes, the depth it was rendered at and
    where its <li> is in the list. A held comment to put in has none of the last
    two: it has its `comment`, to render.
    """

    FIELDS = 7
    __slots__ = (
        "pk",
        "parent_id",
        "created",
        "like_count",
        "depth",
        "start",
        "end",
        "comment",
        "display_depth",
        "thread_number",
    )

    def __init__(
        self,
        pk: int,
        parent_id: int,
        created: int,
        like_count: int,
        depth: int = -1,
        start: int = 0,
        end: int = 0,
    ) -> None:
        self.pk = pk
        self.parent_id = parent_id
        self.created = created
        self.like_count = like_count
        self.depth = depth
        self.start = start
        self.end = end
        self.comment: Comment | None = None
        self.display_depth = self.thread_number = 0

    @classmethod
    def of(cls, comment: Comment) -> "Place":
        place = cls(
            comment.pk,
            comment.parent_id or 0,
            moment(comment.created_at),
            comment.like_count,
        )
        place.comment = comment
        return place


def with_held(
    html: str,
    places: array[int],
    held: list[Comment],
    *,
    thread_depth: int,
    is_open: bool,
    order: str,
    per_page: int = 0,
    page: int | None = 1,
    from_end: bool = False,
) -> SafeString | None:
    """
    A rendered list (`html`, with its `places`) with a reader's held comments
    where rendering them all would have put them, the other comments' markup
    reused as it is. None when the held comments would change more than their own
    places (the list must then be rendered for this reader): when a comment of the
    list hangs under one of them, or, comments being paged (`per_page` threads a
    page, `html` being page `page`), when one of them starts a thread that moves
    others to another page or replies to a comment on another page, or when
    `page` is None: the shared list has no such page, only their comments make
    it. A thread of theirs moves nobody where it joins a page with room (the
    last: the others are full), after its first thread if pages come before it: a
    new comment's place on the page a discussion opens on, oldest first. Where
    the pages are counted from the newest thread (`from_end`, more than one
    page), a thread of theirs moves one on every page.

    `held` come from CommentQuerySet.for_the_list(), like the list's comments.
    """
    if page is None:
        return None
    size = Place.FIELDS
    merged = [Place(*places[i : i + size]) for i in range(0, len(places), size)]
    room = per_page - sum(1 for place in merged if place.depth == 0)
    merged += [Place.of(comment) for comment in held]
    merged.sort(key=lambda place: (place.created, place.pk))
    report_url = reverse("comments:report", args=[0]).replace("/0/", "/{}/")
    items = []
    previous = -1
    for place in in_reading_order(merged, order=order):
        depth = min(place.display_depth, thread_depth - 1, previous + 1)
        if place.comment is None:
            if depth != place.depth:
                return None  # it moved: under a held comment
            items.append((depth, html[place.start : place.end]))
        else:
            if per_page and place.display_depth == 0:
                room -= 1
                before_the_page = not items and page > 1
                if place.parent_id or room < 0 or before_the_page or from_end:
                    return None
            item = comment_item(place.comment, depth, is_open, False, report_url)
            items.append((depth, item))
        previous = depth
    return nest(items)[0]


def comment_item(
    comment: Comment, depth: int, is_open: bool, editor: bool, report_url: str
) -> str:
    """
    One comment's <li>, left open for its replies (render_comments closes it).
    Its Reply link names the comment itself at every level, so the form says
    whom the reader answers; where the reply goes is decided when it is posted
    (Comment.reply_target: at the deepest level, at the end of the thread).
    """
    name = escape(comment.display_name)
    said = words()
    if comment.deleted_at:
        # Kept for its replies only; its text is gone.
        return (
            f'<li id="c-{comment.pk}" class="comment depth-{depth} deleted">'
            f'<article><p class="deleted-note">{said["deleted"]}</p></article>'
        )
    pick = comment.is_editors_pick
    when = timezone.localtime(comment.created_at)
    pending = comment.is_shown_as_held
    # "locked": in the moderators' hands, its author's script offers no Edit.
    locked = comment.in_moderators_hands
    return (
        f'<li id="c-{comment.pk}" class="comment depth-{depth}'
        f"{' pending' if pending else ''}{' pick' if pick else ''}"
        f'{" locked" if locked else ""}">'
        # The comment's anchor on the site it was imported from, so an old
        # link's #comment-123 (redirected here, see OldAddress) lands on it.
        + (
            f'<span id="{escape(comment.old_anchor)}"></span>'
            if comment.old_anchor
            else ""
        )
        + "<article><header>"
        f"{byline(comment, name, said, editor)} "
        f'<a href="#c-{comment.pk}"><time datetime="'
        f'{when.isoformat(timespec="minutes")}">{written_on(when)}'
        "</time></a>"
        + (
            f' <span class="edited">{said["edited"]}</span>'
            if comment.edited_at
            else ""
        )
        + "</header>"
        + (f'<p class="awaiting">{said["awaiting"]}</p>' if pending else "")
        + f'<div class="text">{comment.body_html}</div>'
        + (
            f'<a class="reply" href="?replytocom={comment.pk}#respond" '
            f'aria-label="{said["reply to"] % {"name": name}}">'
            f"{said['reply']}</a>"
            if is_open and not pending
            else ""
        )
        + ("" if pending else like_and_report(comment, name, said, report_url))
        + "</article>"
    )


def byline(comment: Comment, name: str, said: dict[str, str], editor: bool) -> str:
    """
    Who wrote it: the picture, the (escaped) name linking to their site, the
    staff's and editors' pick marks, and for editors the account behind it.
    """
    author = (
        f'<a href="{escape(comment.author_url)}" rel="nofollow ugc">{name}</a>'
        if comment.author_url
        else name
    )
    if comment.author_is_staff:
        # Markup beside the escaped name, from a column only the server sets:
        # a reader can type "Staff" into their name, never this.
        author += f' <span class="staff-mark">{said["staff"]}</span>'
    if comment.is_editors_pick:
        author += f' <span class="pick-mark">{said["pick"]}</span>'
    avatar = (
        f'<img class="avatar" src="{escape(comment.avatar_url)}" alt="" '
        'width="40" height="40" loading="lazy">'
        if comment.author_avatar
        else f'<span class="avatar c{comment.avatar_colour}" aria-hidden="true">'
        f"{escape(comment.avatar_initials)}</span>"
    )
    account = ""
    if editor and comment.user_id:
        method = method_of(comment.author_provider)
        label = (
            _("%(method)s account") % {"method": method.label}
            if method is SITE_ACCOUNT
            else method.label
        )
        admin_url = reverse("admin:auth_user_change", args=[comment.user_id])
        account = (
            f'<span class="account">{label}: <a href="{admin_url}">'
            f"{escape(comment.author_account or account_name(comment))}</a></span>"
        )
    return f"{avatar}<b>{author}</b>{account}"


def like_and_report(
    comment: Comment, name: str, said: dict[str, str], report_url: str
) -> str:
    """What readers do to a published comment: its like button and count, Report."""
    return (
        '<span class="likes">'
        + like_link(comment.pk, said["whose"] % {"name": name}, liked=False)
        + f'<span class="like-count">{comment.like_count or ""}</span></span>'
        f'<a class="report" href="{report_url.format(comment.pk)}" '
        f'rel="nofollow" aria-label="{said["report whose"] % {"name": name}}">'
        f"{said['report']}</a>"
    )


def account_name(comment: Comment) -> str:
    """A site account as editors know it: its username (not its number)."""
    user = comment.user
    return user.get_username() if user is not None else str(comment.user_id)


def like_link(pk: int, whose: str, *, liked: bool) -> str:
    """
    A comment's Like link (`whose`: "Ada's comment", escaped): to its like page,
    which the page's script turns into a toggle button.
    """
    said = words()
    if liked:
        return (
            f'<a class="like" href="/comments/{pk}/like/" rel="nofollow" '
            f'aria-label="{said["you like"] % {"whose": whose}}" data-liked="1">'
            f"{said['liked']}</a>"
        )
    return (
        f'<a class="like" href="/comments/{pk}/like/" rel="nofollow" '
        f'aria-label="{said["like whose"] % {"whose": whose}}" data-liked="0">'
        f"{said['like']}</a>"
    )


@functools.cache
def unliked_pattern(language: str | None) -> re.Pattern[str]:
    """An unliked Like link as like_link() writes it in this language."""
    said = words_in(language)
    label = re.escape(said["like whose"]).replace(re.escape("%(whose)s"), '([^"]*)')
    return re.compile(
        r'<a class="like" href="/comments/(\d+)/like/" rel="nofollow" '
        rf'aria-label="{label}" data-liked="0">{re.escape(said["like"])}</a>'
    )


def mark_liked(html: str, liked: Collection[int]) -> SafeString:
    """A rendered list with the comments the reader likes shown as liked."""

    def swap(match: re.Match[str]) -> str:
        if int(match[1]) in liked:
            return like_link(int(match[1]), match[2], liked=True)
        return match[0]

    pattern = unliked_pattern(get_language())
    return mark_safe(pattern.sub(swap, html))  # noqa: S308 - our own markup, swapped


def words() -> dict[str, str]:
    """The list's words in the reader's language, looked up once per language."""
    return words_in(get_language())


@functools.cache
def words_in(language: str | None) -> dict[str, str]:
    # Escaped once here: translators' text goes into attributes and markup.
    said = {
        "deleted": _("This comment was deleted by its author."),
        "staff": _("Staff"),
        "pick": _("Editors' pick"),
        "edited": _("edited"),
        "awaiting": _("Your comment is awaiting moderation."),
        "reply": _("Reply"),
        "reply to": _("Reply to %(name)s"),
        "whose": _("%(name)s's comment"),
        "like": _("Like"),
        "liked": pgettext("you like this comment", "Liked"),
        "like whose": _("Like %(whose)s"),
        "you like": _("You like %(whose)s"),
        "report": _("Report"),
        "report whose": _("Report %(name)s's comment"),
        "read": _("Read in the discussion"),
        "read whose": _("Read in the discussion: %(name)s's comment"),
        "picks": _("Editors' picks"),
        "on": _("%(date)s at %(time)s"),
    }
    # Attributes are in double quotes: apostrophes stay as typed.
    return {
        key: escape(text, quote=False).replace('"', "&quot;")
        for key, text in said.items()
    }


def written_on(moment: datetime.datetime) -> str:
    """
    A comment's date as readers see it: "March 10, 2021 at 6:47 pm" in English
    (as WordPress writes it; spelled out here, it is on the hot path of rendering
    a thousand comments), the language's own date format and clock() otherwise.
    """
    local = timezone.localtime(moment)
    if (get_language() or "en").startswith("en"):
        return f"{local:%B} {local.day}, {local.year} at {clock(local)}"
    return words()["on"] % {
        "date": escape(formats.date_format(local, "DATE_FORMAT")),
        "time": escape(clock(local)),
    }


def clock(moment: datetime.datetime) -> str:
    """
    The local time as readers see it on comments: "6:47 pm" in English (as
    WordPress writes it), the language's own time format otherwise.
    """
    local = timezone.localtime(moment)
    if not (get_language() or "en").startswith("en"):
        return formats.time_format(local, "TIME_FORMAT")
    return f"{local.hour % 12 or 12}:{local:%M} {'am' if local.hour < 12 else 'pm'}"


def render_picks(comments: list[Comment]) -> SafeString:
    """
    The "Editors' picks" block: the approved comments editors featured, in reading
    order, each an excerpt linking to its place in the discussion (whatever page
    that is on). Empty when there are none.
    """
    picks = [comment for comment in comments if comment.is_editors_pick]
    if not picks:
        return mark_safe("")
    said = words()
    items = "".join(
        f'<li><p class="picks__author">{escape(comment.display_name)}</p>'
        f"<blockquote>{escape(Truncator(single_line(comment.body)).chars(280))}"
        f'</blockquote><a href="{comment.get_absolute_url()}" aria-label="'
        f'{said["read whose"] % {"name": escape(comment.display_name)}}">'
        f"{said['read']}</a></li>"
        for comment in picks
    )
    return mark_safe(  # noqa: S308 - every value escaped above
        '<section class="picks" aria-labelledby="picks-title">'
        f'<h3 id="picks-title">{said["picks"]}</h3>'
        f'<ol class="picks__list">{items}</ol></section>'
    )
