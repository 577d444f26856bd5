"""Printable documents of a case, as PDF: the lembar disposisi, the JFU's checklist, the tanda terima.

Each is a Jinja2 template in ``templates/documents/`` (the subset of HTML that fpdf2's
``write_html`` lays out), set in DejaVu Sans so that names and notes in any script print. The page
itself is ``bot/pdfsheet.py``, loaded with fpdf2 when the first PDF is made.
"""

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

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


def render_pdf(kind: str, view: CaseView, tz: ZoneInfo) -> bytes:
    """One document of a case as PDF bytes, with times shown in ``tz``.

    Args:
        kind: ``"lembar_disposisi"``, ``"checklist"`` or ``"tanda_terima"``.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown document {kind!r}; one of {', '.join(KINDS)}")
    html = _environment().get_template(f"documents/{kind}.html").render(tz=tz, **_facts(view))
    from bot.pdfsheet import layout  # fpdf2 (numpy, Pillow, fontTools) loads with the first PDF

    return layout(html, view.case.number, view.sop.issuer)


def filename(view: CaseView, kind: str) -> str:
    """``LDK-2026-0001-lembar-disposisi.pdf`` and so on."""
    return f"{view.case.number}-{kind.replace('_', '-')}.pdf"


def dispatch_documents(view: CaseView, tz: ZoneInfo) -> list[tuple[str, bytes]]:
    """The checklist and the tanda terima for the JFU at the dispatch step, as (filename, PDF)."""
    return [(filename(view, kind), render_pdf(kind, view, tz)) for kind in DISPATCH_KINDS]


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
