"""The SOP's warning as code: no data leaves without the written permission of the authorised
official. Checked when a dispatch step opens and on every checklist tick (the last one closes the
case), against the case as it is now: the signature is verified again each time."""

from workflow.case import Case
from workflow.errors import Reason, ReleaseNotAuthorised
from workflow.signature import Seal, signature_problems
from workflow.sop import Sop, StepKind

__all__ = ["release_blockers", "require_release"]


def release_blockers(case: Case, sop: Sop, seal: Seal | None) -> list[Reason]:
    """Why the data of this case may not be released now (English, each with its code); empty
    when it may."""
    blockers = []
    if not case.letter.on_record:
        blockers.append(
            Reason(
                "permit_not_on_record",
                "the permit letter is not on record (number, date and the scan's SHA-256)",
            )
        )
    sign = sop.first_of(StepKind.SIGN)
    signature = case.signature
    if sign is None:
        blockers.append(Reason("no_signing_step", "this SOP has no signing step"))
    elif signature is None:
        blockers.append(
            Reason("not_signed", f"the data has not been signed by the {sop.role(sign.role).name}")
        )
    else:
        if signature.role != sign.role:
            blockers.append(
                Reason("signature_wrong_role", f"the signature is not the {sop.role(sign.role).name}'s")
            )
        current = case.manifest.checksum() if case.manifest is not None else None
        if not (signature.manifest_hash == case.accepted_hash == current):
            blockers.append(
                Reason("manifest_not_signed", "the manifest is not the one that was checked and signed")
            )
        blockers += signature_problems(case, seal)
    return blockers


def require_release(case: Case, sop: Sop, seal: Seal | None) -> None:
    """Raise ``ReleaseNotAuthorised`` naming every blocker, if there is one."""
    blockers = release_blockers(case, sop, seal)
    if blockers:
        raise ReleaseNotAuthorised(
            "release not authorised: " + "; ".join(blockers),
            code="release_not_authorised",
            blockers=[b.code for b in blockers],
        )
