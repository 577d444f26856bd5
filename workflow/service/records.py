"""Accountability: the audit chain's head and verification, audit exports, evidence packs and
the usage report for the six-monthly reports to the permit issuer."""

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, sessionmaker

from workflow.db.audit import AuditChain, PublishedHead, Verification, content_of
from workflow.db.models import AuditRow, CaseRow
from workflow.db.reference import load_sop_version
from workflow.letters import letter_facts
from workflow.service.cases import CaseService
from workflow.service.uow import run_in_transaction
from workflow.sop import Sop, StepKind
from workflow.states import CaseState

__all__ = ["AUDIT_FIELDS", "USAGE_FIELDS", "Records"]

AUDIT_FIELDS = (
    "seq",
    "at",
    "actor",
    "acting_for",
    "action",
    "result",
    "case_number",
    "step_id",
    "reason_code",
    "message",
    "detail",
    "prev_mac",
    "mac",
)
USAGE_FIELDS = (
    "institution",
    "case_number",
    "letter_number",
    "letter_date",
    "pks_number",
    "purpose",
    "released_at",
    "form",
    "records",
    "pages",
    "manifest_sha256",
    "receipt",
)


class Records:
    """Reads the record for auditors; writes nothing."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        cases: CaseService,
        tz: ZoneInfo,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self._cases = cases
        self._tz = tz
        self._clock = clock

    def _chain(self, session: Session) -> AuditChain:
        chain = session.info.get("audit_chain")
        if chain is None:
            raise RuntimeError("no audit key: set AUDIT_KEY to read or verify the audit chain")
        return chain

    def head(self) -> tuple[int, str]:
        """The chain head to publish: the newest row's number and MAC."""
        return run_in_transaction(self._sessions, lambda s: self._chain(s).head(s))

    def verify(self, from_head: str | None = None, published: PublishedHead | None = None) -> Verification:
        """Walk the whole chain; see ``AuditChain.verify``."""
        return run_in_transaction(self._sessions, lambda s: self._chain(s).verify(s, from_head, published))

    def audit_rows(
        self, *, case: str | None = None, start: date | None = None, end: date | None = None
    ) -> list[dict]:
        """Audit rows of one case, or of the office days ``start``..``end`` (inclusive), oldest first."""

        case_id = self._cases.view(case).case.id if case is not None else None

        def work(session: Session) -> list[dict]:
            query = select(AuditRow, CaseRow.number).outerjoin(CaseRow, AuditRow.case_id == CaseRow.id)
            if case_id is not None:
                query = query.where(AuditRow.case_id == case_id)
            if start is not None:
                query = query.where(AuditRow.at >= self._day_start(start))
            if end is not None:
                query = query.where(AuditRow.at < self._day_start(end + timedelta(days=1)))
            return [_audit_dict(row, number) for row, number in session.execute(query.order_by(AuditRow.seq))]

        return run_in_transaction(self._sessions, work)

    def usage(self, start: date, end: date, institution: str | None = None) -> list[dict]:
        """Releases closed between two office days (inclusive), by institution then date."""

        def work(session: Session) -> list[dict]:
            query = select(CaseRow).where(
                and_(
                    CaseRow.state == CaseState.CLOSED,
                    CaseRow.manifest.is_not(None),
                    CaseRow.closed_at >= self._day_start(start),
                    CaseRow.closed_at < self._day_start(end + timedelta(days=1)),
                )
            )
            if institution:
                query = query.where(CaseRow.institution_key == " ".join(institution.split()).casefold())
            rows = sorted(session.scalars(query), key=lambda r: (r.institution_key, r.closed_at, r.number))
            receipts = {  # the receipt item of each SOP version's dispatch step, if it has one
                (r.sop_id, r.sop_version): _receipt_key(load_sop_version(session, r.sop_id, r.sop_version))
                for r in rows
            }
            return [self._usage_dict(r, receipts[r.sop_id, r.sop_version]) for r in rows]

        return run_in_transaction(self._sessions, work)

    def evidence(self, case: str) -> bytes:
        """A zip with everything that shows who allowed the release, over which permit, which data.

        Holds ``evidence.json`` (letter, scan hash, manifest and its hash, signature, checklist with
        the receipt hash, the timeline), ``audit.jsonl`` (the case's audit rows), ``verification.json``
        (the whole chain verified, and each of the case's rows) and ``SHA256SUMS``.
        """
        view = self._cases.view(case)
        rows = self.audit_rows(case=view.case.number)
        verification = self.verify()
        bad = {p.seq for p in verification.problems}
        files = {
            "evidence.json": _dump(_evidence(view, self._tz)),
            "audit.jsonl": "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows),
            "verification.json": _dump(
                {
                    "chain_ok": verification.ok,
                    "chain_rows": verification.rows,
                    "chain_head": {"seq": verification.head_seq, "mac": verification.head_mac},
                    "problems": [
                        {"seq": p.seq, "kind": p.kind, "message": p.message} for p in verification.problems
                    ],
                    "case_rows": [{"seq": r["seq"], "ok": r["seq"] not in bad} for r in rows],
                    "verified_at": self._clock().isoformat(),
                }
            ),
        }
        files["SHA256SUMS"] = "".join(
            f"{hashlib.sha256(text.encode()).hexdigest()}  {name}\n" for name, text in files.items()
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in files.items():
                archive.writestr(f"{view.case.number}/{name}", text)
        return buffer.getvalue()

    def _day_start(self, day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=self._tz).astimezone(UTC)

    def _usage_dict(self, row: CaseRow, receipt_key: str | None) -> dict:
        manifest = row.manifest or {}
        receipt = (row.checklist or {}).get(receipt_key, {}) if receipt_key else {}
        return {
            "institution": row.institution,
            "case_number": row.number,
            "letter_number": row.letter_number,
            "letter_date": row.letter_date.isoformat(),
            "pks_number": row.pks_number or "",
            "purpose": row.purpose,
            "released_at": row.closed_at.astimezone(self._tz).strftime("%Y-%m-%d %H:%M"),
            "form": manifest.get("form", ""),
            "records": manifest.get("records") if manifest.get("records") is not None else "",
            "pages": manifest.get("pages") if manifest.get("pages") is not None else "",
            "manifest_sha256": row.accepted_hash or "",
            "receipt": " ".join(filter(None, [receipt.get("value"), receipt.get("receipt_sha256")])),
        }


def _receipt_key(sop: Sop) -> str | None:
    dispatch = sop.first_of(StepKind.DISPATCH)
    item = dispatch.receipt_item if dispatch is not None else None
    return item.key if item is not None else None


def _audit_dict(row: AuditRow, case_number: str | None) -> dict:
    return {
        "seq": row.seq,
        "at": row.at.isoformat(),
        "actor": row.actor,
        "acting_for": row.acting_for,
        "action": row.action,
        "result": row.result,
        "case_number": case_number,
        "step_id": row.step_id,
        "reason_code": row.reason_code,
        "message": row.message,
        "detail": row.detail,
        "prev_mac": row.prev_mac,
        "mac": row.mac,
        "content": content_of(row),
    }


def _evidence(view, tz: ZoneInfo) -> dict:
    case, letter, sig = view.case, view.case.letter, view.case.signature
    name = view.directory.name
    return {
        "case": {
            "number": case.number,
            "state": case.state.value,
            "sop": f"{case.sop_id} v{case.sop_version}",
            "sop_number": view.sop.number,
            "registered_at": case.created_at.isoformat(),
            "registered_by": case.created_by,
            "ended_at": case.closed_at.isoformat() if case.closed_at else None,
        },
        "permit_letter": {**letter_facts(letter), "scan_location": letter.scan_location},
        "manifest": case.manifest.to_dict() if case.manifest else None,
        "manifest_sha256": case.manifest.checksum() if case.manifest else None,
        "accepted_manifest_sha256": case.accepted_hash,
        "signature": None
        if sig is None
        else {
            "signer": sig.signer,
            "signer_name": name(sig.signer),
            "acting_for": sig.acting_for,
            "acting_for_name": name(sig.acting_for) if sig.acting_for else None,
            "role": sig.role,
            "manifest_sha256": sig.manifest_hash,
            "signed_at": sig.signed_at.isoformat(),
        },
        "checklist": {
            item: {
                "by": t.by,
                "at": t.at.isoformat(),
                "value": t.value,
                "receipt_sha256": t.receipt_sha256,
                "receipt_file": t.receipt_file,
            }
            for item, t in case.checklist.items()
        },
        "timeline": [
            {
                "step": r.step_no,
                "action": r.action,
                "holder": r.holder,
                "done_by": r.actor,
                "started_at": r.started_at.isoformat(),
                "finished_at": r.finished_at.isoformat() if r.finished_at else None,
                "started_wib": r.started_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                "outcome": r.outcome,
                "instruction": r.instruction,
                "note": r.note,
                "working_seconds": int(r.working.total_seconds()),
                "sla_seconds": int(r.sla.total_seconds()),
            }
            for r in view.timeline
        ],
    }


def _dump(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
