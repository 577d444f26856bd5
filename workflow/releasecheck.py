"""Verifying a release from an audit export and the signing public key alone: no database, no
audit key. Pure: rows in (as ``disposisi audit export --case`` writes them), findings out.

The export's ``sign`` row carries the signature, the exact text it binds and the key id; the rows
before it carry what was registered, reported and checked. A release verifies when the signature
verifies with a trusted public key, binds this case, and binds the registration, the manifest and
the signer that the other rows record, and the checklist was ticked after it.
"""

import json
from dataclasses import dataclass, field

from workflow.manifest import Manifest
from workflow.signature import Seal

__all__ = ["ReleaseCheck", "verify_release"]


@dataclass
class ReleaseCheck:
    """What the export shows: the signature's binding, the ticks after it, and every problem."""

    case: str | None = None
    binding: dict = field(default_factory=dict)
    ticks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the release verifies."""
        return not self.problems and bool(self.binding)


def verify_release(rows: list[dict], keys: Seal) -> ReleaseCheck:
    """Check the release recorded in ``rows`` (one case's audit rows, any order) with ``keys``."""
    rows = sorted((r for r in rows if r.get("result") == "ok"), key=lambda r: int(r["seq"]))
    numbers = {r.get("case_number") for r in rows} - {None, ""}
    check = ReleaseCheck(case=next(iter(numbers)) if len(numbers) == 1 else None)
    if len(numbers) != 1:
        check.problems.append(f"the export must hold one case's rows; it holds {len(numbers)} cases")
        return check
    signs = [i for i, r in enumerate(rows) if r["action"] == "sign"]
    if not signs:
        check.problems.append("no signature in the export: the data was never signed")
        return check
    at = signs[-1]
    sign = rows[at]
    sealed = (_detail(sign).get("signature")) or {}
    if not sealed:
        check.problems.append(
            "signed before signing keys existed: only the audit chain attests this signature"
        )
        return check
    if not keys.verify(sealed.get("key_id", ""), sealed.get("binding", "").encode(), sealed.get("value", "")):
        known = keys.knows(sealed.get("key_id", ""))
        check.problems.append(
            "the signature does not verify with that public key"
            if known
            else f"the signature was made with key {sealed.get('key_id')}, not with the public key given"
        )
        return check
    check.binding = bound = json.loads(sealed["binding"])
    before = rows[:at]
    _expect(check, "case", bound.get("case"), check.case)
    _expect(check, "signer", bound.get("signer"), sign["actor"])
    _expect(check, "acting_for", bound.get("acting_for"), sign.get("acting_for") or None)
    _expect(
        check, "manifest hash in the sign row", bound.get("manifest_hash"), _detail(sign).get("manifest_hash")
    )
    _check_manifest(check, before, bound)
    _check_registration(check, before, bound)
    check.ticks = [_detail(r).get("item") for r in rows[at + 1 :] if r["action"] == "tick_item"]
    if any(r["action"] in ("return", "submit_manifest") for r in rows[at + 1 :]):
        check.problems.append("the case was returned after this signature: it no longer authorises a release")
    return check


def _check_manifest(check: ReleaseCheck, before: list[dict], bound: dict) -> None:
    reports = [r for r in before if r["action"] == "submit_manifest"]
    accepts = [r for r in before if r["action"] == "accept_manifest"]
    if not reports or not accepts:
        check.problems.append("no reported and accepted manifest before the signature")
        return
    detail = _detail(reports[-1])
    checksum = Manifest.from_dict(detail["manifest"]).checksum()
    _expect(check, "hash of the manifest reported", checksum, detail.get("manifest_hash"))
    _expect(check, "manifest hash (reported)", bound.get("manifest_hash"), checksum)
    _expect(
        check,
        "manifest hash (accepted)",
        bound.get("manifest_hash"),
        _detail(accepts[-1]).get("manifest_hash"),
    )


def _check_registration(check: ReleaseCheck, before: list[dict], bound: dict) -> None:
    opened = next((r for r in before if r["action"] == "open_case"), None)
    if opened is None:
        check.problems.append("the export does not hold the case's registration")
        return
    letter = dict(_detail(opened).get("letter") or {})
    for row in before:
        if row["action"] == "attach_scan":
            letter["scan_sha256"] = _detail(row).get("sha256")
    for name, value in (bound.get("registration") or {}).items():
        if name in letter:
            _expect(check, f"registration {name}", value, letter[name])


def _expect(check: ReleaseCheck, what: str, bound, recorded) -> None:
    if bound != recorded:
        check.problems.append(f"{what}: the signature binds {bound!r}, the record says {recorded!r}")


def _detail(row: dict) -> dict:
    detail = row.get("detail") or {}
    return json.loads(detail) if isinstance(detail, str) else detail
