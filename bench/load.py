"""
Load and fault test: many readers comment at once while others read, optionally
with PostgreSQL stopped, or the site's Redis restarted, in the middle. Afterwards
every post must have been answered with success and be in the database exactly
once, and nothing else; every 5xx answer is counted, by kind of request.

    python -m bench.load --posts 10000 --clients 32 --readers 4
    python -m bench.load --posts 2000 --clients 16 --outage 10
    python -m bench.load --posts 2000 --clients 16 --outage 5 --fault redis

What may answer 5xx: nothing without a fault. With PostgreSQL stopped, the styled
"back in a moment" 503 (readers, and posters, who press "Post Comment" again until
it goes through). With Redis down (`--fault redis`: the harness's own
redis-server, stopped and started again on its port; the site's REDIS_URL points
at it) only logins answer that 503, since their rate limits live in Redis;
article pages, for anonymous and signed-in readers, and posting go on without it.

Exits non-zero when a check fails; prints a summary and writes JSON to
bench/results/load.json.
"""

import argparse
import json
import queue
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
STAMP_URL = re.compile(r'data-stamp="([^"]+)"')


def form_secrets(http: requests.Session, base_url: str, page: str) -> dict[str, str]:
    """
    What a browser posts with the comment form besides what the reader typed: the
    page's stamp and CSRF token on a reader's own page; on the page every
    anonymous reader shares, no token and the stamp its script fetches.
    """
    if stamp := STAMP.search(page):
        secrets = {"stamp": stamp.group(1)}
    else:
        url = base_url + STAMP_URL.search(page).group(1)
        secrets = {"stamp": http.get(url, timeout=30).json()["stamp"]}
    if token := CSRF.search(page):
        secrets["csrfmiddlewaretoken"] = token.group(1)
    return secrets


RESULTS = Path(__file__).resolve().parent / "results"


LOGIN_EMAIL = "loadlogin@example.com"
LOGIN_PASSWORD = "load-Passw0rd-not-secret"  # noqa: S105 (a throwaway account)


def seed(site: Site, articles: int, readers: int) -> tuple[list[int], list[str]]:
    """
    Articles to comment on, lifted limits, signed-in readers' session keys, and an
    account with a verified address that logs in with a password.
    """
    out = site.python(
        f"""
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from comments.models import DiscussionSettings
from articles.models import Article
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
login = get_user_model().objects.create_user("loadlogin", "{LOGIN_EMAIL}",
    "{LOGIN_PASSWORD}")
EmailAddress.objects.create(user=login, email="{LOGIN_EMAIL}", verified=True,
    primary=True)
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
                **form_secrets(self.http, self.site.url, page.text),
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
            attempts[status_of(response)] += 1
            if response.status_code != 503:
                return response
            time.sleep(0.25)
        return response


def post_all(posters: list[Poster], numbers) -> list[dict]:
    """
    Post comment after comment from as many threads as posters, each post taking a
    poster that is free: one browser never posts two comments at once (its first
    two pages would set two different CSRF cookies, and one post would fail).
    """
    free: queue.SimpleQueue = queue.SimpleQueue()
    for poster in posters:
        free.put(poster)

    def post(n: int) -> dict:
        poster = free.get()
        try:
            return poster.post(n)
        finally:
            free.put(poster)

    with ThreadPoolExecutor(len(posters)) as pool:
        return list(pool.map(post, numbers))


def status_of(response: requests.Response) -> str:
    """The status code, and whether a 503 is the styled "back in a moment" page."""
    if response.status_code == 503 and "back in a moment" not in response.text:
        return "503 unstyled"
    return str(response.status_code)


def read_continuously(
    site: Site,
    urls: list[str],
    stop: threading.Event,
    log: Counter,
    session_key: str | None = None,
):
    http = requests.Session()
    if session_key:
        http.cookies.set("sessionid", session_key, domain="127.0.0.1")
    while not stop.is_set():
        for url in urls:
            try:
                log[status_of(http.get(site.url + url, timeout=30))] += 1
            except requests.RequestException:
                log["error"] += 1


def log_in_continuously(site: Site, stop: threading.Event, log: list):
    """
    A reader logging in with their password every 2.5 s, each time in a new
    browser: allauth's rate limits, counted in the cache, are checked at every
    attempt (2.5 s keeps under its 30 logins a minute from one address). Shown
    "back in a moment", they try again 0.25 s later, so the first login after an
    outage tells when logins work again.
    """
    login = site.url + "/accounts/login/"
    while not stop.is_set():
        http = requests.Session()
        try:
            form = http.get(login, timeout=30)
            log.append((time.monotonic(), "page", status_of(form)))
            token = CSRF.search(form.text)
            if token:
                answer = http.post(
                    login,
                    data={
                        "csrfmiddlewaretoken": token.group(1),
                        "login": LOGIN_EMAIL,
                        "password": LOGIN_PASSWORD,
                    },
                    headers={"Referer": login},
                    allow_redirects=False,
                    timeout=30,
                )
                log.append((time.monotonic(), "login", status_of(answer)))
                if answer.status_code == 503:
                    stop.wait(0.25)
                    continue
        except requests.RequestException:
            log.append((time.monotonic(), "login", "error"))
        stop.wait(2.5)


def watch_health(site: Site, stop: threading.Event, timeline: list):
    http = requests.Session()
    while not stop.is_set():
        try:
            status = http.get(site.url + "/healthz", timeout=5).status_code
        except requests.RequestException:
            status = 0
        timeline.append((time.monotonic(), status))
        time.sleep(0.1)


def run(
    posts: int,
    clients: int,
    readers: int,
    outage: float,
    signed_in: int,
    fault: str = "database",
) -> dict:
    # Errors during the outage are expected; keep the log to the unexpected.
    with Site(workers=4, env={"LOG_LEVEL": "CRITICAL"}, redis=fault == "redis") as site:
        article_ids, sessions = seed(
            site, articles=max(1, posts // 100), readers=signed_in
        )
        urls = json.loads(
            site.python(
                "import json; from articles.models import Article; print(json.dumps("
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
        signed_in_reads: Counter = Counter()
        logins: list = []
        timeline: list = []
        # Half the readers are signed in (their own page around the shared list).
        background = [
            threading.Thread(
                target=read_continuously,
                args=(site, urls[:3], stop, signed_in_reads, sessions[n]),
            )
            if n % 2 and n < len(sessions)
            else threading.Thread(
                target=read_continuously, args=(site, urls[:3], stop, reads)
            )
            for n in range(readers)
        ] + [
            threading.Thread(target=watch_health, args=(site, stop, timeline)),
            threading.Thread(target=log_in_continuously, args=(site, stop, logins)),
        ]
        for thread in background:
            thread.start()

        outage_window: list[float] = []
        server = site.redis if fault == "redis" else site.database

        def cause_outage():
            time.sleep(2)
            outage_window.append(time.monotonic())
            server.stop()
            time.sleep(outage)
            server.start()
            outage_window.append(time.monotonic())

        def back(kind: str) -> bool:
            """Whether the site answered this kind of request again since then."""
            if kind == "health":
                return any(t > outage_window[1] and s == 200 for t, s in timeline)
            return any(
                t > outage_window[1] and k == "login" and s == "302"
                for t, k, s in list(logins)
            )

        fault_thread = threading.Thread(target=cause_outage) if outage else None
        started = time.monotonic()
        if fault_thread:
            fault_thread.start()
        results = post_all(posters, range(posts))
        if fault_thread:
            fault_thread.join()
            # Keep watching until the site answers again (logins, for Redis).
            watched = "login" if fault == "redis" else "health"
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not back(watched):
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
    login_answers = Counter(s for _, k, s in logins if k == "login")
    login_pages = Counter(s for _, k, s in logins if k == "page")
    kinds = {
        "posting": answers,
        "anonymous reads": reads,
        "signed-in reads": signed_in_reads,
        "login pages": login_pages,
        "logins": login_answers,
    }
    report = {
        "posts": posts,
        "clients": clients,
        "fault": fault if outage else None,
        "accepted": len(accepted),
        "statuses": {str(k): v for k, v in sorted(statuses.items(), key=str)},
        "reads": dict(sorted(reads.items())),
        "signed_in_reads": dict(sorted(signed_in_reads.items())),
        "login_pages": dict(sorted(login_pages.items())),
        "logins": dict(sorted(login_answers.items())),
        "stored": sum(stored.values()),
        "accepted_missing": len(accepted - set(stored)),
        "stored_twice": sum(1 for c in stored.values() if c > 1),
        "stored_not_accepted": len(set(stored) - accepted),
        "answers": dict(sorted(answers.items())),
        # Every 5xx answer, by kind of request; the styled 503 included.
        "5xx": {
            kind: sum(v for k, v in log.items() if k.startswith("5"))
            for kind, log in kinds.items()
        },
        # Never allowed: a 5xx other than the styled "back in a moment" page, or
        # no answer at all.
        "unstyled_5xx": sum(
            v
            for log in kinds.values()
            for k, v in log.items()
            if k.startswith("5") and k != "503"
        ),
        "connection_errors": sum(log.get("error", 0) for log in kinds.values())
        + statuses.get(0, 0),
        "posts_per_second": round(len(accepted) / elapsed, 1),
        "elapsed_seconds": round(elapsed, 1),
    }
    if outage:
        restarted = outage_window[1]
        health_back = next((t for t, s in timeline if t > restarted and s == 200), None)
        login_back = next(
            (t for t, k, s in logins if t > restarted and k == "login" and s == "302"),
            None,
        )
        report["outage_seconds"] = outage
        back_at = login_back if fault == "redis" else health_back
        report["recovery_seconds"] = round(back_at - restarted, 2) if back_at else None
        report["503_during_outage"] = sum(log.get("503", 0) for log in kinds.values())
    report["ok"] = check(report)
    return report


def check(report: dict) -> bool:
    """Every post answered with success and stored once; 5xx only where allowed."""
    fivexx = report["5xx"]
    ok = (
        report["accepted"] == report["posts"]
        and report["stored"] == report["posts"]
        and report["accepted_missing"] == 0
        and report["stored_twice"] == 0
        and report["stored_not_accepted"] == 0
        and report["unstyled_5xx"] == 0
        and report["connection_errors"] == 0
    )
    if report["fault"] is None:
        return ok and sum(fivexx.values()) == 0
    recovered = (
        report["recovery_seconds"] is not None and report["recovery_seconds"] <= 5
    )
    if report["fault"] == "redis":
        # Only logins may answer 503 (their rate limits live in Redis), and some
        # did: the outage really happened.
        others = sum(v for kind, v in fivexx.items() if kind != "logins")
        return ok and recovered and others == 0 and fivexx["logins"] > 0
    return ok and recovered and report["503_during_outage"] > 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--signed-in", type=int, default=8, help="signed-in readers")
    parser.add_argument(
        "--outage", type=float, default=0, help="seconds without PostgreSQL or Redis"
    )
    parser.add_argument(
        "--fault",
        choices=["database", "redis"],
        default="database",
        help="what --outage stops: PostgreSQL, or the site's own Redis",
    )
    parser.add_argument("--output", default=str(RESULTS / "load.json"))
    args = parser.parse_args()
    report = run(
        args.posts,
        args.clients,
        args.readers,
        args.outage,
        args.signed_in,
        args.fault,
    )
    Path(args.output).parent.mkdir(exist_ok=True)
    Path(args.output).write_text(json.dumps(report, indent=2) + "\n")
    for key, value in report.items():
        print(f"{key:>22}: {value}")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
