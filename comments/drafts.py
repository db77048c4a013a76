"""
The comment being typed when a reader leaves the form to sign in, and the place to
come back to.

The form's sign-in and Log Out buttons post the whole comment form: its text is
kept in the session for the article it was typed for, and the form (a reply stays
a reply) is the only place the sign-in flow leads back to. The draft is shown in
the form until that reader's comment on the article is posted: reading it changes
nothing, so a HEAD request, a prefetch or a second tab can't use it up.
"""

from typing import Any, cast

from allauth.account.adapter import get_adapter as get_account_adapter
from django.http import HttpRequest
from django.urls import reverse

from articles.models import Article
from comments.models import BODY_MAX_LENGTH

DRAFT_SESSION_KEY = "comment_draft"
RETURN_SESSION_KEY = "sign_in_return_to"


def stash_draft(request: HttpRequest, article: Article) -> str:
    """
    Keep the comment being typed (from the posted form) for the return, and answer
    the address of the form to come back to.
    """
    body = request.POST.get("body", "")[:BODY_MAX_LENGTH]
    if body.strip():
        request.session[DRAFT_SESSION_KEY] = {"article": article.pk, "body": body}
    parent = request.POST.get("parent", "")
    url = article_form_url(article, int(parent) if parent.isdigit() else None)
    request.session[RETURN_SESSION_KEY] = url
    return url


def draft_for(request: HttpRequest, article_id: int) -> str:
    """The comment typed before signing in, on the article it was typed for."""
    if not hasattr(request, "session"):
        return ""
    draft = request.session.get(DRAFT_SESSION_KEY)
    if not isinstance(draft, dict) or draft.get("article") != article_id:
        return ""
    return str(draft.get("body", ""))


def kept_draft(request: HttpRequest) -> dict[str, Any] | None:
    """
    The draft kept in the session and the article it is for, whichever it is: the
    shared page's script shows it on that article (api.views.me).
    """
    draft = request.session.get(DRAFT_SESSION_KEY)
    if not isinstance(draft, dict) or not isinstance(draft.get("article"), int):
        return None
    return {"article": draft["article"], "body": str(draft.get("body", ""))}


def discard_draft(request: HttpRequest, article_id: int) -> None:
    """The reader's comment on this article was posted: its draft is done with."""
    if draft_for(request, article_id):
        del request.session[DRAFT_SESSION_KEY]


def article_form_url(article: Article, parent: int | None = None) -> str:
    query = f"?replytocom={parent}" if parent else ""
    return f"{article.get_absolute_url()}{query}#respond"


def return_url(request: HttpRequest, state: dict[str, Any] | None = None) -> str:
    """Where a failed sign-in leads back to: the article, else the front page."""
    adapter = get_account_adapter(request)
    for candidate in (
        (state or {}).get("next"),
        request.session.get(RETURN_SESSION_KEY),
    ):
        if candidate and adapter.is_safe_url(candidate):
            return cast(str, candidate)  # read from the session or allauth's state
    return reverse("home")
