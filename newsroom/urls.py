from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from api import token_views
from comments import urls as comment_urls
from comments import views as comment_views
from feeds.article_feeds import ArticlesFeed
from feeds.comment_feeds import RecentCommentsFeed
from newsroom import accounts, views
from newsroom.admin_login import AdminLoginForm
from newsroom.sitemaps import ArticleSitemap

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "<int:year>/<int:month>/<int:day>/<slug:slug>/",
        views.article,
        name="article",
    ),
    path(
        "<int:year>/<int:month>/<int:day>/<slug:slug>/comment-page-<int:comment_page>/",
        views.article,
        name="article-comment-page",
    ),
    # Feeds at WordPress's addresses: the articles, an article's comments (and the
    # site's recent comments at /comments/feed/).
    path("feed/", ArticlesFeed(), name="feed"),
    path(
        "<int:year>/<int:month>/<int:day>/<slug:slug>/feed/",
        views.comments_feed,
        name="article-comments-feed",
    ),
    path(
        "comments/",
        include(
            (
                [
                    *comment_urls.urlpatterns,
                    path("feed/", RecentCommentsFeed(), name="feed"),
                ],
                comment_urls.app_name,
            )
        ),
    ),
    path("api/", include("api.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"articles": ArticleSitemap}},
        name="sitemap",
    ),
    path("language/<str:code>/", views.language, name="language"),
    # The page scripts' strings in the language the address names (Django's
    # catalog), so any cache may keep it.
    path("jsi18n/<str:code>/", views.javascript_catalog, name="javascript-catalog"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    path("favicon.ico", views.favicon),
    path("admin/", admin.site.urls),
    # Reader accounts: the comment form's sign-in buttons, then django-allauth.
    path(
        "accounts/comment/<int:article_id>/sign-in/",
        comment_views.sign_in,
        name="comment_sign_in",
    ),
    path(
        "accounts/comment/<int:article_id>/sign-out/",
        comment_views.sign_out,
        name="comment_sign_out",
    ),
    # The reader's own data: download it, close the account.
    path("accounts/data/", views.your_data, name="account_data"),
    path(
        "accounts/data/download/",
        views.download_your_data,
        name="account_data_download",
    ),
    path("accounts/deleted/", views.account_deleted, name="account_deleted"),
    # The reader's personal tokens for the API.
    path("accounts/api-tokens/", token_views.tokens, name="api_tokens"),
    path(
        "accounts/api-tokens/<int:token_id>/revoke/",
        token_views.revoke,
        name="api_token_revoke",
    ),
    # allauth's provider callbacks, with the callback address from SITE_URL.
    *accounts.callback_urlpatterns(),
    # allauth's sign-in and sign-up pages, with a link back to the article.
    path("accounts/login/", views.LoginView.as_view(), name="account_login"),
    path("accounts/signup/", views.SignupView.as_view(), name="account_signup"),
    path("accounts/", include("allauth.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler500 = "newsroom.views.server_error"

admin.site.site_header = _("Newsroom administration")
admin.site.site_title = "Newsroom"
admin.site.index_title = _("Articles and discussions")
admin.site.login_form = AdminLoginForm  # failed attempts limited
