"""
The site as production runs it (bench/harness.py: gunicorn, several workers,
production settings): a shorter run of bench/load.py with PostgreSQL stopped in the
middle, and rate limits shared by the workers.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow  # gunicorn workers, PostgreSQL stopped mid-run


def test_posts_survive_a_database_outage_and_the_site_recovers(tmp_path):
    output = tmp_path / "load.json"
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    result = subprocess.run(
        [
            sys.executable, "-m", "bench.load",
            "--posts", "150", "--clients", "8", "--readers", "2",
            "--signed-in", "4", "--outage", "3", "--output", str(output),
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert output.exists(), result.stderr[-3000:]
    report = json.loads(output.read_text())

    assert report["accepted"] == 150  # readers retry while the site answers 503
    assert report["stored"] == 150
    assert report["accepted_missing"] == 0
    assert report["stored_twice"] == 0
    assert report["stored_not_accepted"] == 0
    assert report["unstyled_5xx"] == 0
    assert report["503_during_outage"] > 0  # the outage really happened
    assert report["recovery_seconds"] <= 5
    assert result.returncode == 0


def test_login_rate_limit_holds_across_app_processes():
    """Three gunicorn workers share one Redis: the limit counts every attempt."""
    import re

    import redis
    import requests

    from bench.harness import Site

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/14").flushdb()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    with Site(workers=3, env={"REDIS_URL": "redis://127.0.0.1:6379/14"}) as site:
        site.python(
            "from django.contrib.auth import get_user_model; get_user_model()"
            ".objects.create_user('target', 'target@example.com', 'right-Passw0rd')"
        )
        pages = []
        for _ in range(6):
            http = requests.Session()  # a new connection, any worker may answer
            form = http.get(f"{site.url}/accounts/login/").text
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
            pages.append(
                http.post(
                    f"{site.url}/accounts/login/",
                    {
                        "csrfmiddlewaretoken": token,
                        "login": "target@example.com",
                        "password": "wrong",
                    },
                    headers={"Referer": f"{site.url}/accounts/login/"},
                ).text
            )
    assert "Too many failed login attempts" not in pages[0]
    assert "Too many failed login attempts" in pages[-1]
