"""
The spam classifier (comments.spam): it learns from moderators' decisions in the
worker, and its score is a rule of moderation.decide() like any other.
"""

import csv
import io
import math
import random
import re
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comments import moderation, spam
from comments.models import Comment, DiscussionSettings, SpamLesson, SpamModel
from tests import factories
from tests.mailserver import run_worker

SAMPLES = Path("/work/shared/samples/spam")
SPAMMY = [
    "Check out my channel http://cheap-{n}.example and subscribe please!!",
    "Subscribe to my channel, I give free iPhones {n} times a day www.win.example",
    "Make money from home {n} dollars a day http://money.example/{n} check it out",
]
ORDINARY = [
    "The minister's answer on the budget ({n}) left the main question open.",
    "I grew up near that river; the flooding in year {n} was worse than reported.",
    "Good article. The figures in paragraph {n} match the council's own report.",
]


def submission(body: str, **fields) -> moderation.Submission:
    return moderation.Submission(
        body=body, name="Sam", email="sam@example.com", **fields
    )


@pytest.mark.parametrize(
    ("score", "status", "reason"),
    [
        (0.995, "spam", "spam: likely spam (score 0.99)"),
        (0.95, "pending", "held: likely spam (score 0.95)"),
        (0.5, "approved", "approved: passed every rule"),
        (None, "approved", "approved: passed every rule"),
    ],
)
def test_the_score_sends_to_spam_holds_or_leaves_the_other_rules_to_decide(
    score, status, reason
):
    rules = DiscussionSettings(require_prior_approval=False)

    verdict = moderation.decide(
        submission("Hello"), rules, moderation.History(), spam_score=score
    )

    assert (verdict.status, verdict.reason) == (status, reason)


def test_trust_lowers_the_score_but_doesnt_skip_it():
    rules = DiscussionSettings()
    trusted = moderation.History(has_approved_comment=True)

    held = moderation.decide(submission("x"), rules, trusted, spam_score=1.0)
    passed = moderation.decide(submission("x"), rules, trusted, spam_score=0.95)

    assert (held.status, held.reason) == ("pending", "held: likely spam (score 0.95)")
    assert passed.status == "approved"


def test_staff_are_never_scored():
    verdict = moderation.decide(
        submission("x"),
        DiscussionSettings(),
        moderation.History(is_trusted=True),
        spam_score=1.0,
    )

    assert verdict.status == "approved"


def test_a_correction_takes_back_what_the_first_decision_taught():
    comment = type(
        "C", (), {"body": "buy pills now", "author_name": "", "author_url": ""}
    )
    ham = type("C", (), {"body": "a fine article", "author_name": "", "author_url": ""})
    corrected, direct = spam.Classifier(), spam.Classifier()

    spam.teach(corrected, [(comment, None, True), (ham, None, False)])
    spam.teach(corrected, [(comment, True, False)])
    spam.teach(direct, [(comment, None, False), (ham, None, False)])

    assert (corrected.model.feature_count_ == direct.model.feature_count_).all()
    assert (corrected.model.class_count_ == direct.model.class_count_).all()


def test_a_stored_version_scores_as_the_one_that_learnt():
    """
    The score is naive Bayes' log-odds (predict_joint_log_proba()) and the text's
    length through the calibration's logistic function, before and after storing.
    """
    classifier = spam.Classifier()
    comments = lessons_of(10)
    labels = [i % 2 == 0 for i in range(len(comments))]
    spam.teach(
        classifier, [(c, None, s) for c, s in zip(comments, labels, strict=True)]
    )
    spam.calibrate(classifier, [spam.text_of(c.body) for c in comments], labels)

    loaded = spam.Classifier.loads(classifier.dumps())

    text = spam.text_of("Subscribe to my channel http://x.example")
    assert loaded.calibration == classifier.calibration
    assert loaded.score(text) == pytest.approx(classifier.score(text))
    row = spam.features([text])
    joint = classifier.model.predict_joint_log_proba(row)[0]
    slope, length, intercept, longest = classifier.calibration
    log_odds = (
        slope * (joint[1] - joint[0])
        + length * min(math.log1p(row.nnz), longest)
        + intercept
    )
    assert classifier.score(text) == pytest.approx(1 / (1 + math.exp(-log_odds)))
    assert classifier.score(text) > 0.91 > classifier.score(spam.text_of(ORDINARY[0]))


def test_a_text_longer_than_every_lesson_is_read_as_long_as_the_longest():
    calibration = spam.Calibration(
        slope=1.0, length=1.0, intercept=-5.0, longest=math.log1p(20)
    )

    assert calibration.score(0.0, 20) == calibration.score(0.0, 5000)
    assert calibration.score(0.0, 10) < calibration.score(0.0, 20)


def lessons_of(count: int) -> list:
    """`count` spammy and `count` ordinary comments, each one different."""
    return [
        type("C", (), {"body": b.format(n=n), "author_name": "", "author_url": ""})
        for n in range(count)
        for b in (SPAMMY[n % 3], ORDINARY[n % 3])
    ]


def test_a_lessons_held_out_log_odds_are_a_model_taught_the_others():
    comments = lessons_of(6)
    labels = [i % 2 == 0 for i in range(len(comments))]
    classifier = spam.Classifier()
    spam.teach(
        classifier, [(c, None, s) for c, s in zip(comments, labels, strict=True)]
    )
    texts = [spam.text_of(c.body) for c in comments]

    held_out = spam.held_out_log_odds(
        classifier.model, spam.features(texts), np.array(labels)
    )

    for left_out in (0, 1, 7):
        others = spam.Classifier()
        spam.teach(
            others,
            [
                (c, None, s)
                for i, (c, s) in enumerate(zip(comments, labels, strict=True))
                if i != left_out
            ],
        )
        joint = others.model.predict_joint_log_proba(spam.features([texts[left_out]]))[
            0
        ]
        assert held_out[left_out] == pytest.approx(joint[1] - joint[0])


def test_the_score_is_calibrated_only_on_enough_lessons_of_each_kind():
    few, enough = spam.Classifier(), spam.Classifier()
    for classifier, count in ((few, 9), (enough, 10)):
        comments = lessons_of(count)
        labels = [i % 2 == 0 for i in range(len(comments))]
        spam.teach(
            classifier, [(c, None, s) for c, s in zip(comments, labels, strict=True)]
        )
        spam.calibrate(classifier, [spam.text_of(c.body) for c in comments], labels)

    assert few.calibration == spam.Calibration()
    assert enough.calibration.slope > 0
    assert enough.calibration != spam.Calibration()


def test_a_moderators_decision_is_learnt_by_the_worker_not_in_the_request(
    moderator_client, article
):
    comment = factories.make_comment(article, status="pending", body=SPAMMY[0])

    factories.bulk_action(moderator_client, "mark_spam", comment)

    assert not SpamLesson.objects.exists()
    queued = DBTaskResult.objects.get(task_path="comments.spam.learn")
    assert queued.args_kwargs["args"] == [[comment.pk], "spam"]
    assert queued.status == TaskResultStatus.READY


def learn_as_moderators_would(client, article):
    """Moderators mark spam and approve ordinary comments; the worker learns."""
    spammy = [
        factories.make_comment(article, status="pending", body=body.format(n=n))
        for n in range(4)
        for body in SPAMMY
    ]
    ordinary = [
        factories.make_comment(article, status="pending", body=body.format(n=n))
        for n in range(4)
        for body in ORDINARY
    ]
    factories.bulk_action(client, "mark_spam", *spammy)
    factories.bulk_action(client, "approve", *ordinary)
    result = run_worker()
    assert result.returncode == 0, result.stdout
    return spammy, ordinary


# A superuser decides in the worker tests: the Moderators group and its rights are
# data of a migration, which a transactional test before may have flushed.
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_trusted_guests_spam_is_held_after_moderators_taught_it(
    client, admin_client, article
):
    DiscussionSettings.objects.update_or_create(
        pk=1,
        defaults={
            "min_seconds_to_post": 0,
            "flood_interval": 0,
            "spam_min_decisions": 12,
        },
    )
    learn_as_moderators_would(admin_client, article)
    assert SpamModel.objects.current().decisions == 24
    client.logout()
    factories.make_comment(
        article, author_name="Tom Trusted", author_email="tom@example.com"
    )

    factories.post_comment(
        client,
        article,
        name="Tom Trusted",
        email="tom@example.com",
        body="Check out my channel http://cheap-9.example and subscribe please!!",
    )
    factories.post_comment(
        client,
        article,
        name="Tom Trusted",
        email="tom@example.com",
        body="The council's own report on the flooding says the same.",
    )

    _, spammy, ordinary = Comment.objects.filter(author_name="Tom Trusted").order_by(
        "id"
    )
    assert spammy.status == "pending"
    assert spammy.moderation_reason.startswith("held: likely spam (score 0.9")
    assert ordinary.status == "approved"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_marking_a_wrong_verdict_not_spam_teaches_it_at_once(admin_client, article):
    DiscussionSettings.objects.update_or_create(
        pk=1, defaults={"spam_min_decisions": 0}
    )
    spammy, _ = learn_as_moderators_would(admin_client, article)
    version = DiscussionSettings.load().spam_model_version

    factories.bulk_action(admin_client, "mark_not_spam", spammy[0])
    run_worker()

    assert SpamLesson.objects.get(comment=spammy[0]).spam is False
    assert DiscussionSettings.load().spam_model_version > version
    assert SpamModel.objects.current().decisions == 24


def test_spam_evaluate_judges_the_video_split_with_the_plain_rules(db):
    """
    Trained on two videos (700 comments), judged on the other three, with the
    rules a site would set: a link held, three moderation words. Issue 28's goal
    is 90% at 1% of ham: the score calibrated on the log-odds alone reached 89.2%,
    with the text's length beside them 90.4% (bench/README.md).
    """
    files = sorted(SAMPLES.glob("Youtube0*.csv"))
    out = io.StringIO()
    words = ["subscribe", "check out", "my channel"]

    call_command(
        "spam_evaluate",
        "--train",
        *files[:2],
        "--test",
        *files[2:],
        "--link-limit=1",
        *[f"--moderation-word={word}" for word in words],
        stdout=out,
    )

    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines[:3]] == [f.name for f in files[2:]]
    last = lines[-1]
    assert last == "spam caught 592 of 655 (90.4%), ham flagged 6 of 601 (1.0%)"


def random_split(directory: Path) -> tuple[Path, Path]:
    """A random 20% of the five videos' comments (seed 20), and the other 80%."""
    rows, header = [], []
    for path in sorted(SAMPLES.glob("Youtube0*.csv")):
        with path.open(encoding="utf-8", newline="") as file:
            reader = csv.DictReader(file)
            header, rows = list(reader.fieldnames or []), rows + list(reader)
    random.Random(20).shuffle(rows)
    cut = round(len(rows) * 0.2)
    paths = directory / "train.csv", directory / "test.csv"
    for path, part in zip(paths, (rows[:cut], rows[cut:]), strict=True):
        with path.open("w", encoding="utf-8", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=header)
            writer.writeheader()
            writer.writerows(part)
    return paths


def test_the_default_thresholds_hold_little_ham_on_a_random_split(db, tmp_path):
    """
    Trained on a random 20% of all five videos, judged on the rest with the site's
    default rules and thresholds: a calibrated score flags at most 1% of ham
    (uncalibrated, where spam is 2.5 times as long as ham, it flagged 48.5%).
    """
    train, test = random_split(tmp_path)
    out = io.StringIO()

    call_command("spam_evaluate", "--train", train, "--test", test, stdout=out)

    flagged, ham = map(
        int, re.search(r"ham flagged (\d+) of (\d+)", out.getvalue()).groups()
    )
    assert ham == 759
    assert flagged <= ham // 100


def run_queued_lessons() -> None:
    """The worker's side of the queued decisions, in order, in this process."""
    for queued in DBTaskResult.objects.filter(task_path="comments.spam.learn").order_by(
        "enqueued_at", "id"
    ):
        spam.learn.call(*queued.args_kwargs["args"])


def test_a_rebuild_from_the_history_is_the_model_learnt_decision_by_decision(
    moderator_client, article
):
    spammy = factories.make_comment(article, status="pending", body=SPAMMY[0])
    wrongly = factories.make_comment(article, status="pending", body=SPAMMY[1])
    ordinary = factories.make_comment(article, status="pending", body=ORDINARY[0])
    factories.bulk_action(moderator_client, "mark_spam", spammy, wrongly)
    factories.bulk_action(moderator_client, "approve", ordinary)
    factories.bulk_action(moderator_client, "mark_not_spam", wrongly)
    run_queued_lessons()
    learnt = spam.Classifier.loads(SpamModel.objects.current().data)
    out = io.StringIO()

    call_command("spam_rebuild", stdout=out)

    rebuilt = SpamModel.objects.current()
    assert "learnt 3 decision(s)" in out.getvalue()
    assert DiscussionSettings.load().spam_model_version == rebuilt.version
    counts = spam.Classifier.loads(rebuilt.data).model
    # Equal but for rounding: the counts are fractions, summed in another order.
    assert np.allclose(counts.feature_count_, learnt.model.feature_count_)
    assert list(counts.class_count_) == [2, 1]


def test_posting_scores_with_no_query_once_a_process_has_the_version(
    client, article, rules, django_assert_num_queries
):
    """
    The seven queries of a post (tests/test_post_comment.py); the first post
    after a new version loads it, once.
    """
    rules.spam_min_decisions = 0
    # Held rather than sent to spam: the path of a post whose queries are pinned
    # (two lessons, too few to calibrate on, score the spammy post 0.997).
    rules.spam_threshold = 1.0
    rules.save()
    comment = factories.make_comment(article, status="pending", body=SPAMMY[0])
    spam.learn.call([comment.pk], "spam")
    other = factories.make_comment(article, status="pending", body=ORDINARY[0])
    spam.learn.call([other.pk], "approve")

    forms = [factories.comment_form(client, article, name=n) for n in ("A", "B")]

    with django_assert_num_queries(8):
        factories.post_comment(client, article, forms[0], body=SPAMMY[2].format(n=1))
    with django_assert_num_queries(7):
        factories.post_comment(client, article, forms[1], body=ORDINARY[1])

    first, second = Comment.objects.order_by("-id")[:2][::-1]
    assert first.moderation_reason.startswith("held: likely spam")
    assert second.status == "pending"  # a first comment: held for that, not spam
    assert second.moderation_reason == "held: first comment from this author"


OLD_FORMATS = {
    # The first classifier's: occurrences counted, no calibration.
    "first": {},
    # Format 2's: features present, calibrated on the log-odds alone.
    "format 2": {"format": np.array(2), "calibration": np.array([1.5, 0.2])},
}


@pytest.mark.parametrize("stored", OLD_FORMATS)
def test_a_version_stored_with_other_features_abstains_until_rebuilt(
    client, moderator_client, article, rules, stored
):
    """
    A version stored in an earlier format is not scored with today's features
    and calibration: posting abstains rather than failing, and the worker's next
    lesson rebuilds the model from the history.
    """
    old = io.BytesIO()
    np.savez_compressed(
        old,
        class_count=np.array([1.0, 1.0]),
        index0=np.array([1], dtype=np.int32),
        count0=np.array([2.0]),
        index1=np.array([2], dtype=np.int32),
        count1=np.array([3.0]),
        **OLD_FORMATS[stored],
    )
    row = SpamModel.objects.create(data=old.getvalue(), decisions=500)
    rules.spam_min_decisions = 0
    rules.spam_model_version = row.version
    rules.save()
    form = factories.comment_form(client, article, name="A")

    factories.post_comment(client, article, form, body=SPAMMY[0].format(n=1))

    posted = Comment.objects.latest("id")
    assert "likely spam" not in posted.moderation_reason
    factories.bulk_action(moderator_client, "mark_spam", posted)
    run_queued_lessons()
    rebuilt = SpamModel.objects.current()
    assert rebuilt.version > row.version
    assert spam.Classifier.loads(rebuilt.data).model.class_count_.tolist() == [0, 1]


def test_an_undone_decision_teaches_nothing(moderator_client, article):
    comment = factories.make_comment(article, status="pending", body=SPAMMY[0])
    other = factories.make_comment(article, status="pending", body=ORDINARY[0])
    moderate = "/admin/comments/comment/{}/moderate/"
    json = {"headers": {"accept": "application/json"}}
    factories.bulk_action(moderator_client, "approve", other)
    moderator_client.post(moderate.format(comment.pk), {"moderate": "spam"}, **json)
    moderator_client.post(moderate.format(comment.pk), {"moderate": "undo"}, **json)
    run_queued_lessons()

    assert list(SpamLesson.objects.values_list("comment_id", flat=True)) == [other.pk]
    learnt = spam.Classifier.loads(SpamModel.objects.current().data).model
    assert list(learnt.class_count_) == [1, 0]
    spam.rebuild()
    rebuilt = spam.Classifier.loads(SpamModel.objects.current().data).model
    assert (rebuilt.feature_count_ == learnt.feature_count_).all()


def test_a_long_comment_is_read_only_so_far():
    long = spam.text_of("word " * 13_000, "Sam")

    assert len(long) < spam.MAX_CHARACTERS + 100
    assert long.endswith("xxname_sam")


def test_spam_evaluate_says_what_is_wrong_with_a_file(db, tmp_path):
    no_class = tmp_path / "no_class.csv"
    no_class.write_text("CONTENT\nhello\n")
    bad_class = tmp_path / "bad_class.csv"
    bad_class.write_text("CONTENT,CLASS\nhello,maybe\n")

    for path, message in [
        (no_class, "needs the columns CONTENT and CLASS"),
        (bad_class, "line 2: CLASS is 1 (spam) or 0 (ham)"),
        (tmp_path / "missing.csv", "No such file"),
    ]:
        with pytest.raises(CommandError, match=re.escape(message)):
            call_command("spam_evaluate", "--train", path, "--test", path)
