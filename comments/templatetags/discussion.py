"""`{% discussion article %}`: the whole comment section under an article."""

from django import template
from django.utils import timezone

from comments import moderation
from comments.forms import CommentForm, make_stamp
from comments.models import Comment, DiscussionSettings
from comments.views import held_comment_ids, remembered_author
from newsroom.accounts import offered_methods, reader_identity, take_draft

register = template.Library()


@register.inclusion_tag("comments/_discussion.html", takes_context=True)
def discussion(context, article):
    request = context["request"]
    rules = DiscussionSettings.load()
    comments = Comment.objects.thread(article, request.user, held_comment_ids(request))

    deepest = rules.thread_depth - 1
    for comment in comments:
        comment.display_depth = min(comment.display_depth, deepest)
        # At the deepest level a reply joins the parent's thread, as in WordPress.
        comment.reply_to_id = (
            comment.pk if comment.display_depth < deepest else comment.parent_id
        )

    reply_to = None
    replytocom = request.GET.get("replytocom", "")
    if replytocom.isdigit():
        reply_to = next((c for c in comments if c.pk == int(replytocom)), None)

    guest = not request.user.is_authenticated
    initial = {"stamp": make_stamp(article.pk), "parent": reply_to and reply_to.pk}
    if guest:
        remembered = remembered_author(request)
        initial |= remembered | {"remember": bool(remembered)}
    # --- Signing in to comment (newsroom.accounts): the draft typed before signing
    # in comes back, and the form shows how the reader is or can be signed in.
    identity = reader_identity(request)
    initial["body"] = take_draft(request, article.pk)
    # The reader as their next comment will show them (initials and colour).
    me = None
    if identity:
        name = request.user.get_full_name() or request.user.get_username()
        me = Comment(user=request.user, author_name=name, author_avatar=identity.avatar)
    # ---
    form = CommentForm(
        initial=initial, guest=guest, require_name_email=rules.require_name_email
    )
    return {
        "identity": identity,
        "me": me,
        "sign_in_methods": offered_methods(
            exclude=identity.provider if identity else ""
        ),
        "request": request,
        "user": request.user,
        "article": article,
        "comments": comments,
        "approved_count": sum(1 for c in comments if c.status == "approved"),
        "form": form,
        "reply_to": reply_to,
        "is_open": moderation.comments_are_open(
            comments_open=article.comments_open,
            published_at=article.published_at,
            close_after_days=rules.close_after_days,
            now=timezone.now(),
        ),
    }
