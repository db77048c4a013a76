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
