"""
Two commits measured in the same run, taking turns: this machine's absolute
figures move by a factor of two from one day to the next, so what a change did is
the ratio of the two, measured side by side.

    python -m bench.compare BEFORE [AFTER] [--rounds 3] [--seconds 10]
                            [--parts posting,held author,...]

Each commit is checked out into a git worktree of its own (AFTER: HEAD when not
given) and served as `make bench` serves this one: gunicorn with 4 workers and
production settings, on an embedded PostgreSQL of its own, seeded by its own
bench.seed. Both are then set to the rules' defaults for what a benchmark may lift
(a 15-second flood interval, 3 seconds before a form may be posted): every check a
post goes through is on. A worktree uses this checkout's interpreter when its
lock file is the same, else it gets a virtualenv of its own (`make install`).

Both servers stay up; in each round every measure is taken from one and then the
other, BEFORE first in odd rounds and AFTER first in even ones (A B, B A, …), so
the machine's moods fall on both. The driving code is
this checkout's (bench.run's wrk runs and forms), the same for both commits.
Besides wrk's figures, each many-client run records the CPU time the commit's
gunicorn workers and PostgreSQL spent, per request: on this 2-core machine that is
what bounds the rate, and other work running beside the benchmark moves it far
less than it moves the rates. Prints, per measure, each commit's median over the
rounds and AFTER ÷ BEFORE for each round and their median (above 1: AFTER is
faster for rates, slower for latencies and CPU), then how the per-reader pages
compare with a signed-in reader's of the same commit. Writes
bench/results/compare.json.
"""

import argparse
import contextlib
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.harness import BASE_DIR, PYTHON, Site
from bench.run import (
    RESULTS,
    django,
    held_author_cookie,
    posting,
    prepare_posts,
    sessions,
    wrk,
    wrk_threads,
)
from bench.usage import cpu_seconds

# The rules' own defaults for what bench.seed lifts (DiscussionSettings).
EVERY_CHECK_ON = "flood_interval=15, min_seconds_to_post=3"
# Forms prepared for each thread of a wrk run of posting: more than the fastest
# run posts (one a millisecond), each form posted once.
FORMS_A_SECOND = 1_000
GIT = shutil.which("git") or "/usr/bin/git"
MAKE = shutil.which("make") or "/usr/bin/make"
POSTERS = (1, 8)  # connections posting at once, a run each
READERS = ("signed-in", "held author", "signed-in held author", "anonymous")
PARTS = ("posting", *READERS)


class Checkout:
    """One commit in a worktree, served on its own database, driven by this code."""

    def __init__(self, label: str, folder: Path):
        self.label = label
        self.path = folder / label
        subprocess.run(
            [GIT, "worktree", "add", "--detach", "--quiet", self.path, label],
            cwd=BASE_DIR,
            check=True,
        )
        subprocess.run([MAKE, "-s", "messages"], cwd=self.path, check=True)
        self.python = PYTHON
        lock = "requirements-dev.lock"
        if (self.path / lock).read_bytes() != (BASE_DIR / lock).read_bytes():
            subprocess.run([MAKE, "-s", "install"], cwd=self.path, check=True)
            self.python = str(self.path / ".venv" / "bin" / "python")
        self.site = Site(
            workers=4,
            env={
                "TRUSTED_PROXY_COUNT": "1",
                "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            },
            base_dir=self.path,
            python=self.python,
        )
        self.offset = 0  # the next prepared form to post
        self.answered = 0  # posts answered with a redirect (stored)
        self.unanswered = 0  # posts wrk may have sent and stopped waiting for

    def start(self, rounds: int, seconds: int) -> None:
        """Serve and seed it, with forms for `rounds` of posting runs of `seconds`."""
        site = self.site
        site.start()
        seeded = django(site, "from bench.seed import seed; seed()")
        # The planner's statistics, as a database in use has them: autovacuum would
        # take up to a minute to gather them after the seed's 100,000 rows, and
        # plans made without them differ from one commit to the other.
        site.database.sql("ANALYZE")
        self.url, self.article_id = seeded["article"], seeded["article_id"]
        cookies = sessions(site, self.article_id)
        self.cookies = {
            "anonymous": "",
            "signed-in": cookies["reader"],
            # Posted at once, before the minimum time to post is back on.
            "held author": held_author_cookie(site, self.url),
            "signed-in held author": cookies["waiting"],
        }
        site.python(
            "from comments.models import DiscussionSettings\n"
            f"DiscussionSettings.objects.filter(pk=1).update({EVERY_CHECK_ON})"
        )
        self.forms = Path(tempfile.mkdtemp(prefix="newsroom-forms-"))
        self.form_count = rounds * sum(
            wrk_threads(posters) * (seconds * FORMS_A_SECOND + 1) for posters in POSTERS
        )
        self.posts, self.post_cookie = prepare_posts(
            site,
            self.article_id,
            self.url,
            self.form_count,
            self.forms,
        )

    def stop(self) -> None:
        self.site.stop()
        shutil.rmtree(getattr(self, "forms", ""), ignore_errors=True)
        subprocess.run(
            [GIT, "worktree", "remove", "--force", self.path],
            cwd=BASE_DIR,
            check=False,
        )

    def measure(self, part: str, seconds: int) -> dict[str, float]:
        if part == "posting":
            return self.post(seconds)
        reader = {
            "seconds": seconds,
            "cookie": self.cookies[part],
            "headers": ["Accept-Encoding: gzip, deflate, br"],
        }
        one = wrk(self.site.url + self.url, connections=1, **reader)
        before = self.cpu()
        many = wrk(self.site.url + self.url, connections=16, **reader)
        cpu = self.cpu() - before
        self.check(part, one, many)
        return {
            f"{part} p50 1 client (ms)": one["p50"],
            f"{part} req/s 16 clients": many["rps"],
            f"{part} CPU ms a page": 1000 * cpu / many["requests"],
        }

    def cpu(self) -> float:
        """
        CPU seconds used so far by this commit's gunicorn and PostgreSQL, with the
        processes they have reaped (PostgreSQL's backends and autovacuum workers
        come and go: counting only those alive made a run's figure negative). Per
        request, it says what a request costs the machine, which the other work on
        it moves far less than the rates.
        """
        assert self.site.process
        return cpu_seconds(self.site.process.pid) + cpu_seconds(
            self.site.database.server.get_pid()
        )

    def post(self, seconds: int) -> dict[str, float]:
        """One poster, then eight, each form posted once (bench.run's posting)."""
        figures = {}
        for connections in POSTERS:
            # wrk's threads take every other line from the offset on (post.lua),
            # one thread perhaps more than the other: the next run starts past
            # the lines either could have taken.
            threads = wrk_threads(connections)
            if self.offset + threads * (seconds * FORMS_A_SECOND + 1) > self.form_count:
                raise RuntimeError("out of prepared forms: posting faster than planned")
            load = posting(
                self.site, self.article_id, self.posts, self.post_cookie, self.offset
            )
            before = self.cpu()
            result = wrk(**load, connections=connections, seconds=seconds)
            cpu = self.cpu() - before
            self.check("posting", result)
            self.offset += threads * (result["requests"] + 1)
            self.answered += result["requests"]
            self.unanswered += connections
            posters = "1 poster" if connections == 1 else f"{connections} posters"
            figures[f"post p50 {posters} (ms)"] = result["p50"]
            figures[f"posts/s {posters}"] = result["rps"]
            figures[f"CPU ms a post, {posters}"] = 1000 * cpu / result["requests"]
        return figures

    def check(self, part: str, *results: dict) -> None:
        errors = sum(result["errors"] for result in results)
        if errors:
            raise RuntimeError(f"{self.label}: {errors} errors in {part}")

    def posts_stored_once(self) -> str:
        """
        Every answered post stored, once; up to one more per connection and run
        may have been stored while wrk stopped waiting for its answer. Says so,
        or what the counts were.
        """
        stored, distinct = self.site.database.sql(
            "SELECT count(*), count(DISTINCT body) FROM comments_comment"
            " WHERE body LIKE 'bench post %'"
        )[0]
        most = self.answered + self.unanswered
        if self.answered <= stored <= most and stored == distinct:
            return "yes"
        return (
            f"NO: {self.answered} answered, {stored} stored ({distinct} distinct),"
            f" at most {most} expected"
        )


def is_rate(measure: str) -> bool:
    return "/s" in measure


def report(rounds: list[dict[str, dict[str, float]]], labels: list[str]) -> dict:
    """Each measure: each commit's median, AFTER ÷ BEFORE per round and median."""
    before, after = labels
    out: dict = {}
    for measure in rounds[0][before]:
        ratios = [r[after][measure] / r[before][measure] for r in rounds]
        out[measure] = {
            before: statistics.median(r[before][measure] for r in rounds),
            after: statistics.median(r[after][measure] for r in rounds),
            "ratios": ratios,
            "ratio": statistics.median(ratios),
        }
    # The pages rendered per reader, against the signed-in reader's of the same
    # commit in the same round.
    for reader in ("held author", "signed-in held author"):
        for kind in ("req/s 16 clients", "p50 1 client (ms)", "CPU ms a page"):
            mine, theirs = f"{reader} {kind}", f"signed-in {kind}"
            if mine not in rounds[0][before] or theirs not in rounds[0][before]:
                continue
            out[f"{mine} ÷ signed-in"] = {
                label: statistics.median(
                    r[label][mine] / r[label][theirs] for r in rounds
                )
                for label in labels
            }
    return out


def table(results: dict, labels: list[str]) -> str:
    before, after = labels
    lines = [
        f"{'measure':<42}{before:>12}{after:>12}  {'after ÷ before':>14}  per round"
    ]
    for measure, figures in results.items():
        ratio = figures.get("ratio")
        rounds = " ".join(f"{r:.2f}" for r in figures.get("ratios", []))
        lines.append(
            f"{measure:<42}{figures[before]:>12,.2f}{figures[after]:>12,.2f}  "
            + (f"{ratio:>14.2f}  {rounds}" if ratio is not None else "")
        )
    return "\n".join(lines)


def resolve(commit: str) -> str:
    return subprocess.run(
        [GIT, "rev-parse", "--short", commit],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description="Two commits, measured in turn")
    parser.add_argument("before")
    parser.add_argument("after", nargs="?", default="HEAD")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run")
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"comma-separated, of: {', '.join(PARTS)}",
    )
    args = parser.parse_args()
    parts = [part.strip() for part in args.parts.split(",")]
    if unknown := set(parts) - set(PARTS):
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    labels = [resolve(args.before), resolve(args.after)]
    if labels[0] == labels[1]:
        parser.error("the same commit twice: nothing to compare")
    folder = Path(tempfile.mkdtemp(prefix="newsroom-compare-"))
    checkouts: list[Checkout] = []
    rounds: list[dict[str, dict[str, float]]] = []
    try:
        for label in labels:
            checkouts.append(Checkout(label, folder))
            checkouts[-1].start(
                rounds=args.rounds if "posting" in parts else 0, seconds=args.seconds
            )
        time.sleep(3)  # the forms' stamps are older than the minimum time to post
        for number in range(args.rounds):
            figures: dict[str, dict[str, float]] = {label: {} for label in labels}
            # A then B, then B then A: a machine that slows down or speeds up
            # during the run weighs on both alike.
            turns = checkouts if number % 2 == 0 else checkouts[::-1]
            for part in parts:
                for checkout in turns:
                    figures[checkout.label] |= checkout.measure(part, args.seconds)
            rounds.append(figures)
            print(f"round {number + 1} of {args.rounds} done", flush=True)
        stored = {c.label: c.posts_stored_once() for c in checkouts}
    finally:
        for checkout in checkouts:
            with contextlib.suppress(Exception):
                checkout.stop()
        shutil.rmtree(folder, ignore_errors=True)
    results = report(rounds, labels)
    print(table(results, labels))
    if "posting" in parts:
        print("posts stored once: " + ", ".join(f"{k} {v}" for k, v in stored.items()))
    RESULTS.mkdir(exist_ok=True)
    record = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commits": labels,
        "rounds": rounds,
        "seconds": args.seconds,
        "results": results,
    }
    (RESULTS / "compare.json").write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
