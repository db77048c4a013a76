"""
The one rule between the apps (docs/architecture.md): arrows run one way at every
level. An app depends on another when one of its modules imports it, names one of
its models in a string ("comments.Comment", as relations and signals may), or one
of its migrations depends on one of the other's. The graph of those arrows,
read from the sources, must have no cycle: a new import, a relation or a
migration dependency that closes one fails here, naming it.
"""

import ast
import re
from itertools import pairwise
from pathlib import Path

from django.apps import apps as registry
from django.conf import settings

MODEL_NAME = re.compile(r"^(\w+)\.([A-Za-z_]\w*)$")


def apps_in(base: Path) -> dict[str, Path]:
    """Our apps, by label: the folders with an apps.py."""
    return {path.parent.name: path.parent for path in base.glob("*/apps.py")}


def names_a_model(label: str, name: str) -> bool:
    """
    Whether "label.name" names a model of the app (or a permission on one). An
    app the site doesn't install is taken at its word.
    """
    try:
        config = registry.get_app_config(label)
    except LookupError:
        return True
    names = set()
    for model in config.get_models(include_auto_created=True):
        meta = model._meta
        names.add(meta.model_name)
        names.update(
            f"{action}_{meta.model_name}" for action in meta.default_permissions
        )
        names.update(codename for codename, _ in meta.permissions)
    return name.lower() in names


def named_apps(source: str, labels: set[str]) -> set[str]:
    """The apps among `labels` that a module imports, or names a model of."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            # A model ("comments.Comment"; "comments.comment" in migrations) or
            # a permission ("comments.add_ban") named in a string; not a salt.
            named = MODEL_NAME.match(node.value)
            if named and names_a_model(*named.groups()):
                found.add(named.group(1))
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2:
            # A migration's dependency: ("comments", "0002_initial").
            app, name = node.elts
            if (
                isinstance(app, ast.Constant)
                and isinstance(name, ast.Constant)
                and isinstance(name.value, str)
                and name.value[:4].isdigit()
            ):
                found.add(str(app.value))
    return found & labels


def app_graph(base: Path) -> dict[str, dict[str, list[str]]]:
    """For each app, the apps it depends on, with the modules that say so."""
    apps = apps_in(base)
    graph: dict[str, dict[str, list[str]]] = {label: {} for label in apps}
    for label, folder in apps.items():
        for path in sorted(folder.rglob("*.py")):
            for other in named_apps(path.read_text(), set(apps) - {label}):
                graph[label].setdefault(other, []).append(str(path.relative_to(base)))
    return graph


def cycle(graph: dict[str, dict[str, list[str]]]) -> list[str]:
    """A cycle of the graph as the apps along it (first one again at the end)."""
    done: set[str] = set()

    def visit(app: str, path: list[str]) -> list[str]:
        if app in path:
            return [*path[path.index(app) :], app]
        if app in done:
            return []
        for other in sorted(graph[app]):
            found = visit(other, [*path, app])
            if found:
                return found
        done.add(app)
        return []

    for app in sorted(graph):
        found = visit(app, [])
        if found:
            return found
    return []


def explain(graph: dict[str, dict[str, list[str]]], apps: list[str]) -> list[str]:
    return [f"{a} -> {b}: {', '.join(graph[a][b][:3])}" for a, b in pairwise(apps)]


def test_the_apps_depend_one_way():
    graph = app_graph(settings.BASE_DIR)
    assert explain(graph, cycle(graph)) == []


def test_the_discussion_knows_nothing_of_the_rooms_above_it():
    graph = app_graph(settings.BASE_DIR)
    assert set(graph["comments"]) == {"articles", "readers"}
    assert "newsroom" not in graph["desk"]
    for above in ("desk", "api", "feeds", "privacy"):
        assert "comments" in graph[above]


def test_who_the_reader_is_knows_nothing_of_comments():
    graph = app_graph(settings.BASE_DIR)
    assert set(graph["readers"]) <= {"articles"}


def make_app(base: Path, label: str, files: dict[str, str]) -> None:
    (base / label / "migrations").mkdir(parents=True)
    (base / label / "apps.py").write_text("")
    for name, text in files.items():
        (base / label / name).write_text(text)


def test_the_check_catches_a_cycle_through_a_relation(tmp_path):
    make_app(tmp_path, "articles", {"models.py": "from django.db import models\n"})
    make_app(tmp_path, "comments", {"models.py": "from articles.models import A\n"})
    assert cycle(app_graph(tmp_path)) == []

    (tmp_path / "articles" / "models.py").write_text(
        "class Article:\n    pick = ForeignKey('comments.Comment')\n"
    )
    graph = app_graph(tmp_path)
    assert explain(graph, cycle(graph)) == [
        "articles -> comments: articles/models.py",
        "comments -> articles: comments/models.py",
    ]


def test_a_string_that_names_no_model_is_no_relation(tmp_path):
    """
    A cookie's salt or a system check's id may keep the name of the app it was
    first written in ("comments.held", "comments.E001"): changing it would sign
    readers out or rename a silenced check. It names no model, so it is no arrow.
    """
    make_app(tmp_path, "readers", {"cookies.py": 'SALT = "comments.held"\n'})
    make_app(tmp_path, "comments", {"views.py": "from readers import cookies\n"})
    assert cycle(app_graph(tmp_path)) == []

    (tmp_path / "readers" / "models.py").write_text(
        "permission = 'comments.add_ban'\nuser = ForeignKey('comments.Comment')\n"
    )
    assert app_graph(tmp_path)["readers"] == {"comments": ["readers/models.py"]}


def test_the_check_catches_a_cycle_through_a_migration(tmp_path):
    make_app(tmp_path, "articles", {})
    make_app(tmp_path, "comments", {})
    (tmp_path / "comments" / "migrations" / "0002_initial.py").write_text(
        "dependencies = [('articles', '0001_initial')]\n"
        "fields = [ForeignKey(to='articles.article')]\n"
    )
    assert cycle(app_graph(tmp_path)) == []

    (tmp_path / "articles" / "migrations" / "0002_picks.py").write_text(
        "dependencies = [('articles', '0001_initial'), ('comments', '0002_initial')]\n"
    )
    graph = app_graph(tmp_path)
    assert explain(graph, cycle(graph)) == [
        "articles -> comments: articles/migrations/0002_picks.py",
        "comments -> articles: comments/migrations/0002_initial.py",
    ]


def is_views(module: str) -> bool:
    """A module of views: views.py, or one named for whose views it holds."""
    name = module.rsplit(".", 1)[-1]
    return name == "views" or name.endswith("_views")


def views_importing_views(base: Path) -> dict[str, set[str]]:
    """
    Modules of views that import another module of views. Views are leaves: what
    two of them share belongs in a module named for what it is (STYLE.md).
    """
    found = {}
    for folder in apps_in(base).values():
        for path in sorted(folder.rglob("*.py")):
            module = ".".join(path.relative_to(base).with_suffix("").parts)
            if not is_views(module):
                continue
            imported = set()
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and node.module:
                    imported.update(
                        f"{node.module}.{alias.name}" for alias in node.names
                    )
                    imported.add(node.module)
                elif isinstance(node, ast.Import):
                    imported.update(alias.name for alias in node.names)
            ours = {
                name
                for name in imported
                if name.split(".")[0] in apps_in(base) and is_views(name)
            }
            if ours:
                found[module] = ours
    return found


def test_views_are_leaves():
    assert views_importing_views(settings.BASE_DIR) == {}


def test_the_check_catches_views_importing_views(tmp_path):
    make_app(
        tmp_path,
        "comments",
        {
            "views.py": "from comments.judging import Refused\n",
            "author_views.py": "from comments.views import comment_location\n",
            "urls.py": "from comments import views\n",
        },
    )
    assert views_importing_views(tmp_path) == {
        "comments.author_views": {"comments.views"}
    }
