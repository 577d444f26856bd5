"""What a signature binds, and whether a stored signature still holds for its case. Pure.

The binding is canonical JSON: the case, the SOP id and version, the registration fields the SOP
marks as bound, the manifest hash, the signer, whom they acted for and under which stand-in
order, the time and the signing key's id. The service signs it with an Ed25519 key kept outside
the database (``workflow.keys``), so anyone holding the public key can verify a release from the
audit export alone, and a signature written into the database by hand does not verify.
"""

import json
from datetime import date, datetime
from typing import Protocol

from workflow.case import Case, Signature
from workflow.errors import Reason
from workflow.roster import StandIn
from workflow.sop import Sop

__all__ = ["BINDING_VERSION", "Seal", "binding", "signature_problems"]

BINDING_VERSION = 1


class Seal(Protocol):
    """Signs with the current signing key and verifies with any trusted one."""

    key_id: str

    def sign(self, data: bytes) -> str:
        """The signature of ``data`` (base64)."""
        ...

    def knows(self, key_id: str) -> bool:
        """Whether ``key_id`` names a trusted signing key."""
        ...

    def verify(self, key_id: str, data: bytes, value: str) -> bool:
        """Whether ``value`` is a signature of ``data`` under the key ``key_id``."""
        ...


def binding(
    case: Case,
    sop: Sop,
    *,
    signer: str,
    acting_for: str | None,
    role: str,
    order: StandIn | None,
    signed_at: datetime,
    key_id: str,
) -> str:
    """The canonical JSON a signature on ``case`` (as it is now) covers."""
    data = {
        "v": BINDING_VERSION,
        **_case_part(case, sop.id, sop.version, sop.signature_binds),
        "signer": signer,
        "acting_for": acting_for,
        "role": role,
        "stand_in": None if order is None else _order(order),
        "signed_at": signed_at.isoformat(),
        "key_id": key_id,
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def signature_problems(case: Case, seal: Seal | None) -> list[Reason]:
    """Why the case's signature does not hold for the case as it is now; empty when it does."""
    sig = case.signature
    if sig is None:
        return []
    if sig.legacy:
        if sig.attested:
            return []
        return [
            Reason(
                "legacy_unattested",
                "the signature was recorded before signing keys and no intact audit row attests it",
            )
        ]
    try:
        bound = json.loads(sig.binding)
        fields = bound["registration"]
    except (ValueError, KeyError, TypeError):
        return [Reason("signature_unreadable", "the signature's binding is unreadable: it was altered")]
    if seal is None:
        return [
            Reason(
                "signature_key_missing",
                "no signing key is configured to verify the signature (SIGNING_KEY_FILE)",
            )
        ]
    if not seal.knows(sig.key_id):
        return [
            Reason(
                "signature_key_unknown",
                f"the signature names key {sig.key_id or '(none)'}, which is not a trusted signing key",
            )
        ]
    if not seal.verify(sig.key_id, sig.binding.encode(), sig.value):
        return [Reason("signature_forged", "the signature does not verify: it was forged or altered")]
    expected = {**_case_part(case, case.sop_id, case.sop_version, tuple(fields)), **_signature_part(sig)}
    # the binding's manifest hash is compared with the signature record's (above); whether that is
    # the case's current manifest is the release rule's own blocker
    registration = expected.pop("registration")
    changed = [k for k, v in expected.items() if bound.get(k) != v]
    changed += [f"registration.{k}" for k, v in registration.items() if fields.get(k) != v]
    if changed:
        return [
            Reason("signature_mismatch", f"the case no longer matches what was signed ({', '.join(changed)})")
        ]
    return []


def _case_part(case: Case, sop_id: str, sop_version: int, fields: tuple[str, ...]) -> dict:
    return {
        "case": case.number,
        "sop": {"id": sop_id, "version": sop_version},
        "registration": {f: _plain(getattr(case.letter, f)) for f in fields},
        "manifest_hash": case.manifest.checksum() if case.manifest is not None else None,
    }


def _signature_part(sig: Signature) -> dict:
    """The stored signature's own fields, which must say what its binding says (the release rule
    compares its manifest hash with the case's manifest)."""
    return {
        "manifest_hash": sig.manifest_hash,
        "signer": sig.signer,
        "acting_for": sig.acting_for,
        "role": sig.role,
        "signed_at": sig.signed_at.isoformat(),
        "key_id": sig.key_id,
    }


def _order(order: StandIn) -> dict:
    return {
        "official": order.official,
        "for": order.for_key,
        "sp_number": order.sp_number,
        "from": order.starts_at.isoformat(),
        "until": order.ends_at.isoformat(),
        "set_by": order.set_by,
        "set_at": order.set_at.isoformat() if order.set_at else None,
    }


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value
