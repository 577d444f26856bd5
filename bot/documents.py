"""Printable documents of a case, as PDF: the lembar disposisi, the JFU's checklist, the tanda terima.

Each is a Jinja2 template in ``templates/documents/`` (the subset of HTML that fpdf2's
``write_html`` lays out), set in DejaVu Sans so that names and notes in any script print.
"""

import importlib.util
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.fonts import FontFace, TextStyle
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from bot.templating import templates_dir
from workflow.case import Case
from workflow.service.cases import CaseView
from workflow.sop import Step, StepKind
from workflow.timeline import display_name

__all__ = ["KINDS", "dispatch_documents", "filename", "render_pdf"]

#: The documents, by template name.
KINDS = ("lembar_disposisi", "checklist", "tanda_terima")
#: What the JFU gets when the dispatch step reaches them.
DISPATCH_KINDS = ("checklist", "tanda_terima")

_FAMILY = "dejavu"
_FACES = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
    "I": "DejaVuSans-Oblique.ttf",
    "BI": "DejaVuSans-BoldOblique.ttf",
}
#: Shows a visible placeholder for a script DejaVu lacks (CJK…); the text layer keeps the character.
_FALLBACK = ("lastresort", "LastResortHE-Regular.ttf")
#: Room (mm) a section title needs below it, or it starts on the next page.
_KEEP_WITH_HEADING = 30
_BLACK = "#000000"
_STYLES = {
    "h1": TextStyle(color=_BLACK, font_size_pt=13, font_style="B", t_margin=2, b_margin=1, l_margin="Center"),
    "h2": TextStyle(color=_BLACK, font_size_pt=10.5, font_style="B", t_margin=5, b_margin=1),
    "p": TextStyle(t_margin=1, b_margin=2),
    "b": FontFace(emphasis="BOLD"),
}


def render_pdf(kind: str, view: CaseView, tz: ZoneInfo) -> bytes:
    """One document of a case as PDF bytes, with times shown in ``tz``.

    Args:
        kind: ``"lembar_disposisi"``, ``"checklist"`` or ``"tanda_terima"``.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown document {kind!r}; one of {', '.join(KINDS)}")
    html = _environment().get_template(f"documents/{kind}.html").render(tz=tz, **_facts(view))
    pdf = _Sheet(view.case.number)
    pdf.cover(html)
    pdf.set_author(view.sop.issuer)
    pdf.add_page()
    for n, part in enumerate(html.split("<h2>")):
        if n and pdf.will_page_break(_KEEP_WITH_HEADING):  # no section title alone at a page's foot
            pdf.add_page()
        pdf.write_html(("<h2>" if n else "") + part, tag_styles=_STYLES, table_line_separators=True)
    return bytes(pdf.output())


def filename(view: CaseView, kind: str) -> str:
    """``LDK-2026-0001-lembar-disposisi.pdf`` and so on."""
    return f"{view.case.number}-{kind.replace('_', '-')}.pdf"


def dispatch_documents(view: CaseView, tz: ZoneInfo) -> list[tuple[str, bytes]]:
    """The checklist and the tanda terima for the JFU at the dispatch step, as (filename, PDF)."""
    return [(filename(view, kind), render_pdf(kind, view, tz)) for kind in DISPATCH_KINDS]


class _Sheet(FPDF):
    """A4 with the DejaVu Sans family and a footer naming the case and the page."""

    def __init__(self, case_number: str) -> None:
        super().__init__(format="A4")
        self._case_number = case_number
        self.set_margins(left=20, top=15, right=20)
        self.set_auto_page_break(True, margin=18)
        fonts = _font_dir()
        for style, file in _FACES.items():
            self.add_font(_FAMILY, style, fonts / file)
        self.set_font(_FAMILY, size=9.5)

    def cover(self, text: str) -> None:
        """Add the placeholder font if ``text`` has a character DejaVu lacks (it takes seconds to load)."""
        faces = [self.fonts[_FAMILY + style] for style in _FACES]
        if any(ord(c) not in face.cmap for c in set(text) if c.isprintable() for face in faces):
            self.add_font(_FALLBACK[0], "", _font_dir() / _FALLBACK[1])
            self.set_fallback_fonts([_FALLBACK[0]], exact_match=False)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FAMILY, size=7.5)
        self.cell(0, 5, f"{self._case_number} · {self.page_no()}/{{nb}}", align="C")


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html"]),  # letter facts, names and notes are user text
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["wib"] = _local
    env.filters["flat"] = _flat
    return env


def _facts(view: CaseView) -> dict:
    """What every document shows, beyond the view itself."""
    case, sop, directory = view.case, view.sop, view.directory
    dispatch = sop.first_of(StepKind.DISPATCH)
    sig = case.signature
    return {
        "view": view,
        "case": case,
        "sop": sop,
        "letter": case.letter,
        "manifest": case.manifest,
        "signature": sig,
        "signer": display_name(directory, sig.signer, sig.acting_for) if sig else None,
        "registrar": directory.name(case.created_by),
        "roles": {s.no: sop.role(s.role).name for s in sop.steps},
        "dispatcher": directory.name(case.last_holder(step_no=dispatch.no)) if dispatch else None,
        "dispatch_role": sop.role(dispatch.role).name if dispatch else "",
        "items": dispatch.checklist if dispatch else (),
        "ticks": dict(case.checklist),
        "released": _released(case, dispatch),
    }


def _released(case: Case, dispatch: Step | None):
    """The tick of the item that let the data leave (e.g. sent, with its channel), if ticked."""
    items = dispatch.checklist if dispatch else ()
    return next((case.checklist[i.key] for i in items if i.releases and i.key in case.checklist), None)


@cache
def _font_dir() -> Path:
    """DejaVu Sans as matplotlib ships it (a PyPI wheel; no system fonts needed)."""
    spec = importlib.util.find_spec("matplotlib")  # found, not imported: only its files are read
    for root in (spec.submodule_search_locations or []) if spec else []:
        folder = Path(root) / "mpl-data" / "fonts" / "ttf"
        if all((folder / file).is_file() for file in (*_FACES.values(), _FALLBACK[1])):
            return folder
    raise RuntimeError("the printable documents need DejaVu Sans from matplotlib: pip install matplotlib")


def _flat(value: object) -> str:
    """Whitespace runs as one space: a table row taller than a page cannot be laid out."""
    if isinstance(value, Markup):
        return Markup(" ".join(value.split()))
    return " ".join(str(value).split())


def _local(value: datetime | None, tz: ZoneInfo) -> str:
    if value is None:
        return "-"
    local = value.astimezone(tz)
    return f"{local.strftime('%d-%m-%Y %H:%M')} {local.tzname()}"
