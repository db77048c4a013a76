"""
Load and fault test: many readers comment at once while others read, optionally
with PostgreSQL stopped in the middle. Afterwards every post that got a success
answer must be in the database exactly once, and nothing else.

    python -m bench.load --posts 2000 --clients 16 --readers 4 [--outage 10]

Exits non-zero when a check fails; prints a summary and writes JSON to
bench/results/load.json.
"""

import argparse
import json
import re
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from bench.harness import Site

STAMP = re.compile(r'name="stamp" value="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RESULTS = Path(__file__).resolve().parent / "results"


def seed(site: Site, articles: int, readers: int) -> tuple[list[int], list[str]]:
    """Articles to comment on, lifted limits, and signed-in readers' session keys."""
    out = site.python(
        f"""
from django.contrib.auth import get_user_model
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from comments.models import DiscussionSettings
from newsroom.models import Article
rules = DiscussionSettings.load()
rules.flood_interval = 0
rules.min_seconds_to_post = 0
rules.require_prior_approval = False
rules.save()
ids = []
for n in range({articles}):
    a, _ = Article.objects.get_or_create(slug=f"load-{{n}}", defaults=dict(
        title=f"Load story {{n}}", body="Text.", status="published"))
    ids.append(a.pk)
keys = []
for n in range({readers}):
    user, _ = get_user_model().objects.get_or_create(username=f"loadreader{{n}}",
        defaults=dict(email=f"loadreader{{n}}@example.com"))
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    keys.append(s.session_key)
print(",".join(map(str, ids)) + "|" + ",".join(keys))
"""
    )
    ids, keys = out.strip().splitlines()[-1].split("|")
    return [int(i) for i in ids.split(",")], [k for k in keys.split(",") if k]


class Poster:
    """One commenter's browser: GET the article, then POST the form."""

    def __init__(self, site: Site, url: str, session_key: str | None):
        self.site, self.url = site, url
        self.http = requests.Session()
        if session_key:
            self.http.cookies.set("sessionid", session_key, domain="127.0.0.1")
        self.signed_in = bool(session_key)

    def post(self, n: int) -> dict:
        """
        Post one comment. While the site answers 503 the reader tries again, with
        the same form, as a person pressing "Post Comment" again would: the form's
        stamp makes that safe.
        """
        body = f"load {uuid.uuid4()} comment {n}"
        attempts: Counter = Counter()
        started = time.monotonic()
        try:
            page = self._retry(
                lambda: self.http.get(self.site.url + self.url, timeout=30), attempts
            )
            if page.status_code != 200:
                return {"body": body, "status": page.status_code, "attempts": attempts}
            data = {
                "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
                "stamp": STAMP.search(page.text).group(1),
                "body": body,
                "parent": "",
                "homepage": "",
            }
            if not self.signed_in:
                data |= {"name": f"Load Guest {n}", "email": f"guest{n}@example.com"}
            action = re.search(r'action="(/comments/post/[^"]+)"', page.text).group(1)
            post_started = time.monotonic()
            response = self._retry(
                lambda: self.http.post(
                    self.site.url + action,
                    data=data,
                    headers={"Referer": self.site.url + self.url},
                    allow_redirects=False,
                    timeout=30,
                ),
                attempts,
            )
        except requests.RequestException as error:
            return {
                "body": body,
                "status": 0,
                "error": str(error),
                "attempts": attempts,
            }
        return {
            "body": body,
            "status": response.status_code,
            "attempts": attempts,
            "post_seconds": time.monotonic() - post_started,
            "total_seconds": time.monotonic() - started,
        }

    @staticmethod
    def _retry(send, attempts: Counter, tries: int = 100):
        for _ in range(tries):
            response = send()
            styled = "back in a moment" in response.text
            attempts[
                "503"
                if response.status_code == 503 and styled
                else str(response.status_code)
            ] += 1
            if response.status_code != 503:
                return response
            time.sleep(0.25)
        return response


def read_continuously(site: Site, urls: list[str], stop: threading.Event, log: Counter):
    http = requests.Session()
    while not stop.is_set():
        for url in urls:
            try:
                response = http.get(site.url + url, timeout=30)
                unstyled = (
                    response.status_code == 503
                    and "back in a moment" not in response.text
                )
                log["503 unstyled" if unstyled else response.status_code] += 1
            except requests.RequestException:
                log["error"] += 1


def watch_health(site: Site, stop: threading.Event, timeline: list):
    http = requests.Session()
    while not stop.is_set():
        try:
            status = http.get(site.url + "/healthz", timeout=5).status_code
        except requests.RequestException:
            status = 0
        timeline.append((time.monotonic(), status))
        time.sleep(0.1)


def run(posts: int, clients: int, readers: int, outage: float, signed_in: int) -> dict:
    # Errors during the outage are expected; keep the log to the unexpected.
    with Site(workers=4, env={"LOG_LEVEL": "CRITICAL"}) as site:
        article_ids, sessions = seed(
            site, articles=max(1, posts // 100), readers=signed_in
        )
        urls = json.loads(
            site.python(
                "import json; from newsroom.models import Article; print(json.dumps("
                "[a.get_absolute_url() for a in "
                f"Article.objects.filter(pk__in={article_ids})]))"
            )
            .strip()
            .splitlines()[-1]
        )
        posters = [
            Poster(
                site,
                urls[n % len(urls)],
                sessions[n % len(sessions)] if n % 4 == 0 and sessions else None,
            )
            for n in range(clients)
        ]
        stop = threading.Event()
        reads: Counter = Counter()
        timeline: list = []
        background = [
            threading.Thread(
                target=read_continuously, args=(site, urls[:3], stop, reads)
            )
            for _ in range(readers)
        ] + [threading.Thread(target=watch_health, args=(site, stop, timeline))]
        for thread in background:
            thread.start()

        outage_window: list[float] = []

        def cause_outage():
            time.sleep(2)
            outage_window.append(time.monotonic())
            site.database.stop()
            time.sleep(outage)
            site.database.start()
            outage_window.append(time.monotonic())

        fault = threading.Thread(target=cause_outage) if outage else None
        started = time.monotonic()
        if fault:
            fault.start()
        with ThreadPoolExecutor(clients) as pool:
            results = list(
                pool.map(lambda n: posters[n % clients].post(n), range(posts))
            )
        if fault:
            fault.join()
            # Keep watching until the site answers again.
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not any(
                t > outage_window[1] and s == 200 for t, s in timeline
            ):
                time.sleep(0.1)
        elapsed = time.monotonic() - started
        stop.set()
        for thread in background:
            thread.join()

        stored = Counter(
            dict(
                site.database.sql(
                    "SELECT body, count(*) FROM comments_comment"
                    " WHERE body LIKE 'load %' GROUP BY body"
                )
            )
        )
    accepted = {r["body"] for r in results if r["status"] == 302}
    statuses = Counter(r["status"] for r in results)
    answers = sum((r["attempts"] for r in results), Counter())
    report = {
        "posts": posts,
        "clients": clients,
        "accepted": len(accepted),
        "statuses": {str(k): v for k, v in sorted(statuses.items(), key=str)},
        "reads": {str(k): v for k, v in reads.items()},
        "stored": sum(stored.values()),
        "accepted_missing": len(accepted - set(stored)),
        "stored_twice": sum(1 for c in stored.values() if c > 1),
        "stored_not_accepted": len(set(stored) - accepted),
        "answers": dict(answers),
        # A 5xx other than the styled "back in a moment" page is a failure.
        "unstyled_5xx": sum(
            v for k, v in answers.items() if k.startswith("5") and k != "503"
        )
        + sum(
            v for k, v in reads.items() if isinstance(k, int) and k >= 500 and k != 503
        )
        + reads.get("503 unstyled", 0),
        "posts_per_second": round(len(accepted) / elapsed, 1),
        "elapsed_seconds": round(elapsed, 1),
    }
    if outage:
        restarted = outage_window[1]
        back = next((t for t, s in timeline if t > restarted and s == 200), None)
        report["outage_seconds"] = outage
        report["recovery_seconds"] = round(back - restarted, 2) if back else None
        report["503_during_outage"] = answers.get("503", 0) + reads.get(503, 0)
    else:
        report["5xx"] = sum(v for k, v in answers.items() if k.startswith("5")) + sum(
            v for k, v in reads.items() if isinstance(k, int) and k >= 500
        )
    report["ok"] = check(report)
    return report


def check(report: dict) -> bool:
    ok = (
        report["accepted_missing"] == 0
        and report["stored_twice"] == 0
        and report["stored_not_accepted"] == 0
        and report["unstyled_5xx"] == 0
        and report["accepted"] > 0
    )
    if "recovery_seconds" in report:
        ok = (
            ok
            and report["recovery_seconds"] is not None
            and report["recovery_seconds"] <= 5
        )
    else:
        ok = ok and report["5xx"] == 0
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--signed-in", type=int, default=8, help="signed-in readers")
    parser.add_argument(
        "--outage", type=float, default=0, help="seconds without PostgreSQL"
    )
    parser.add_argument("--output", default=str(RESULTS / "load.json"))
    args = parser.parse_args()
    report = run(args.posts, args.clients, args.readers, args.outage, args.signed_in)
    Path(args.output).parent.mkdir(exist_ok=True)
    Path(args.output).write_text(json.dumps(report, indent=2) + "\n")
    for key, value in report.items():
        print(f"{key:>22}: {value}")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
