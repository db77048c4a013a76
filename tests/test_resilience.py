"""
The site as production runs it (bench/harness.py: gunicorn, several workers,
production settings): shorter runs of bench/load.py with PostgreSQL stopped, and
with Redis restarted, in the middle; and rate limits shared by the workers.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow  # gunicorn workers, PostgreSQL stopped mid-run


def run_load(tmp_path, *options: str) -> tuple[dict, subprocess.CompletedProcess]:
    output = tmp_path / "load.json"
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    result = subprocess.run(
        [sys.executable, "-m", "bench.load", *options, "--output", str(output)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert output.exists(), result.stderr[-3000:]
    return json.loads(output.read_text()), result


def test_posts_survive_a_database_outage_and_the_site_recovers(tmp_path):
    report, result = run_load(
        tmp_path,
        "--posts", "150", "--clients", "8", "--readers", "2",
        "--signed-in", "4", "--outage", "3",
    )  # fmt: skip

    assert report["accepted"] == 150  # readers retry while the site answers 503
    assert report["stored"] == 150
    assert report["accepted_missing"] == 0
    assert report["stored_twice"] == 0
    assert report["stored_not_accepted"] == 0
    assert report["unstyled_5xx"] == 0
    assert report["503_during_outage"] > 0  # the outage really happened
    assert report["recovery_seconds"] <= 5
    assert report["connection_errors"] == 0
    assert result.returncode == 0


@pytest.mark.skipif(not shutil.which("redis-server"), reason="no redis-server")
def test_a_redis_restart_costs_only_logins_a_503(tmp_path):
    """The harness's own redis-server, stopped for 3 s and started again."""
    report, result = run_load(
        tmp_path,
        "--posts", "150", "--clients", "8", "--readers", "2",
        "--signed-in", "4", "--outage", "3", "--fault", "redis",
    )  # fmt: skip

    assert report["accepted"] == report["stored"] == 150
    assert report["stored_twice"] == 0
    assert report["5xx"]["posting"] == 0
    assert report["5xx"]["anonymous reads"] == 0
    assert report["5xx"]["signed-in reads"] == 0
    assert report["logins"]["503"] > 0  # logins waited for Redis, styled
    assert report["unstyled_5xx"] == 0
    assert report["connection_errors"] == 0
    assert report["recovery_seconds"] <= 5  # logins work again
    assert result.returncode == 0


# The site's sign-in page (allauth: 5 failures an account), and the admin's
# (newsroom.admin_login: 10 an address): the attempt after the limit, and its words.
SIGN_IN_PAGES = {
    "site": ("/accounts/login/", "login", 6, "Too many failed login attempts"),
    "admin": ("/admin/login/", "username", 11, "Too many failed sign-in attempts"),
}


@pytest.mark.skipif(not shutil.which("redis-server"), reason="no redis-server")
@pytest.mark.parametrize("page", SIGN_IN_PAGES)
def test_login_rate_limit_holds_across_app_processes(page):
    """Three gunicorn workers share one Redis (the harness's own, empty): the
    limit counts every attempt."""
    import re

    import requests

    from bench.harness import Site

    url, field, attempts, too_many = SIGN_IN_PAGES[page]
    with Site(workers=3, redis=True) as site:
        site.python(
            "from django.contrib.auth import get_user_model; get_user_model()"
            ".objects.create_user('target', 'target@example.com', 'right-Passw0rd',"
            " is_staff=True)"
        )
        pages = []
        for _ in range(attempts):
            http = requests.Session()  # a new connection, any worker may answer
            form = http.get(f"{site.url}{url}").text
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
            login = "target@example.com" if field == "login" else "target"
            pages.append(
                http.post(
                    f"{site.url}{url}",
                    {"csrfmiddlewaretoken": token, field: login, "password": "wrong"},
                    headers={"Referer": f"{site.url}{url}"},
                ).text
            )
    assert too_many not in pages[0]
    assert too_many in pages[-1]
