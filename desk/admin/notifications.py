"""Notifications in the admin: subscriptions and the mail log."""

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

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
    it may or may not have arrived, so it is never resent on its own. Its
    Message-ID, shown here, tells from the mail server's log whether it did."""

    list_display = ["subject", "recipients", "kind", "status", "attempts", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["subject"]
    actions = ["send_again"]
    readonly_fields = [
        "message_id",
        *(f.name for f in OutboundMail._meta.fields if f.name not in ("id",)),
    ]

    @admin.display(description=_("To"))
    def recipients(self, mail):
        return ", ".join(mail.to)

    @admin.display(description=_("Message-ID"))
    def message_id(self, mail):
        return mail.message_id

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send selected mail again (failed or interrupted)"))
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
        self.message_user(
            request,
            ngettext(
                "Queued %(count)s mail again.",
                "Queued %(count)s mails again.",
                len(ids),
            )
            % {"count": len(ids)},
        )
