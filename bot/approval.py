"""What an official sees before the buttons: the manifest as the operator reported it (from the
checking step on), and at the signing step exactly what the signature will bind; the permit
letter's scan by its SHA-256 (and, when it came through the bot and uploads are allowed, a button
that sends it). Values for the step templates; nothing here reads the database."""

from dataclasses import dataclass
from datetime import datetime

from workflow.case import StepRecord
from workflow.service.cases import CaseView
from workflow.service.pressing import scan_offered as scan_kept
from workflow.sop import StepKind
from workflow.states import StepOutcome
from workflow.timeline import display_name

__all__ = ["Approval", "approval", "scan_offered"]


@dataclass(frozen=True, slots=True)
class Approval:
    """What the step message shows besides the case and its history."""

    manifest: object | None = None  # workflow.manifest.Manifest, once reported and before dispatch ends
    manifest_hash: str | None = None
    reported_by: str | None = None
    reported_at: datetime | None = None
    binds: tuple[tuple[str, object], ...] = ()  # at the signing step: (registration field, value)
    sop_version: str | None = None
    scan_offered: bool = False


def scan_offered(view: CaseView, uploads: bool) -> bool:
    """Whether the permit scan can be sent to an official (``workflow.service.pressing``'s rule)."""
    return scan_kept(view.case, uploads)


def approval(view: CaseView, record: StepRecord, *, uploads: bool) -> Approval:
    """The approval values for the message about ``record``, a step instance of ``view``'s case."""
    case, sop = view.case, view.sop
    offered = scan_offered(view, uploads)
    report = sop.first_of(StepKind.REPORT_DATA)
    if case.manifest is None or report is None or record.step_no <= report.no:
        return Approval(scan_offered=offered)
    reported = next(
        (
            s
            for s in reversed(case.steps)
            if s.step_no == report.no and s.outcome is StepOutcome.COMPLETED and s.finished_at is not None
        ),
        None,
    )
    binds: tuple = ()
    if sop.step(record.step_no).kind is StepKind.SIGN:
        binds = tuple((field, getattr(case.letter, field)) for field in sop.signature_binds)
    return Approval(
        manifest=case.manifest,
        manifest_hash=case.manifest.checksum(),
        reported_by=display_name(view.directory, reported.actor, reported.acting_for) if reported else None,
        reported_at=reported.finished_at if reported else None,
        binds=binds,
        sop_version=f"{sop.id} {sop.number} v{sop.version}",
        scan_offered=offered,
    )
