"""The built wheel carries the SOP files, the templates, the migrations and the demo's Bot API server."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("disposisi-*.whl")
    return path


def test_wheel_contains_sops_templates_and_migrations(wheel):
    names = zipfile.ZipFile(wheel).namelist()

    assert "workflow/sops/ldk-7.4.4.1.toml" in names
    assert "workflow/sop_defaults.toml" in names
    assert "bot/templates/cli/sop_show.txt" in names
    assert "bot/templates/cli/sop_draft.toml" in names  # disposisi sop import writes the draft with it
    assert "workflow/sopimport/table.py" in names
    assert any(n.startswith("workflow/db/migrations/versions/0001_") for n in names)
    assert "workflow/db/migrations/env.py" in names
    assert "bot/demo/roster.toml" in names
    assert "bot/templates/telegram/step_assigned.html" in names
    assert "bot/templates/locale/id/LC_MESSAGES/messages.po" in names
    assert "botapi/server.py" in names  # the demo's Bot API server, a package beside bot
    assert not any(n.startswith("bot/botapi/") for n in names)


def test_installed_wheel_runs_outside_the_source_tree(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target), "DATABASE_URL": f"sqlite:///{tmp_path}/w.db"}

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            check=True,
        )

    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import bot, botapi, workflow; print(bot.__file__, botapi.__file__, workflow.__file__)",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    ).stdout
    help_text = run("--help").stdout
    sop_table = run("sop", "show").stdout
    migrated = run("db", "upgrade").stdout
    demo = run("demo", "--scenario", "reject").stdout

    assert all(path.startswith(str(target)) for path in where.split())  # not the editable install's
    assert "sop" in help_text and "case" in help_text
    assert "Total SOP time: 95 menit" in sop_table
    assert "newest revision" in migrated
    assert "ended rejected" in demo
