"""What a press or an answer shows, rendered from the desk's result (``workflow.service.desk``):
the pressed message's new text or buttons, a question to ask, an alert, a document. Nothing here
reads the database or decides anything: the input was checked, and acted on, in the desk's one
transaction."""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Press, encode
from bot.handlers.replies import Ask, Outcome, done_text
from bot.messages import (
    history_text,
    instruction_keyboard,
    people_keyboard,
    return_keyboard,
    step_keyboard,
    step_text,
)
from bot.settings import Settings
from bot.templating import labels, render_html, render_plain
from workflow.service.turn import Result
from workflow.timeline import display_name

__all__ = ["outcome", "question"]


def outcome(result: Result, settings: Settings) -> Outcome:
    """What the pressed message becomes, and what is asked or sent besides."""
    lang, tz, uploads = result.lang, settings.tz, settings.allow_scan_uploads
    view, after, show = result.view, result.after, result.show
    if show == "history":
        return Outcome(reply=history_text(view, lang, tz))
    if show == "hashes":  # the full values behind the shortened ones, as an alert
        return Outcome(alert=render_plain("hashes", lang, tz, manifest=view.case.manifest))
    if show == "scan":
        return Outcome(document=view.case.letter.scan_file_id)
    if show == "menu":
        return Outcome(keyboard=step_keyboard(view, list(result.allowed), lang, uploads=uploads))
    if show == "instructions":
        return Outcome(keyboard=instruction_keyboard(view, lang, with_note=result.data["with_note"]))
    if show == "people":
        keyboard = people_keyboard(view, list(result.people), lang, action=result.code, first=result.args)
        return Outcome(keyboard=keyboard)
    if show == "returns":
        return Outcome(keyboard=return_keyboard(view, lang, tz))
    if show == "forms":
        return Outcome(keyboard=_forms(result))
    if show == "ask":
        return Outcome(ask=question(result, settings))
    if show == "done":
        return Outcome(done_text(result, settings), moved=True, acted=True)
    if show == "step":  # the step is still the presser's: it shows as it now stands
        text = step_text(after, lang, tz, uploads=uploads)
        return Outcome(text, step_keyboard(after, list(result.allowed), lang, uploads=uploads), acted=True)
    if show == "revoked":
        case = after.case
        by = display_name(after.directory, case.access_revoked_by, None)
        text = render_html("access_revoked", lang, tz, case=case, by=by, at=case.access_revoked_at)
        return Outcome(text, acted=True)
    raise ValueError(f"a press does not show {show!r}")


def question(result: Result, settings: Settings) -> Ask:
    """The question a press (or an answer, for the manifest's next one) asks, with what its
    answer needs to remember."""
    lang, tz, view, data = result.lang, settings.tz, result.view, dict(result.data)
    case, kind = view.case, result.ask
    if kind == "note":
        return Ask("note", render_html("ask_note", lang, tz, case=case))
    if kind == "reject":
        return Ask("reject", render_html("ask_reject", lang, tz, case=case))
    if kind == "return":
        target = view.sop.step(data["to_step"])
        return Ask("return", render_html("ask_return", lang, tz, case=case, target=target), data)
    if kind == "sign":
        prompt = render_html("ask_pin", lang, tz, case=case, hash=data["manifest_hash"])
        return Ask("sign", prompt, data)
    if kind == "manifest":  # the first question of the guided manifest, or the next one
        field = data.pop("field", None) or "description"
        return Ask("manifest", render_html(f"ask_manifest_{field}", lang, tz, case=case), data)
    item = next(i for i in view.sop.step(case.current.step_no).checklist if i.key == data["item"])
    template = "ask_receipt" if kind == "tick_receipt" else "ask_tick"
    return Ask(kind, render_html(template, lang, tz, case=case, item=item), data)


def _forms(result: Result) -> InlineKeyboardMarkup:
    """*Laporkan data*: the manifest's two forms."""
    case, words = result.view.case, labels(result.lang)
    step = case.current
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    words[f"form_{form}"],
                    callback_data=encode(Press("mf", case.id, step.id, case.version, (form[0],))),
                )
            ]
            for form in ("file", "hardcopy")
        ]
    )
