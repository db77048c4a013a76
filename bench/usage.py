"""
What the cluster used while make cluster-bench drove it: the CPU time of each
part (nginx, each app server, the worker, the PostgreSQL primary and replica,
Redis, and wrk itself), the statements PostgreSQL ran for the app
(pg_stat_statements), and the memory Redis holds. Read before and after a run,
the difference divided by the requests: what docs/capacity.md is built from.
"""

import contextlib
import resource

from bench.cluster import Cluster

# The role the benchmark's own SQL runs as, so that pg_stat_statements can tell
# its statements from the app's (which connects as postgres).
BENCH_ROLE = "cluster_bench"


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and its descendants, those still running or reaped."""
    import psutil

    root = psutil.Process(pid)
    total = 0.0
    for process in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            times = process.cpu_times()
            total += times.user + times.system
            total += times.children_user + times.children_system
    return total


class Meter:
    """What the cluster has used so far: CPU by part, statements, Redis memory."""

    def __init__(self, cluster: Cluster):
        self.cluster = cluster

    def parts(self) -> dict[str, int]:
        cluster = self.cluster

        def postmaster(server) -> int:
            return int((server.pgdata / "postmaster.pid").read_text().split()[0])

        assert cluster.nginx.process and cluster.worker and cluster.redis.process
        return {
            "nginx": cluster.nginx.process.pid,
            **{
                f"app server {n}": process.pid
                for n, process in enumerate(cluster.app_servers, 1)
            },
            "task worker": cluster.worker.pid,
            "primary": postmaster(cluster.primary),
            "replica": postmaster(cluster.replica),
            "redis": cluster.redis.process.pid,
        }

    def read(self) -> dict[str, float]:
        import redis

        usage = {part: cpu_seconds(pid) for part, pid in self.parts().items()}
        usage["wrk"] = wrk_seconds()
        # The app's statements: every role's but the benchmark's own.
        query = (
            "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements"
            f" WHERE userid <> '{BENCH_ROLE}'::regrole"
        )
        for name, server in [
            ("primary", self.cluster.primary),
            ("replica", self.cluster.replica),
        ]:
            usage[f"statements {name}"] = float(
                server.sql(query, user=BENCH_ROLE)[0][0]
            )
        # What the primary keeps, and what it sends the replica (and backups).
        size, wal = self.cluster.primary.sql(
            "SELECT pg_database_size(current_database()),"
            " pg_current_wal_lsn() - '0/0'::pg_lsn",
            user=BENCH_ROLE,
        )[0]
        usage["database bytes"], usage["wal bytes"] = float(size), float(wal)
        memory = redis.Redis.from_url(self.cluster.redis.url).info("memory")
        usage["redis bytes"] = float(memory["used_memory"])
        return usage


def wrk_seconds() -> float:
    """CPU time of this script's finished children: wrk, when it alone ran."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime


def spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    spent = {key: after[key] - before[key] for key in before}
    spent["app servers"] = sum(
        v for k, v in spent.items() if k.startswith("app server ")
    )
    spent["statements"] = spent["statements primary"] + spent["statements replica"]
    return spent


def costs(used: dict[str, float], requests: int, app_requests: int) -> dict:
    """
    Per request: CPU milliseconds of each part, and statements per request that
    reached an app server (nginx answers the others alone).
    """
    parts = [
        "nginx",
        "app servers",
        "primary",
        "replica",
        "redis",
        "task worker",
        "wrk",
    ]
    figures = {
        f"cpu ms/request {part}": round(used[part] * 1000 / max(requests, 1), 3)
        for part in parts
    }
    figures["cpu ms/request cluster"] = round(
        sum(used[part] for part in parts if part != "wrk") * 1000 / max(requests, 1), 3
    )
    figures["statements/app request"] = (
        round(used["statements"] / app_requests, 2) if app_requests else 0
    )
    return figures
