"""
The shipped nginx config (deploy/nginx.conf) agrees with the app, and nginx takes
it as `make cluster` runs it. `make cluster-check` drives it end to end.
"""

import http.client
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory

from bench.cluster import BASE_DIR, NGINX_CONF, Nginx
from bench.harness import free_port
from comments.discussion import (
    MESSAGES_COOKIE,
    SCRIPT_COOKIES,
    SCRIPTED_COOKIE,
    SORTS,
    VARIANT_COOKIES,
    shares_page,
    variant_of,
)
from newsroom.routers import RECENT_WRITE_COOKIE
from readers.cookies import AUTHOR_COOKIE, HELD_COOKIE

needs_nginx = pytest.mark.skipif(
    not shutil.which("nginx") and not shutil.which("/usr/sbin/nginx"),
    reason="no nginx (apt-get install nginx; make cluster installs it)",
)


def state_rules() -> list[tuple[str, str]]:
    """The $reader_has_state map's regexes in order (the first match decides)."""
    config = NGINX_CONF.read_text()
    match = re.search(r"\$reader_has_state \{(.*?)\}", config, re.S)
    assert match, "the $reader_has_state map is gone"
    return re.findall(r'"~(.*?)" ([01]);', match.group(1))


def bypass_cookies() -> set[str]:
    """The cookies that send a reader past nginx's cache, with a script or not."""
    return {
        name
        for regex, bypass in state_rules()
        if bypass == "1"
        for name in re.search(r"\)\((.*?)\)=", regex).group(1).split("|")
    }


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


def test_a_script_that_runs_shares_the_page_but_not_a_message_or_a_write():
    # In the order nginx tries them: a message or a write bypasses first, then
    # the script's cookie shares the page whatever of the reader's follows.
    (always, scripted, unless_scripted) = state_rules()
    assert re.findall(r"\w+", always[0].split("(", 2)[2]) == [
        MESSAGES_COOKIE,
        RECENT_WRITE_COOKIE,
    ]
    assert scripted == (rf"(^|;\s*){SCRIPTED_COOKIE}=1(;|$)", "0")
    assert set(re.findall(r"\w+", unless_scripted[0].split("(", 2)[2])) == {
        settings.SESSION_COOKIE_NAME,
        HELD_COOKIE,
        AUTHOR_COOKIE,
    }


def cookie_maps() -> dict[str, tuple[str, list[str]]]:
    """nginx's maps of a cookie: its name, the variable and the values it keeps."""
    maps = re.findall(
        r"map \$cookie_(\w+) \$(\w+) \{(.*?)\}", NGINX_CONF.read_text(), re.S
    )
    return {
        name: (variable, [line.split()[0] for line in body.strip().splitlines()[1:]])
        for name, variable, body in maps
    }


def test_the_cache_key_is_the_address_and_the_variant_cookies():
    config = NGINX_CONF.read_text()
    maps = cookie_maps()

    # Each cookie a shared page varies by, with the values the app keys it by.
    assert {name: tuple(values) for name, (_, values) in maps.items()} == (
        VARIANT_COOKIES
    )
    variables = "|".join(f"${variable}" for variable, _ in maps.values())
    assert f'proxy_cache_key "$request_uri|{variables}";' in config
    # Purged by the same parts (newsroom.purge names copies so).
    assert '"$purge_address|$purge_language|$purge_sort"' in config


def test_a_cookie_of_the_key_read_two_ways_goes_past_the_cache():
    config = NGINX_CONF.read_text()
    odd = dict(re.findall(r"map \$http_cookie \$(odd_\w+) \{(.*?)\}", config, re.S))
    bypass = re.search(r"proxy_cache_bypass ([^;]*);", config).group(1).split()
    no_cache = re.search(r"proxy_no_cache ([^;]*);", config).group(1).split()

    for name, values in VARIANT_COOKIES.items():
        (variable,) = (variable for variable, body in odd.items() if name in body)
        assert f"{name}=({'|'.join(values)})(;|$)" in odd[variable]
        assert f"${variable}" in bypass
        assert f"${variable}" in no_cache
    assert len(odd) == len(VARIANT_COOKIES)


def test_the_pages_script_reads_no_cookie_of_the_key_or_the_bypass():
    scripts = (BASE_DIR / "static" / "js").glob("*.js")
    read = {
        name
        for script in scripts
        for name in re.findall(
            r"document\.cookie\.match\(/[^/]*?(\w+)=", script.read_text()
        )
    }

    # What the script marks on the page every reader shares, per reader: neither
    # a variant of the page nor a reason to skip the shared one.
    assert read == set(SCRIPT_COOKIES)
    assert not read & (set(VARIANT_COOKIES) | bypass_cookies())


@needs_nginx
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


class EchoingNginx(Nginx):
    """
    The shipped config whose app servers are a server of its own that answers
    what reached it: the language nginx sent, its order and the cookies.
    """

    def __init__(self, folder):
        self.echo_port = free_port()
        super().__init__(folder, [self.echo_port, self.echo_port])

    def site_config(self) -> str:
        return super().site_config() + (
            f"server {{ listen 127.0.0.1:{self.echo_port}; location / {{ return 200 "
            '"$http_accept_language\\n$newsroom_sort\\n$http_cookie"; } }\n'
        )


def odd_cookies(name: str, value: str) -> list[str]:
    """A cookie of the key written every way nginx and Django may read apart."""
    other = next(v for v in VARIANT_COOKIES[name] if v != value)
    return [
        f'{name}="{value}"',
        f"{name}={value.upper()}",
        f"{name.upper()}={value}",
        f"{name}={value}-x",
        f"{name}={value}; {name}={other}",
        f"{name}={value}; {name}={value}",
        f"a=b,{name}={value}",
        f"{name}={value},a=b",
        f"{name}={value} ;a=b",
        f"{name} = {value}",
        f"x{name}={value}",
        f"{name}=",
    ]


REQUESTS = [
    ({}, False),
    ({"Accept-Language": "zh-TW,zh;q=0.9"}, False),
    ({"Accept-Language": "en;q=0.1, ar"}, False),
    ({"Accept-Language": "fr, AR-eg;q=0.5, zh"}, False),
    ({"Accept-Language": "*"}, False),
    ({"Accept-Language": "zh_CN"}, False),
    ({"Cookie": "theme=dark; liked_comments=1-2"}, False),
    ({"Cookie": "django_language=ar; comment_sort=liked"}, False),
    (
        {
            "Cookie": "comment_sort=newest;django_language=zh-hans",
            "Accept-Language": "ar",
        },
        False,
    ),
    *(
        ({"Cookie": f"a=1; {name}={value}", "Accept-Language": "zh"}, False)
        for name, values in VARIANT_COOKIES.items()
        for value in values
    ),
    *(
        ({"Cookie": cookie, "Accept-Language": "ar"}, True)
        for name, values in VARIANT_COOKIES.items()
        for value in values
        for cookie in odd_cookies(name, value)
    ),
]


@needs_nginx
def test_nginx_reads_each_request_as_the_app_does(db):
    """
    Through the shipped config: a request nginx keys is one the app names
    exactly, with the same language and order; every other goes past the cache.
    """
    # Not pytest's tmp_path: as root, nginx's workers run as nobody, who must
    # reach the cache folder.
    folder = Path(tempfile.mkdtemp(prefix="newsroom-nginx-"))
    folder.chmod(0o755)
    server = EchoingNginx(folder)
    try:
        server.start()
        for headers, odd in REQUESTS:
            connection = http.client.HTTPConnection("127.0.0.1", server.port)
            connection.request("GET", "/", headers=headers)
            answer = connection.getresponse()
            language, sort, cookie = answer.read().decode().split("\n")
            bypassed = answer.getheader("X-Cache-Status") == "BYPASS"
            connection.close()
            # What the app reads of what nginx sent it.
            variant = variant_of(
                RequestFactory().get(
                    "/", HTTP_ACCEPT_LANGUAGE=language, HTTP_COOKIE=cookie
                )
            )

            assert bypassed == odd == (not variant.exact), headers
            if not odd:
                assert variant.language == language, headers
                assert variant.sort == (next(iter(SORTS)) if sort == "-" else sort)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


# Cookies of a reader with state of their own, and whether nginx shares its copy
# with them (as the app's shares_page does, but for a write just made).
READERS = [
    ("sessionid=abc", False),
    ("sessionid=abc; scripted=1", True),
    ("scripted=1; held_comments=x; comment_author=y", True),
    ("comment_author=y; scripted=1; liked_comments=4", True),
    ("sessionid=abc; scripted=0", False),
    ("sessionid=abc; scripted=1x", False),
    ("sessionid=abc; xscripted=1", False),
    ("sessionid=abc; scripted=1; messages=m", False),
    ("scripted=1; messages=m", False),
    ("sessionid=abc; scripted=1; recent_write=w", False),
]


@needs_nginx
def test_nginx_shares_its_copy_with_a_reader_whose_script_runs(db):
    folder = Path(tempfile.mkdtemp(prefix="newsroom-nginx-"))
    folder.chmod(0o755)
    server = EchoingNginx(folder)
    try:
        server.start()
        for cookie, shared in READERS:
            connection = http.client.HTTPConnection("127.0.0.1", server.port)
            connection.request("GET", "/", headers={"Cookie": cookie})
            answer = connection.getresponse()
            answer.read()
            bypassed = answer.getheader("X-Cache-Status") == "BYPASS"
            connection.close()
            request = RequestFactory().get("/", HTTP_COOKIE=cookie)

            assert bypassed == (not shared), cookie
            if RECENT_WRITE_COOKIE not in cookie:
                assert shares_page(request) == shared, cookie
        # What the script asks for them is theirs: not even looked up in the
        # cache, whose lock would queue readers asking for it at once.
        for own in ("/api/v1/me/?article=1", "/comments/stamp/1/"):
            connection = http.client.HTTPConnection("127.0.0.1", server.port)
            connection.request("GET", own, headers={"Cookie": "scripted=1"})
            answer = connection.getresponse()
            answer.read()
            connection.close()

            assert answer.status == 200
            assert answer.getheader("X-Cache-Status") is None, own
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
