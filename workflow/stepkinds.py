"""What each kind of step does, in one table: the actions it offers its holder (besides
*Diterima* and *Alihkan*, which every step offers) and what its completion records on the case,
which a return to it or to a step before it voids. Pure."""

from dataclasses import dataclass
from types import MappingProxyType

from workflow.commands import (
    AcceptManifest,
    Forward,
    Reject,
    Return,
    Sign,
    SubmitManifest,
    TickItem,
)
from workflow.sop import StepKind

__all__ = ["STEP_KINDS", "KindRules"]


@dataclass(frozen=True, slots=True)
class KindRules:
    """One kind of step."""

    actions: tuple[type, ...]  # the commands its holder may use (with Acknowledge and Reassign)
    records: str | None = None  # the case field its completion sets, voided by a return to it or before
    empty: object = None  # that field's value when voided


STEP_KINDS: dict[StepKind, KindRules] = {
    StepKind.DISPOSITION: KindRules((Forward, Return, Reject)),
    StepKind.GRANT_ACCESS: KindRules((Forward, Return, Reject)),
    StepKind.REPORT_DATA: KindRules((SubmitManifest, Return), "manifest"),
    StepKind.CHECK_DATA: KindRules((AcceptManifest, Return), "accepted_hash"),
    StepKind.SIGN: KindRules((Sign, Return), "signature"),
    StepKind.DISPATCH: KindRules((TickItem, Return), "checklist", MappingProxyType({})),
}
