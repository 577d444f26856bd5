"""README.md names only what exists: the files, folders and tests it points to, every module of the
engine in its map, and every setting in its table (the commands it shows: test_readme_commands.py)."""

import ast
import re
from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
_TOP = ("tests", "docs", "bot", "workflow", "examples", "benchmarks", "scripts", "templates")


def _section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def reference_problems(text: str) -> list[str]:
    """Paths, links and ``file::test`` references that do not exist. A bare ```::test``` span means
    the last file named before it; ```…_suffix``` a test in it whose name ends so."""
    problems, last = [], None
    spans = re.finditer(r"`([^`\s]+)`|\]\(([^)#\s]+)\)", text)
    for match in spans:
        ref = match.group(1) or match.group(2)
        if ref.startswith(("http:", "https:")):
            continue
        if ref.startswith(("::", "…")) and last is not None:
            name = ref.removeprefix("::")
            tests = _functions(last)
            found = name in tests if not name.startswith("…") else any(t.endswith(name[1:]) for t in tests)
            if not found:
                problems.append(f"{ref}: no such test in {last.relative_to(ROOT)}")
            continue
        path = ref.split("::")[0]
        if not (path.split("/")[0] in _TOP and "/" in path) and not match.group(2):
            continue
        if "{" in path or "*" in path or "<" in path:  # a pattern such as locale/<lang>/
            continue
        target = ROOT / path
        if not target.exists():
            problems.append(f"{ref}: no such file or folder")
            continue
        if target.suffix == ".py":
            last = target
        if "::" in ref and ref.split("::")[1] not in _functions(target):
            problems.append(f"{ref}: no such test")
    return problems


def _functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


def module_map_problems(text: str) -> list[str]:
    """Modules of workflow/ the map in "How it is built" leaves out, and names in it that do not exist."""
    block = re.search(r"```\n(workflow/.*?)```", _section(text, "How it is built"), re.S).group(1)
    named = set(re.findall(r"\b([a-z_]+\.py)\b", block))
    modules = {p.name for p in (ROOT / "workflow").glob("*.py") if p.name != "__init__.py"}
    everywhere = {p.name for top in ("workflow", "bot") for p in (ROOT / top).rglob("*.py")}
    problems = [f"workflow/{m} is not in the module map" for m in sorted(modules - named)]
    problems += [f"the module map names {m}, which does not exist" for m in sorted(named - everywhere)]
    return problems


def settings_problems(text: str) -> list[str]:
    """Settings the table leaves out, and names in its first column that are no setting."""
    rows = [line for line in _section(text, "Settings").splitlines() if line.startswith("| `")]
    shown = {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split(" | ")[0])}
    settings = {name.upper() for name in Settings.model_fields}
    problems = [f"{s} is not in the settings table" for s in sorted(settings - shown)]
    problems += [f"the settings table shows {s}, which is no setting" for s in sorted(shown - settings)]
    return problems


def test_every_file_folder_and_test_the_readme_points_to_exists():
    assert reference_problems(README.read_text(encoding="utf-8")) == []


def test_the_module_map_names_every_module_of_the_engine_and_nothing_else():
    assert module_map_problems(README.read_text(encoding="utf-8")) == []


def test_the_settings_table_lists_every_setting_and_nothing_else():
    assert settings_problems(README.read_text(encoding="utf-8")) == []


def test_a_missing_test_a_missing_module_and_a_missing_setting_are_each_caught():
    readme = README.read_text(encoding="utf-8")
    renamed = readme.replace("`tests/bot/test_outside_changes.py`", "`tests/bot/test_elsewhere.py`")
    gone = readme.replace("::test_a_reply_to_an_earlier_manifest_question", "::test_a_reply_to_a_manifest")
    unmapped = readme.replace("letters.py       what a permit", "lettres.py       what a permit")
    unlisted = readme.replace("| `CASE_PREFIX` |", "| `CASE_PREFIXES` |")

    assert reference_problems(renamed) == ["tests/bot/test_elsewhere.py: no such file or folder"]
    assert reference_problems(gone) == [
        "::test_a_reply_to_a_manifest_does_not_answer_the_next_one: no such test in tests/bot/test_answers.py"
    ]
    assert module_map_problems(unmapped) == [
        "workflow/letters.py is not in the module map",
        "the module map names lettres.py, which does not exist",
    ]
    assert settings_problems(unlisted) == [
        "CASE_PREFIX is not in the settings table",
        "the settings table shows CASE_PREFIXES, which is no setting",
    ]
