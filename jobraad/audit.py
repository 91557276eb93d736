"""The audit log: every read, search, change, export and deletion, never the content.

Entries are chained: each entry's hash covers its own fields and the previous
entry's hash, so a changed or removed entry breaks the chain (`verify_chain`).

The log is kept for a set period (setting `audit_retention_days`) and then
pruned from the oldest end (`prune_audit`). The prune is itself logged, and its
entry carries the hash of the last entry removed: the anchor the first
remaining entry must point back to, so the shortened chain still verifies and a
removal by anyone else still shows.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from db.models import AuditEntry, Citizen
from db.session import Database
from jobraad import cpr as cpr_numbers
from jobraad import formatting as fmt
from jobraad.errors import UserFacingError
from jobraad.outputs import check_output, rules_for, write_output


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
    UNANCHORED = "poster_efter_anker"


ACTION_LABELS: dict[str, str] = {
    Action.OPEN_FILE: "Borgerens sag læst",
    Action.SEARCH: "Søgning",
    Action.CREATE: "Oprettet",
    Action.CHANGE: "Ændret",
    Action.CLOSE: "Sag lukket",
    Action.REOPEN: "Sag genåbnet",
    Action.IMPORT: "Import",
    Action.EXPORT: "Eksport",
    Action.PRINT: "Udskrift",
    Action.VIEW_ATTACHMENT: "Bilag vist",
    Action.BACKUP: "Sikkerhedskopi",
    Action.RESTORE: "Gendannet fra sikkerhedskopi",
    Action.DELETE: "Borger slettet",
    Action.PRUNE: "Oprydning i logbogen",
    Action.LIST: "Sagsstamme vist",
    Action.UNANCHORED: "Poster fundet efter logbogens anker",
}

DELETED_CITIZEN = "slettet borger"
_ANCHOR = re.compile(r"anker ([0-9a-f]{64})")


def _entry_hash(prev: str, at: dt.datetime, action: str, citizen_id: int | None, detail: str) -> str:
    payload = "\x1f".join([prev, at.isoformat(), action, str(citizen_id or ""), detail])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(session: Session, action: str, citizen_id: int | None = None, detail: str = "") -> None:
    """Log an action in the caller's transaction. `detail` must hold no personal data."""
    last = session.scalars(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    _append(session, last or "", action, citizen_id, detail)


def _append(session: Session, prev: str, action: str, citizen_id: int | None, detail: str) -> None:
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
    """Check every entry's hash and link, oldest first.

    The oldest entry left must start the chain (no predecessor) or point to the
    anchor that the newest prune recorded; see the module docstring.
    """
    anchor = _newest_anchor(session)
    prev: str | None = None
    count = 0
    rows = session.execute(
        select(
            AuditEntry.id,
            AuditEntry.at,
            AuditEntry.action,
            AuditEntry.citizen_id,
            AuditEntry.detail,
            AuditEntry.prev_hash,
            AuditEntry.hash,
        )
        .order_by(AuditEntry.id)
        .execution_options(yield_per=2000)
    )
    for entry_id, at, action, citizen_id, detail, prev_hash, hash_ in rows:
        count += 1
        if prev is None:  # the oldest entry left
            prev = prev_hash if prev_hash in ("", anchor) else "\x00"
        expected = _entry_hash(prev, at, action, citizen_id, detail)
        if prev_hash != prev or hash_ != expected:
            return ChainReport(count, entry_id)
        prev = hash_
    return ChainReport(count, None)


@dataclass(frozen=True)
class ChainHead:
    """How far the chain had come: its number of entries, and its newest entry's id and hash."""

    entries: int
    newest_id: int
    newest_hash: str

    def text(self) -> str:
        """The head as the exports state it (in Danish)."""
        if not self.entries:
            return "ingen poster"
        return f"{self.entries} poster, nyeste post nr. {self.newest_id}, kontrolsum {self.newest_hash}"


def chain_head(session: Session) -> ChainHead:
    """The chain's head now, in the caller's transaction."""
    count = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    newest = session.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    if newest is None:
        return ChainHead(0, 0, "")
    return ChainHead(count, newest[0], newest[1])


def _newest_anchor(session: Session) -> str:
    detail = session.scalars(
        select(AuditEntry.detail).where(AuditEntry.action == Action.PRUNE).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    found = _ANCHOR.search(detail or "")
    return found.group(1) if found else ""


def prune_audit(session: Session, older_than: dt.date) -> int:
    """Delete the entries logged before `older_than`, in the caller's transaction, and
    log how many went. Returns that number (no entry is written when it is 0).

    Only the oldest end of the chain is cut: should the clock ever have gone
    backwards, an old-looking entry after a newer one stays.
    """
    cutoff = dt.datetime.combine(older_than, dt.time())
    first_kept = session.scalar(select(func.min(AuditEntry.id)).where(AuditEntry.at >= cutoff))
    doomed = select(AuditEntry.id)
    if first_kept is not None:
        doomed = doomed.where(AuditEntry.id < first_kept)
    last = session.execute(
        select(AuditEntry.id, AuditEntry.hash).where(AuditEntry.id.in_(doomed)).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    if last is None:
        return 0
    last_id, anchor = last
    removed = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.id <= last_id)) or 0
    session.execute(delete(AuditEntry).where(AuditEntry.id <= last_id))
    newest = session.scalars(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    detail = f"{removed} logposter fra før {fmt.date(older_than)} slettet; anker {anchor}"
    # An emptied log starts again from the anchor, so the chain never restarts from nothing.
    _append(session, newest or anchor, Action.PRUNE, None, detail)
    return removed


def apply_audit_retention(database: Database, today: dt.date | None = None) -> int:
    """Prune the entries older than the setting `audit_retention_days`; for each start."""
    from jobraad.settings import get_setting

    days = int(get_setting(database, "audit_retention_days"))
    if days < 1:
        return 0
    today = today or dt.date.today()
    with database.transaction() as session:
        return prune_audit(session, today - dt.timedelta(days=days))


# --- export ------------------------------------------------------------------------------------

EXPORT_HEADER = ("tidspunkt", "handling", "detalje", "borger")
HEAD_LABEL = "Logbogens kædehoved ved eksporten"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class UnknownCitizenError(UserFacingError):
    pass


def _cell(text: str) -> str:
    """Text a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _citizen_by_cpr(session: Session, citizen_cpr: str) -> tuple[int, str]:
    """The id and the formatted CPR of the citizen a CPR number names."""
    try:
        digits = cpr_numbers.normalise(citizen_cpr)
    except cpr_numbers.InvalidCpr as err:
        raise UserFacingError(f"{err} Intet er eksporteret.") from None
    citizen_id = session.scalars(select(Citizen.id).where(Citizen.cpr == digits)).first()
    if citizen_id is None:
        raise UnknownCitizenError(
            f"Der er ingen borger med CPR-nummer {fmt.cpr(digits)} i sagsstammen. Loggen gemmer "
            "ikke CPR-numre, så poster om en slettet borger kan ikke findes ud fra nummeret. Intet er eksporteret."
        )
    return citizen_id, fmt.cpr(digits)


def audit_rows(session: Session, citizen_cpr: str | None = None) -> list[tuple[str, str, str, str]]:
    """The log as export rows, oldest first: all entries, or only those about one citizen.

    Citizens appear as "borger nr. N" (N is their number in this file, not
    personal data), or by CPR when the export is about that citizen. Entries
    about a deleted citizen say "slettet borger": a number freed by a deletion
    may be given to a new citizen, so entries up to the deletion are never shown
    as the new citizen's.
    """
    deleted_upto: dict[int, int] = {}
    for citizen_id, entry_id in session.execute(
        select(AuditEntry.citizen_id, func.max(AuditEntry.id))
        .where(AuditEntry.action == Action.DELETE)
        .group_by(AuditEntry.citizen_id)
    ):
        if citizen_id is not None:
            deleted_upto[citizen_id] = entry_id
    existing = set(session.scalars(select(Citizen.id)))
    query = select(AuditEntry).order_by(AuditEntry.id)
    target: int | None = None
    shown_cpr = ""
    if citizen_cpr is not None:
        target, shown_cpr = _citizen_by_cpr(session, citizen_cpr)
        query = query.where(AuditEntry.citizen_id == target, AuditEntry.id > deleted_upto.get(target, 0))

    rows: list[tuple[str, str, str, str]] = []
    for entry in session.scalars(query.execution_options(yield_per=2000)):
        cid = entry.citizen_id
        if cid is None:
            who = ""
        elif target is not None:
            who = shown_cpr
        elif cid not in existing or entry.id <= deleted_upto.get(cid, 0):
            who = DELETED_CITIZEN
        else:
            who = f"borger nr. {cid}"
        label = ACTION_LABELS.get(entry.action, entry.action)
        rows.append((f"{fmt.date_time(entry.at, seconds=True)}", label, entry.detail, who))
    return rows


def export_audit(database: Database, dest: Path, citizen_cpr: str | None = None, *, replace: bool = False) -> int:
    """Write the log (or the entries about one citizen, who may ask to see them) as CSV
    for Excel: UTF-8 with BOM, semicolons, nothing a spreadsheet would run as a
    formula. The last line states the chain's head (`chain_head`), which a later
    `audit --verify` or an anchor can be held against. The export is logged. Returns the
    number of entries written (the head line not counted).
    Through the one writer: an existing file only with `replace`, never the database
    (`OutputRefusedError`, checked before the log is read)."""
    rules = rules_for(database)
    check_output(Path(dest), rules, replace=replace)
    with database.reading() as session:
        rows = audit_rows(session, citizen_cpr)
        citizen_id = _citizen_by_cpr(session, citizen_cpr)[0] if citizen_cpr is not None else None
        head = chain_head(session)
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(EXPORT_HEADER)
    writer.writerows([_cell(value) for value in row] for row in rows)
    # The last line: how far the whole chain had come, so the rows can be checked against it later.
    writer.writerow(["", HEAD_LABEL, head.text(), ""])
    write_output(Path(dest), text.getvalue().encode("utf-8-sig"), rules, replace=replace)
    with database.transaction() as session:
        record(session, Action.EXPORT, citizen_id, "logbog om borgeren" if citizen_id is not None else "logbog")
    return len(rows)


# --- for the window and the command line -------------------------------------------------------


def log_action(database: Database, action: str, citizen_id: int | None = None, detail: str = "") -> None:
    """Log one action in a transaction of its own (a search in the window, the caseload listed
    on the command line). `detail` must hold no personal data."""
    with database.transaction() as session:
        record(session, action, citizen_id, detail)


def verify_log(database: Database) -> ChainReport:
    """`verify_chain` over the whole log, read on its own."""
    with database.reading() as session:
        return verify_chain(session)
