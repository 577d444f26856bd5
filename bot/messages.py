"""Step messages and their buttons, rendered from templates, always within Telegram's limit."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.approval import approval, scan_offered
from bot.callbacks import Press, encode, key_tag
from bot.templating import LIMIT, labels, render_html, render_plain, sop_text, visible_length
from workflow.presses import PRESSES
from workflow.revocation import granted_to, grants
from workflow.service.cases import CaseView
from workflow.sop import ChecklistItem

__all__ = [
    "Rendered",
    "Tick",
    "checklist",
    "instruction_keyboard",
    "people_keyboard",
    "return_keyboard",
    "revoke_keyboard",
    "revoke_operators",
    "step_keyboard",
    "step_text",
]


@dataclass(frozen=True, slots=True)
class Rendered:
    """A message ready to send."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None
    #: The documents (filename, PDF) sent after the text, drawn only once it is sent (PDFs take a
    #: while to draw: the text must not wait for them).
    later: Callable[[], list[tuple[str, bytes]]] | None = None
    photos: tuple[bytes, ...] = ()  # images (PNG) sent after the text and the documents
    replaces: tuple[tuple[int, int], ...] = ()  # (chat, message) ids of older messages it replaces
    replaced: str | None = None  # what those older messages become (their buttons removed)
    edit: int | None = None  # a message to put this in place of, if Telegram still allows it


def fit(template: str, lang: str, tz: ZoneInfo, rows: list, **values) -> str:
    """Render with as many of the newest ``rows`` as fit in one message; ``cut`` counts those left out."""
    for keep in range(len(rows), -1, -1):
        text = render_html(template, lang, tz, rows=rows[len(rows) - keep :], cut=len(rows) - keep, **values)
        if visible_length(text) <= LIMIT:
            return text
    raise ValueError(f"{template} does not fit in one message even without its history")


def step_text(
    view: CaseView,
    lang: str,
    tz: ZoneInfo,
    template: str = "step_assigned",
    *,
    step_no: int | None = None,
    uploads: bool = False,
    **extra,
) -> str:
    """The message about the case's current (or last) step, or its latest ``step_no``; history cut to fit.

    It shows what the official approves (``bot.approval``); ``uploads``: whether the permit scan
    may be offered through Telegram (``ALLOW_SCAN_UPLOADS``).
    """
    record = view.case.current or view.case.steps[-1]
    if step_no is not None and record.step_no != step_no:
        record = next(s for s in reversed(view.case.steps) if s.step_no == step_no)
    history = [r for r in view.timeline if r.finished_at is not None]
    extra.setdefault("acting_for", None)
    extra.setdefault("sp_number", None)
    extra.setdefault("ap", approval(view, record, uploads=uploads))
    extra.setdefault("ticks", checklist(view, record.step_no))
    return fit(
        template,
        lang,
        tz,
        history,
        case=view.case,
        step=view.sop.step(record.step_no),
        due=record.due_at,
        **extra,
    )


@dataclass(frozen=True, slots=True)
class Tick:
    """One checklist item as the step message shows it, with its SOP labels: done (by whom, when,
    what) or open."""

    item: ChecklistItem
    by: str | None = None
    at: datetime | None = None
    value: str = ""


def checklist(view: CaseView, step_no: int) -> list[Tick]:
    """The step's checklist as its SOP version lists it, every item, done or open; empty at a step
    without one (only a dispatch step has one)."""
    done = view.case.checklist
    name = view.directory.name
    return [
        Tick(i, name(done[i.key].by), done[i.key].at, done[i.key].value) if i.key in done else Tick(i)
        for i in view.sop.step(step_no).checklist
    ]


def history_text(view: CaseView, lang: str, tz: ZoneInfo) -> str:
    """The whole timeline (*Riwayat*), oldest entries dropped only if it cannot fit."""
    return fit("history", lang, tz, list(view.timeline), case=view.case)


def step_keyboard(
    view: CaseView, allowed: list[str], lang: str, *, uploads: bool = False
) -> InlineKeyboardMarkup | None:
    """Buttons for exactly the actions the engine allows this person now, then *Riwayat*, the full
    SHA-256 values once data was reported, and the permit scan when it may be sent (``uploads``)."""
    words = labels(lang)
    case, step = view.case, view.case.current
    if step is None:
        return None

    def button(label: str, action: str, *args: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            label, callback_data=encode(Press(action, case.id, step.id, case.version, args))
        )

    def offered(row: int) -> list[InlineKeyboardButton]:  # the table's buttons of that row, if allowed
        kinds = (k for k in PRESSES.values() if k.row == row and k.action in allowed)
        return [
            button(words[k.label], k.code, *_first_args(k.code, case)) for k in kinds if _shown(k.code, case)
        ]

    rows = [main] if (main := offered(1)) else []
    if "tick_item" in allowed:  # the callback carries the item's index in the SOP step's checklist
        rows += [
            [button(f"☐ {sop_text(item, lang)}", "tk", str(i))]
            for i, item in enumerate(view.sop.step(step.step_no).checklist)
            if item.key not in case.checklist
        ]
    if second := offered(2):
        rows.append(second)
    last = [button(words["history"], "hi")]
    if case.manifest is not None:
        last.append(button(words["hashes"], "hs"))
    if scan_offered(view, uploads):
        last.append(button(words["permit_scan"], "sc"))
    rows.append(last)
    return InlineKeyboardMarkup(rows)


def _shown(code: str, case) -> bool:
    """*Terima data* needs a manifest to accept."""
    return code != "am" or case.manifest is not None


def _first_args(code: str, case) -> tuple[str, ...]:
    """*Terima data* carries the manifest's hash prefix: a changed manifest makes it stale."""
    return (case.manifest.checksum()[:16],) if code == "am" else ()


def instruction_keyboard(view: CaseView, lang: str, *, with_note: bool = False) -> InlineKeyboardMarkup:
    """The case's SOP's instructions as quick picks, by their index in the SOP (after a note, also
    "no instruction"), and a way back."""
    case, step = view.case, view.case.current

    def button(label: str, action: str, *args: str) -> list[InlineKeyboardButton]:
        return [
            InlineKeyboardButton(
                label, callback_data=encode(Press(action, case.id, step.id, case.version, args))
            )
        ]

    rows = [button(sop_text(item, lang), "fw", str(i)) for i, item in enumerate(view.sop.instructions)]
    if with_note:
        rows.append(button(labels(lang)["no_instruction"], "fw", "x"))
    rows.append(button(labels(lang)["back"], "mn"))
    return InlineKeyboardMarkup(rows)


def people_keyboard(
    view: CaseView, candidates: list[str], lang: str, action: str = "fw", first: tuple[str, ...] = ()
) -> InlineKeyboardMarkup:
    """One button per official who may take the step: ``action`` with ``first`` args, then their tag."""
    case, step = view.case, view.case.current
    words = labels(lang)

    def button(label: str, *args: str) -> list[InlineKeyboardButton]:
        return [
            InlineKeyboardButton(
                label, callback_data=encode(Press(action, case.id, step.id, case.version, args))
            )
        ]

    rows = [button(f"{words['to']} {view.directory.name(key)}", *first, key_tag(key)) for key in candidates]
    rows.append(
        [
            InlineKeyboardButton(
                words["back"], callback_data=encode(Press("mn", case.id, step.id, case.version))
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


def return_keyboard(view: CaseView, lang: str, tz: ZoneInfo) -> InlineKeyboardMarkup:
    """*Kembalikan* where the SOP allows several earlier steps: one button per step, then a way back."""
    case, step = view.case, view.case.current

    def button(label: str, action: str, *args: str) -> list[InlineKeyboardButton]:
        data = encode(Press(action, case.id, step.id, case.version, args))
        return [InlineKeyboardButton(label, callback_data=data)]

    rows = [
        button(render_plain("return_target_button", lang, tz, step=view.sop.step(no)), "rt", str(no))
        for no in view.sop.step(step.step_no).returns_to
    ]
    rows.append(button(labels(lang)["back"], "mn"))
    return InlineKeyboardMarkup(rows)


def revoke_keyboard(view: CaseView, allowed: list[str], lang: str) -> InlineKeyboardMarkup | None:
    """*Akses sudah dicabut* on a closed case, for whoever may confirm the operator's access was revoked."""
    if "access_revoked" not in allowed:
        return None
    case, grant = view.case, grants(view.case, view.sop)[-1]
    data = encode(Press("ar", case.id, grant.id, case.version))
    return InlineKeyboardMarkup([[InlineKeyboardButton(labels(lang)["access_revoked"], callback_data=data)]])


def revoke_operators(view: CaseView) -> str | None:
    """The names of the operators granted access on the case, or ``None`` if nobody was."""
    names = [view.directory.name(k) for k in granted_to(view.case, view.sop)]
    return ", ".join(names) or None
