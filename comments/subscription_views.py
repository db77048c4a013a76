"""
The links in notification mail, and a signed-in reader's subscriptions page.

Following a link only shows a page with one button; the button's POST does the
work. Mail scanners and link previews fetch every link in a message (GET), and must
not confirm or cancel anything on the reader's behalf.

Unsubscribing is CSRF-exempt by design: mail programs offering RFC 8058's one-click
button POST `List-Unsubscribe=One-Click` to the link without cookies or a CSRF
token. The signed token in the address is the authority, and the only thing a forged
request could do with it is what its owner asked for. It is idempotent.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from comments import notifications
from comments.models import Subscription
from readers import tokens


def bad_link(request, message: str, status: int):
    return render(
        request,
        "comments/subscription_link.html",
        {"state": "bad", "message": message},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    try:
        ids, email, signed_at = tokens.read_confirm_token(token)
    except tokens.ExpiredToken:
        return bad_link(
            request,
            _(
                "This confirmation link has expired. Tick the box under an article "
                "again to get a new one."
            ),
            410,
        )
    except tokens.BadToken:
        return bad_link(
            request,
            _(
                "This confirmation link is not valid. Check that it was copied in "
                "full from the mail."
            ),
            400,
        )
    if request.method == "GET":
        subscriptions = Subscription.objects.filter(
            pk__in=ids, email=email
        ).select_related("article")
        return render(
            request,
            "comments/subscription_link.html",
            {"state": "confirm?", "subscriptions": subscriptions, "email": email},
        )
    outcome, concerned = notifications.confirm(ids, email, signed_at)
    if outcome == "stale":
        return bad_link(
            request,
            _(
                "This confirmation link is no longer valid: the subscription was "
                "cancelled or asked for again since. Use the newest mail, or tick "
                "the box under an article again."
            ),
            410,
        )
    return render(
        request,
        "comments/subscription_link.html",
        {"state": outcome, "subscriptions": concerned, "email": email},
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        ids = tokens.read_unsubscribe_token(token)
    except tokens.BadToken:
        return bad_link(
            request,
            _(
                "This unsubscribe link is not valid. Check that it was copied in "
                "full from the mail, or use the link in another of our mails."
            ),
            400,
        )
    if request.method == "GET":
        subscriptions = Subscription.objects.filter(pk__in=ids).select_related(
            "article"
        )
        return render(
            request,
            "comments/subscription_link.html",
            {"state": "unsubscribe?", "subscriptions": subscriptions},
        )
    cancelled = notifications.unsubscribe(ids)
    return render(
        request,
        "comments/subscription_link.html",
        {"state": "unsubscribed", "subscriptions": cancelled},
    )


@login_required
@require_http_methods(["GET", "POST"])
def subscriptions(request):
    """See and change what mail a signed-in reader gets."""
    email = notifications.verified_email(request.user)
    mine = Subscription.objects.listed_for(request.user, email)
    if request.method == "POST":
        keep = set(request.POST.getlist("keep"))
        with transaction.atomic():
            dropped = [s.pk for s in mine if str(s.pk) not in keep]
            notifications.unsubscribe(dropped)
            if request.POST.get("posts") and email:
                notifications.subscribe(
                    email=email, user=request.user, verified=True, posts=True
                )
        messages.success(request, _("Your subscriptions are saved."))
        return HttpResponseRedirect(reverse("comments:subscriptions"))
    shown = list(mine)
    return render(
        request,
        "comments/subscriptions.html",
        {
            "subscriptions": shown,
            "email": email,
            "posts_subscribed": any(s.topic == Subscription.Topic.POSTS for s in shown),
        },
    )
