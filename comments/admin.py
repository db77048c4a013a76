from django.contrib import admin
from django.db import transaction

from comments import notifications, tasks
from comments.models import Comment, DiscussionSettings, OutboundMail, Subscription


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


# --- Notifications: subscriptions and the mail log ---------------------------------


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "topic", "article", "status", "requested_at"]
    list_filter = ["topic", "status"]
    list_select_related = ["article"]
    search_fields = ["email"]
    raw_id_fields = ["user", "article"]
    readonly_fields = ["requested_at", "confirmed_at", "unsubscribed_at"]


@admin.register(OutboundMail)
class OutboundMailAdmin(admin.ModelAdmin):
    """The mail log. A row left in "sending" was interrupted after it was claimed:
    it may or may not have arrived, so it is never resent on its own."""

    list_display = ["subject", "recipients", "kind", "status", "attempts", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["subject"]
    actions = ["send_again"]
    readonly_fields = [
        f.name for f in OutboundMail._meta.fields if f.name not in ("id",)
    ]

    @admin.display(description="To")
    def recipients(self, mail):
        return ", ".join(mail.to)

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send selected mail again (failed or interrupted)")
    def send_again(self, request, queryset):
        with transaction.atomic():
            ids = list(
                queryset.exclude(status=OutboundMail.Status.SENT).values_list(
                    "pk", flat=True
                )
            )
            OutboundMail.objects.filter(pk__in=ids).update(
                status=OutboundMail.Status.QUEUED, attempts=0, last_error=""
            )
            for pk in ids:
                tasks.enqueue(tasks.deliver_mail, str(pk))
        self.message_user(request, f"Queued {len(ids)} mail(s) again.")
