"""How a case maps to its rows and back: plain functions on row values, no session.

``workflow.db.repository`` runs the statements; this module only says which column holds what.
"""

from datetime import datetime
from types import MappingProxyType

from workflow.case import Case, Letter, Signature, StepRecord, Tick
from workflow.manifest import Manifest

__all__ = ["case_from_rows", "case_values", "jsonable", "letter_key", "step_record", "step_values"]


def case_from_rows(row, step_rows) -> Case:
    """The case of a ``cases`` row and its ``steps`` rows (in order)."""
    sig = row.signature
    return Case(
        id=row.id,
        number=row.number,
        sop_id=row.sop_id,
        sop_version=row.sop_version,
        state=row.state,
        version=row.version,
        created_by=row.created_by,
        created_at=row.created_at,
        closed_at=row.closed_at,
        access_revoked_at=row.access_revoked_at,
        access_revoked_by=row.access_revoked_by,
        letter=Letter(
            number=row.letter_number,
            date=row.letter_date,
            institution=row.institution,
            purpose=row.purpose,
            pks_number=row.pks_number,
            agenda_number=row.agenda_number,
            srikandi_ref=row.srikandi_ref,
            scan_sha256=row.scan_sha256,
            scan_location=row.scan_location,
            scan_file_id=row.scan_file_id,
        ),
        steps=tuple(step_record(s) for s in step_rows),
        manifest=Manifest.from_dict(row.manifest) if row.manifest else None,
        accepted_hash=row.accepted_hash,
        signature=_signature(sig) if sig else None,
        checklist=MappingProxyType(
            {
                k: Tick(
                    v["by"],
                    datetime.fromisoformat(v["at"]),
                    v["value"],
                    v.get("receipt_sha256"),
                    v.get("receipt_file"),
                )
                for k, v in (row.checklist or {}).items()
            }
        ),
    )


def _signature(sig: dict) -> Signature:
    return Signature(
        sig["signer"],
        sig["acting_for"],
        sig["role"],
        sig["manifest_hash"],
        datetime.fromisoformat(sig["signed_at"]),
        binding=sig.get("binding", ""),
        value=sig.get("sig", ""),
        key_id=sig.get("key_id", ""),
        legacy=bool(sig.get("legacy")),
    )


def _signature_values(sig: Signature) -> dict:
    values = {
        "signer": sig.signer,
        "acting_for": sig.acting_for,
        "role": sig.role,
        "manifest_hash": sig.manifest_hash,
        "signed_at": sig.signed_at.isoformat(),
    }
    if sig.legacy:
        return {**values, "legacy": True}
    return {**values, "binding": sig.binding, "sig": sig.value, "key_id": sig.key_id}


def letter_key(text: str) -> str:
    """A letter number or institution as compared for duplicates: spaces collapsed, case folded."""
    return " ".join(text.split()).casefold()


def case_values(case: Case, now: datetime) -> dict:
    """The ``cases`` columns an action may change (not the number, sequence or creation)."""
    letter, sig = case.letter, case.signature
    return dict(
        state=case.state,
        version=case.version,
        updated_at=now,
        closed_at=case.closed_at,
        access_revoked_at=case.access_revoked_at,
        access_revoked_by=case.access_revoked_by,
        agenda_number=letter.agenda_number,
        srikandi_ref=letter.srikandi_ref,
        letter_number=letter.number,
        letter_number_key=letter_key(letter.number),
        letter_date=letter.date,
        institution=letter.institution,
        institution_key=letter_key(letter.institution),
        purpose=letter.purpose,
        pks_number=letter.pks_number,
        scan_sha256=letter.scan_sha256,
        scan_location=letter.scan_location,
        scan_file_id=letter.scan_file_id,
        manifest=case.manifest.to_dict() if case.manifest else None,
        accepted_hash=case.accepted_hash,
        signature=None if sig is None else _signature_values(sig),
        checklist={
            k: {
                "by": t.by,
                "at": t.at.isoformat(),
                "value": t.value,
                "receipt_sha256": t.receipt_sha256,
                "receipt_file": t.receipt_file,
            }
            for k, t in case.checklist.items()
        },
    )


def step_values(r: StepRecord) -> dict:
    """The ``steps`` columns of a step instance (``next_sla_at`` is the repository's to plan)."""
    return dict(
        step_no=r.step_no,
        assignee=r.assignee,
        started_at=r.started_at,
        due_at=r.due_at,
        acknowledged_at=r.acknowledged_at,
        finished_at=r.finished_at,
        outcome=r.outcome,
        actor=r.actor,
        acting_for=r.acting_for,
        instruction=r.instruction,
        note=r.note,
        payload=jsonable(dict(r.payload)),
        working_seconds=r.working_seconds,
    )


def step_record(row) -> StepRecord:
    """The step instance of a ``steps`` row."""
    return StepRecord(
        id=row.id,
        step_no=row.step_no,
        assignee=row.assignee,
        started_at=row.started_at,
        due_at=row.due_at,
        acknowledged_at=row.acknowledged_at,
        finished_at=row.finished_at,
        outcome=row.outcome,
        actor=row.actor,
        acting_for=row.acting_for,
        instruction=row.instruction,
        note=row.note,
        payload=MappingProxyType(dict(row.payload or {})),
        working_seconds=row.working_seconds,
    )


def jsonable(value):
    """A value for a JSON column: mappings and sequences copied, instants as ISO strings."""
    if isinstance(value, dict | MappingProxyType):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value
