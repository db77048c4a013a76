from django.contrib import admin
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from comments.models import Comment
from newsroom.interchange import views as interchange
from newsroom.models import Article


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
        ("Publishing", {"fields": ["status", "published_at", "comments_open"]}),
        ("Source", {"fields": ["source", "source_url"]}),
        ("Discussion", {"fields": ["comment_counts"]}),
    ]
    readonly_fields = ["comment_counts"]

    # --- Importing from WordPress (newsroom.interchange). ---

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "import/",
                view(lambda request: interchange.import_page(request, self.admin_site)),
                name="newsroom_article_import",
            ),
            path(
                "import/<uuid:job_id>/",
                view(
                    lambda request, job_id: interchange.import_status(
                        request, self.admin_site, str(job_id)
                    )
                ),
                name="newsroom_article_import_status",
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

    @admin.display(description="Pending comments")
    def pending_comments(self, article):
        count = article.pending_count or 0
        if not count:
            return "0"
        return format_html('<a href="{}">{}</a>', queue_url(article, "pending"), count)

    @admin.display(description="Comments")
    def comment_counts(self, article):
        if article.pk is None:
            return "—"
        counts = dict(
            article.comments.order_by()
            .values("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        statuses = [("pending", "Pending"), ("approved", "Approved"), ("spam", "Spam")]
        statuses.append(("removed", "Removed"))
        return format_html(
            '{} · <a href="{}">All of this article\'s comments</a>',
            format_html_join(
                " · ",
                '<a href="{}">{} ({})</a>',
                (
                    (queue_url(article, status), label, counts.get(status, 0))
                    for status, label in statuses
                ),
            ),
            queue_url(article, "all"),
        )

    @admin.action(description="Publish selected articles")
    def publish(self, request, queryset):
        # One save per article, not queryset.update(): saving is what tells other
        # apps (new-post notifications) that an article was published.
        with transaction.atomic():
            for article in queryset.exclude(status=Article.Status.PUBLISHED):
                article.status = Article.Status.PUBLISHED
                article.save(update_fields=["status", "updated_at"])
        count = queryset.count()
        self.message_user(request, f"Published {count} article(s).")

    @admin.action(description="Unpublish selected articles (back to draft)")
    def unpublish(self, request, queryset):
        count = queryset.update(status=Article.Status.DRAFT)
        self.message_user(request, f"Moved {count} article(s) back to draft.")

    def view_on_site(self, obj):
        return obj.get_absolute_url()


def queue_url(article: Article, status: str) -> str:
    """The moderation queue of one article, in one status."""
    return (
        reverse("admin:comments_comment_changelist")
        + f"?article={article.pk}&status={status}"
    )
