"""*Akses sudah dicabut*: the official who granted the operator access confirms it was revoked."""

from bot.callbacks import Press
from bot.handlers.replies import Outcome
from bot.runtime import Runtime
from bot.templating import render_html
from workflow.commands import ConfirmRevoked
from workflow.errors import StaleAction
from workflow.roster import Official
from workflow.service.cases import CaseView
from workflow.timeline import display_name

__all__ = ["access_revoked"]


def access_revoked(rt: Runtime, official: Official, press: Press, view: CaseView, lang: str) -> Outcome:
    """Confirm on a closed case; the message becomes the confirmation, without its button.

    No version check: the confirmation is taken once, so a second press (or a stale button) is
    refused by the engine, which names who confirmed it and when; the service audits the refusal.
    """
    if view.case.step_by_id(press.step_id) is None:  # callback data is client input
        refusal = StaleAction(f"step #{press.step_id} is not on {view.case.number}", code="wrong_case_step")
        rt.cases.refuse(press.case_id, official.key, f"press:{press.action}", refusal)
        raise refusal
    case = rt.cases.act(press.case_id, official.key, ConfirmRevoked())
    by = display_name(view.directory, case.access_revoked_by, None)
    text = render_html("access_revoked", lang, rt.settings.tz, case=case, by=by, at=case.access_revoked_at)
    return Outcome(text, acted=True)
