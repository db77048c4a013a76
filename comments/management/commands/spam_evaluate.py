"""
manage.py spam_evaluate --train A.csv B.csv --test C.csv D.csv: how well the spam
classifier, taught the training files' labels as moderators' decisions would
teach and calibrate it (comments.spam.teach, calibrate), and the content rules
judge the test files' comments, as the site judges a new comment
(moderation.decide). Files have the columns CONTENT and CLASS (1 spam, 0 ham),
AUTHOR optional: the YouTube Spam Collection's. Nothing is written to the database.

A test comment counts as caught (spam) or flagged (ham) when the classifier and
the content rules (links, moderation and disallowed words) send it to spam or hold
it; the first-comment, history and flood rules are left out, since the files carry
no history. The rules are the site's (the discussion settings row) unless the
options below say otherwise.
"""

import csv
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from django.core.management.base import BaseCommand, CommandError

from comments import moderation, spam
from comments.models import DiscussionSettings


@dataclass
class Tally:
    spam: int = 0
    caught: int = 0
    ham: int = 0
    flagged: int = 0

    def add(self, other: "Tally") -> None:
        self.spam += other.spam
        self.caught += other.caught
        self.ham += other.ham
        self.flagged += other.flagged

    def __str__(self) -> str:
        caught, flagged = (
            percent(self.caught, self.spam),
            percent(self.flagged, self.ham),
        )
        return (
            f"spam caught {self.caught} of {self.spam} ({caught}), "
            f"ham flagged {self.flagged} of {self.ham} ({flagged})"
        )


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def labelled(path: Path) -> list[tuple[moderation.Submission, bool]]:
    """A file's comments as submissions, with whether each is spam."""
    try:
        with path.open(encoding="utf-8", newline="") as file:
            rows = list(csv.DictReader(file))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CommandError(f"{path}: {error}") from error
    if rows and not {"CONTENT", "CLASS"} <= rows[0].keys():
        raise CommandError(f"{path}: needs the columns CONTENT and CLASS")
    comments = []
    for number, row in enumerate(rows, start=2):
        if row["CLASS"] not in ("0", "1"):
            raise CommandError(f"{path}, line {number}: CLASS is 1 (spam) or 0 (ham)")
        submission = moderation.Submission(
            body=row["CONTENT"] or "", name=row.get("AUTHOR") or ""
        )
        comments.append((submission, row["CLASS"] == "1"))
    return comments


class Command(BaseCommand):
    help = "Train a fresh spam classifier on labelled CSV files and judge others."

    def add_arguments(self, parser):
        parser.add_argument("--train", nargs="+", type=Path, required=True)
        parser.add_argument("--test", nargs="+", type=Path, required=True)
        parser.add_argument(
            "--link-limit", type=int, help="instead of the site's link limit"
        )
        parser.add_argument(
            "--moderation-word",
            action="append",
            help="instead of the site's moderation words (repeat for several)",
        )

    def handle(self, *args, train, test, link_limit, moderation_word, **options):
        rules = self.rules(link_limit, moderation_word)
        classifier = spam.Classifier()
        lessons = [
            (
                SimpleNamespace(body=s.body, author_name=s.name, author_url=s.url),
                None,
                is_spam,
            )
            for path in train
            for s, is_spam in labelled(path)
        ]
        spam.teach(classifier, lessons)
        spam.calibrate(
            classifier,
            [spam.text_of(c.body, c.author_name, c.author_url) for c, _, _ in lessons],
            [is_spam for *_, is_spam in lessons],
        )
        classifier.decisions = len(lessons)
        total = Tally()
        for path in test:
            tally = self.judge(classifier, rules, labelled(path))
            self.stdout.write(f"{path.name}: {tally}")
            total.add(tally)
        self.stdout.write(str(total))

    def rules(self, link_limit, moderation_words) -> DiscussionSettings:
        """The site's content rules, and none of those that need a history."""
        rules = DiscussionSettings.objects.filter(pk=1).first() or DiscussionSettings()
        rules.manual_approval = False
        rules.require_prior_approval = False
        rules.hold_after_rejections = 0
        if link_limit is not None:
            rules.link_limit = link_limit
        if moderation_words is not None:
            rules.moderation_words = "\n".join(moderation_words)
        return rules

    def judge(self, classifier, rules, comments) -> Tally:
        tally = Tally()
        abstains = (
            classifier.decisions < rules.spam_min_decisions or not classifier.knows_both
        )
        for submission, is_spam in comments:
            score = (
                None
                if abstains
                else classifier.score(
                    spam.text_of(submission.body, submission.name, submission.url)
                )
            )
            verdict = moderation.decide(
                submission, rules, moderation.History(), spam_score=score
            )
            judged_spam = verdict.status != "approved"
            if is_spam:
                tally.spam += 1
                tally.caught += judged_spam
            else:
                tally.ham += 1
                tally.flagged += judged_spam
        return tally
