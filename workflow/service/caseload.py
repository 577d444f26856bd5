"""Reading a case for an action or a view: the case by its number, a bare sequence number that names
one case, or its id; the SOP version it runs on, validated again and compared with its file;
whether a signature made before signing keys is still attested by its audit row; and the roster,
with the console operator as the admin."""

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.case import Case
from workflow.db import reference
from workflow.db import repository as repo
from workflow.db.models import AuditRow
from workflow.directory import Directory
from workflow.errors import CaseAmbiguous, CaseNotFound
from workflow.numbering import BARE, NO_YEAR
from workflow.roster import ADMIN_ROLE, Official
from workflow.service.rostercache import cached_directory
from workflow.sop import Sop, SopError
from workflow.visibility import may_see

__all__ = ["CLI_PREFIX", "CaseLoader", "roster_for"]

#: Actors from the command line are recorded as ``cli:<os user>`` and act as the admin.
CLI_PREFIX = "cli:"


class CaseLoader:
    """Loads a case with its SOP version and the roster, inside the caller's transaction."""

    def __init__(self, sops: Mapping[str, Sop], tz: ZoneInfo, clock: Callable[[], datetime]) -> None:
        self._sops = sops
        self._tz = tz
        self._clock = clock
        self._stored_sops: dict[tuple[str, int], Sop] = {}

    def load(
        self, session: Session, ref: str | int, actor: str | None, where: dict
    ) -> tuple[Case, Sop, Directory]:
        """The case (``ref``: its number, a bare sequence number, or its id), its SOP version and
        the roster; ``where`` gets the case id for the audit row of a refusal.

        Raises:
            CaseNotFound: no such case.
            CaseAmbiguous: a bare sequence number that matches several cases.
        """
        if isinstance(ref, int):
            case = repo.load_case(session, case_id=ref)
        else:
            case = repo.load_case(session, self._number(session, ref, actor))
        return self.loaded(session, case, ref, actor, where)

    def loaded(
        self, session: Session, case: Case | None, ref: str | int, actor: str | None, where: dict
    ) -> tuple[Case, Sop, Directory]:
        """As ``load``, for a case already read (None: there is none) by another statement."""
        if case is None:
            raise CaseNotFound(f"no case {ref!r}")
        where["case_id"] = case.id
        if case.signature is not None and case.signature.legacy:
            case = case.evolve(signature=replace(case.signature, attested=_attested(session, case)))
        return case, self._sop_of(session, case), roster_for(session, actor)

    def _sop_of(self, session: Session, case: Case) -> Sop:
        key = (case.sop_id, case.sop_version)
        if key not in self._stored_sops:  # a stored version never changes: read it once
            self._stored_sops[key] = self._stored_sop(session, *key)
        return self._stored_sops[key]

    def _stored_sop(self, session: Session, sop_id: str, version: int) -> Sop:
        """A stored SOP version, validated again; where its file is loaded too, they must agree."""
        try:
            sop = reference.load_sop_version(session, sop_id, version)
        except SopError as exc:
            raise SopError(
                f"{exc}; the database's copy of SOP {sop_id!r} version {version} was altered"
            ) from None
        shipped = self._sops.get(sop_id)
        if shipped is not None and shipped.version == version and shipped.checksum() != sop.checksum():
            raise SopError(
                f"the database's copy of SOP {sop_id!r} version {version} differs from its file: "
                "it was altered, or the file changed without a new version number"
            )
        return sop

    def _number(self, session: Session, ref: str, actor: str | None) -> str:
        ref = str(ref).strip()
        if not BARE.fullmatch(ref):
            return ref.upper()  # a full number, in any case
        # A bare sequence number: this year's case of a yearly SOP, or the case of an SOP that
        # counts on across years, whatever the prefix; it must name exactly one.
        year = self._clock().astimezone(self._tz).year
        numbers = repo.numbers_of_seq(session, int(ref), (year, NO_YEAR))
        if len(numbers) > 1:
            raise CaseAmbiguous(
                f"{ref} matches several cases ({', '.join(numbers)}): use the full number",
                numbers=self._visible(session, numbers, actor),
            )
        return numbers[0] if numbers else ref

    def _visible(self, session: Session, numbers: list[str], actor: str | None) -> list[str]:
        """Those of ``numbers`` that ``actor`` may see (none for no actor): a refusal's sentence
        names no case to someone who may not see it (the English message, for the CLI and the
        audit, names them all)."""
        if actor is None:
            return []
        directory, now = roster_for(session, actor), self._clock()
        cases = [c for c in (repo.load_case(session, n) for n in numbers) if c is not None]
        return [c.number for c in cases if may_see(c, self._sop_of(session, c), directory, actor, now)]


def _attested(session: Session, case: Case) -> bool:
    """Whether the case's latest ``sign`` audit row, intact under the audit key, records the same
    signature: what a signature made before signing keys existed rests on (see README)."""
    chain = session.info.get("audit_chain")
    row = session.scalar(
        select(AuditRow)
        .where(AuditRow.case_id == case.id, AuditRow.action == "sign", AuditRow.result == "ok")
        .order_by(AuditRow.seq.desc())
        .limit(1)
    )
    sig = case.signature
    return (
        chain is not None
        and row is not None
        and chain.row_verifies(row)
        and row.actor == sig.signer
        and row.acting_for == sig.acting_for
        and row.at == sig.signed_at
        and (row.detail or {}).get("manifest_hash") == sig.manifest_hash
    )


def roster_for(session: Session, actor: str | None) -> Directory:
    """The roster (read through the process's cache), with the console operator (``cli:<os user>``)
    as the admin."""
    directory = cached_directory(session)
    if actor is None or not actor.startswith(CLI_PREFIX):
        return directory
    return Directory(
        {**directory.officials, actor: Official(key=actor, name=actor, role=ADMIN_ROLE)},
        directory.stand_ins,
        directory.unreachable,
    )
