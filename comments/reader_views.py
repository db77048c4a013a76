"""
A signed-in reader's own page: their comments across articles, each with its
status as they may know it, its likes and replies, and their subscriptions, in one
place reached from the header.
"""

from typing import cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from comments import notifications
from comments.models import Comment, Subscription

COMMENTS_PER_PAGE = 50


@login_required
def your_comments(request: HttpRequest) -> HttpResponse:
    """
    Newest first, a page of 50 at a time: a fixed number of queries whatever the
    number of comments (the page, the count, the subscriptions).
    """
    replies = (
        Comment.objects.filter(parent=OuterRef("pk"), status=Comment.Status.APPROVED)
        .order_by()
        .values("parent")
        .annotate(n=Count("pk"))
        .values("n")
    )
    comments = (
        Comment.objects.filter(user=cast(User, request.user), deleted_at=None)
        .exclude(status=Comment.Status.REMOVED)
        .select_related("article")
        .annotate(
            likes=Coalesce("like_total__count", 0),
            reply_count=Coalesce(Subquery(replies, output_field=IntegerField()), 0),
        )
        .order_by("-created_at", "-pk")
    )
    page = Paginator(comments, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    email = notifications.verified_email(request.user)
    subscriptions = Subscription.objects.listed_for(request.user, email)
    return render(
        request,
        "comments/your_comments.html",
        {"page": page, "subscriptions": subscriptions, "email": email},
    )
