from django.contrib import admin
from django.db import transaction

from newsroom.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "published_at", "comments_open"]
    list_filter = ["status", "comments_open"]
    search_fields = ["title", "body", "byline"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "byline", "body"]}),
        ("Publishing", {"fields": ["status", "published_at", "comments_open"]}),
        ("Source", {"fields": ["source", "source_url"]}),
    ]

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
