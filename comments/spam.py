"""
The spam classifier: it learns from every Spam, Not spam, Approve and Remove a
moderator clicks, inside the site, and gives each new comment a score that
moderation.decide() weighs like any other rule. No reader's words leave the site.

What learns is scikit-learn's multinomial naive Bayes over hashed features: word
unigrams and bigrams and character 2–5-grams of the text, its links as tokens
(and their sites), the author's name and website, each present one counted once
and each text weighing the same. Measured on the YouTube Spam Collection
(bench/README.md) it caught as much as logistic regression or a linear model
trained online, and it is the one whose learning is a sum: teaching the
decisions one at a time, as moderators click, gives the model that teaching them
all at once does (`manage.py spam_rebuild`, `spam_evaluate`), and a moderator's
correction takes back what the first decision taught (a weight of -1) before it
teaches the other. Its score is calibrated on the latest lessons (calibrate():
a logistic function of its log-odds and the text's length, refitted with each
version), so the thresholds mean the same on a site whose spam is long as on one
whose spam is short. Hashing keeps no vocabulary, so the model's size is fixed
and its counts don't spell out anyone's words.

The model lives in the database (SpamModel, a row per version) so every app server
and the worker see the same one. Posting reads the version to use from the
discussion settings row it already reads, and loads a version once per process:
scoring a post costs no query, a new version one per process.

Learning runs in the worker (`learn`, a task moderate() enqueues with the
decision), never in a moderator's request.
"""

import io
import math
import re
from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np
from django.db import transaction
from django.tasks import task
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB
from sklearn.preprocessing import normalize

from comments.models import (
    Comment,
    DiscussionSettings,
    ModerationAction,
    SpamLesson,
    SpamModel,
)

HALF = 2**16
WORDS = HashingVectorizer(
    n_features=HALF,
    alternate_sign=False,
    ngram_range=(1, 2),
    norm=None,
    token_pattern=r"(?u)\b\w+\b",  # noqa: S106 - a regex, not a password
)
CHARACTERS = HashingVectorizer(
    n_features=HALF,
    alternate_sign=False,
    analyzer="char_wb",
    ngram_range=(2, 5),
    norm=None,
)
# Naive Bayes' smoothing, measured with the features above (bench/README.md).
ALPHA = 0.03
# The latest lessons the score is calibrated on (calibrate()): enough to fit
# three numbers, few enough that the worker rereads them in about a second.
CALIBRATION_LESSONS = 2000
# What a stored version holds: 3, counts of features present (features()) and
# a calibration of log-odds and length (Calibration); 2 had the same counts and
# a calibration of the log-odds alone; the first versions, without the number,
# counted occurrences. Another is Outdated.
FORMAT = 3
# Fewer lessons of either kind fit nothing one can trust (two lessons fit a score
# that sends to spam what was taught as ham): the log-odds are scored as they are.
CALIBRATION_MINIMUM = 10
# Older versions kept, for a process still scoring with one.
VERSIONS_KEPT = 3
# The decisions a moderator's action teaches: is the comment spam?
LESSONS = {"spam": True, "not_spam": False, "approve": False, "remove": False}
LINK = re.compile(r"(?:https?://|www\.)([^\s/?#]*)\S*", re.IGNORECASE)
# What of a comment is read: enough to tell spam, and a 65,000-character comment
# costs no more to score than this (2.6 ms for 2,000 characters).
MAX_CHARACTERS = 5000
# Invisible characters that say more about where a text was copied from than about
# spam (the YouTube collection's trap): dropped before anything is counted.
INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"))


def text_of(body: str, name: str = "", url: str = "") -> str:
    """
    The text the classifier reads: the comment's, each link also as a token naming
    its site, and the author's name and website as tokens of their own (a name
    spammers reuse, a site they promote).
    """
    body = body[:MAX_CHARACTERS].translate(INVISIBLE)
    sites = [site.casefold() for site in LINK.findall(body)]
    tokens = [f"xxlink xxsite_{site}" for site in sites]
    tokens.append(f"xxlinks{min(len(sites), 2)}")
    tokens += [f"xxname_{word}" for word in re.findall(r"\w+", name.casefold())]
    if url:
        tokens += [f"xxwebsite xxsite_{site}" for site in LINK.findall(url)]
    return " ".join([body, *tokens])


def features(texts: Sequence[str]) -> csr_matrix:
    """
    Which features each text has, not how often, and each text's weighing 1 (l2):
    a long comment says no more than a short one, so the scores of a site whose
    spam is longer than its ham (2.5 times in the YouTube collection) don't all
    lean to spam.
    """
    rows = hstack([WORDS.transform(texts), CHARACTERS.transform(texts)]).tocsr()
    rows.data[:] = 1.0
    return normalize(rows)


class Outdated(ValueError):
    """A stored version whose counts today's features can't be scored with."""


def length_of(present: int | np.ndarray) -> Any:
    """
    What the calibration reads of a text's length: the logarithm of 1 + how many
    features it has, which grows slowly (a comment ten times as long reads 2.3
    more), so that the log-odds keep the larger say.
    """
    return np.log1p(present)


class Calibration(NamedTuple):
    """
    The logistic function that turns naive Bayes' log-odds into a score
    (calibrate()): a slope for the log-odds, one for the text's length
    (length_of()), and an intercept; a text longer than the longest lesson it was
    fitted on is read as that long (`longest`), since nothing showed how length
    counts beyond. Untaught, the log-odds go through as they are.
    """

    slope: float = 1.0
    length: float = 0.0
    intercept: float = 0.0
    longest: float = math.inf

    def score(self, log_odds: float, present: int) -> float:
        length = min(float(length_of(present)), self.longest)
        return _logistic(self.slope * log_odds + self.length * length + self.intercept)


class Classifier:
    """
    Naive Bayes' counts, the score's `calibration` (calibrate()), and how many
    decisions taught them (`decisions`) in the stored `version` they came from (0:
    never stored).
    """

    def __init__(
        self,
        model: MultinomialNB | None = None,
        *,
        calibration: Calibration | None = None,
        decisions=0,
        version=0,
    ):
        self.model = model or _empty_model()
        self.calibration = calibration or Calibration()
        self.decisions = decisions
        self.version = version

    def learn(self, texts: Sequence[str], spam: Sequence[bool], *, weight=1) -> None:
        """Teach it these texts' labels (weight -1 takes a lesson back)."""
        if texts:
            self.__dict__.pop("odds", None)
            self.model.partial_fit(
                features(texts),
                np.array(spam, dtype=int),
                sample_weight=np.full(len(texts), weight, dtype=float),
            )

    @property
    def knows_both(self) -> bool:
        return bool((self.model.class_count_ > 0).all())

    def score(self, text: str) -> float:
        """
        How likely the text is spam, from 0 to 1: naive Bayes' log-odds and the
        text's length through the logistic function fitted to the moderators' own
        decisions (`calibration`, calibrate()), so that a score of 0.91 means about
        91% of such comments were spam, on any site.

        The log-odds are predict_joint_log_proba()'s difference, computed from its
        per-feature weights (`odds`) at the text's features (features(): each
        present one weighs 1 over the square root of their count) without its
        checks and dense rows: 0.1 ms a post instead of 2.6 (tests hold the two
        equal).
        """
        words, characters = WORDS.transform([text]), CHARACTERS.transform([text])
        prior, weights = self.odds
        present = words.nnz + characters.nnz
        summed = weights[words.indices].sum() + weights[HALF + characters.indices].sum()
        log_odds = prior + summed / math.sqrt(max(present, 1))
        return self.calibration.score(log_odds, present)

    @cached_property
    def odds(self) -> tuple[float, np.ndarray]:
        """Spam's log-odds before any feature, and each feature's to add."""
        model = self.model
        return (
            float(model.class_log_prior_[1] - model.class_log_prior_[0]),
            model.feature_log_prob_[1] - model.feature_log_prob_[0],
        )

    def dumps(self) -> bytes:
        """Its counts, the non-zero ones only, in NumPy's format (no pickle)."""
        counts = self.model.feature_count_
        arrays: dict[str, Any] = {
            "format": np.array(FORMAT),
            "class_count": self.model.class_count_,
            "calibration": np.array(self.calibration),
        }
        for label in (0, 1):
            (index,) = np.nonzero(counts[label])
            arrays[f"index{label}"] = index.astype(np.int32)
            arrays[f"count{label}"] = counts[label][index]
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        return buffer.getvalue()

    @classmethod
    def loads(cls, data: bytes | memoryview, *, decisions=0, version=0) -> "Classifier":
        arrays = np.load(io.BytesIO(bytes(data)), allow_pickle=False)
        if "format" not in arrays.files or int(arrays["format"]) != FORMAT:
            raise Outdated("a version stored with other features")
        model = _empty_model()
        model.class_count_ = arrays["class_count"].astype(float)
        for label in (0, 1):
            model.feature_count_[label][arrays[f"index{label}"]] = arrays[
                f"count{label}"
            ]
        _update(model)
        return cls(
            model,
            calibration=Calibration(*arrays["calibration"].tolist()),
            decisions=decisions,
            version=version,
        )


def _logistic(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(value, 50.0), -50.0)))


def calibrate(
    classifier: Classifier, texts: Sequence[str], spam: Sequence[bool]
) -> None:
    """
    Fit the classifier's score to these lessons, which it was taught (Platt's
    scaling, with the text's length beside the log-odds): the logistic function
    of its log-odds and length_of() that best tells their spam from their ham,
    each lesson's log-odds taken as if it had not been taught (held_out_log_odds).
    Naive Bayes' log-odds are badly scaled, and differently on each site (at a
    fixed scale it held half of the ham of a sample whose spam is longer than its
    ham); and at the same log-odds a short text and a long one are not equally
    likely spam, the more so the more their lengths differ, one way on one site
    and the other way on another (bench/README.md): the length's own slope lets
    the site's decisions say which. Left as it is until each kind was taught
    CALIBRATION_MINIMUM times.
    """
    labels = np.array(spam, dtype=bool)
    if min(labels.sum(), (~labels).sum()) < CALIBRATION_MINIMUM:
        return
    rows = features(texts)
    log_odds = held_out_log_odds(classifier.model, rows, labels)
    lengths = length_of(np.diff(rows.indptr))
    fitted = LogisticRegression().fit(np.column_stack([log_odds, lengths]), labels)
    (slope, length), intercept = fitted.coef_[0].tolist(), fitted.intercept_[0]
    classifier.calibration = Calibration(
        slope, length, float(intercept), float(lengths.max())
    )


def held_out_log_odds(
    model: MultinomialNB, rows: csr_matrix, labels: np.ndarray
) -> np.ndarray:
    """
    The log-odds of each taught row as if it had not been taught: exact for naive
    Bayes, by taking its own counts back from its class (leave-one-out, at the
    cost of one scoring rather than one model per lesson).
    """
    own = labels.astype(int)
    counts, totals = model.feature_count_, model.feature_count_.sum(axis=1)
    spread = ALPHA * counts.shape[1]
    entries = np.repeat(np.arange(rows.shape[0]), np.diff(rows.indptr))
    before = counts[own[entries], rows.indices] + ALPHA
    change = np.log(np.maximum(before - rows.data, 1e-12)) - np.log(before)
    sums = np.asarray(rows.sum(axis=1)).ravel()
    # How much its own class's log-probability of the row drops without it.
    taken = np.bincount(entries, rows.data * change, minlength=rows.shape[0])
    taken -= sums * (
        np.log(np.maximum(totals[own] - sums, 0) + spread)
        - np.log(totals[own] + spread)
    )
    classes = np.maximum(model.class_count_[None, :] - np.eye(2)[own], 1e-12)
    weights = model.feature_log_prob_[1] - model.feature_log_prob_[0]
    prior = np.log(classes[:, 1] / classes[:, 0])
    return prior + rows @ weights + np.where(labels, taken, -taken)


def _empty_model() -> MultinomialNB:
    """
    A model that has learnt nothing. scikit-learn makes one only by learning, so
    its fitted attributes are set here, and its probabilities are computed from
    them as partial_fit() does after counting (_update).
    """
    model = MultinomialNB(alpha=ALPHA)
    model.classes_ = np.array([0, 1])
    model.n_features_in_ = 2 * HALF
    model.class_count_ = np.zeros(2)
    model.feature_count_ = np.zeros((2, 2 * HALF))
    _update(model)
    return model


def _update(model: MultinomialNB) -> None:
    with np.errstate(divide="ignore", invalid="ignore"):
        model._update_feature_log_prob(model.alpha)
        model._update_class_log_prior()


# This process's classifier, loaded once per version (current()).
_loaded: Classifier | None = None


def current(rules) -> Classifier | None:
    """The classifier the rules name (spam_model_version), None before the first."""
    global _loaded
    version = rules.spam_model_version
    if not version:
        return None
    if _loaded is None or _loaded.version != version:
        row = SpamModel.objects.filter(version=version).first()
        if row is None:
            return None
        try:
            _loaded = Classifier.loads(
                row.data, decisions=row.decisions, version=row.version
            )
        except Outdated:
            # Abstain, without asking again, until the worker's next lesson
            # rebuilds the model (learn) or `manage.py spam_rebuild` does.
            _loaded = Classifier(version=row.version)
    return _loaded


def score_of(submission, rules) -> float | None:
    """
    The score of a submission (comments.moderation.Submission), or None while the
    classifier abstains: no model yet, fewer decisions learnt than
    rules.spam_min_decisions, or never a spam and a not-spam among them.
    """
    classifier = current(rules)
    if classifier is None or classifier.decisions < rules.spam_min_decisions:
        return None
    if not classifier.knows_both:
        return None
    return classifier.score(text_of(submission.body, submission.name, submission.url))


def teach(
    classifier: Classifier, lessons: Iterable[tuple[Any, bool | None, bool | None]]
):
    """
    Teach `classifier` moderators' decisions: each comment, what it taught before
    (None: nothing) and whether it is spam now (None: an undone decision, which
    teaches nothing). A lesson taught already is skipped; one a moderator changed
    or undid is taken back first.
    """
    changed = [(c, taught, spam) for c, taught, spam in lessons if taught != spam]
    taken_back = [(c, taught) for c, taught, _ in changed if taught is not None]
    new = [(c, spam) for c, _, spam in changed if spam is not None]
    for pairs, weight in ((taken_back, -1), (new, 1)):
        classifier.learn(
            [text_of(c.body, c.author_name, c.author_url) for c, _ in pairs],
            [spam for _, spam in pairs],
            weight=weight,
        )


@task
def learn(comment_ids: list[int], action: str) -> int:
    """
    The worker's side of a moderator's decision on comments: teach it to the
    classifier and store the new version. One learner at a time (the rules' row
    locked), so no decision is lost between two versions. How many it taught.
    "undo" takes back what the comments taught (desk.decisions.undo). A current
    version stored with other features (Outdated) is rebuilt from the whole
    history instead, this decision with it.
    """
    spam = LESSONS.get(action)
    with transaction.atomic():
        one_learner_at_a_time()
        comments = list(
            Comment.objects.filter(pk__in=comment_ids).only(
                "id", "body", "author_name", "author_url"
            )
        )
        taught = dict(
            SpamLesson.objects.filter(comment__in=comments).values_list(
                "comment_id", "spam"
            )
        )
        lessons = [(c, taught.get(c.pk), spam) for c in comments]
        row = SpamModel.objects.current()
        try:
            classifier = (
                Classifier.loads(row.data, version=row.version) if row else Classifier()
            )
        except Outdated:
            rebuild()
            return len(comments)
        teach(classifier, lessons)
        if spam is None:
            SpamLesson.objects.filter(comment__in=comments).delete()
        else:
            SpamLesson.objects.bulk_create(
                [SpamLesson(comment=c, spam=spam) for c in comments],
                update_conflicts=True,
                unique_fields=["comment"],
                update_fields=["spam", "learned_at"],
            )
        calibrate_on_lessons(classifier)
        store(classifier, SpamLesson.objects.count())
    return len(comments)


def rebuild() -> SpamModel:
    """
    A fresh classifier taught the whole moderation history, each decided comment
    by its latest decision, as the worker would have taught them one by one
    (`manage.py spam_rebuild`): after changing the features, or to forget what
    erased comments taught.
    """
    with transaction.atomic():
        one_learner_at_a_time()
        latest = {
            comment_id: action
            for comment_id, action in ModerationAction.objects.filter(
                action__in=[*LESSONS, "undo"]
            )
            .order_by("comment_id", "-created_at", "-id")
            .distinct("comment_id")
            .values_list("comment_id", "action")
            if action != "undo"
        }
        comments = Comment.objects.filter(pk__in=latest).only(
            "id", "body", "author_name", "author_url"
        )
        lessons = [(c, None, LESSONS[latest[c.pk]]) for c in comments]
        classifier = Classifier()
        teach(classifier, lessons)
        SpamLesson.objects.all().delete()
        SpamLesson.objects.bulk_create(
            SpamLesson(comment=c, spam=spam) for c, _, spam in lessons
        )
        calibrate_on_lessons(classifier)
        return store(classifier, len(lessons))


def calibrate_on_lessons(classifier: Classifier) -> None:
    """
    Calibrate the classifier on the latest stored lessons (by comment, so the
    worker and a rebuild choose the same ones).
    """
    lessons = SpamLesson.objects.order_by("-comment_id").values_list(
        "comment__body", "comment__author_name", "comment__author_url", "spam"
    )[:CALIBRATION_LESSONS]
    calibrate(
        classifier,
        [text_of(body, name, url) for body, name, url, _ in lessons],
        [spam for *_, spam in lessons],
    )


def one_learner_at_a_time() -> None:
    """Lock the rules' row until the transaction ends: versions follow each other."""
    DiscussionSettings.load()
    DiscussionSettings.objects.select_for_update().filter(pk=1).exists()


def store(classifier: Classifier, decisions: int) -> SpamModel:
    """Store a new version and make it the one posting uses."""
    row = SpamModel.objects.create(data=classifier.dumps(), decisions=decisions)
    SpamModel.objects.filter(version__lte=row.version - VERSIONS_KEPT).delete()
    # update(), not save(): the rules didn't change, no discussion's version moves.
    DiscussionSettings.objects.filter(pk=1).update(spam_model_version=row.version)
    return row
