"""
Real answers held to the API's own OpenAPI document (/api/v1/openapi.json): the
schema the document gives an operation's status is checked with jsonschema
(OpenAPI 3.1 schemas are JSON Schema 2020-12), formats included.
"""

import functools

from django.test import Client
from jsonschema import Draft202012Validator, FormatChecker

DOCUMENT = "/api/v1/openapi.json"


@functools.cache
def document() -> dict:
    return Client().get(DOCUMENT).json()


def operation(path: str, method: str) -> dict:
    """The operation the document gives for a path template ("/api/v1/me/")."""
    paths = document()["paths"]
    assert path in paths, f"{path} is not in the OpenAPI document"
    assert method.lower() in paths[path], f"{method} {path} is not documented"
    return paths[path][method.lower()]


def assert_documented(response, path: str, method: str = "GET") -> dict:
    """The answer's JSON, after checking it against the document's schema."""
    responses = operation(path, method)["responses"]
    status = str(response.status_code)
    assert status in responses, f"{method} {path} answered {status}, undocumented"
    if response.status_code == 204:
        return {}
    schema = responses[status]["content"]["application/json"]["schema"]
    root = schema | {"components": document().get("components", {})}
    body = response.json()
    Draft202012Validator(root, format_checker=FormatChecker()).validate(body)
    return body
