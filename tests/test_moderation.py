"""The moderation decision, rule by rule, with plain values."""

import datetime

import pytest

from comments.models import DiscussionSettings
from comments.moderation import (
    History,
    Submission,
    Verdict,
    comments_are_open,
    decide,
    decide_edit,
)

KNOWN = History(has_approved_comment=True)
NEW = History(has_approved_comment=False)


def rules(**changes) -> DiscussionSettings:
    return DiscussionSettings(**changes)  # unsaved: just the values


def test_known_author_with_a_plain_comment_is_approved():
    verdict = decide(Submission(body="Good piece."), rules(), KNOWN)
    assert (verdict.status, verdict.reason) == (
        "approved",
        "approved: passed every rule",
    )


def test_first_time_author_is_held_for_moderation():
    verdict = decide(Submission(body="Good piece."), rules(), NEW)
    assert (verdict.status, verdict.reason) == (
        "pending",
        "held: first comment from this author",
    )


def test_first_time_author_is_approved_when_the_rule_is_off():
    verdict = decide(Submission(body="Hi"), rules(require_prior_approval=False), NEW)
    assert verdict.status == "approved"


def test_a_comment_sent_without_the_pages_check_is_held_unless_known():
    unchecked = Submission(body="Good piece.", stamped=False)
    lifted = rules(require_prior_approval=False)

    assert decide(unchecked, lifted, NEW) == Verdict(
        "pending", "held: sent without the page's check"
    )
    assert decide(unchecked, rules(), NEW).reason == (
        "held: sent without the page's check"
    )
    assert decide(unchecked, lifted, KNOWN).status == "approved"
    assert decide(unchecked, lifted, History(is_trusted=True)).status == "approved"
    # The rules before it still say theirs.
    assert decide(unchecked, rules(manual_approval=True), KNOWN).reason == (
        "held: every comment is approved by hand"
    )


def test_manual_approval_holds_everyone():
    verdict = decide(Submission(body="Hi"), rules(manual_approval=True), KNOWN)
    assert (verdict.status, verdict.reason) == (
        "pending",
        "held: every comment is approved by hand",
    )


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ("see https://a.example", "approved", "approved: passed every rule"),
        ("https://a.example and http://b.example", "pending", "held: 2 links, limit 2"),
        (
            "https://a.example http://b.example www.c.example",
            "pending",
            "held: 3 links, limit 2",
        ),
    ],
)
def test_comments_with_too_many_links_are_held(body, status, reason):
    verdict = decide(Submission(body=body), rules(), KNOWN)
    assert (verdict.status, verdict.reason) == (status, reason)


def test_link_limit_of_zero_switches_the_rule_off():
    body = " ".join(f"https://{n}.example" for n in range(10))
    assert (
        decide(Submission(body=body), rules(link_limit=0), KNOWN).status == "approved"
    )


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("body", "body"),
        ("name", "name"),
        ("email", "email"),
        ("url", "website"),
        ("ip_address", "IP address"),
        ("user_agent", "browser"),
    ],
)
def test_moderation_words_hold_in_every_field(field, label):
    submission = Submission(**{"body": "fine"} | {field: "xx Casino Royale xx"})
    verdict = decide(submission, rules(moderation_words="\n  casino  \n"), KNOWN)
    assert (verdict.status, verdict.reason) == (
        "pending",
        f"held: moderation word “casino” in {label}",
    )


@pytest.mark.parametrize("field", ["body", "name", "email", "url", "ip_address"])
def test_disallowed_words_send_to_spam_in_every_field(field):
    submission = Submission(**{"body": "fine"} | {field: "buy CHEAP pills"})
    verdict = decide(submission, rules(disallowed_words="cheap pills"), KNOWN)
    assert verdict.status == "spam"
    assert verdict.reason.startswith("spam: disallowed word “cheap pills” in ")


def test_disallowed_words_win_over_moderation_words():
    verdict = decide(
        Submission(body="casino pills"),
        rules(moderation_words="casino", disallowed_words="pills"),
        KNOWN,
    )
    assert verdict.status == "spam"


def test_an_ip_address_can_be_disallowed_as_a_line():
    verdict = decide(
        Submission(body="hi", ip_address="203.0.113.9"),
        rules(disallowed_words="203.0.113.9"),
        KNOWN,
    )
    assert verdict.reason == "spam: disallowed word “203.0.113.9” in IP address"


def test_blank_lines_in_word_lists_match_nothing():
    verdict = decide(
        Submission(body="hello"), rules(moderation_words="\n\n  \n"), KNOWN
    )
    assert verdict.status == "approved"


def test_banned_author_goes_to_spam_whatever_else():
    verdict = decide(Submission(body="hi"), rules(), History(True, ban_reason="troll"))
    assert (verdict.status, verdict.reason) == ("spam", "banned")


def test_staff_are_approved():
    verdict = decide(
        Submission(body="a https://a b https://b"), rules(), History(is_trusted=True)
    )
    assert verdict.status == "approved"


NOW = datetime.datetime(2026, 1, 31, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("open_flag", "age_days", "limit", "expected"),
    [
        (True, 400, None, True),
        (False, 1, None, False),
        (True, 29, 30, True),
        (True, 31, 30, False),
    ],
)
def test_comments_close_by_flag_and_by_age(open_flag, age_days, limit, expected):
    assert (
        comments_are_open(
            comments_open=open_flag,
            published_at=NOW - datetime.timedelta(days=age_days),
            close_after_days=limit,
            now=NOW,
        )
        is expected
    )


STAFF = ["Eddie Editor"]


def test_a_name_that_looks_like_staff_is_held_whatever_the_history():
    verdict = decide(
        Submission(body="Hi", name="\u0395ddie Editor"), rules(), KNOWN, STAFF
    )
    assert (verdict.status, verdict.reason) == (
        "pending",
        "held: name looks like a staff member's",
    )


def test_a_staff_lookalike_still_goes_to_spam_when_banned_or_disallowed():
    lookalike = Submission(body="cheap pills", name="Eddie Editor")
    banned = History(True, ban_reason="troll")
    assert decide(lookalike, rules(), banned, STAFF).reason == "banned"
    verdict = decide(lookalike, rules(disallowed_words="pills"), KNOWN, STAFF)
    assert verdict.status == "spam"


def test_staff_under_their_own_name_are_approved():
    verdict = decide(
        Submission(body="Hi", name="Eddie Editor"),
        rules(),
        History(is_trusted=True),
        STAFF,
    )
    assert verdict.status == "approved"


def test_names_unlike_any_staff_members_pass_that_rule():
    verdict = decide(Submission(body="Hi", name="Grace Guest"), rules(), KNOWN, STAFF)
    assert verdict.status == "approved"


# --- An author's edit: it keeps or lowers a comment's standing, never raises it.

APPROVED = Verdict("approved", "approved: passed every rule")
HELD = Verdict("pending", "held: first comment from this author")
SPAM = Verdict("spam", "spam: disallowed word “pills” in body")
TWO_LINKS = "https://a.example and https://b.example"


@pytest.mark.parametrize(
    ("standing", "body", "words", "expected"),
    [
        # An approved comment's own approval is its author's history.
        (APPROVED, "Fixed a typo.", "", APPROVED),
        (APPROVED, TWO_LINKS, "", Verdict("pending", "held: 2 links, limit 2")),
        (APPROVED, "cheap pills", "pills", SPAM),
        # What waits for a moderator keeps waiting, whatever the new text.
        (HELD, "Fixed a typo.", "", HELD),
        (HELD, TWO_LINKS, "", HELD),
        (HELD, "cheap pills", "pills", SPAM),
        (SPAM, "Nothing wrong here.", "pills", SPAM),
        (SPAM, "Nothing wrong here.", "", SPAM),
    ],
)
def test_an_edit_keeps_or_lowers_a_comments_standing(standing, body, words, expected):
    verdict = decide_edit(
        Submission(body=body), rules(disallowed_words=words), NEW, standing=standing
    )
    assert verdict == expected


def test_an_approved_comments_name_was_approved_with_it():
    lookalike = Submission(body="Fixed a typo.", name="\u0395ddie Editor")
    assert decide_edit(lookalike, rules(), NEW, STAFF, standing=APPROVED) == APPROVED
    assert decide_edit(lookalike, rules(), NEW, STAFF, standing=HELD) == HELD


@pytest.mark.parametrize(
    ("history", "reason"),
    [
        (History(ban_reason="troll"), "banned"),
        (
            History(premoderation_reason="heated"),
            "held: always pre-moderated (heated)",
        ),
        (History(recent_rejections=2), "held: 2 of their last 5 comments rejected"),
    ],
)
def test_an_approved_comment_is_lowered_when_its_author_is_no_longer_trusted(
    history, reason
):
    verdict = decide_edit(Submission(body="Hi"), rules(), history, standing=APPROVED)
    assert verdict.reason == reason


def test_an_approved_comment_edited_where_every_comment_is_approved_by_hand_waits():
    verdict = decide_edit(
        Submission(body="Fixed a typo."),
        rules(manual_approval=True),
        NEW,
        standing=APPROVED,
    )
    assert verdict.reason == "held: every comment is approved by hand"
