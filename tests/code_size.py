"""
The size rule of the house style: no app module over 600 lines, no app function
over 60, counted from its `def` to its last line, docstring included. Migrations
are history and aside; an app is a folder with an apps.py. ruff's statement and
complexity counts (PLR0915, C901) don't count lines, so this counts them.

`make lint` runs it: `python -m tests.code_size` names each module and function
too long and fails.
"""

import ast
import sys
from pathlib import Path

MODULE_LINES = 600
FUNCTION_LINES = 60


def app_modules(base: Path) -> list[Path]:
    """Every module of every app under `base`, migrations aside."""
    return [
        path
        for app in sorted(p.parent for p in base.glob("*/apps.py"))
        for path in sorted(app.rglob("*.py"))
        if "migrations" not in path.relative_to(app).parts
    ]


def too_long(base: Path) -> list[str]:
    """The modules and functions over the limits, as `path[:line name]: N lines`."""
    found = []
    for path in app_modules(base):
        source = path.read_text()
        name = path.relative_to(base)
        lines = len(source.splitlines())
        if lines > MODULE_LINES:
            found.append(f"{name}: {lines} lines (at most {MODULE_LINES})")
        for node in ast.walk(ast.parse(source, str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > FUNCTION_LINES:
                    found.append(
                        f"{name}:{node.lineno} {node.name}: {length} lines "
                        f"(at most {FUNCTION_LINES})"
                    )
    return found


def main() -> int:
    found = too_long(Path(__file__).resolve().parent.parent)
    for line in found:
        print(line)
    if found:
        print("Split them: a module past 600 lines, a function past 60 (STYLE.md).")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
