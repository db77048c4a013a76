"""
The Ban admin: bans listed, added and changed by hand, with who added each.

An account is banned by its number. Those who may not browse the site's accounts
(Moderators) may name only an account that has commented: the box refuses any
other and names no other, or typing numbers would read every username on the site.
"""

from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from comments.models import Ban, Comment


class CommenterIdWidget(ForeignKeyRawIdWidget):
    """
    The raw-id box for someone who may not browse accounts: no link to the
    accounts list or to the account, and a name shown only for a commenter.
    """

    def __init__(self, rel, admin_site, commenters, **kwargs):
        super().__init__(rel, admin_site, **kwargs)
        self.commenters = commenters

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["related_url"] = None  # the accounts list: not theirs to see
        return context

    def label_and_url_for_value(self, value):
        try:
            commenter = self.commenters.filter(pk=value).first()
        except (ValueError, TypeError, ValidationError):
            return "", ""
        return (str(commenter), "") if commenter is not None else ("", "")


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "effect",
        "reason",
        "expires_at",
        "active",
        "created_by",
        "created_at",
    ]
    list_filter = ["effect", "kind"]
    list_select_related = ["user", "created_by"]
    search_fields = ["email", "reason", "user__username"]
    raw_id_fields = ["user"]
    fields = ["effect", "kind", "user", "email", "ip_address", "reason", "expires_at"]

    @admin.display(boolean=True, description=_("Active"))
    def active(self, ban):
        return ban.is_active

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not self.admin_site.get_model_admin(
            get_user_model()
        ).has_view_permission(request):
            commenters = Comment.objects.authors()
            kwargs["queryset"] = commenters
            kwargs["widget"] = CommenterIdWidget(
                db_field.remote_field,
                self.admin_site,
                commenters,
                using=kwargs.get("using"),
            )
            kwargs["help_text"] = _(
                "The number of an account that has commented. From a comment's page, "
                "“Ban this author” fills it in."
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
