"""
What nginx answered in a run of make cluster-bench, and what that shows: its
access log (bench.cluster.LOG_FORMAT) read into Answers, the posts answered 302
held against the rows stored, and the failures set against those a fault
excuses. Plain functions of plain values, so that tests/test_cluster_bench.py
can show each check catching the loss or failure it is there for.
"""

import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# A request in flight on a killed server is answered by nginx (502) as soon as
# the kernel resets its connection: well within this many seconds.
IN_FLIGHT_SECONDS = 1.0


@dataclass(frozen=True)
class Answer:
    """One line of nginx's access log, as bench.cluster.LOG_FORMAT writes it."""

    at: float  # when nginx was done with it, seconds since the epoch
    method: str
    status: int
    bytes: int  # of the body sent
    cache: str  # HIT, MISS, BYPASS, … or "-" where no cache was asked
    upstreams: tuple[str, ...]  # the app servers tried, in turn
    location: str


LOG_LINE = re.compile(r'^(\S+) (\S+) (\d+) (\d+) (\S+) "([^"]*)" "([^"]*)" "([^"]*)"$')


def read_answers(lines: Iterable[str]) -> list[Answer]:
    answers = []
    for line in lines:
        match = LOG_LINE.match(line.strip())
        if match is None:
            raise ValueError(f"not a line of LOG_FORMAT: {line!r}")
        at, method, status, size, cache, upstreams, _, location = match.groups()
        tried = tuple(
            part.strip() for part in re.split(r"[,:] ", upstreams) if part != "-"
        )
        answers.append(
            Answer(float(at), method, int(status), int(size), cache, tried, location)
        )
    return answers


COMMENT_ID = re.compile(r"#c-(\d+)$")
# nginx's status for a request the client gave up on (wrk stopping mid-request).
GAVE_UP = 499


def posts_account(answers: list[Answer], stored: list[tuple[int, str]]) -> dict:
    """
    One run's posts, nginx's answers against the rows its forms left: every post
    answered 302 names its comment (`#c-<id>`), which must be a row, or it is
    lost; no form's text may be stored twice. A row nobody was told of is a post
    cut short (the poster gave up, its server was killed): allowed, as many as
    there were such posts, since a reader who saw no answer posts the same form
    again and gets that comment.
    """
    posts = [a for a in answers if a.method == "POST"]
    named = [COMMENT_ID.search(a.location) for a in posts if a.status == 302]
    answered = Counter(int(match[1]) for match in named if match)
    rows = {pk for pk, _ in stored}
    texts = Counter(body for _, body in stored)
    cut_short = sum(1 for a in posts if a.status != 302)
    unanswered = len(rows - set(answered))
    return {
        "posts": len(posts),
        "answered 302": len(named),
        "stored": len(stored),
        "lost": len(set(answered) - rows) + named.count(None),
        "stored twice": sum(n - 1 for n in texts.values() if n > 1),
        "answered twice": sum(n - 1 for n in answered.values() if n > 1),
        "cut short": cut_short,
        "stored unanswered": unanswered,
        "stored unexplained": max(0, unanswered - cut_short),
    }


def failures(
    answers: list[Answer], killed: str = "", killed_at: float | None = None
) -> dict:
    """
    Answers that failed (any status but 2xx, 3xx and the 499 of a client that
    gave up), by method, and those that may: a request in flight on the app
    server `killed` when it was killed at `killed_at`, which nginx tried there
    last and answered within IN_FLIGHT_SECONDS of the kill. nginx passes a GET
    on to the other server, so reads should not even be among those.
    """
    failed = [a for a in answers if a.status >= 400 and a.status != GAVE_UP]

    def in_flight(answer: Answer) -> bool:
        return (
            killed_at is not None
            and answer.upstreams[-1:] == (killed,)
            and killed_at <= answer.at <= killed_at + IN_FLIGHT_SECONDS
        )

    excused = [a for a in failed if in_flight(a)]
    return {
        "failed reads": sum(1 for a in failed if a.method != "POST"),
        "failed posts": sum(1 for a in failed if a.method == "POST"),
        "in flight on the killed server": len(excused),
        "failed otherwise": len(failed) - len(excused),
        "gave up (499)": sum(1 for a in answers if a.status == GAVE_UP),
        # Tried on one server, answered by another: what a kill costs readers
        # when nothing fails.
        "passed on to another server": sum(1 for a in answers if len(a.upstreams) > 1),
    }


def answer_checks(report: dict, *, connections: int) -> dict[str, bool]:
    """
    What every run must show: no failed answer but those a kill excuses, no
    request left without an answer, and at most one request per connection
    given up (those in flight when wrk stopped).
    """
    failed = report["failures"]
    return {
        "no failure but in flight on a killed server": failed["failed otherwise"] == 0,
        "no request unanswered": report["socket errors"] == 0,
        "gave up only at the end": failed["gave up (499)"] <= connections,
    }


def fault_checks(report: dict, *, connections: int) -> dict[str, bool]:
    """
    What a run with posts must show besides: no post answered 302 missing, none
    stored twice, no row unexplained.
    """
    posts = report["posts"]
    return {
        "no post lost": posts["lost"] == 0,
        "no post stored twice": posts["stored twice"] == 0
        and posts["answered twice"] == 0,
        "every row answered or cut short": posts["stored unexplained"] == 0,
    } | answer_checks(report, connections=connections)


class AccessLog:
    """nginx's access log, read one run at a time."""

    def __init__(self, path: Path):
        self.path = path

    def mark(self) -> tuple[float, int]:
        return time.time(), self.path.stat().st_size

    def since(self, mark: tuple[float, int]) -> list[Answer]:
        """
        The answers given since `mark`. Each nginx worker writes its buffer at
        least once a second, so lines of the moments before the mark may still
        follow it in the file: their time tells them apart.
        """
        when, offset = mark
        time.sleep(1.2)
        with self.path.open() as log:
            log.seek(offset)
            return [answer for answer in read_answers(log) if answer.at >= when]
