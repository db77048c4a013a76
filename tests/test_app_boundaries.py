"""
The one rule between the apps: `comments` knows the site only through the Article
model (newsroom.models) and settings; `newsroom`, the site shell, may import
`comments`. Read from the source, so a new import that breaks it fails here.
"""

import ast
from pathlib import Path

from django.conf import settings

ALLOWED = {"newsroom.models"}


def site_imports(source: str) -> set[str]:
    """The modules of `newsroom` that a module's source imports, at any depth."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            if node.module == "newsroom":
                found.update(names[1:])
            elif node.module.startswith("newsroom."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(
                a.name
                for a in node.names
                if a.name == "newsroom" or a.name.startswith("newsroom.")
            )
    return found


def forbidden_imports(app: Path) -> dict[str, set[str]]:
    problems = {}
    for path in sorted(app.rglob("*.py")):
        if "migrations" in path.parts:
            continue  # migrations name apps by label, and are history
        imported = site_imports(path.read_text()) - ALLOWED
        if imported:
            problems[str(path.relative_to(app.parent))] = imported
    return problems


def test_comments_imports_nothing_of_the_site_but_the_article_model():
    assert forbidden_imports(settings.BASE_DIR / "comments") == {}


def test_the_check_catches_an_import_from_the_site(tmp_path):
    app = tmp_path / "comments"
    (app / "sub").mkdir(parents=True)
    (app / "fine.py").write_text("from newsroom.models import Article\n")
    (app / "sub" / "views.py").write_text(
        "def view():\n    from newsroom.pagecache import mark\n"
        "from newsroom import accounts\nimport newsroom.views\n"
    )

    assert forbidden_imports(app) == {
        "comments/sub/views.py": {
            "newsroom.pagecache",
            "newsroom.accounts",
            "newsroom.views",
        }
    }
