from django.contrib import admin
from django.db import transaction

from comments import notifications
from comments.models import Comment, DiscussionSettings


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "excerpt",
        "display_name",
        "article",
        "status",
        "moderation_reason",
        "created_at",
    ]
    list_filter = ["status"]
    list_select_related = ["article", "user"]
    search_fields = ["body", "author_name", "author_email"]
    actions = ["approve"]
    readonly_fields = ["ip_address", "user_agent", "moderation_reason", "created_at"]

    @admin.display(description="Comment")
    def excerpt(self, comment):
        return comment.body[:80]

    @admin.action(description="Approve selected comments")
    def approve(self, request, queryset):
        with transaction.atomic():
            newly = list(queryset.exclude(status=Comment.Status.APPROVED))
            count = queryset.update(status=Comment.Status.APPROVED)
            for comment in newly:
                notifications.comment_approved(comment)
        self.message_user(request, f"Approved {count} comment(s).")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "status" in form.changed_data and obj.status == Comment.Status.APPROVED:
            notifications.comment_approved(obj)


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not DiscussionSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
