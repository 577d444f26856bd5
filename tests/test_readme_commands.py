"""Every command README.md shows is run here, or by a named test or script, so it cannot go stale.

The commands are taken from the README itself: each line of a ```sh block (split at ``&&``), and
every inline code span that starts with a command (``disposisi …``, ``python -m bot …``,
``openssl …``, ``./scripts/test`` …), with the table's shorthands expanded (``roster invite KEY`` /
``unlink KEY`` is ``disposisi roster unlink KEY``). Each must appear in ``COVERED`` below:

* ``Run``: run here, in order, against a temporary SQLite database and a temporary ``.env``; each
  must exit 0, and together the runs must use every option the README shows for the command;
* ``ByTest``: run by the named test (the test must exist and its file must hold ``needle``);
* ``ByScript``: run by a script the CI runs (the script must hold ``needle``).

Every ``disposisi`` command shown is also checked against the command line itself: its subcommands
exist, each option it shows is one of the command's options, each listed choice (``a|b``) is
accepted, and it shows no more arguments than the command takes. A command added to the README
without an entry here fails ``test_every_readme_command_is_run_or_mapped``; an entry whose command
left the README fails it too, so this list stays the README's.
"""

import ast
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import typer
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import Settings

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
ROSTER = ROOT / "tests" / "data" / "roster.toml"
SEED_SOP = ROOT / "workflow" / "sops" / "ldk-7.4.4.1.toml"
#: The first word of a code span that makes it a command.
PROGRAMS = ("disposisi", "python", "python3", "pip", ".", "./scripts/test", ".ci/run", "openssl")
_ASSIGNMENT = re.compile(r"^[A-Z][A-Z0-9_]*=\S*$")


@dataclass(frozen=True)
class Run:
    """Run here, in order: ``argvs`` are the ``disposisi`` arguments (``{name}`` filled in from the
    temporary set-up); ``shell`` runs a whole command line instead (e.g. ``python -m bot``)."""

    texts: tuple[str, ...]
    argvs: tuple[tuple[str, ...], ...] = ()
    shell: tuple[str, ...] = ()


@dataclass(frozen=True)
class ByTest:
    """Run by the test ``node`` (``path::function``), whose file holds ``needle``."""

    texts: tuple[str, ...]
    node: str
    needle: str


@dataclass(frozen=True)
class ByScript:
    """Run by the script ``path`` (which CI runs: ``.ci/run`` → ``./scripts/test``), holding ``needle``."""

    texts: tuple[str, ...]
    path: str
    needle: str


CASE_NEW = (
    "case", "new", "--letter-number", "470/1/README", "--letter-date", "{today}", "--institution", "BPS",
    "--purpose", "Statistik", "--pks", "PKS-1/2026", "--agenda", "AG-1", "--srikandi", "SRK-1",
    "--scan", "{scan}", "--scan-location", "arsip TU, map 2026", "--sop", "ldk", "--to", "dir", "--force",
    "--as", "tu1",
)  # fmt: skip
CASE_NEW_UNSCANNED = (
    "case", "new", "--letter-number", "470/2/README", "--letter-date", "{today}", "--institution", "BPS",
    "--purpose", "Statistik", "--sop", "ldk",
)  # fmt: skip

#: Every command the README shows, and what runs it. Runs go in this order.
COVERED: tuple[Run | ByTest | ByScript, ...] = (
    Run(("disposisi --help",), argvs=(("--help",),)),
    Run(("python -m bot --help",), shell=("python -m bot --help",)),
    Run(("disposisi keys new --out FILE",), argvs=(("keys", "new", "--out", "{signing_key}"),)),
    Run(("disposisi db upgrade",), argvs=(("db", "upgrade"),)),
    Run(
        ("disposisi sop show", "disposisi sop show [FILE]"), argvs=(("sop", "show"), ("sop", "show", "{sop}"))
    ),
    Run(("disposisi sop check", "disposisi sop check FILE"), argvs=(("sop", "check", "{sop}"),)),
    Run(("disposisi sop list",), argvs=(("sop", "list"),)),
    Run(
        ("disposisi sop import FILE.txt [--out PATH] [--force]", "disposisi sop import FILE.txt"),
        argvs=(
            ("sop", "import", "{sop_text}", "--out", "{tmp}/sop-draft.toml"),
            ("sop", "import", "{sop_text}", "--out", "{tmp}/sop-draft.toml", "--force"),
        ),
    ),
    Run(
        ("disposisi roster import FILE", "disposisi roster import FILE [--dry-run] [--yes]"),
        argvs=(
            ("roster", "import", "{roster}", "--dry-run"),
            ("roster", "import", "{roster}"),
            ("roster", "import", "{roster}", "--yes"),
        ),
    ),
    Run(("openssl rand -hex 32",), shell=("openssl rand -hex 32",)),
    Run(("disposisi roster show",), argvs=(("roster", "show"),)),
    Run(("disposisi roster invite KEY",), argvs=(("roster", "invite", "dir"),)),
    Run(("disposisi roster unlink KEY",), argvs=(("roster", "unlink", "dir"),)),
    Run(
        ("disposisi roster unlock-pin KEY [--as KEY]", "disposisi roster unlock-pin KEY"),
        argvs=(("roster", "unlock-pin", "dir", "--as", "adm"),),
    ),
    Run(("disposisi keys show",), argvs=(("keys", "show"),)),
    Run(
        (
            "disposisi case new --letter-number … --letter-date YYYY-MM-DD --institution … --purpose … "
            "[--pks …] [--agenda …] [--srikandi …] [--scan FILE] [--scan-location …] [--sop ID] [--to KEY] "
            "[--force] [--as KEY]",
            "disposisi case new",
            "disposisi case new --scan FILE",
        ),
        argvs=(CASE_NEW,),
    ),
    Run(
        ("disposisi case scan ID FILE [--location …]", "disposisi case scan ID FILE", "disposisi case scan"),
        argvs=(CASE_NEW_UNSCANNED, ("case", "scan", "2", "{scan}", "--location", "arsip TU, map 2026")),
    ),
    Run(("disposisi case show ID", "disposisi case show"), argvs=(("case", "show", "1"),)),
    Run(
        ("disposisi case print ID --out DIR", "disposisi case print"),
        argvs=(("case", "print", "1", "--out", "{tmp}/print"),),
    ),
    Run(
        ("disposisi case evidence ID --out FILE.zip",),
        argvs=(("case", "evidence", "1", "--out", "{tmp}/evidence.zip"),),
    ),
    Run(
        ("disposisi case cancel ID --reason …",),
        argvs=(("case", "cancel", "2", "--reason", "Ditarik pemohon"),),
    ),
    Run(("disposisi sla show",), argvs=(("sla", "show"),)),
    Run(
        ("disposisi digest --date YYYY-MM-DD [--dry-run] [--chart FILE.png] [--lang en|id]",),
        argvs=(
            ("digest", "--date", "{today}", "--dry-run", "--chart", "{tmp}/digest.png", "--lang", "en"),
            ("digest", "--date", "{today}", "--dry-run", "--chart", "{tmp}/digest.png", "--lang", "id"),
        ),
    ),
    Run(
        ("disposisi report usage --from DATE --to DATE [--institution NAME] [--out FILE]",),
        argvs=(
            (
                "report",
                "usage",
                "--from",
                "{today}",
                "--to",
                "{today}",
                "--institution",
                "BPS",
                "--out",
                "{tmp}/usage.csv",
            ),
        ),
    ),
    Run(
        (
            "disposisi audit export --case ID | --from DATE --to DATE [--format csv|jsonl] [--out FILE]",
            "disposisi audit export --case ID",
        ),
        argvs=(
            ("audit", "export", "--case", "1", "--format", "jsonl", "--out", "{tmp}/case-1.jsonl"),
            ("audit", "export", "--from", "{today}", "--to", "{today}", "--format", "csv"),
        ),
    ),
    Run(
        ("disposisi audit head [--append FILE]", "disposisi audit head --append FILE"),
        argvs=(("audit", "head"), ("audit", "head", "--append", "{tmp}/heads.txt")),
    ),
    Run(
        (
            "disposisi audit verify [--from-head HASH] [--published FILE]",
            "disposisi audit verify",
            "disposisi audit verify --published FILE",
        ),
        argvs=(
            ("audit", "verify"),
            ("audit", "verify", "--published", "{tmp}/heads.txt"),
            ("audit", "verify", "--from-head", "{head}"),
        ),
    ),
    Run(("disposisi audit verify --state",), argvs=(("audit", "verify", "--state"),)),
    Run(
        ("disposisi audit rotate-key --out FILE", "disposisi audit rotate-key"),
        argvs=(("audit", "rotate-key", "--out", "{tmp}/new-audit-key.env"),),
    ),
    ByTest(
        ("disposisi audit verify-release EXPORT --public-key FILE.pub",),
        "tests/test_cli_signoffs.py::test_a_release_verifies_from_the_audit_export_and_the_public_key_alone",
        '"audit", "verify-release"',
    ),
    ByTest(
        ("openssl pkeyutl -verify -pubin -inkey FILE.pub -rawin -in binding.txt -sigfile sig.bin",),
        "tests/test_cli_signoffs.py::test_the_readme_openssl_command_verifies_the_sign_row_without_the_tool",
        "openssl pkeyutl -verify",
    ),
    ByTest(
        ("disposisi run",),
        "tests/bot/test_faults.py::test_sigkill_between_a_press_and_the_next_notification_loses_nothing_and_doubles_nothing",
        '[sys.executable, "-m", "bot", "run"]',
    ),
    ByTest(
        (
            "disposisi demo",
            "disposisi demo --scenario happy|return|reject|late",
        ),
        "tests/test_demo.py::test_the_demo_narrates_a_case_to_its_end",
        "run_demo(scenario)",
    ),
    ByTest(
        ("disposisi demo --sop dag", "disposisi demo [--scenario …] [--sop ldk|dag]"),
        "tests/test_demo.py::test_the_demo_plays_sop_7_4_4_2_to_its_end_with_the_kasubdit_signing",
        'run_demo("happy", "dag")',
    ),
    ByTest(
        ("disposisi demo",),
        "tests/test_packaging.py::test_installed_wheel_runs_outside_the_source_tree",
        'run("demo", "--scenario"',
    ),
    ByScript(("python3 -m venv .venv",), "scripts/test", "python3 -m venv .venv"),
    ByScript((". .venv/bin/activate",), "scripts/test", "source .venv/bin/activate"),
    ByScript(("pip install -e .",), "scripts/test", "python -m pip install -q -e '.[dev]'"),
    ByScript(("./scripts/test",), ".ci/run", "exec ./scripts/test"),
    ByScript((".ci/run",), ".ci/run", "CI entry point"),
)


# -- what the README shows -------------------------------------------------------------------------


def _normal(span: str) -> str:
    return " ".join(span.replace("\\|", "|").split())


def _is_disposisi(text: str) -> bool:
    words = [w for w in text.split() if not _ASSIGNMENT.match(w)]
    return bool(words) and words[0] == "disposisi"


def _is_command(text: str) -> bool:
    words = [w for w in text.split() if not _ASSIGNMENT.match(w)]  # e.g. LOG_LEVEL=DEBUG disposisi run
    return bool(words) and words[0] in PROGRAMS and (words[0] != "." or len(words) > 1)


def readme_commands(text: str) -> list[str]:
    """Every command the README shows, once each, in the order they first appear."""
    found: list[str] = []
    for block in re.finditer(r"^```(?:sh|bash|console|shell)\n(.*?)^```", text, re.S | re.M):
        for line in block.group(1).splitlines():
            line = line.strip().removeprefix("$ ")
            if line and not line.startswith("#"):
                found += [_normal(part) for part in line.split("&&")]
    prose = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    found += [s for s in map(_normal, re.findall(r"`([^`]+)`", prose)) if _is_command(s)]
    for line in prose.splitlines():  # a table's shorthands: `disposisi roster invite KEY` / `unlink KEY`
        if line.startswith("|"):
            cell = [_normal(s) for s in re.findall(r"`([^`]+)`", line.split(" | ")[0])]
            if cell and _is_disposisi(cell[0]):
                found += [_expand(cell[0], s) for s in cell[1:] if not _is_command(s)]
    return list(dict.fromkeys(found))


def _expand(full: str, short: str) -> str:
    """``unlink KEY`` after ``disposisi roster invite KEY`` → ``disposisi roster unlink KEY``;
    ``keys show`` (a top-level group) → ``disposisi keys show``."""
    if short.split()[0] in _cli().commands:
        return f"disposisi {short}"
    return " ".join([*full.split()[:2], short])


# -- checked against the command line itself -------------------------------------------------------


def _cli():
    """The command line as Typer builds it (groups carry ``commands``, commands ``params``)."""
    return typer.main.get_command(app)


def _resolve(words: list[str]) -> tuple[object, list[str], list[str]]:
    """The command a ``disposisi`` word list names, its subcommand path, and the words after it."""
    command = _cli()
    path: list[str] = []
    while hasattr(command, "commands") and words and words[0] in command.commands:
        path.append(words[0])
        command = command.commands[words.pop(0)]
    return command, path, words


def _tokens(text: str) -> list[str]:
    words = [w for w in text.replace("[", " ").replace("]", " ").split() if not _ASSIGNMENT.match(w)]
    return words[1:]  # after "disposisi"


def cli_problems(text: str) -> list[str]:
    """What in one README ``disposisi`` command does not match the command line."""
    command, path, rest = _resolve(_tokens(text))
    problems = []
    if hasattr(command, "commands"):
        return [] if not rest or rest == ["--help"] else [f"`{text}`: no subcommand {rest[0]!r}"]
    options = {name: p for p in command.params if p.param_type_name == "option" for name in p.opts}
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    positional, words = 0, list(rest)
    while words:
        word = words.pop(0)
        if word == "|":
            continue
        if word.startswith("-"):
            if word == "--help":
                continue
            option = options.get(word)
            if option is None:
                problems.append(f"`{text}`: {' '.join(path)} has no option {word}")
                continue
            if not option.is_flag and words:
                value = words.pop(0)
                kind = option.type_descriptor.annotation
                if isinstance(kind, type) and issubclass(kind, Enum) and "|" in value:
                    bad = [v for v in value.split("|") if v not in {e.value for e in kind}]
                    problems += [f"`{text}`: {word} does not accept {v!r}" for v in bad]
        else:
            positional += 1
    if positional > sum(max(a.nargs, 1) if a.nargs != -1 else 99 for a in arguments):
        problems.append(f"`{text}`: {' '.join(path)} takes {len(arguments)} argument(s), not {positional}")
    return problems


def _options(words: list[str] | tuple[str, ...]) -> set[str]:
    return {w for w in words if w.startswith("--")}


# -- the checks --------------------------------------------------------------------------------------


def coverage_problems(text: str, covered: tuple[Run | ByTest | ByScript, ...] = COVERED) -> list[str]:
    """README commands neither run nor mapped, entries for commands the README no longer shows, and
    runs that leave out an option or a subcommand the README shows."""
    shown = readme_commands(text)
    listed = {t for entry in covered for t in entry.texts}
    problems = [
        f"README command not run by this test nor mapped to a test: `{c}`" for c in shown if c not in listed
    ]
    problems += [
        f"COVERED lists `{t}`, which the README no longer shows" for t in sorted(listed - set(shown))
    ]
    for entry in covered:
        if not isinstance(entry, Run) or not entry.argvs:
            continue
        for t in entry.texts:
            _, path, rest = _resolve(_tokens(t))
            same = [argv for argv in entry.argvs if _resolve(list(argv))[1] == path]
            if not same:
                problems.append(f"`{t}`: no run of `disposisi {' '.join(path)}`")
                continue
            missing = _options(rest) - set().union(*(_options(a) for a in same)) - {"--help"}
            problems += [f"`{t}`: the runs never use {o}" for o in sorted(missing)]
    return problems


def test_every_readme_command_is_run_or_mapped():
    assert coverage_problems(README.read_text(encoding="utf-8")) == []


def readme_cli_problems(text: str) -> list[str]:
    """What in the README's ``disposisi`` commands does not match the command line."""
    return [p for c in readme_commands(text) if _is_disposisi(c) for p in cli_problems(c)]


def test_every_disposisi_command_in_the_readme_matches_the_command_line():
    assert readme_cli_problems(README.read_text(encoding="utf-8")) == []


def test_each_mapped_test_and_script_exists_and_runs_the_command():
    problems = []
    for entry in COVERED:
        if isinstance(entry, ByTest):
            file, function = entry.node.split("::")
            source = (ROOT / file).read_text(encoding="utf-8")
            names = {n.name for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef)}
            if function not in names:
                problems.append(f"{entry.node}: no such test")
            if entry.needle not in source:
                problems.append(f"{file} does not hold {entry.needle!r}")
        elif isinstance(entry, ByScript) and entry.needle not in (ROOT / entry.path).read_text(
            encoding="utf-8"
        ):
            problems.append(f"{entry.path} does not hold {entry.needle!r}")

    assert problems == []


# -- running them ------------------------------------------------------------------------------------


@pytest.fixture
def office_dir(tmp_path, monkeypatch):
    """A working directory with its own ``.env`` (temporary database and keys) and nothing else:
    no setting comes from the environment of the test run."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(
        f"DATABASE_URL=sqlite:///{tmp_path}/readme.db\n"
        "AUDIT_KEY=readme-test-audit-key-0123456789abcdef\n"
        f"SIGNING_KEY_FILE={tmp_path}/signing.pem\n"
        "TELEGRAM_BOT_USERNAME=disposisi_readme_bot\n",
        encoding="utf-8",
    )
    (tmp_path / "izin.pdf").write_bytes(b"%PDF-1.4\n% a permit letter\n%%EOF\n")
    return tmp_path


def run_all(covered: tuple[Run | ByTest | ByScript, ...], tmp: Path) -> list[str]:
    """Run every ``Run`` in order; a description of each that did not exit 0."""
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()

    def last_head() -> str:
        return (tmp / "heads.txt").read_text().split()[-1]

    values: dict[str, str | Callable[[], str]] = {
        "tmp": str(tmp),
        "today": today,
        "sop": str(SEED_SOP),
        "sop_text": str(ROOT / "tests" / "data" / "sop-7.4.4.1-seed.txt"),
        "roster": str(ROSTER),
        "scan": str(tmp / "izin.pdf"),
        "signing_key": str(tmp / "signing.pem"),
        "head": last_head,
    }

    def fill(word: str) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: v() if callable(v := values[m.group(1)]) else v, word)

    runner, failures = CliRunner(), []
    for entry in covered:
        if not isinstance(entry, Run):
            continue
        for argv in entry.argvs:
            args = [fill(w) for w in argv]
            result = runner.invoke(app, args)
            if result.exit_code != 0:
                why = result.output.strip() or repr(result.exception)
                failures.append(
                    f"disposisi {' '.join(args)} (for `{entry.texts[0]}`): exit {result.exit_code}: {why}"
                )
        for line in entry.shell:
            words = shlex.split(line)
            if words[0] in ("python", "python3"):
                words[0] = sys.executable
            done = subprocess.run(words, cwd=tmp, capture_output=True, text=True, timeout=120)
            if done.returncode != 0:
                failures.append(f"{line}: exit {done.returncode}: {(done.stdout + done.stderr).strip()}")
    return failures


def test_every_readme_command_runs_against_a_temporary_database_and_env(office_dir):
    assert run_all(COVERED, office_dir) == []
    assert (office_dir / "print").is_dir() and (office_dir / "evidence.zip").exists()
    assert not (office_dir / "data").exists()  # the .env's database, not ./data/


# -- the checks can fail -----------------------------------------------------------------------------


def test_an_unmapped_command_a_made_up_option_and_a_failing_run_are_each_caught(office_dir):
    readme = README.read_text(encoding="utf-8")
    added = readme + "\n`disposisi roster purge KEY` removes an official.\n"
    made_up = readme.replace("`disposisi sla show`", "`disposisi sla show --overdue`", 1)
    mapped_but_not_run = (*COVERED, Run(("disposisi sla show --overdue",), argvs=(("sla", "show"),)))
    failing = (
        Run(("disposisi db upgrade",), argvs=(("db", "upgrade"),)),
        Run(("disposisi sla show",), argvs=(("sla", "show", "--overdue"),)),
    )

    unmapped = "README command not run by this test nor mapped to a test: `disposisi roster purge KEY`"
    assert unmapped in coverage_problems(added)
    assert readme_cli_problems(added) == ["`disposisi roster purge KEY`: no subcommand 'purge'"]
    assert "README command not run by this test nor mapped to a test: `disposisi sla show --overdue`" in (
        coverage_problems(made_up)
    )
    assert "`disposisi sla show --overdue`: the runs never use --overdue" in (
        coverage_problems(made_up, mapped_but_not_run)
    )
    assert readme_cli_problems(made_up) == [
        "`disposisi sla show --overdue`: sla show has no option --overdue"
    ]
    assert cli_problems("disposisi demo --scenario happy|sad") == [
        "`disposisi demo --scenario happy|sad`: --scenario does not accept 'sad'"
    ]
    assert cli_problems("disposisi case show ID MORE") == [
        "`disposisi case show ID MORE`: case show takes 1 argument(s), not 2"
    ]
    (failure,) = run_all(failing, office_dir)
    assert failure.startswith("disposisi sla show --overdue (for `disposisi sla show`): exit 2")
