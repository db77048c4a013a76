"""
The configuration reference (docs/configuration.md) and the code read the same
environment variables: every variable read anywhere in newsroom/ or comments/ has
a row in its table, and every row names a variable something still reads. Read
from the sources, so a variable read only on some paths (EMBEDDED_PGDATA, without
DATABASE_URL) counts as much as the others.
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

REFERENCE = Path(settings.BASE_DIR) / "docs" / "configuration.md"
PACKAGES = ("newsroom", "comments")
# newsroom.settings' readers, which take the variable's name first.
READERS = {"env_str", "env_bool", "env_int", "env_list"}
NAME = re.compile(r"[A-Z][A-Z0-9_]*")


def is_environ(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


def named(node: ast.expr, where: str) -> str:
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        raise AssertionError(
            f"{where}: an environment variable named by an expression; name it "
            "with a string, so that the configuration reference can be held to it"
        )
    return node.value


def variables_read(source: str, where: str = "<source>") -> set[str]:
    """
    The environment variables a module reads: the names given to the settings'
    readers (env_str, …) and to os.environ.get, os.environ[…] and os.getenv, except
    inside those readers themselves, which read whatever name they are given.
    """
    names: set[str] = set()
    tree = ast.parse(source)
    readers = {
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name in READERS
    }
    inside_readers = {inner for reader in readers for inner in ast.walk(reader)}
    for node in ast.walk(tree):
        if node in inside_readers:
            continue
        if isinstance(node, ast.Call):
            func = node.func
            reads = (
                (isinstance(func, ast.Name) and func.id in READERS)
                or (
                    isinstance(func, ast.Attribute)
                    and func.attr == "get"
                    and is_environ(func.value)
                )
                or (isinstance(func, ast.Attribute) and func.attr == "getenv")
            )
            if reads:
                names.add(named(node.args[0], f"{where}:{node.lineno}"))
        elif (
            isinstance(node, ast.Subscript)
            and is_environ(node.value)
            and isinstance(node.ctx, ast.Load)
        ):
            names.add(named(node.slice, f"{where}:{node.lineno}"))
    return names


def read_by_the_code() -> set[str]:
    base = Path(settings.BASE_DIR)
    names: set[str] = set()
    for package in PACKAGES:
        for path in sorted((base / package).rglob("*.py")):
            names |= variables_read(path.read_text(), str(path.relative_to(base)))
    return names


def in_the_reference(markdown: str) -> set[str]:
    """The variables the reference's table describes: the names in its rows' first
    cells (a row may describe several, `A`, `B`)."""
    names: set[str] = set()
    for line in markdown.splitlines():
        if not line.startswith("| `"):
            continue
        first_cell = line.split("|")[1]
        names |= {
            name
            for name in re.findall(r"`([^`]+)`", first_cell)
            if NAME.fullmatch(name)
        }
    return names


def test_every_variable_the_code_reads_is_in_the_reference():
    missing = read_by_the_code() - in_the_reference(REFERENCE.read_text())
    assert not missing, f"Read but not described in {REFERENCE.name}: {missing}"


def test_every_variable_in_the_reference_is_read_by_the_code():
    stale = in_the_reference(REFERENCE.read_text()) - read_by_the_code()
    assert not stale, f"Described in {REFERENCE.name} but read nowhere: {stale}"


def test_a_variable_left_out_of_the_reference_is_noticed():
    reference = REFERENCE.read_text()
    without = "\n".join(
        line for line in reference.splitlines() if not line.startswith("| `REDIS_URL`")
    )

    assert "REDIS_URL" in in_the_reference(reference)
    assert read_by_the_code() - in_the_reference(without) == {"REDIS_URL"}


def test_a_row_in_a_table_cell_names_each_of_its_variables():
    row = (
        "| `SESSION_COOKIE_SECURE`, `CSRF_COOKIE_SECURE` | on | Cookies, `1` or `0`. |"
    )

    assert in_the_reference(row) == {"SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"}


def test_every_way_of_reading_the_environment_is_noticed():
    source = """
import os
from os import environ
A = env_int("A_NUMBER", 1)
B = os.environ.get("A_URL")
C = os.environ["A_KEY"]
D = os.getenv("A_FLAG")
E = environ.get("A_LIST", "")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

def env_int(name, default):
    return int(os.environ.get(name, default))
"""
    assert variables_read(source) == {"A_NUMBER", "A_URL", "A_KEY", "A_FLAG", "A_LIST"}


@pytest.mark.parametrize(
    "source",
    [
        'SECRET = env_str(PREFIX + "_SECRET")',
        "import os\nKEY = os.environ.get(name)",
    ],
)
def test_a_variable_named_by_an_expression_is_refused(source):
    with pytest.raises(AssertionError, match="named by an expression"):
        variables_read(source)
