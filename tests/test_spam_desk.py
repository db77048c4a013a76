"""
Moderators see the spam classifier and correct it (desk): each comment's score in
the queue, a "held by: likely spam" filter, and its day on the dashboard.
"""

import datetime

from django.utils import timezone

from comments import spam
from comments.models import DiscussionSettings
from desk.dashboard import dashboard
from tests import factories


def test_the_queue_shows_each_comments_score(moderator_client, article):
    factories.make_comment(
        article,
        status="pending",
        body="Check out my channel",
        moderation_reason="held: likely spam (score 0.93)",
        spam_score=0.934,
    )
    factories.make_comment(article, status="pending", body="No score here")

    page = moderator_client.get("/admin/comments/comment/?status=all").content.decode()

    assert page.count('class="spam-score"') == 1
    assert '<small class="spam-score">spam score 0.93</small>' in page


def test_the_held_by_filter_lists_what_the_classifier_held(moderator_client, article):
    factories.make_comment(
        article,
        status="pending",
        body="Likely one",
        moderation_reason="held: likely spam (score 0.95)",
    )
    factories.make_comment(
        article,
        body="First one",
        moderation_reason="held: first comment from this author",
    )

    page = moderator_client.get("/admin/comments/comment/?held=spam").content.decode()

    assert "Likely one" in page and "First one" not in page
    assert "Likely spam" in page  # the filter's choice


def test_the_dashboard_counts_its_verdicts_overturns_and_precision(
    article, moderator_client
):
    now = timezone.now()
    sent = [
        factories.make_comment(
            article, status="spam", moderation_reason="spam: likely spam (score 0.99)"
        )
        for _ in range(3)
    ]
    held = factories.make_comment(
        article, status="pending", moderation_reason="held: likely spam (score 0.92)"
    )
    factories.make_comment(
        article,
        status="spam",
        moderation_reason="spam: likely spam (score 0.99)",
        created_at=now - datetime.timedelta(days=2),
    )
    factories.bulk_action(moderator_client, "mark_not_spam", sent[0])
    factories.bulk_action(moderator_client, "mark_spam", held)
    factories.bulk_action(moderator_client, "remove", sent[1])

    day = dashboard(now).spam_classifier

    assert (day.sent_to_spam, day.held) == (3, 1)
    assert (day.overturned_today, day.confirmed, day.overturned) == (1, 2, 1)
    assert day.precision == "67%"
    page = moderator_client.get("/admin/").content.decode()
    assert "Spam classifier" in page
    assert "Precision over the last 30 days of decisions:" in page


def test_the_dashboard_says_when_it_abstains(article, moderator_client, rules):
    comment = factories.make_comment(article, status="pending", body="buy now")
    spam.learn.call([comment.pk], "spam")

    page = moderator_client.get("/admin/").content.decode()

    assert "It abstains: it has learnt 1 of the 100 moderators" in page
    # Rules read before it learnt, saved after: the version it learnt stays.
    rules.spam_min_decisions = 1
    rules.save()
    assert DiscussionSettings.load().spam_model_version
    assert "It abstains" not in moderator_client.get("/admin/").content.decode()


def test_a_hold_threshold_above_the_spam_threshold_is_refused(editor_client, rules):
    from django.forms.models import model_to_dict

    form = model_to_dict(rules)
    form = {k: ("" if v is None else v) for k, v in form.items() if k != "id"}
    form |= {k: "on" for k, v in form.items() if v is True}
    form = {k: v for k, v in form.items() if v is not False}

    response = editor_client.post(
        "/admin/comments/discussionsettings/1/change/",
        form | {"hold_threshold": "0.995", "spam_threshold": "0.99"},
    )

    assert response.status_code == 200
    assert "Hold at a score no higher than the one that sends to spam (0.99)." in (
        response.content.decode()
    )
    assert DiscussionSettings.load().hold_threshold == 0.91
    saved = editor_client.post(
        "/admin/comments/discussionsettings/1/change/",
        form | {"hold_threshold": "0.8", "spam_threshold": "0.99"},
    )
    assert saved.status_code == 302
    assert DiscussionSettings.load().hold_threshold == 0.8
