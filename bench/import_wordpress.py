"""
How fast `manage.py import_wordpress` imports, and whether its memory stays flat.

Run: .venv/bin/python -m bench.import_wordpress [--comments 10000 100000]
For each size, writes a WordPress export (WXR 1.2) with that many comments, spread
over posts of 1,000 comments with threads up to depth 5, into a temporary file;
imports it with the real command, in its own process, into a private PostgreSQL
(bench.harness); prints comments imported per second and the command's peak
memory (its maximum resident set size, from wait4). The file's size grows with N;
the peak memory should not.
"""

import argparse
import os
import random
import subprocess
import tempfile
import time
from pathlib import Path

from bench.harness import BASE_DIR, PYTHON, Database

PER_POST = 1000
WORDS = [
    *[
        "the",
        "council",
        "said",
        "bridge",
        "vote",
        "budget",
        "readers",
        "city",
        "plan",
        "week",
        "new",
    ],
    *["old", "why", "more", "less", "river", "traffic", "approved", "delayed", "again"],
    *["中文", "مرحبا", "👍"],
]


def write_export(path: Path, comments: int, seed: int = 1) -> None:
    """A WXR file with `comments` comments, written as it goes."""
    rng = random.Random(seed)
    site = f"https://bench-{comments}-{time.time_ns()}.example.com"
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            f"<wp:wxr_version>1.2</wp:wxr_version>\n"
            f"<wp:base_site_url>{site}</wp:base_site_url>\n"
        )
        comment_id = 0
        for post in range(1, -(-comments // PER_POST) + 1):
            out.write(
                f"<item><title>Bench story {post}</title>"
                f"<link>{site}/?p={post}</link>"
                "<content:encoded><![CDATA[<!-- wp:paragraph --><p>Body of the "
                "story.</p><!-- /wp:paragraph -->]]></content:encoded>"
                f"<wp:post_id>{post}</wp:post_id>"
                "<wp:post_date_gmt>2021-03-10 09:00:00</wp:post_date_gmt>"
                "<wp:comment_status>open</wp:comment_status>"
                f"<wp:post_name>bench-story-{post}</wp:post_name>"
                "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>\n"
            )
            depths: dict[int, int] = {}
            for _ in range(min(PER_POST, comments - comment_id)):
                comment_id += 1
                parent = 0
                if depths and rng.random() < 0.5:
                    candidate = rng.randrange(comment_id - len(depths), comment_id)
                    if depths[candidate] < 5:
                        parent = candidate
                depths[comment_id] = depths[parent] + 1 if parent else 0
                text = " ".join(rng.choices(WORDS, k=rng.randint(8, 60)))
                out.write(
                    f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author><![CDATA[Reader {comment_id % 997}]]>"
                    "</wp:comment_author><wp:comment_author_email>"
                    f"reader{comment_id % 997}@example.com</wp:comment_author_email>"
                    "<wp:comment_author_IP>192.0.2.1</wp:comment_author_IP>"
                    "<wp:comment_date_gmt>2021-03-10 10:00:00</wp:comment_date_gmt>"
                    f"<wp:comment_content><![CDATA[{text}]]></wp:comment_content>"
                    "<wp:comment_approved>1</wp:comment_approved>"
                    "<wp:comment_type>comment</wp:comment_type>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent>"
                    "</wp:comment>\n"
                )
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")


def run_import(path: Path, env: dict[str, str]) -> tuple[float, int, str]:
    """Seconds, peak RSS (KB) and output of one import_wordpress process."""
    started = time.monotonic()
    process = subprocess.Popen(
        [PYTHON, "manage.py", "import_wordpress", str(path)],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    # wait4 gives this child's own peak, not the largest of all children so far.
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    assert process.returncode == 0, output
    return seconds, usage.ru_maxrss, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        database = Database(Path(folder))
        env = os.environ | {"DEBUG": "1", "DATABASE_URL": database.url}
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
        )
        print("comments  file MB  seconds   per s  peak RSS MB")
        for comments in args.comments:
            path = Path(folder) / f"export-{comments}.xml"
            write_export(path, comments)
            seconds, peak_kb, output = run_import(path, env)
            assert f"Comments imported: {comments:,} " in output, output
            print(
                f"{comments:>8,} {path.stat().st_size / 1e6:>8.1f} {seconds:>8.1f} "
                f"{comments / seconds:>7,.0f} {peak_kb / 1024:>12.0f}"
            )
            path.unlink()


if __name__ == "__main__":
    main()
