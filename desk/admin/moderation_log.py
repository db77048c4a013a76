"""The moderation log in the admin: every editor's action, read only."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comments.models import ModerationAction
from desk.admin.counts import CappedCountPaginator


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The moderation log: read only, as a record should be."""

    list_display = [
        "created_at",
        "actor",
        "action",
        "from_status",
        "to_status",
        "reason",
        "comment_link",
    ]
    # With their counts: how many removals were abuse, how many off topic…
    list_filter = ["action", "reason"]
    show_facets = admin.ShowFacets.ALWAYS
    list_select_related = ["actor"]
    show_full_result_count = False
    paginator = CappedCountPaginator

    @admin.display(description=_("Comment"))
    def comment_link(self, record):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:comments_comment_change", args=[record.comment_id]),
            gettext("Comment %(id)s") % {"id": record.comment_id},
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
