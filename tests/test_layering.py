"""The engine never imports the front end: dependencies point inward."""

import ast
from pathlib import Path

import pytest

WORKFLOW = Path(__file__).parent.parent / "workflow"
FORBIDDEN_IN_WORKFLOW = {"telegram", "jinja2", "apscheduler", "bot", "httpx", "typer"}
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
