"""The engine never imports the front end: dependencies point inward."""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
WORKFLOW = ROOT / "workflow"
FORBIDDEN_IN_WORKFLOW = {"telegram", "jinja2", "apscheduler", "bot", "httpx", "typer"}
#: Our own Bot API server stands beside the bot it serves: it knows neither the bot nor the engine.
BOTAPI = ROOT / "botapi"
FORBIDDEN_IN_BOTAPI = {"bot", "workflow"}
#: Modules named like a standard library module, kept: the migrations already written import
#: ``workflow.db.types`` by that name.
STDLIB_NAMES_KEPT = {"workflow/db/types.py"}
#: The rules at the top of workflow/ are pure: no database, no clock of their own.
PURE = sorted(p.stem for p in WORKFLOW.glob("*.py") if p.stem != "__init__")


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", sorted(WORKFLOW.rglob("*.py")), ids=lambda p: str(p.relative_to(WORKFLOW)))
def test_workflow_does_not_import_the_front_end(path):
    assert imported_roots(path) & FORBIDDEN_IN_WORKFLOW == set()


@pytest.mark.parametrize("name", PURE)
def test_engine_rules_do_no_io(name):
    path = WORKFLOW / f"{name}.py"
    tree = ast.parse(path.read_text())
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules |= {a.name for a in node.names}
    calls_now = "datetime.now(" in path.read_text() or ".utcnow(" in path.read_text()

    assert not any(
        m.startswith(("sqlalchemy", "workflow.db", "workflow.service", "alembic")) for m in modules
    )
    assert not calls_now


def test_the_checker_notices_a_forbidden_import(tmp_path):
    leaky = tmp_path / "leaky.py"
    leaky.write_text("from telegram import Bot\n")

    assert imported_roots(leaky) & FORBIDDEN_IN_WORKFLOW == {"telegram"}


@pytest.mark.parametrize("path", sorted(BOTAPI.rglob("*.py")), ids=lambda p: str(p.relative_to(BOTAPI)))
def test_botapi_imports_neither_the_bot_nor_the_engine(path):
    assert imported_roots(path) & FORBIDDEN_IN_BOTAPI == set()


def named_like_the_standard_library(top: Path) -> set[str]:
    """The modules and packages in package ``top`` named like a standard library module."""
    found = set()
    for path in top.rglob("*"):
        name = path.stem if path.suffix == ".py" else path.name if (path / "__init__.py").exists() else None
        if name in sys.stdlib_module_names:
            found.add(path.relative_to(top.parent).as_posix())
    return found


def test_no_module_is_named_like_a_standard_library_module():
    found = set().union(
        *(named_like_the_standard_library(ROOT / top) for top in ("bot", "botapi", "workflow"))
    )

    assert found - STDLIB_NAMES_KEPT == set()


def test_the_name_checker_notices_a_module_named_like_the_standard_library(tmp_path):
    (tmp_path / "pkg" / "json").mkdir(parents=True)
    for name in ("__init__.py", "calendar.py", "workcalendar.py", "json/__init__.py"):
        (tmp_path / "pkg" / name).write_text("")

    assert named_like_the_standard_library(tmp_path / "pkg") == {"pkg/calendar.py", "pkg/json"}
