from allauth.socialaccount.models import SocialApp, SocialToken
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from articles.models import Article
from comments.models import Comment
from newsroom import personal_data
from newsroom.forms import PersonalDataRequestForm
from newsroom.interchange import views as interchange
from newsroom.models import PersonalDataRequest


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "status",
        "published_at",
        "comments_open",
        "pending_comments",
    ]
    list_filter = ["status", "comments_open"]
    search_fields = ["title", "body", "byline"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "byline", "body"]}),
        (_("Publishing"), {"fields": ["status", "published_at", "comments_open"]}),
        (_("Source"), {"fields": ["source", "source_url"]}),
        (_("Discussion"), {"fields": ["comment_counts"]}),
    ]
    readonly_fields = ["comment_counts"]

    # --- Importing from WordPress (newsroom.interchange). ---

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "import/",
                view(lambda request: interchange.import_page(request, self.admin_site)),
                name="articles_article_import",
            ),
            path(
                "import/<uuid:job_id>/",
                view(
                    lambda request, job_id: interchange.import_status(
                        request, self.admin_site, str(job_id)
                    )
                ),
                name="articles_article_import_status",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {"may_import": interchange.may_import(request.user)}
        return super().changelist_view(request, extra_context)

    # --- The article's discussion: counts and links to its queue. ---

    def get_queryset(self, request):
        pending = (
            Comment.objects.filter(article=OuterRef("pk"), status="pending")
            .order_by()
            .values("article")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(pending_count=Subquery(pending, output_field=IntegerField()))
        )

    @admin.display(description=_("Pending comments"))
    def pending_comments(self, article):
        count = article.pending_count or 0
        if not count:
            return "0"
        return format_html('<a href="{}">{}</a>', queue_url(article, "pending"), count)

    @admin.display(description=_("Comments"))
    def comment_counts(self, article):
        if article.pk is None:
            return "—"
        counts = dict(
            article.comments.order_by()
            .values("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        statuses = Comment.Status.choices
        return format_html(
            '{} · <a href="{}">{}</a>',
            format_html_join(
                " · ",
                '<a href="{}">{} ({})</a>',
                (
                    (queue_url(article, status), label, counts.get(status, 0))
                    for status, label in statuses
                ),
            ),
            queue_url(article, "all"),
            _("All of this article's comments"),
        )

    @admin.action(description=_("Publish selected articles"))
    def publish(self, request, queryset):
        # One save per article, not queryset.update(): saving is what tells other
        # apps (new-post notifications) that an article was published.
        with transaction.atomic():
            for article in queryset.exclude(status=Article.Status.PUBLISHED):
                article.status = Article.Status.PUBLISHED
                article.save(update_fields=["status", "updated_at"])
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "Published %(count)s article.", "Published %(count)s articles.", count
            )
            % {"count": count},
        )

    @admin.action(description=_("Unpublish selected articles (back to draft)"))
    def unpublish(self, request, queryset):
        count = queryset.update(status=Article.Status.DRAFT)
        self.message_user(
            request,
            ngettext(
                "Moved %(count)s article back to draft.",
                "Moved %(count)s articles back to draft.",
                count,
            )
            % {"count": count},
        )

    def view_on_site(self, obj):
        return obj.get_absolute_url()


def queue_url(article: Article, status: str) -> str:
    """The moderation queue of one article, in one status."""
    return (
        reverse("admin:comments_comment_changelist")
        + f"?article={article.pk}&status={status}"
    )


@admin.register(PersonalDataRequest)
class PersonalDataRequestAdmin(admin.ModelAdmin):
    """
    The log of personal-data requests, and the tool that carries them out (in
    place of "add"): export or erase what is held about an email address.

    Only superusers and those given "Can add personal data request" use the tool;
    the Editors and Moderators groups get nothing here: it exports IP addresses
    and deletes accounts, beyond moderating. The log shows counts, never whose.
    """

    list_display = ["done_at", "action", "who", "summary_text"]
    list_filter = ["action"]
    date_hierarchy = "done_at"
    fields = ["action", "who", "done_at", "summary_text"]
    readonly_fields = ["action", "who", "done_at", "summary_text"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("done_by")

    @admin.display(description=_("By"))
    def who(self, entry: PersonalDataRequest) -> str:
        if entry.by_the_reader:
            return gettext("The reader, on their account page")
        return str(entry.done_by or "—")

    @admin.display(description=_("What was done"))
    def summary_text(self, entry: PersonalDataRequest) -> str:
        counts = sorted(entry.summary.items())  # PostgreSQL keeps no key order
        return ", ".join(f"{key}: {n}" for key, n in counts) or "—"

    def has_view_permission(self, request, obj=None) -> bool:
        # Those who may carry out requests see what was done.
        return super().has_view_permission(request, obj) or self.has_add_permission(
            request
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a record of what was done

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @method_decorator(never_cache)
    def add_view(self, request, form_url="", extra_context=None):
        """Export or erase: the form, the erasure's confirmation, the result."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PersonalDataRequestForm(request.POST or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Export or erase personal data"),
            "form": form,
            "retention_days": settings.COMMENT_IP_RETENTION_DAYS,
        }
        if request.method != "POST" or not form.is_valid():
            return TemplateResponse(
                request, "admin/newsroom/personaldatarequest/tool.html", context
            )
        email, mode = form.cleaned_data["email"], form.cleaned_data["mode"]
        person = personal_data.person_with_address(email)
        if "export" in request.POST:
            data = personal_data.export(person, done_by=request.user)
            return personal_data.download(data)
        if "confirm" not in request.POST:
            context |= {
                "title": _("Erase personal data?"),
                "email": email,
                "mode": personal_data.Mode(mode),
                "counts": personal_data.counts(person),
                "accounts": person.users,
                "staff": person.staff,
            }
            return TemplateResponse(
                request,
                "admin/newsroom/personaldatarequest/confirm_erase.html",
                context,
            )
        try:
            entry = personal_data.erase(person, mode, done_by=request.user)
        except personal_data.StaffAccount as refusal:
            form.add_error(
                "email",
                _(
                    "This address belongs to staff (%(usernames)s): remove their "
                    "staff status first, then erase."
                )
                % {"usernames": ", ".join(refusal.usernames)},
            )
            return TemplateResponse(
                request, "admin/newsroom/personaldatarequest/tool.html", context
            )
        self.message_user(
            request,
            _("Erased. %(summary)s.") % {"summary": self.summary_text(entry)},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:newsroom_personaldatarequest_changelist")
        )


def hide_provider_setup() -> None:
    """
    Sign-in providers come from the environment (SOCIALACCOUNT_PROVIDERS):
    allauth's "Social applications" and their tokens would only mislead editors.
    Called once every app's admin is registered (NewsroomConfig.ready).
    """
    for model in (SocialApp, SocialToken):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
