"""
A shorter run of bench/load.py: gunicorn with production settings, readers and
commenters at once, PostgreSQL stopped for a few seconds in the middle.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


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
