"""The audit log: every read, search, change, export and deletion, never the content.

Entries are chained: each entry's hash covers its own fields and the previous
entry's hash, so a changed or removed entry breaks the chain (`verify_chain`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEntry


class Action:
    """The actions that are logged (stable keys)."""

    OPEN_FILE = "laes_sag"
    SEARCH = "soegning"
    CREATE = "opret"
    CHANGE = "aendring"
    CLOSE = "luk_sag"
    REOPEN = "genaabn_sag"
    IMPORT = "import"
    EXPORT = "eksport"
    PRINT = "udskrift"
    VIEW_ATTACHMENT = "vis_bilag"
    BACKUP = "backup"
    RESTORE = "gendan"
    DELETE = "sletning"
    PRUNE = "oprydning_log"
    LIST = "vis_sagsstamme"


def _entry_hash(prev: str, at: dt.datetime, action: str, citizen_id: int | None, detail: str) -> str:
    payload = "\x1f".join([prev, at.isoformat(), action, str(citizen_id or ""), detail])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(session: Session, action: str, citizen_id: int | None = None, detail: str = "") -> None:
    """Log an action in the caller's transaction. `detail` must hold no personal data."""
    last = session.scalars(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    prev = last or ""
    at = dt.datetime.now().replace(microsecond=0)
    session.add(
        AuditEntry(
            at=at,
            action=action,
            citizen_id=citizen_id,
            detail=detail,
            prev_hash=prev,
            hash=_entry_hash(prev, at, action, citizen_id, detail),
        )
    )
    session.flush()


@dataclass(frozen=True)
class ChainReport:
    entries: int
    broken_at: int | None  # id of the first entry that does not verify

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(session: Session) -> ChainReport:
    prev = ""
    count = 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        count += 1
        expected = _entry_hash(prev, entry.at, entry.action, entry.citizen_id, entry.detail)
        if entry.prev_hash != prev or entry.hash != expected:
            return ChainReport(count, entry.id)
        prev = entry.hash
    return ChainReport(count, None)
