"""
Through nginx, as an outsider would try it: a request whose language or order
cookie nginx and the app could read two ways (zh-cn, quoted, twice) must never
leave its page in the copy other readers get, neither when it finds none (after a
purge) nor when it finds one gone stale (nginx renews it in the background with
the request that found it). Part of `python -m bench.cluster --check`, which runs
with SHARED_CACHE_SECONDS=2 so that a copy goes stale within it.
"""

import re
import time
from collections.abc import Callable

import requests

# What an attacker sends, the reader whose copy it would take (nginx's reading:
# the first cookie, exact values), and what that reader must get. The app reads
# each as Chinese, Arabic or newest first.
ODD_COOKIES = [
    ("django_language=zh-cn", "", "en oldest"),
    ('django_language="zh-hans"', "", "en oldest"),
    ("django_language=en; django_language=ar", "django_language=en", "en oldest"),
    ("django_language=ar-EG", "", "en oldest"),
    ('comment_sort="newest"', "", "en oldest"),
    ("comment_sort=oldest; comment_sort=newest", "comment_sort=oldest", "en oldest"),
]
# How long a copy is kept fresh in the check's cluster (SHARED_CACHE_SECONDS).
FRESH_SECONDS = 2
LANGUAGE = re.compile(r'<html lang="([\w-]+)"')
ORDER = re.compile(r'\?sort=(\w+)#comments" aria-current="true"')


def what(page: str) -> str:
    """The language and order a page is in: "en oldest"."""
    language, order = LANGUAGE.search(page), ORDER.search(page)
    return f"{language and language[1]} {order and order[1]}"


def check(site: str, purge_url: str, path: str, expect: Callable) -> None:
    """`expect(ok, what)` for each way in; `path` is an article with comments."""

    def read(cookie: str = "", **headers: str) -> requests.Response:
        headers = {"Cookie": cookie, **headers} if cookie else headers
        return requests.get(site + path, headers=headers, timeout=10)

    def purge() -> None:
        for copy in ("en/-", "en/oldest", "zh-hans/-"):
            requests.get(f"{purge_url}/purge/{copy}{path}", timeout=10)

    for cookie, victim, expected in ODD_COOKIES:
        purge()
        status = read(cookie).headers.get("X-Cache-Status")
        seen = what(read(victim).text)
        expect(
            status == "BYPASS" and seen == expected,
            f"{cookie!r} with nothing kept went past the cache ({status}); "
            f"the next reader gets {seen}",
        )
        purge()
        for _ in range(2):
            read(victim)  # kept, then left to go stale
        time.sleep(FRESH_SECONDS + 0.5)
        status = read(cookie).headers.get("X-Cache-Status")
        time.sleep(0.5)  # a renewal in the background is done by now
        read(victim)  # the copy may still be the stale one: this renews it
        seen = what(read(victim).text)
        expect(
            status == "BYPASS" and seen == expected,
            f"...with a stale copy ({status}): the next reader gets {seen}",
        )

    purge()
    chinese = what(read(**{"Accept-Language": "zh-TW,zh;q=0.9"}).text)
    seen = what(read().text)
    expect(
        chinese == "zh-hans oldest" and seen == "en oldest",
        f"a Chinese browser reads {chinese}, kept apart: others {seen}",
    )
    purge()
    head = requests.head(site + path, timeout=10)
    page = read()
    expect(
        head.status_code == 200 and what(page.text) == "en oldest",
        f"a HEAD keeps the whole page for the next GET ({what(page.text)}, "
        f"{page.headers.get('X-Cache-Status')})",
    )
