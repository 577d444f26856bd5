"""The extracted text of an SOP document: decoded, cut into numbered lines, its noise dropped, and
fragments of one field joined back across the line breaks the extraction put in them."""

import re
from dataclasses import dataclass

__all__ = ["Fragment", "Line", "SopTextError", "decode", "join", "lines_of", "title_case", "vocabulary"]

#: Lines that are flowchart labels, not text: the start and end terminators, a decision's branches.
_LABELS = {"mulai", "selesai", "ya", "tidak"}
#: A page number (``7``, ``- 7 -``, ``Halaman 7 dari 9``) or a stray flowchart number.
_STRAY_NUMBER = re.compile(
    r"^(?:[-–]\s*)?\d{1,3}(?:\s*[-–])?$|^(?:halaman|hal\.?)\s*\d+(?:\s*(?:dari|/)\s*\d+)?$", re.I
)
#: Control characters a text file does not hold (tab, newline, carriage return, form feed do).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
#: Word endings that never stand alone: a line starting with one continues the word before it.
_SUFFIXES = {"kan", "an", "nya", "lah", "kah"}
_WORD = re.compile(r"[^\W\d_]+")
#: Words a name in title case keeps in lower case.
_SMALL = {"dan", "dari", "di", "ke", "untuk", "pada", "yang", "atau", "serta", "dengan"}


class SopTextError(ValueError):
    """Text that cannot be read as an SOP document; the message names the source and the line."""

    def __init__(self, source: str, line: int, message: str) -> None:
        super().__init__(f"{source} line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class Line:
    """A line of the document with its number (1-based), its text stripped."""

    no: int
    text: str


@dataclass(frozen=True)
class Fragment:
    """A piece of one field's text; ``new_line`` when a line break came before it."""

    text: str
    new_line: bool


def decode(data: bytes, source: str) -> str:
    """The document's text: UTF-8 (a byte-order mark dropped), form feeds as line breaks.

    Raises:
        SopTextError: the data is empty, binary, or not UTF-8, naming the line where it fails.
    """
    if data.startswith(b"%PDF"):
        raise SopTextError(source, 1, "a PDF file: extract its text first (e.g. pdftotext FILE.pdf FILE.txt)")
    if bad := _CONTROL.search(data.decode("latin-1")):
        line = data.count(b"\n", 0, bad.start()) + 1
        raise SopTextError(source, line, f"binary data (byte 0x{data[bad.start()]:02x}): not a text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SopTextError(source, line, "not UTF-8 text: save the extracted text as UTF-8") from None
    if not text.strip():
        raise SopTextError(source, 1, "the file is empty: no text to read")
    return text.replace("\f", "\n")


def lines_of(text: str) -> list[Line]:
    """The lines that carry text, numbered as in the file; blank lines, page numbers, one stray
    letter and flowchart labels (``mulai``, ``selesai``, ``ya``, ``tidak``) are left out."""
    kept = []
    for no, raw in enumerate(text.splitlines(), start=1):
        line = " ".join(raw.split())
        if not line or _STRAY_NUMBER.match(line) or line.lower() in _LABELS:
            continue
        if len(line) == 1 and line.isalpha():
            continue
        kept.append(Line(no, line))
    return kept


def vocabulary(lines: list[Line]) -> frozenset[str]:
    """Every word of the document, lower case: a line break inside one of them is a split word."""
    return frozenset(w.lower() for line in lines for w in _WORD.findall(line.text))


def join(fragments: list[Fragment], words: frozenset[str]) -> str:
    """The fragments as one text: a word split across lines is joined again (when the whole word
    appears elsewhere in the document, its second part is a word ending such as ``-kan``, or the
    first part ends with a hyphen), a ``/`` keeps its neighbours, and spacing is normalised."""
    text = ""
    for fragment in fragments:
        piece = fragment.text.strip()
        if not piece:
            continue
        if not text:
            text = piece
        elif fragment.new_line and (glue := _glue(text, piece, words)) is not None:
            text = (text[:-1] if glue == "unhyphen" else text) + piece
        else:
            text = f"{text} {piece}"
    text = re.sub(r"\s*/\s*", "/", " ".join(text.split()))
    return re.sub(r"\s+([,.;:])", r"\1", text)


def _glue(before: str, after: str, words: frozenset[str]) -> str | None:
    """How a line break between ``before`` and ``after`` closes: ``"glue"`` (no space),
    ``"unhyphen"`` (the hyphen that split the word dropped), or None (a space)."""
    if before.endswith("/"):
        return "glue"
    tail = re.search(r"([^\W\d_]+)(-?)$", before)
    head = re.match(r"[^\W\d_]+", after)
    if tail is None or head is None:
        return None
    first, hyphen, second = tail.group(1), tail.group(2), head.group(0)
    if hyphen:  # "penanda-" + "tanganan"; "surat-" + "surat" is a doubled word and keeps its hyphen
        return "glue" if first.lower() == second.lower() else "unhyphen" if second.islower() else None
    if not (first.islower() and second.islower()) and not (first.isupper() and second.isupper()):
        return None
    whole = (first + second).lower() in words
    return "glue" if whole or (second.lower() in _SUFFIXES and len(after) == len(second)) else None


def title_case(name: str) -> str:
    """A name written in capitals, in title case: ``DITJEN KEPENDUDUKAN DAN PENCATATAN SIPIL`` →
    ``Ditjen Kependudukan dan Pencatatan Sipil``; words of up to three letters (``JFU``, ``RI``)
    and words already in mixed case stay as they are."""
    words = []
    for word in name.split():
        if word.lower() in _SMALL:
            words.append(word.lower())
        elif len(word) <= 3 or not word.isupper():
            words.append(word)
        else:
            words.append(word.capitalize())
    return " ".join(words)
