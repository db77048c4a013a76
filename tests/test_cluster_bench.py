"""
make cluster-bench's checks (bench/answers.py) catch what they are there for: a
post answered 302 that is not in the database, a post stored twice, a row nobody
was answered for, a request that failed where no fault excuses it, a request
left without an answer. Each is fed nginx's access log lines as LOG_FORMAT
writes them, and the rows a run left. Last, a short run of the whole bench on
the cluster passes them, its log read as nginx wrote it.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.answers import (
    IN_FLIGHT_SECONDS,
    answer_checks,
    failures,
    fault_checks,
    posts_account,
    read_answers,
)
from bench.cluster_bench import SCRIPTED_MIX, passed

KILLED = "127.0.0.1:8000"
OTHER = "127.0.0.1:8001"
KILLED_AT = 1_800_000_000.0


def line(at: float, method: str, status: int, upstreams: str, location="-") -> str:
    cache = "MISS" if method == "GET" else "-"
    statuses = ", ".join(
        "502" if a == KILLED else str(status) for a in upstreams.split(", ")
    )
    return (
        f'{at:.3f} {method} {status} 512 {cache} "{upstreams}" "{statuses}"'
        f' "{location}"'
    )


def posted(comment_id: int, at: float = KILLED_AT - 5, upstream: str = OTHER) -> str:
    return line(at, "POST", 302, upstream, f"/2021/10/14/story/#c-{comment_id}")


def report(log: list[str], stored: list[tuple[int, str]], socket_errors=0) -> dict:
    answers = read_answers(log)
    figures = {
        "posts": posts_account(answers, stored),
        "failures": failures(answers, KILLED, KILLED_AT),
        "socket errors": socket_errors,
    }
    figures["checks"] = fault_checks(figures, connections=24)
    return figures


def failed_checks(figures: dict) -> list[str]:
    return [name for name, ok in figures["checks"].items() if not ok]


def test_every_post_answered_and_stored_once_passes():
    log = [posted(1), posted(2), line(KILLED_AT - 4, "GET", 200, KILLED)]
    stored = [(1, "cluster bench kill 0"), (2, "cluster bench kill 1")]

    figures = report(log, stored)

    assert failed_checks(figures) == []
    assert figures["posts"]["answered 302"] == 2
    assert passed({"kill one app server": figures})


def test_a_post_answered_302_but_not_stored_is_lost():
    log = [posted(1), posted(2)]
    stored = [(1, "cluster bench kill 0")]

    figures = report(log, stored)

    assert figures["posts"]["lost"] == 1
    assert failed_checks(figures) == ["no post lost"]
    assert not passed({"kill one app server": figures})


def test_a_302_that_names_no_comment_counts_as_lost():
    log = [line(KILLED_AT - 5, "POST", 302, OTHER, "/accounts/login/")]

    figures = report(log, [])

    assert figures["posts"]["lost"] == 1


def test_a_post_stored_twice_is_caught():
    log = [posted(1), posted(2)]
    stored = [(1, "cluster bench kill 0"), (2, "cluster bench kill 0")]

    figures = report(log, stored)

    assert failed_checks(figures) == ["no post stored twice"]


def test_the_same_comment_answered_to_two_posts_is_caught():
    # A form posted twice is answered with its first comment: here a run ran out
    # of forms and sent one again.
    log = [posted(1), posted(1, at=KILLED_AT - 4)]

    figures = report(log, [(1, "cluster bench kill 0")])

    assert failed_checks(figures) == ["no post stored twice"]


def test_a_row_nobody_was_answered_for_is_explained_only_by_a_post_cut_short():
    stored = [(1, "cluster bench kill 0"), (2, "cluster bench kill 1")]

    unexplained = report([posted(1)], stored)
    cut_short = report([posted(1), line(KILLED_AT + 0.01, "POST", 502, KILLED)], stored)

    assert failed_checks(unexplained) == ["every row answered or cut short"]
    assert "every row answered or cut short" not in failed_checks(cut_short)


def test_a_post_in_flight_on_the_killed_server_may_fail():
    log = [posted(1), line(KILLED_AT + 0.05, "POST", 502, KILLED)]

    figures = report(log, [(1, "cluster bench kill 0")])

    assert figures["failures"]["in flight on the killed server"] == 1
    assert failed_checks(figures) == []


def test_a_failure_on_the_server_that_was_not_killed_is_caught():
    log = [posted(1), line(KILLED_AT + 0.05, "POST", 502, OTHER)]

    figures = report(log, [(1, "cluster bench kill 0")])

    assert failed_checks(figures) == ["no failure but in flight on a killed server"]


def test_a_failure_long_after_the_kill_is_not_excused():
    late = KILLED_AT + IN_FLIGHT_SECONDS + 3
    log = [posted(1), line(late, "GET", 502, KILLED)]

    figures = report(log, [(1, "cluster bench kill 0")])

    assert figures["failures"]["failed reads"] == 1
    assert failed_checks(figures) == ["no failure but in flight on a killed server"]


def test_a_read_nginx_passed_on_to_the_other_server_did_not_fail():
    log = [line(KILLED_AT + 0.05, "GET", 200, f"{KILLED}, {OTHER}")]

    figures = report(log, [])

    assert figures["failures"]["failed reads"] == 0
    assert figures["failures"]["passed on to another server"] == 1
    assert failed_checks(figures) == []


def test_without_a_kill_every_failure_counts():
    # A rolling restart: nothing is excused, whichever server answered.
    answers = read_answers([line(KILLED_AT + 0.05, "POST", 502, KILLED)])

    counted = failures(answers)

    assert counted["failed otherwise"] == 1


def test_a_reading_run_of_error_pages_fails():
    # A run of readers has no posts: its figures stand only if its answers do.
    answers = read_answers([line(KILLED_AT, "GET", 200, OTHER)] * 9)
    errors = answers + read_answers([line(KILLED_AT, "GET", 500, OTHER)])

    good = {"failures": failures(answers), "socket errors": 0}
    bad = {"failures": failures(errors), "socket errors": 0}

    assert all(answer_checks(good, connections=16).values())
    assert not answer_checks(bad, connections=16)[
        "no failure but in flight on a killed server"
    ]
    assert not passed({"anonymous": {"checks": answer_checks(bad, connections=16)}})


def test_a_request_left_without_an_answer_is_caught():
    figures = report([posted(1)], [(1, "cluster bench kill 0")], socket_errors=1)

    assert failed_checks(figures) == ["no request unanswered"]


def test_more_gave_up_requests_than_connections_are_caught():
    # wrk leaves at most one request per connection when it stops.
    log = [line(KILLED_AT + n, "GET", 499, OTHER) for n in range(25)]

    figures = report(log, [])

    assert failed_checks(figures) == ["gave up only at the end"]


@pytest.mark.slow  # starts the cluster, kills and restarts app servers
@pytest.mark.skipif(
    not (shutil.which("nginx") or shutil.which("/usr/sbin/nginx"))
    or not shutil.which("redis-server")
    or not shutil.which("wrk"),
    reason="needs nginx, redis-server and wrk (make cluster-bench installs them)",
)
def test_a_short_run_of_the_bench_loses_no_post_and_fails_no_request(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    output = tmp_path / "cluster.json"

    result = subprocess.run(
        [sys.executable, "-m", "bench.cluster_bench", "--seconds", "2"]
        + ["--calm-seconds", "2", "--output", str(output)],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(output.read_text())
    killed = report["kill one app server"]
    assert killed["posts"]["answered 302"] > 0
    assert killed["back after s"] > 0
    assert report["rolling restart"]["posts"]["answered 302"] > 0
    # 499: wrk stopping with requests in flight.
    assert set(report["anonymous"]["statuses"]) <= {"200", "499"}
    # Signed-in readers whose script runs: the shared page from nginx's copy,
    # and /me and the stamp from the app, none refused.
    scripted = report["signed in, scripted"]
    assert scripted["cache"].get("HIT", 0) > 0
    assert set(scripted["statuses"]) <= {"200", "499"}
    # Every view the page, /me and the stamp on the mix's share of them.
    mix = SCRIPTED_MIX
    asks = -(-mix["views"] // mix["me every"]) - (-mix["views"] // mix["stamp every"])
    assert scripted["requests/view"] == (mix["views"] + asks) / mix["views"]
