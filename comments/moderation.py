"""
Moderation: what happens to a new comment, and why; what editors' actions do.

`decide()` is a pure function. It takes the submitted comment, the discussion
settings and what we know of the author, and returns a Verdict: the status the
comment gets and the rule that fired, in words an editor can read ("held: 3 links,
limit 2"). The reason is stored with the comment and shown in the admin. Nothing
here reads or writes the database or looks at a request; views gather the values.

The rules run in WordPress's order, so editors' expectations carry over:
disallowed words send a comment to spam; then a name that looks like a staff
member's, "manually approve everything", the link limit and moderation words hold
it; then a comment sent without the page's stamp (no JavaScript), and a
first-time author's, are held until an editor has approved one of their comments.

What editors' actions do to comments is the moderators' desk's (desk.decisions).
"""

import datetime
import re
from collections.abc import Collection
from dataclasses import dataclass, replace

from readers.lookalikes import looks_like_any

# An author with an approved comment: the classifier's score counts for this
# much. At 0.95 it never reaches the default spam threshold (0.99) but can pass
# the hold threshold (0.91): a known reader whose account was sold on is held for
# a moderator, never sent to spam by the machine alone.
TRUSTED_WEIGHT = 0.95
URL_PATTERN = re.compile(r"(https?://|www\.)", re.IGNORECASE)


@dataclass(frozen=True)
class Submission:
    """What a commenter sent, as plain values."""

    body: str
    name: str = ""
    email: str = ""
    url: str = ""
    ip_address: str = ""
    user_agent: str = ""
    # The form carried the page's stamp, which its script fetches: without
    # JavaScript nothing proved a person had the page (comments.forms).
    stamped: bool = True


@dataclass(frozen=True)
class History:
    """What we know of the author before this comment."""

    has_approved_comment: bool = False
    is_trusted: bool = False  # editors and moderators
    ban_reason: str = ""
    # Moderators marked them "always pre-moderate", for this reason.
    premoderation_reason: str = ""
    # Their latest comments (DiscussionSettings.rejection_window) that went to
    # spam or were removed: by the identity that earns prior approval, their own
    # deletions left out (comments.history).
    recent_rejections: int = 0


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str
    # The spam classifier's score of the comment as judged (None: it abstained),
    # kept with the comment for moderators (comments.judging sets it).
    spam_score: float | None = None


def decide(
    comment: Submission,
    rules,
    history: History,
    staff_names: Collection[str] = (),
    spam_score: float | None = None,
    akismet_spam: bool | None = None,
) -> Verdict:
    """
    The status of a new comment and the rule that decided it.

    `rules` is anything with DiscussionSettings' attributes (manual_approval,
    require_prior_approval, link_limit, moderation_words, disallowed_words,
    hold_after_rejections, rejection_window).
    `staff_names` are the names staff members appear under: anyone else signing
    with a name that looks like one of them (the same, or with look-alike letters
    of another script) is held, whatever their history.
    `spam_score` (the classifier's, None while it abstains) and `akismet_spam`
    (Akismet's answer, None unasked): see spam_verdict(); staff come before both.
    """
    if history.ban_reason:
        return Verdict("spam", "banned")
    if history.is_trusted:
        return Verdict("approved", "approved: posted by staff")

    word, field = _find_word(comment, rules.disallowed_words)
    if word:
        return Verdict("spam", f"spam: disallowed word “{word}” in {field}")

    machine = spam_verdict(rules, history, spam_score, akismet_spam)
    if machine:
        return machine

    if looks_like_any(comment.name, staff_names):
        return Verdict("pending", "held: name looks like a staff member's")

    held = history_verdict(rules, history)
    if held:
        return held

    if rules.manual_approval:
        return Verdict("pending", "held: every comment is approved by hand")

    links = count_links(comment.body)
    if rules.link_limit and links >= rules.link_limit:
        return Verdict("pending", f"held: {links} links, limit {rules.link_limit}")

    word, field = _find_word(comment, rules.moderation_words)
    if word:
        return Verdict("pending", f"held: moderation word “{word}” in {field}")

    # A known author without JavaScript is published; anyone else who sends
    # the bare form, a robot's cheapest way, waits for a moderator.
    if not comment.stamped and not history.has_approved_comment:
        return Verdict("pending", "held: sent without the page's check")

    if rules.require_prior_approval and not history.has_approved_comment:
        return Verdict("pending", "held: first comment from this author")

    return Verdict("approved", "approved: passed every rule")


def spam_verdict(
    rules, history: History, spam_score: float | None, akismet_spam: bool | None
) -> Verdict | None:
    """
    What Akismet's answer and the classifier's score decide, if anything.
    `spam_score` is the classifier's (comments.spam.score_of), None while it
    abstains: at rules.spam_threshold or more the comment goes to spam, at
    rules.hold_threshold or more it is held; an author with an approved comment
    has it weighed by TRUSTED_WEIGHT. `akismet_spam` is Akismet's answer
    (comments.akismet_service), None when it wasn't asked or didn't answer: spam
    goes to spam, or is held when its author has an approved comment.
    """
    if akismet_spam:
        if history.has_approved_comment:
            return Verdict("pending", "held: Akismet says spam")
        return Verdict("spam", "spam: Akismet says spam")
    if spam_score is None:
        return None
    if history.has_approved_comment:
        spam_score *= TRUSTED_WEIGHT
    if spam_score >= rules.spam_threshold:
        return Verdict("spam", f"spam: likely spam (score {spam_score:.2f})")
    if spam_score >= rules.hold_threshold:
        return Verdict("pending", f"held: likely spam (score {spam_score:.2f})")
    return None


def history_verdict(rules, history: History) -> Verdict | None:
    """The hold the author's record asks for, if any: a mark, recent rejections."""
    if history.premoderation_reason:
        return Verdict(
            "pending", f"held: always pre-moderated ({history.premoderation_reason})"
        )
    rejected = history.recent_rejections
    if rules.hold_after_rejections and rejected >= rules.hold_after_rejections:
        return Verdict(
            "pending",
            f"held: {rejected} of their last {rules.rejection_window} comments "
            "rejected",
        )
    return None


# How high a status stands: an author's edit can keep or lower it, never raise it.
STANDING = {"removed": 0, "spam": 0, "pending": 1, "approved": 2}


def decide_edit(
    comment: Submission,
    rules,
    history: History,
    staff_names: Collection[str] = (),
    spam_score: float | None = None,
    *,
    standing: Verdict,
) -> Verdict:
    """
    The status of a comment its author edited, which had `standing` (its status
    and reason before): the rules' verdict on it when that is lower, else its
    standing as it was. An edit never takes back a hold or spam, nor publishes
    what waits for a moderator. An approved comment's own approval counts as its
    author's history, and its name (which an edit can't change) was approved with
    it: it stays approved unless the new text trips a rule (links, moderation or
    disallowed words), its author has since been banned, marked or rejected, or
    every comment is approved by hand (the new text wasn't).
    """
    if standing.status == "approved":
        history = replace(history, has_approved_comment=True)
        staff_names = ()
    verdict = decide(comment, rules, history, staff_names, spam_score)
    if STANDING[verdict.status] < STANDING[standing.status]:
        return verdict
    return standing


def comments_are_open(
    *, comments_open: bool, published_at: datetime.datetime, close_after_days, now
) -> bool:
    """Whether an article still takes comments: open, and not past the age limit."""
    if not comments_open:
        return False
    if close_after_days:
        return now - published_at <= datetime.timedelta(days=close_after_days)
    return True


def count_links(text: str) -> int:
    return len(URL_PATTERN.findall(text))


def word_list(text: str) -> list[str]:
    """One word or phrase per line, blank lines ignored, as editors type them."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _find_word(comment: Submission, words_text: str) -> tuple[str, str]:
    words = word_list(words_text)
    if not words:
        return "", ""
    fields = {
        "body": comment.body,
        "name": comment.name,
        "email": comment.email,
        "website": comment.url,
        "IP address": comment.ip_address,
        "browser": comment.user_agent,
    }
    for field, value in fields.items():
        folded = value.casefold()
        for word in words:
            if word.casefold() in folded:
                return word, field
    return "", ""
