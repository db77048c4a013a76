"""
`{% discussion article %}`: the whole comment section under an article.

The list of comments is rendered in Python rather than through the template
engine: with 1,000 comments, `{% include %}` and `|date` per comment cost ~350 ms a
page, this costs ~10 ms. Every value is escaped here (`escape`) except `body_html`,
which only `render_body()` writes, already escaped and cleaned by nh3. The markup
is kept lean on purpose: it is repeated a thousand times on a busy story.
"""

from html import escape

from django import template
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from comments.forms import CommentForm, make_stamp
from comments.models import Comment, page_count, page_of
from comments.views import (
    cache_for_a_while,
    cached,
    commenter,
    discussion_state,
    held_comment_ids,
    remembered_author,
)
from newsroom.accounts import take_draft

register = template.Library()

PROVIDER_NAMES = {"twitter_oauth2": "X", "facebook": "Facebook"}


@register.inclusion_tag("comments/_discussion.html", takes_context=True)
def discussion(context, article):
    request = context["request"]
    state = discussion_state(request, article)
    rules, is_open = state["rules"], state["is_open"]
    replytocom = request.GET.get("replytocom", "")

    page = context.get("comment_page")

    reply_to = None
    shared = state["shared_list"] and not replytocom
    key = f"discussion:{state['version']}:{page}"
    shown = cached(key) if shared else None
    if shown is not None and request.user.is_authenticated:
        # Signed in: the shared list, unless some of theirs awaits moderation.
        pending = Comment.Status.PENDING
        if article.comments.filter(user=request.user, status=pending).exists():
            shown = None
    if shown is None:
        thread, shown = shown_comments(request, article, rules, is_open, page)
        # A comment of theirs awaiting moderation changes the list, and its
        # paging, for this reader only.
        if shared and not any(c.is_pending for c in thread):
            cache_for_a_while(key, shown)
        if replytocom.isdigit():
            reply_to = next((c for c in thread if c.pk == int(replytocom)), None)
    if shown["page"] is None:
        raise Http404("There is no such page of comments.")

    guest = not request.user.is_authenticated
    # The shared page (newsroom.pagecache) passes a mark that each answer fills in.
    stamp = context.get("form_stamp") or make_stamp(article.pk)
    initial = {"stamp": stamp, "parent": reply_to and reply_to.pk}
    if guest:
        remembered = remembered_author(request)
        initial |= remembered | {"remember": bool(remembered)}
    # The draft typed before signing in comes back (newsroom.accounts).
    initial["body"] = take_draft(request, article.pk)
    form = CommentForm(
        initial=initial, guest=guest, require_name_email=rules.require_name_email
    )
    return {
        **commenter(request),
        "request": request,
        "user": request.user,
        "article": article,
        **shown,
        "form": form,
        "reply_to": reply_to,
        "is_open": is_open,
    }


def shown_comments(
    request, article, rules, is_open, page: int | None
) -> tuple[list[Comment], dict]:
    """
    The article's whole thread as this reader sees it, and the rendering of the
    page of it to show. When comments are paged, `page` is the page asked for
    (None: the default page); the result's "page" is None when there is no such
    page.
    """
    thread = comments = Comment.objects.thread(
        article, request.user, held_comment_ids(request)
    )
    shown = {
        "approved_count": sum(1 for c in comments if c.status == "approved"),
        "pages": 1,
        "page": 1,
    }
    if rules.page_comments:
        per_page = rules.comments_per_page
        pages = page_count(comments, per_page)
        if page is None:
            page = pages if rules.newest_page_first else 1
        shown |= {"pages": pages, "page": page if 1 <= page <= pages else None}
        comments = [c for c in comments if page_of(c, per_page) == page]
    elif page is not None:
        shown["page"] = None
    base = article.get_absolute_url()
    shown["older_url"] = (
        f"{base}comment-page-{shown['page'] - 1}/#comments"
        if shown["page"] and shown["page"] > 1
        else ""
    )
    shown["newer_url"] = (
        f"{base}comment-page-{shown['page'] + 1}/#comments"
        if shown["page"] and shown["page"] < shown["pages"]
        else ""
    )
    shown["comment_list"] = render_comments(
        comments, rules.thread_depth, is_open, editor=request.user.is_staff
    )
    return thread, shown


def render_comments(
    comments: list[Comment], thread_depth: int, is_open: bool, *, editor: bool = False
) -> SafeString:
    """
    The <li> of each comment, in reading order, indented by depth. Editors also
    see the account behind a signed-in reader's comment.
    """
    deepest = thread_depth - 1
    parts = []
    for comment in comments:
        depth = min(comment.display_depth, deepest)
        # At the deepest level a reply joins the parent's thread, as in WordPress.
        reply_to = comment.pk if depth < deepest else comment.parent_id
        name = escape(comment.display_name)
        author = (
            f'<a href="{escape(comment.author_url)}" rel="nofollow ugc">{name}</a>'
            if comment.author_url
            else name
        )
        avatar = (
            f'<img class="avatar" src="{escape(comment.avatar_url)}" alt="" '
            'width="40" height="40" loading="lazy">'
            if comment.author_avatar
            else f'<span class="avatar c{comment.avatar_colour}" aria-hidden="true">'
            f"{escape(comment.avatar_initials)}</span>"
        )
        account = ""
        if editor and comment.user_id:
            method = PROVIDER_NAMES.get(comment.author_provider, "Newsroom account")
            admin_url = reverse("admin:auth_user_change", args=[comment.user_id])
            account = (
                f'<span class="account">{method}: <a href="{admin_url}">'
                f"{escape(comment.author_account or str(comment.user_id))}</a></span>"
            )
        when = timezone.localtime(comment.created_at)
        pending = comment.is_pending
        parts.append(
            f'<li id="comment-{comment.pk}" class="comment depth-{depth}'
            f'{" pending" if pending else ""}"><article><header>'
            f"{avatar}<b>{author}</b>{account} "
            f'<a href="#comment-{comment.pk}"><time datetime="'
            f'{when.isoformat(timespec="minutes")}">{when:%B} {when.day}, {when.year} '
            f"at {when.hour % 12 or 12}:{when:%M} {'am' if when.hour < 12 else 'pm'}"
            "</time></a></header>"
            + (
                '<p class="awaiting">Your comment is awaiting moderation.</p>'
                if pending
                else ""
            )
            + f'<div class="text">{comment.body_html}</div>'
            + (
                f'<a class="reply" href="?replytocom={reply_to}#respond" '
                f'aria-label="Reply to {name}">Reply</a>'
                if is_open and not pending
                else ""
            )
            + "</article></li>"
        )
    return mark_safe("\n".join(parts))  # noqa: S308 - every value escaped above
