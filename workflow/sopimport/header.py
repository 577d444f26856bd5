"""The header of an SOP document, above the procedure table: the identity fields ("Nomor SOP",
"Nama SOP", dates, "Disahkan Oleh"), the issuing office, and the sections that are lists or
paragraphs ("Dasar Hukum", "Peringatan" …).

A label and its value share a line in either order (``7.4.4.1 Nomor SOP``, ``Nomor SOP: 7.4.4.1``)
or the value is on the next line. Sections follow their label: when one line holds two labels
(``Kualifikasi Pelaksana Dasar Hukum``), the lists below belong to them in that order, a list
starting again at ``1.`` beginning the next one.
"""

import re
from dataclasses import dataclass, field

from workflow.sopimport.text import Fragment, Line, join, title_case

__all__ = ["FIELDS", "SECTIONS", "Header", "read_header"]

#: Single values, by key: the label's pattern.
FIELDS = {
    "number": r"nomor\s+sop|no\.?\s+sop",
    "made": r"(?:tgl\.?|tanggal)\s+pembuatan",
    "revised": r"(?:tgl\.?|tanggal)\s+revisi",
    "ratified": r"(?:tgl\.?|tanggal)\s+(?:pengesahan|efektif)",
    "ratified_by": r"disahkan\s+oleh",
    "title": r"nama\s+sop",
}
#: Lists and paragraphs, by key: the label's pattern.
SECTIONS = {
    "legal_basis": r"dasar\s+hukum",
    "qualification": r"kualifikasi\s+pelaksana",
    "equipment": r"peralatan\s*/\s*perlengkapan|peralatan|perlengkapan",
    "related": r"keterkaitan",
    "records": r"pencatatan\s+dan\s+pendataan",
    "warning": r"peringatan",
}
_LABEL = re.compile("|".join(f"(?P<{k}>\\b(?:{p})\\b)" for k, p in (FIELDS | SECTIONS).items()), re.I)
_ITEM = re.compile(r"^(?:(\d{1,2})[.)]|[a-z][.)]|[-–•·*])\s*", re.I)
#: Words that begin the name of an office: the issuer's lines start a new part at them.
_OFFICE = re.compile(
    r"^(?:kementerian|kementrian|ditjen|direktorat|dinas|badan|pemerintah|sekretariat|biro|"
    r"kantor|deputi|bagian|bidang|lembaga|inspektorat|kecamatan|kelurahan|unit)\b",
    re.I,
)


@dataclass
class Header:
    """What the header says: ``fields`` by the keys of ``FIELDS``, ``sections`` (their items) by
    the keys of ``SECTIONS``, and the issuing office's parts."""

    fields: dict[str, str] = field(default_factory=dict)
    sections: dict[str, list[str]] = field(default_factory=dict)
    issuer: list[str] = field(default_factory=list)


def read_header(lines: list[Line], words: frozenset[str]) -> Header:
    """Read the header from the lines above the procedure table."""
    header = Header()
    pending: list[str] = []  # sections named, whose content has not started
    current: str | None = None  # the section being read
    items: dict[str, list[list[Fragment]]] = {}
    issuer: list[list[Fragment]] = []
    waiting: str | None = None  # a field whose value is on the next line
    for line in lines:
        labels = _labels(line.text)
        if labels:
            if any(label.lastgroup in SECTIONS for label in labels):
                pending.clear()  # a section named earlier that got nothing stays empty
            waiting = _fields(line.text, labels, header, pending, items)
            current = None
            continue
        item = _ITEM.match(line.text)
        if waiting and not item:
            header.fields[waiting] = _value(line.text)
            waiting = None
            continue
        waiting = None
        restart = item is not None and item.group(1) == "1"
        if pending and (current is None or (restart and items[current])):
            current = pending.pop(0)
        if current is None:
            if line.text.isupper() and not items:  # the office's name, above the sections
                _issuer_line(line.text, issuer)
            continue
        if item or not items[current]:
            items[current].append([])
        items[current][-1].append(Fragment(line.text[item.end() :] if item else line.text, True))
    for key, found in items.items():
        header.sections[key] = [text for text in (join(i, words) for i in found) if text not in ("", "-")]
    header.issuer = [title_case(join(part, words)) for part in issuer]
    return header


def _labels(text: str) -> list[re.Match]:
    """The labels of a label line: one starts it or one ends it (a paragraph that only mentions
    "dasar hukum" in passing is no label line)."""
    found = list(_LABEL.finditer(text))
    if found and (found[0].start() == 0 or not text[found[-1].end() :].strip(" :")):
        return found
    return []


def _fields(text: str, labels: list[re.Match], header: Header, pending: list, items: dict) -> str | None:
    """Read a line with labels; the field whose value is on the next line, if any."""
    cuts = [text[: labels[0].start()]]
    cuts += [
        text[a.end() : b.start() if b else None] for a, b in zip(labels, [*labels[1:], None], strict=True)
    ]
    before = bool(_value(cuts[0]))  # "7.4.4.1 Nomor SOP": each value precedes its label
    waiting = None
    for index, label in enumerate(labels):
        key, value = label.lastgroup, _value(cuts[index if before else index + 1])
        if key in SECTIONS:
            items[key] = [[Fragment(value, True)]] if value and not before else []
            pending.append(key)
        elif value:
            header.fields[key] = value
        elif not before:
            waiting = key
    return waiting


def _value(text: str) -> str:
    return text.strip().strip(":").strip()


def _issuer_line(text: str, parts: list[list[Fragment]]) -> None:
    if _OFFICE.match(text) or not parts:
        parts.append([])
    parts[-1].append(Fragment(text, True))
