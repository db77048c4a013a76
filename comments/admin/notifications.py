"""Notifications in the admin: subscriptions and the mail log."""

from django.contrib import admin
from django.db import transaction

from comments import tasks
from comments.models import OutboundMail, Subscription


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
