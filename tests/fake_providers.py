"""
X and Facebook as allauth meets them, answered by test code.

`FakeProviders` plays both providers' authorization servers and APIs with the JSON
shapes they document (X API v2 `/2/oauth2/token` and `/2/users/me`; Facebook Graph
`/oauth/access_token` and `/me`), and checks what a real one checks: the client's
credentials (HTTP Basic for X, `client_secret` for Facebook), the `redirect_uri`,
the PKCE verifier against the challenge (X), the `appsecret_proof` (Facebook), and
that an authorization code is used once. It also serves the readers' pictures.

It answers in two ways, with the same logic:
- `patch(monkeypatch)` routes every `requests.Session.request` (allauth sends all
  provider calls through one) to it, for tests through Django's test client;
- `serve()` runs it as an HTTP server on 127.0.0.1, for the browser, with an
  "Authorize" page where the reader grants or denies access.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import struct
import threading
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

import requests
from requests.structures import CaseInsensitiveDict

CLIENT = {
    "twitter_oauth2": ("x-client-id", "x-client-secret"),
    "facebook": ("fb-app-id", "fb-app-secret"),
}


def portrait_png(size: int = 96) -> bytes:
    """A small real PNG (a head and shoulders on teal), for avatar checks and looks."""
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter: none
        for x in range(size):
            dx, dy = x - size / 2, y - size * 0.4
            head = dx * dx + dy * dy < (size * 0.18) ** 2
            body = (x - size / 2) ** 2 + (y - size * 1.05) ** 2 < (size * 0.4) ** 2
            row += bytes((250, 236, 214) if head or body else (15, 102, 112))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data).to_bytes(4, "big")
        return len(data).to_bytes(4, "big") + kind + data + crc

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


PNG = portrait_png()
X_USER = {
    "id": "2244994945",
    "name": "Ada Lovelace",
    "username": "ada",
    "verified": False,
    "created_at": "2013-12-14T04:35:55.000Z",
}
FACEBOOK_USER = {
    "id": "10158000123456789",
    "name": "Grace Hopper",
    "first_name": "Grace",
    "last_name": "Hopper",
    "email": "grace@example.com",
}


def providers_settings() -> dict:
    """SOCIALACCOUNT_PROVIDERS with keys for both providers (as the env would give)."""
    from django.conf import settings

    configured = json.loads(json.dumps(settings.SOCIALACCOUNT_PROVIDERS))
    for provider, (client_id, secret) in CLIENT.items():
        configured[provider]["APPS"] = [{"client_id": client_id, "secret": secret}]
    return configured


@dataclass
class Answer:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    location: str = ""

    @classmethod
    def json(cls, status: int, value) -> Answer:
        return cls(status, json.dumps(value).encode())


@dataclass
class FakeProviders:
    base_url: str = "https://fake-provider.test"
    codes: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    calls: list = field(default_factory=list)
    # endpoint name ("token", "profile") -> HTTP status to answer, or "unreachable"
    failures: dict = field(default_factory=dict)
    avatar: tuple[bytes, str] = (PNG, "image/png")
    x_user: dict = field(default_factory=lambda: dict(X_USER))
    facebook_user: dict = field(default_factory=lambda: dict(FACEBOOK_USER))

    # --- The authorization step (the reader's browser at the provider) ---------------

    def grant(self, provider: str, authorize_url: str) -> str:
        """The provider's redirect back to the site after the reader said yes."""
        query = dict(parse_qsl(urlsplit(authorize_url).query))
        assert query["client_id"] == CLIENT[provider][0]
        assert query["response_type"] == "code"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "provider": provider,
            "redirect_uri": query["redirect_uri"],
            "challenge": query.get("code_challenge"),
            "method": query.get("code_challenge_method"),
        }
        back = {"code": code, "state": query["state"]}
        return f"{query['redirect_uri']}?{urlencode(back)}"

    def deny(self, authorize_url: str) -> str:
        query = dict(parse_qsl(urlsplit(authorize_url).query))
        back = {
            "error": "access_denied",
            "error_description": "The user denied the request.",
            "state": query["state"],
        }
        return f"{query['redirect_uri']}?{urlencode(back)}"

    # --- The provider's API (the site's server calling it) ---------------------------

    def answer(self, method: str, url: str, headers, body: bytes) -> Answer:
        parts = urlsplit(url)
        if parts.path == "/favicon.ico":  # a browser asks every site for its icon
            return Answer(200, *self.avatar)
        query = dict(parse_qsl(parts.query))
        form = dict(parse_qsl(body.decode())) if body else {}
        self.calls.append(
            {"method": method, "path": parts.path, "query": query, "form": form}
        )
        path = parts.path
        if path.startswith("/avatar/"):
            return Answer(200, *self.avatar)
        if path == "/authorize" or path.endswith("/dialog/oauth"):
            return self.authorize_page(url, query)
        if path.endswith("/2/oauth2/token"):
            return self.failure("token") or self.x_token(headers, form)
        if path.endswith("/2/users/me"):
            return self.failure("profile") or self.x_profile(headers)
        if path.endswith("/oauth/access_token"):
            return self.failure("token") or self.facebook_token(query)
        if path.endswith("/me"):
            return self.failure("profile") or self.facebook_profile(query)
        return Answer.json(404, {"error": "not found"})

    def failure(self, endpoint: str) -> Answer | None:
        status = self.failures.get(endpoint)
        if status is None:
            return None
        if status == "unreachable":
            raise requests.ConnectionError("fake provider unreachable")
        return Answer.json(
            status, {"error": "server_error", "error_description": "Boom"}
        )

    def use_code(self, provider: str, code: str, redirect_uri: str) -> dict | None:
        grant = self.codes.pop(code, None)  # a code works once
        if grant is None or grant["provider"] != provider:
            return None
        if grant["redirect_uri"] != redirect_uri:
            return None
        return grant

    def x_token(self, headers, form: dict) -> Answer:
        expected = base64.b64encode(":".join(CLIENT["twitter_oauth2"]).encode())
        if headers.get("Authorization") != f"Basic {expected.decode()}":
            return Answer.json(401, {"error": "unauthorized_client"})
        grant = self.use_code(
            "twitter_oauth2", form.get("code", ""), form.get("redirect_uri", "")
        )
        if grant is None or form.get("grant_type") != "authorization_code":
            return Answer.json(400, {"error": "invalid_request"})
        verifier = form.get("code_verifier", "")
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if grant["method"] != "S256" or challenge != grant["challenge"]:
            return Answer.json(400, {"error": "invalid_grant"})
        token = secrets.token_urlsafe(16)
        self.tokens[token] = "twitter_oauth2"
        return Answer.json(
            200,
            {
                "token_type": "bearer",
                "expires_in": 7200,
                "access_token": token,
                "scope": "users.read tweet.read",
            },
        )

    def x_profile(self, headers) -> Answer:
        token = headers.get("Authorization", "").removeprefix("Bearer ")
        if self.tokens.get(token) != "twitter_oauth2":
            return Answer.json(401, {"title": "Unauthorized", "status": 401})
        user = self.x_user | {"profile_image_url": f"{self.base_url}/avatar/ada.png"}
        return Answer.json(200, {"data": user})

    def facebook_token(self, query: dict) -> Answer:
        client_id, secret = CLIENT["facebook"]
        if query.get("client_id") != client_id or query.get("client_secret") != secret:
            return Answer.json(400, {"error": {"message": "Invalid client"}})
        grant = self.use_code(
            "facebook", query.get("code", ""), query.get("redirect_uri", "")
        )
        if grant is None:
            return Answer.json(400, {"error": {"message": "Invalid code"}})
        token = secrets.token_urlsafe(16)
        self.tokens[token] = "facebook"
        return Answer.json(
            200, {"access_token": token, "token_type": "bearer", "expires_in": 5183944}
        )

    def facebook_profile(self, query: dict) -> Answer:
        token = query.get("access_token", "")
        proof = hmac.new(
            CLIENT["facebook"][1].encode(), token.encode(), hashlib.sha256
        ).hexdigest()
        if (
            self.tokens.get(token) != "facebook"
            or query.get("appsecret_proof") != proof
        ):
            return Answer.json(
                400, {"error": {"message": "Invalid OAuth access token"}}
            )
        picture = {
            "data": {
                "height": 200,
                "width": 200,
                "is_silhouette": False,
                "url": f"{self.base_url}/avatar/grace.jpg?oh=signed&oe=expiring",
            }
        }
        return Answer.json(200, self.facebook_user | {"picture": picture})

    def authorize_page(self, url: str, query: dict) -> Answer:
        provider = "facebook" if "dialog/oauth" in url else "twitter_oauth2"
        if "decision" in query:
            full = url.split("&decision=")[0]
            target = (
                self.grant(provider, full)
                if query["decision"] == "allow"
                else self.deny(full)
            )
            return Answer(302, location=target)
        html = (
            "<!doctype html><title>Authorize</title><h1>Authorize Newsroom</h1>"
            f'<p><a id="allow" href="{url}&decision=allow">Authorize app</a></p>'
            f'<p><a id="deny" href="{url}&decision=deny">Cancel</a></p>'
        )
        return Answer(200, html.encode(), "text/html")

    # --- Answering -------------------------------------------------------------------

    def patch(self, monkeypatch) -> FakeProviders:
        """Answer every outgoing `requests` call from this object (unit level)."""
        fake = self

        def request(session, method, url, **kwargs):
            prepared = requests.Request(
                method,
                url,
                params=kwargs.get("params"),
                data=kwargs.get("data"),
                headers=kwargs.get("headers"),
                auth=kwargs.get("auth"),
            ).prepare()
            body = prepared.body or b""
            answer = fake.answer(
                method,
                prepared.url,
                CaseInsensitiveDict(prepared.headers),
                body.encode() if isinstance(body, str) else body,
            )
            response = requests.Response()
            response.status_code = answer.status
            response._content = answer.body
            response._content_consumed = True
            response.headers = CaseInsensitiveDict(
                {"Content-Type": answer.content_type}
            )
            response.url = prepared.url
            response.encoding = "utf-8"
            return response

        monkeypatch.setattr(requests.Session, "request", request)
        return self

    def serve(self) -> ThreadingHTTPServer:
        """Serve on 127.0.0.1 (for the browser); stop with shutdown()."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                try:
                    answer = fake.answer(
                        self.command, fake.base_url + self.path, self.headers, body
                    )
                except requests.ConnectionError:
                    self.close_connection = True
                    return
                self.send_response(answer.status)
                if answer.location:
                    self.send_header("Location", answer.location)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_GET = do_POST = handle_any

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{server.server_port}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server
