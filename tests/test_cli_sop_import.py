"""``disposisi sop import`` end to end, and open points refused until a person fills them in."""

import json
import re
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from workflow.sop import SHIPPED_SOPS, SopError
from workflow.sopfile import load_sop, parse_sop

DATA = Path(__file__).parent / "data"
SEED_TEXT = DATA / "sop-7.4.4.1-seed.txt"
SHIPPED = SHIPPED_SOPS / "ldk-7.4.4.1.toml"


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args), catch_exceptions=False)


def fill_in(text: str, answers: dict, skip: tuple[str, ...] = ()) -> str:
    """The draft as a person leaves it: each ``"??"`` line replaced by the answer for its table and
    field (a superior with no answer deleted), except the fields named in ``skip`` (``steps.3.kind``)."""
    out, table, index = [], None, {"roles": -1, "steps": -1}
    for line in text.splitlines():
        if line in ("[[roles]]", "[[steps]]"):
            table = line.strip("[]")
            index[table] += 1
        elif line.startswith("["):  # a single table, e.g. [numbering]
            table = line.strip("[]")
        match = re.match(r'^(\w+) = "\?\?', line)
        if match:
            field = match.group(1)
            place = (
                f"{table}.{index[table] + 1}.{field}"
                if table in index
                else f"{table}.{field}"
                if table
                else field
            )
            if table in index:
                value = answers[table][index[table]].get(field)
            else:
                value = answers[table].get(field) if table else answers[field]
            if place in skip:
                pass
            elif value is None:
                continue
            else:
                line = f"{field} = {json.dumps(value, ensure_ascii=False)}"
        out.append(line)
    return "\n".join(out) + "\n"


def shipped_answers() -> dict:
    """The shipped SOP's values, as the person filling in the seed's draft would give them (the
    shipped SOP numbers its cases with the CASE_PREFIX setting, LDK by default)."""
    return {**tomllib.loads(SHIPPED.read_text(encoding="utf-8")), "numbering": {"prefix": "LDK"}}


def test_import_writes_the_draft_and_lists_its_open_points(cli, tmp_path):
    result = cli("sop", "import", str(SEED_TEXT))

    assert result.exit_code == 0
    draft = tmp_path / "sop-7.4.4.1.toml"
    assert draft.is_file()
    lines = result.output.splitlines()
    assert lines[0].startswith("wrote sop-7.4.4.1.toml: a draft of SOP 7.4.4.1 (Layanan Data dan Informasi")
    assert lines[1] == '32 open points to fill in (values starting with "??"; suggestions are in the file):'
    assert "  step 3, field 'role': which role performs step 3: direktur, kasubdit, kasi, jfu" in lines
    assert "  field 'id': " + tomllib.loads(draft.read_text())["id"].removeprefix("?? ") in lines
    assert lines[-1].startswith("next: fill them in")


def test_import_refuses_to_overwrite_unless_forced(cli, tmp_path):
    out = tmp_path / "mine.toml"
    out.write_text("# kept\n")

    refused = cli("sop", "import", str(SEED_TEXT), "--out", str(out))
    forced = cli("sop", "import", str(SEED_TEXT), "--out", str(out), "--force")

    assert refused.exit_code == 2
    assert refused.output == (
        f"error: {out} exists already: choose another file with --out PATH, or overwrite it with --force\n"
    )
    assert forced.exit_code == 0 and f"wrote {out}:" in forced.output
    assert tomllib.loads(out.read_text())["number"] == "7.4.4.1"


def test_a_draft_is_refused_by_sop_check_naming_file_step_and_field_of_each_open_point(cli, tmp_path):
    cli("sop", "import", str(SEED_TEXT), "--out", "draft.toml")

    result = cli("sop", "check", "draft.toml")

    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0] == 'error: draft.toml: 32 open points left to fill in (values starting with "??"):'
    kinds = "disposition, grant_access, report_data, check_data, sign, dispatch"
    assert f"  draft.toml: step 4, field 'kind': which kind step 4 is: {kinds}" in lines
    assert (
        "  draft.toml: role 'kasi', field 'superior': which role is the superior of kasi "
        "(direktur, kasubdit, jfu); delete this line if none"
    ) in lines
    assert len(lines) == 33


def test_after_filling_in_the_open_points_the_draft_passes_and_has_the_shipped_steps(cli, tmp_path):
    cli("sop", "import", str(SEED_TEXT), "--out", "draft.toml")
    draft = tmp_path / "draft.toml"
    draft.write_text(fill_in(draft.read_text(), shipped_answers()))

    result = cli("sop", "check", "draft.toml")

    assert result.exit_code == 0, result.output
    assert result.output == "ok: draft.toml: SOP ldk version 1, 8 steps, 95 minutes\n"
    assert load_sop(draft).steps == load_sop(SHIPPED).steps


def test_one_open_point_left_is_named_alone_and_load_sop_refuses_it_too(cli, tmp_path):
    cli("sop", "import", str(SEED_TEXT), "--out", "draft.toml")
    draft = tmp_path / "draft.toml"
    draft.write_text(fill_in(draft.read_text(), shipped_answers(), skip=("steps.5.kind",)))

    with pytest.raises(SopError) as refused:
        load_sop(draft)
    checked = cli("sop", "check", str(draft))
    shown = cli("sop", "show", str(draft))

    assert str(refused.value).splitlines() == [
        f'{draft}: 1 open point left to fill in (values starting with "??"):',
        f"  {draft}: step 5, field 'kind': which kind step 5 is: disposition, grant_access, report_data, "
        "check_data, sign, dispatch",
    ]
    assert checked.exit_code == 2 and shown.exit_code == 2
    assert checked.output.startswith(f"error: {draft}: 1 open point left")


def test_an_open_point_in_a_list_or_in_any_sop_is_refused():
    data = tomllib.loads(SHIPPED.read_text(encoding="utf-8"))
    data["steps"][1]["produces"] = ["Disposisi", "?? what else step 2 produces"]

    with pytest.raises(SopError) as refused:
        parse_sop(data, "x.toml")

    second = str(refused.value).splitlines()[1]
    assert second == "  x.toml: step 2, field 'produces': what else step 2 produces"


def test_the_default_name_comes_from_the_sop_number(cli, tmp_path):
    result = cli("sop", "import", str(DATA / "sop-surat-masuk.txt"))

    assert result.exit_code == 0
    assert (tmp_path / "sop-800.1.2-PU-03.toml").is_file()
    listed = result.output.splitlines()
    assert "  step 8, field 'sla': step 8's SOP time as office time (\"2 hari\")" in listed


def test_without_a_number_the_default_name_comes_from_the_input(cli, tmp_path):
    source = tmp_path / "layanan.txt"
    source.write_text(
        "Uraian Prosedur\nKASI JFU Kelengkapan Waktu Output\n1. menerima - Berkas 5 menit - Arsip\n"
    )

    result = cli("sop", "import", str(source))

    assert result.exit_code == 0
    assert result.output.startswith("wrote sop-layanan.toml: a draft of an SOP without a number, 1 step,")
    assert "  field 'number': the SOP's number (\"Nomor SOP\" was not found)" in result.output.splitlines()


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "line 1: the file is empty: no text to read"),
        (b"\x7fELF\x02\x01\x01\x00\x00", "line 1: binary data (byte 0x7f): not a text file"),
        (b"Nomor SOP 1\n\nNama SOP Layanan \xff\xfe\n", "line 3: not UTF-8 text"),
        (b"Nomor SOP 1\nsome notes\nmore notes\n", "line 3: no procedure table"),
    ],
    ids=["empty", "binary", "not-utf8", "no-table"],
)
def test_unreadable_input_is_one_error_line_naming_file_and_line_and_writes_nothing(
    cli, tmp_path, content, says
):
    source = tmp_path / "in.txt"
    source.write_bytes(content)

    result = cli("sop", "import", str(source))

    assert result.exit_code == 2
    assert result.output == f"error: {source} {says}" + result.output.split(says, 1)[1]
    assert result.output.count("\n") == 1
    assert list(tmp_path.glob("*.toml")) == []


def test_a_missing_input_file_is_a_setup_error(cli, tmp_path):
    result = cli("sop", "import", str(tmp_path / "nope.txt"))

    assert result.exit_code == 2
    assert result.output == f"error: cannot read {tmp_path / 'nope.txt'}: No such file or directory\n"
