"""
Where the time goes: py-spy samples the gunicorn workers, as the benchmark runs
them, while wrk drives one kind of request at a time.

    make profile      (or: python -m bench.profile [--seconds 10])

Kinds: the article page for an anonymous reader (the cached page), for a
signed-in reader (the cached comment list), for the author of a held comment,
guest or signed in (rendered each time), and comment posting. For each, writes
the sampled stacks in the collapsed format flame graph tools read
(bench/results/profiles/<kind>.txt) and prints the share of CPU samples of the
heaviest functions, inclusive and self.
"""

import argparse
import collections
import json
import subprocess
import tempfile
import time
from pathlib import Path

from bench.harness import PYTHON, Site
from bench.run import (
    RESULTS,
    django,
    held_author_cookie,
    posting,
    prepare_posts,
    wrk,
)
from bench.run import sessions as signed_in_sessions

PROFILES = RESULTS / "profiles"
# Frames of our own code and the libraries worth naming in a summary; the rest
# (the interpreter's glue, gunicorn's loop) still counts in the shares.
OURS = ("newsroom/", "comments/", "desk/")


def record(site: Site, name: str, seconds: int, drive) -> Path:
    """Sample every worker while `drive()` loads the site; the stacks' file."""
    output = PROFILES / f"{name}.txt"
    spy = subprocess.Popen(
        [
            str(Path(PYTHON).with_name("py-spy")),
            "record",
            "--pid",
            str(site.process.pid),
            "--subprocesses",
            "--rate",
            "100",
            "--duration",
            str(seconds),
            "--format",
            "raw",
            "--output",
            str(output),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1)  # py-spy attaches to each worker
    drive()
    spy.wait(timeout=seconds + 30)
    return output


def summary(stacks: Path, top: int = 12) -> dict:
    """
    Shares of the samples: per function, anywhere on the stack and on top. Rewrites
    the stacks per function rather than per line, which flame graphs read as well.
    """
    by_function: collections.Counter = collections.Counter()
    for line in stacks.read_text().splitlines():
        frames, _, count = line.rpartition(" ")
        # Each frame: "function (path:line)"; the first names the process.
        names = [frame.rsplit(":", 1)[0] + ")" for frame in frames.split(";")[1:]]
        by_function[";".join(names)] += int(count)
    stacks.write_text(
        "".join(f"{stack} {count}\n" for stack, count in by_function.items())
    )
    inclusive: collections.Counter = collections.Counter()
    on_top: collections.Counter = collections.Counter()
    total = sum(by_function.values())
    for stack, count in by_function.items():
        names = stack.split(";")
        for name in set(names):
            inclusive[name] += count
        on_top[names[-1]] += count

    def share(counter, keep=lambda name: True):
        return [
            (name.replace(str(Path.cwd()) + "/", ""), round(100 * n / total, 1))
            for name, n in counter.most_common()
            if keep(name)
        ][:top]

    return {
        "samples": total,
        "our code, inclusive %": share(
            inclusive, lambda name: any(f"({part}" in name for part in OURS)
        ),
        "self %": share(on_top),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Newsroom profiles")
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    PROFILES.mkdir(parents=True, exist_ok=True)
    env = {"TRUSTED_PROXY_COUNT": "1", "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    results = {}
    with Site(workers=4, env=env) as site:
        seeded = django(site, "from bench.seed import seed; seed(admin_comments=0)")
        url, article_id = seeded["article"], seeded["article_id"]
        cookies = signed_in_sessions(site, article_id)
        readers = {
            "anonymous": "",
            "signed-in": cookies["reader"],
            "held author": held_author_cookie(site, url),
            "signed-in held author": cookies["waiting"],
        }
        for who, cookie in readers.items():
            results[f"page, {who}"] = record(
                site,
                who.replace(" ", "-"),
                args.seconds,
                lambda cookie=cookie: wrk(
                    site.url + url,
                    connections=16,
                    seconds=args.seconds,
                    cookie=cookie,
                    headers=["Accept-Encoding: gzip, deflate, br"],
                ),
            )
        with tempfile.TemporaryDirectory() as folder:
            posts, cookie = prepare_posts(site, article_id, url, 20_000, Path(folder))
            results["posting"] = record(
                site,
                "posting",
                args.seconds,
                lambda: wrk(
                    **posting(site, article_id, posts, cookie),
                    connections=8,
                    seconds=args.seconds,
                ),
            )
    report = {kind: summary(path) for kind, path in results.items()}
    for kind, figures in report.items():
        print(f"\n## {kind} ({figures['samples']:,} samples)")
        for heading in ("our code, inclusive %", "self %"):
            print(f"  {heading}:")
            for name, percent in figures[heading]:
                print(f"    {percent:5.1f}  {name}")
    (PROFILES / "summary.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
