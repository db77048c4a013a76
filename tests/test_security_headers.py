"""Headers that back up escaping: CSP, framing, sniffing, referrers, features."""

import pytest


@pytest.mark.parametrize("url", ["/", "/admin/login/", "/healthz"])
def test_every_page_has_a_strict_content_security_policy(client, db, url):
    csp = client.get(url)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"].startswith("'self'")
    assert "unsafe-inline" not in csp


def test_other_protective_headers(client, db):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]


def test_templates_have_no_inline_scripts_or_styles():
    from pathlib import Path

    for template in Path("templates").rglob("*.html"):
        if "email" in template.parts:
            continue  # mail clients need inline styles; no CSP applies to mail
        text = template.read_text()
        assert "<script>" not in text, template
        assert "style=" not in text, template
        assert "<style" not in text, template
        assert " onclick=" not in text and " onload=" not in text, template


def test_pages_are_compressed_only_for_readers_without_a_session(client, article):
    anonymous = client.get(article.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    assert anonymous["Content-Encoding"] == "gzip"

    from tests.factories import make_user

    client.force_login(make_user())
    signed_in = client.get(article.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in signed_in
