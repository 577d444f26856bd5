"""The dispatch checklist is SOP data: its labels and questions are written in the SOP file (and, for
definitions stored before the checklist was data, in workflow/sop_defaults.toml), never in the code
or the templates, which show whatever the case's SOP says."""

import ast
import re
from functools import cache
from pathlib import Path

import pytest

from workflow.sop import Needs, default_checklist
from workflow.sopfile import load_sops

ROOT = Path(__file__).resolve().parent.parent
#: What the checklist said while it was code: catalog entries, the prompts, the PDF's own labels.
FORMER = [
    "Penggandaan",
    "Pengarsipan",
    "Data digandakan",
    "Salinan diarsipkan",
    "Dikirim kepada pemohon",
    "Tanda terima diterima",
    "nomor arsip",
    "archive number",
    "saluran pengiriman",
    "dispatch channel",
]


@cache
def sop_texts() -> list[str]:
    """Every label and question of the shipped SOPs' checklists and of the default one. A receipt
    item's label is left out: the receipt is the product's own word (``/terima``, the tanda terima
    document), so "Tanda terima" rightly appears in templates."""
    items = [
        *default_checklist(),
        *(i for sop in load_sops().values() for s in sop.steps for i in s.checklist),
    ]
    texts = {
        text
        for i in items
        for text in (*(() if i.needs is Needs.RECEIPT else (i.label, i.label_en)), i.ask, i.ask_en)
        if text
    }
    return sorted(texts | set(FORMER))


def found(text: str, labels: list[str]) -> list[str]:
    """The labels ``text`` holds as words of their own (case as written)."""
    return [label for label in labels if re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text)]


def python_strings(path: Path) -> str:
    """The string literals of a Python file (comments and names are not what an official reads)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return "\n".join(
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    )


PYTHON = sorted(p for folder in ("bot", "workflow") for p in (ROOT / folder).rglob("*.py"))
TEMPLATES = sorted(p for p in (ROOT / "templates").rglob("*") if p.is_file() and p.suffix != ".mo")


def test_the_labels_looked_for_are_the_sops():
    labels = sop_texts()

    assert {"Sudah digandakan", "Duplicated", "Kirim nomor arsip.", "Sudah dikirim"} <= set(labels)
    assert found('button = "☐ Sudah digandakan"', labels) == ["Sudah digandakan"]


@pytest.mark.parametrize("path", PYTHON, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_python_file_names_a_checklist_label(path):
    assert found(python_strings(path), sop_texts()) == []


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_or_catalog_names_a_checklist_label(path):
    assert found(path.read_text(encoding="utf-8"), sop_texts()) == []
