"""
The benchmarks' CPU meter (bench.usage.cpu_seconds, read by make compare and make
cluster-bench) counts a process's children after they have exited: PostgreSQL's
backends and autovacuum workers come and go during a run, and counting only the
processes alive at each reading gave make compare negative CPU per post.
"""

import subprocess
import sys
import time

import psutil

from bench.usage import cpu_seconds

# A parent that, once told on stdin, runs a child burning 0.5 s of CPU, reaps it,
# says so, and waits to be stopped.
PARENT = """
import subprocess, sys
sys.stdin.readline()
subprocess.run([sys.executable, "-c",
    "import time\\nend = time.process_time() + 0.5\\n"
    "while time.process_time() < end: pass"], check=True)
print("reaped", flush=True)
sys.stdin.readline()
"""


def alive_only(pid: int) -> float:
    """What make compare summed before: the processes alive at the reading."""
    root = psutil.Process(pid)
    return sum(sum(p.cpu_times()[:2]) for p in [root, *root.children(recursive=True)])


def test_an_exited_childs_cpu_still_counts():
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(0.3)  # the interpreter has started
        before, before_alive = cpu_seconds(parent.pid), alive_only(parent.pid)
        parent.stdin.write("go\n")
        parent.stdin.flush()
        assert parent.stdout.readline() == "reaped\n"
        after, after_alive = cpu_seconds(parent.pid), alive_only(parent.pid)
    finally:
        parent.kill()
        parent.wait()
    assert after - before >= 0.45
    # Counting the living only loses the child's half second.
    assert after_alive - before_alive < 0.2
