"""The Ban admin: bans listed, added and changed by hand, with who added each."""

from django.contrib import admin

from comments.models import Ban


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "reason",
        "expires_at",
        "active",
        "created_by",
        "created_at",
    ]
    list_filter = ["kind"]
    list_select_related = ["user", "created_by"]
    search_fields = ["email", "reason", "user__username"]
    raw_id_fields = ["user"]
    fields = ["kind", "user", "email", "ip_address", "reason", "expires_at"]

    @admin.display(boolean=True, description="Active")
    def active(self, ban):
        return ban.is_active

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
