"""
The shipped nginx config (deploy/nginx.conf) agrees with the app, and nginx takes
it as `make cluster` runs it. `make cluster-check` drives it end to end.
"""

import re
import shutil
import subprocess

import pytest
from django.conf import settings

from bench.cluster import NGINX_CONF, Nginx
from comments.cookies import AUTHOR_COOKIE, HELD_COOKIE
from comments.discussion import MESSAGES_COOKIE
from newsroom.routers import RECENT_WRITE_COOKIE


def bypass_cookies() -> set[str]:
    """The cookies that send a reader past nginx's cache."""
    config = NGINX_CONF.read_text()
    match = re.search(r"\$reader_has_state \{.*?\)\((.*?)\)=", config, re.S)
    assert match, "the $reader_has_state map is gone"
    return set(match.group(1).split("|"))


def test_readers_with_their_own_state_bypass_the_shared_cache():
    # Everyone comments.discussion.shares_page keeps from the shared page, and
    # a reader who has just written (they read the primary, not the replica).
    assert bypass_cookies() == {
        settings.SESSION_COOKIE_NAME,
        HELD_COOKIE,
        AUTHOR_COOKIE,
        MESSAGES_COOKIE,
        RECENT_WRITE_COOKIE,
    }


@pytest.mark.skipif(
    not shutil.which("nginx") and not shutil.which("/usr/sbin/nginx"),
    reason="no nginx (apt-get install nginx; make cluster installs it)",
)
def test_nginx_accepts_the_config_as_the_cluster_runs_it(tmp_path):
    server = Nginx(tmp_path, [8000, 8001])
    for folder in ("cache", "temp"):
        (tmp_path / folder).mkdir()
    (tmp_path / "newsroom.conf").write_text(server.site_config())
    (tmp_path / "nginx.conf").write_text(server.main_config().replace("user ", "#"))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"

    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
