"""The zero-config database keeps its data when the server stops and starts."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow  # a PostgreSQL server started in new processes


def in_new_process(pgdata: Path, code: str) -> str:
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        import psycopg
        from newsroom import db
        address = db.embedded_server_address(Path({str(pgdata)!r}))
        conn = psycopg.connect(
            dbname=db.DATABASE_NAME, user="postgres", autocommit=True, **{{
                "host": address["HOST"], "port": address["PORT"]}}
        )
        """
    ) + textwrap.dedent(code)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_embedded_database_keeps_data_across_a_restart(tmp_path):
    pgdata = tmp_path / "pgdata"
    in_new_process(
        pgdata,
        """
        conn.execute("CREATE TABLE note (body text)")
        conn.execute("INSERT INTO note VALUES ('still here')")
        """,
    )
    # The first process was the last user: the server stopped with it.
    assert not (pgdata / "postmaster.pid").exists()

    out = in_new_process(
        pgdata, 'print(conn.execute("SELECT body FROM note").fetchone()[0])'
    )

    assert out.strip() == "still here"


def test_a_process_killed_without_cleanup_does_not_block_the_next_start(tmp_path):
    pgdata = tmp_path / "pgdata"
    in_new_process(pgdata, "")
    # A pid that no longer exists, and a list left empty by a killed process.
    (pgdata / ".handle_pids.json").write_text("")
    out = in_new_process(pgdata, 'print(conn.execute("SELECT 41 + 1").fetchone()[0])')
    assert out.strip() == "42"


def attached(pgdata: Path, code: str = "") -> subprocess.Popen:
    """A process using the server, running `code`, until its input is closed."""
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from newsroom import db
        db.embedded_server_address(Path({str(pgdata)!r}))
        """
    ) + textwrap.dedent(code)
    script += "\nprint('attached', flush=True)\nsys.stdin.read()\n"
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline() == "attached\n", process.communicate()[1]
    return process


def leave(process: subprocess.Popen) -> str:
    """Let the process end as it would (its exit clean-up runs); its errors."""
    _, errors = process.communicate("", timeout=120)
    return errors


def test_the_last_process_stops_the_server_though_another_was_killed(tmp_path):
    pgdata = tmp_path / "pgdata"
    try:
        child = attached(pgdata)
        worker = attached(pgdata)
        # As runserver's reloader kills its child when Ctrl-C doesn't stop it within
        # a quarter of a second: no clean-up, its pid left on the package's list.
        child.kill()
        child.wait()

        assert leave(worker) == ""
        assert not (pgdata / "postmaster.pid").exists()
    finally:  # a server left running is stopped by the next last process
        in_new_process(pgdata, "")


def test_a_second_signal_does_not_cut_the_exit_clean_up_short(tmp_path):
    pgdata = tmp_path / "pgdata"
    # The task worker's handler (a second Ctrl-C, or the TERM `make run` sends it
    # once the web server has stopped, ends it at once), and signals that keep
    # coming while the process exits.
    worker = attached(
        pgdata,
        """
        import atexit, os, signal, threading, time
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

        def keep_signalling():
            time.sleep(0.01)  # from the clean-up on, not in the middle of start()
            while True:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0.001)

        atexit.register(
            lambda: threading.Thread(target=keep_signalling, daemon=True).start()
        )
        """,
    )
    try:
        errors = leave(worker)

        assert "Exception ignored" not in errors, errors
        assert not (pgdata / "postmaster.pid").exists()
        assert (pgdata / ".handle_pids.json").read_text() == "[]"
    finally:
        in_new_process(pgdata, "")
