"""
The moderation queue's filters: by status (pending by default), held by, picks and
author; the one by article is with the rest of what the desk says of articles
(desk.admin.articles).
"""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from comments.models import Comment, Report
from desk.admin.articles import ArticleFilter
from desk.admin.counts import count_label, status_counts

Status = Comment.Status


class StatusFilter(admin.SimpleListFilter):
    """
    Pending by default; then Reported (comments with readers' open reports, of any
    status), each status and All, with their counts from one bounded query.
    """

    title = _("status")
    parameter_name = "status"
    DEFAULT = Status.PENDING

    def lookups(self, request, model_admin):
        article = request.GET.get(ArticleFilter.parameter_name, "")
        self.counts = status_counts(int(article) if article.isdigit() else None)
        pending, *others = Status.choices
        return [pending, ("reported", _("Reported")), *others, ("all", _("All"))]

    def value(self):
        return super().value() or self.DEFAULT

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        if self.value() == "reported":
            return queryset.filter(
                Exists(Report.objects.open().filter(comment=OuterRef("pk")))
            )
        if self.value() in Status.values:
            return queryset.filter(status=self.value())
        return queryset.none()

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            count = (
                sum(self.counts.values())
                if value == "all"
                else self.counts.get(value, 0)
            )
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: value}, remove=["p"]
                ),
                "display": f"{label} ({count_label(count)})",
            }


class PickFilter(admin.SimpleListFilter):
    """Editors' picks: the comments featured above their discussion."""

    title = _("editors' picks")
    parameter_name = "pick"

    def lookups(self, request, model_admin):
        return [("yes", _("Editors' picks"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(featured_at=None)
        return queryset


class HeldByFilter(admin.SimpleListFilter):
    """
    Comments by the rule that held them (their moderation reason), first-time
    authors among them: the queue a moderator works through one kind at a time.
    """

    title = _("held by")
    parameter_name = "held"
    RULES = {
        "first": (_("First-time authors"), "held: first comment from this author"),
        "spam": (_("Likely spam"), "held: likely spam"),
        "links": (_("Links"), "held: %links, limit"),
        "words": (_("Moderation words"), "held: moderation word"),
        "staff": (_("Names like staff"), "held: name looks like a staff member's"),
        "history": (_("Recent rejections"), "held: %of their last"),
        "marked": (_("Always pre-moderated"), "held: always pre-moderated"),
        "reported": (_("Readers' reports"), "held: reported by"),
        "manual": (_("Approval by hand"), "held: every comment is approved by hand"),
        "unchecked": (
            _("Sent without the page's check"),
            "held: sent without the page's check",
        ),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _) in self.RULES.items()]

    def queryset(self, request, queryset):
        rule = self.RULES.get(self.value() or "")
        if rule is None:
            return queryset
        start, _, rest = rule[1].partition("%")
        if not rest:
            return queryset.filter(moderation_reason__startswith=start)
        return queryset.filter(
            moderation_reason__startswith=start, moderation_reason__contains=rest
        )


class AuthorFilter(admin.SimpleListFilter):
    """
    One author's comments across articles: `?author=user:12` (an account) or
    `?author=email:someone@example.com` (a guest), as the queue's author column
    links them. In the sidebar only while it is in use (a filter with no choices
    is not applied by the admin at all).
    """

    title = _("author")
    parameter_name = "author"

    def lookups(self, request, model_admin):
        chosen = request.GET.get(self.parameter_name, "")
        return [(chosen, chosen.partition(":")[2] or chosen)] if chosen else []

    def queryset(self, request, queryset):
        kind, _, value = (self.value() or "").partition(":")
        if kind == "user" and value.isdigit():
            return queryset.filter(user_id=int(value))
        if kind == "email" and value:
            return queryset.filter(user=None, author_email__iexact=value)
        return queryset
