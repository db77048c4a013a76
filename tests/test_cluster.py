"""
The cluster (bench/cluster.py: nginx, two app servers, the worker, Redis, a
PostgreSQL primary and its streaming replica) starts, a comment posted through
nginx is read back at once by its author and reaches the replica, no language or
order cookie read two ways leaves its page in the copy other readers get
(bench.shared_copies), and everything stops again. The same as `make cluster-check`.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.slow,  # starts a dozen processes
    pytest.mark.skipif(
        not (shutil.which("nginx") or shutil.which("/usr/sbin/nginx"))
        or not shutil.which("redis-server"),
        reason="needs nginx and redis-server (make cluster-check installs them)",
    ),
]


def test_a_reader_reads_their_comment_back_and_the_replica_catches_up():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}

    result = subprocess.run(
        [sys.executable, "-m", "bench.cluster", "--check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert "FAIL" not in result.stdout, result.stdout
    assert "cluster check: passed" in result.stdout, result.stdout + result.stderr
    assert result.returncode == 0
    assert "the replica has it" in result.stdout
