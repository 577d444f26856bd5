"""The command line with several SOPs: each numbers its own cases, two sharing a prefix stop every
command at start, a case is found by its full or bare number, and ``disposisi sop list``."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from tests.conftest import WIB
from tests.test_cli import ROSTER, cli, new_case  # noqa: F401  (cli is a fixture)
from workflow.db.models import AuditRow
from workflow.sop import SHIPPED_SOPS

MINI = Path(__file__).parent / "sops" / "mini.toml"
DAG = 'numbering = { prefix = "DAG", yearly = false }'


def sop_folder(tmp_path: Path, mini_numbering: str) -> Path:
    """The shipped SOP 7.4.4.1 and the test SOP ``mini`` with the given ``numbering`` line."""
    folder = tmp_path / "sops"
    folder.mkdir()
    for shipped in SHIPPED_SOPS.glob("ldk-*.toml"):
        (folder / shipped.name).write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    text = MINI.read_text(encoding="utf-8").replace('numbering = { prefix = "MINI" }', mini_numbering)
    (folder / "mini.toml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def two_sops(cli, tmp_path, monkeypatch):  # noqa: F811
    """A migrated database with the roster; SOP_PATH holds ldk (CASE_PREFIX, yearly) and mini
    (DAG-0001, counting on)."""
    monkeypatch.setenv("SOP_PATH", str(sop_folder(tmp_path, DAG)))
    assert cli("db", "upgrade").exit_code == 0
    assert cli("roster", "import", str(ROSTER)).exit_code == 0
    return cli


def last_refusal(tmp_path: Path) -> tuple:
    engine = create_engine(f"sqlite:///{tmp_path}/cli.db")
    with engine.connect() as c:
        row = c.execute(
            select(AuditRow.action, AuditRow.result, AuditRow.reason_code, AuditRow.detail)
        ).all()[-1]
    engine.dispose()
    return tuple(row)


def opened(result) -> str:
    assert result.exit_code == 0, result.output
    return next(w for w in result.output.split() if w.startswith(("LDK-", "DAG-")))


def this_year() -> int:
    return datetime.now(UTC).astimezone(WIB).year


def test_each_sop_numbers_its_cases_from_the_command_line(two_sops):
    first = opened(new_case(two_sops, "--sop", "ldk"))
    second = opened(new_case(two_sops, "--sop", "mini", "--force"))

    assert (first, second) == (f"LDK-{this_year()}-0001", "DAG-0001")


def test_two_sops_with_one_prefix_stop_a_command_at_start_in_one_line(cli, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SOP_PATH", str(sop_folder(tmp_path, "")))  # mini names no prefix either
    assert cli("db", "upgrade").exit_code == 0

    result = cli("case", "show", "1")

    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "SOPs 'ldk' and 'mini' both number their cases LDK-" in result.output
    assert "numbering.prefix" in result.output


def test_the_full_and_a_unique_bare_number_find_a_case(two_sops):
    opened(new_case(two_sops, "--sop", "ldk"))
    opened(new_case(two_sops, "--sop", "ldk", "--letter-number", "470/10/X"))
    opened(new_case(two_sops, "--sop", "mini", "--force"))

    full = two_sops("case", "show", f"ldk-{this_year()}-0002")
    bare = two_sops("case", "show", "2")

    assert full.exit_code == bare.exit_code == 0
    assert f"LDK-{this_year()}-0002" in full.output
    assert full.output == bare.output


def test_a_bare_number_of_several_cases_is_refused_naming_them_and_audited(two_sops, tmp_path):
    opened(new_case(two_sops, "--sop", "ldk"))
    opened(new_case(two_sops, "--sop", "mini", "--force"))

    result = two_sops("case", "cancel", "1", "--reason", "salah daftar")

    assert result.exit_code == 1
    assert f"refused: 1 matches several cases (DAG-0001, LDK-{this_year()}-0001): use the full number" in (
        result.output
    )
    numbers = ["DAG-0001", f"LDK-{this_year()}-0001"]
    assert last_refusal(tmp_path) == ("cancel", "refused", "case_ambiguous", {"numbers": numbers})


def test_sop_list_without_a_database_lists_the_files_only(cli, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SOP_PATH", str(sop_folder(tmp_path, DAG)))

    result = cli("sop", "list")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[2].split()[:4] == ["ldk", "7.4.4.1", "2", "yes"]
    assert "LDK-YYYY-0001 yearly (CASE_PREFIX)" in lines[2]
    assert lines[3].split()[:4] == ["mini", "T.1", "1", "yes"]
    assert "DAG-0001 counting on" in lines[3]
    assert "The list above is of the SOP files only." in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "cli.db").exists()  # never created


def test_sop_list_with_a_database_counts_the_open_and_closed_cases_of_each_stored_version(two_sops):
    opened(new_case(two_sops, "--sop", "ldk"))
    opened(new_case(two_sops, "--sop", "ldk", "--letter-number", "470/10/X"))
    opened(new_case(two_sops, "--sop", "mini", "--force"))
    assert two_sops("case", "cancel", f"LDK-{this_year()}-0002", "--reason", "salah daftar").exit_code == 0

    result = two_sops("sop", "list")

    assert result.exit_code == 0, result.output
    stored = result.output.split("SOP versions stored in the database")[1].splitlines()
    assert stored[2].split()[:2] + stored[2].split()[-2:] == ["ldk", "2", "1", "1"]
    assert stored[3].split()[:2] + stored[3].split()[-2:] == ["mini", "1", "1", "0"]


def test_sop_list_names_two_sops_sharing_a_prefix_and_exits_2(cli, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SOP_PATH", str(sop_folder(tmp_path, "")))

    result = cli("sop", "list")

    assert result.exit_code == 2
    assert result.output.count("LDK-YYYY-0001 yearly (CASE_PREFIX)") == 2
    assert result.output.strip().splitlines()[-1].startswith("error: SOPs 'ldk' and 'mini' both number")
