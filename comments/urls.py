from django.urls import path

from comments import (
    author_views,
    reader_action_views,
    reader_views,
    subscription_views,
    views,
)

app_name = "comments"

# The feed of recent comments is at /comments/feed/ too, as "comments:feed", but
# the feeds app routes it beside these (newsroom/urls.py): the discussion doesn't
# know its feeds.

urlpatterns = [
    path("post/<int:article_id>/", views.post_comment, name="post"),
    path("stamp/<int:article_id>/", views.stamp, name="stamp"),
    path("<int:comment_id>/", views.permalink, name="permalink"),
    path("anchor/<int:article_id>/", views.find_anchor, name="find_anchor"),
    path("live/<int:article_id>/", views.live, name="live"),
    path("<int:comment_id>/report/", reader_action_views.report, name="report"),
    path("<int:comment_id>/like/", reader_action_views.like, name="like"),
    path("<int:comment_id>/edit/", author_views.edit_comment, name="edit"),
    path("<int:comment_id>/delete/", author_views.delete_comment, name="delete"),
    # Notifications: links in mail, and the reader's subscriptions.
    path("confirm/<str:token>/", subscription_views.confirm, name="confirm"),
    path(
        "unsubscribe/<str:token>/", subscription_views.unsubscribe, name="unsubscribe"
    ),
    path("subscriptions/", subscription_views.subscriptions, name="subscriptions"),
    path("yours/", reader_views.your_comments, name="yours"),
]
