"""Handing one citizen's whole case to a colleague (overdragelse), and receiving one.

The sender writes the case (every record about the citizen, attachments and hours included,
and the citizen's entries of the audit log) to ONE encrypted file: a small SQLCipher database
with the program's own schema. Its key is derived from a one-time code that the program makes
and shows to the sender only: 24 characters in groups of four from an alphabet without
look-alikes (no 0/O, no 1/I), 120 random bits, stretched like a passphrase (PBKDF2-HMAC-SHA512,
256,000 rounds, with a fresh salt per file; `db.session.CipherKey.derive`). SQLCipher
authenticates every page with an HMAC under that key, so a wrong code and a changed byte are
both refused before anything is read into the receiver's file. The file is written through the
one writer (`db.files.staged`): a temporary file beside the target, encrypted from its first
page, renamed into place when whole. No plaintext ever touches the disk.

The receiver adds the case in ONE transaction: a CPR number already in the caseload is refused
(nothing changed), every row gets a new id in the receiver's file (the sender's ids are never
used), and a kill halfway leaves nothing. The sender's audit entries about the citizen stay
data of the case: they become a journal note (time, action, detail and each entry's checksum,
which the sender's own log still holds), not entries of the receiver's chain, which only
records the receipt itself, so `jobraad audit --verify` holds.

The sender's log records the handover; the sender's case is then closed as "overdraget"
(`Outcome.OVERDRAGET`) and, once the sender confirms, deleted through the retention path
(`jobraad.retention.delete_citizen`, which VACUUMs).

Which tables belong to a case is read from the models: the citizen, and every table whose
rows hang on it by a foreign key (directly or through another such table). A table added later
travels along without a change here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, Engine, Table, event, exc, func, insert, select
from sqlalchemy.orm import Session

from db.enums import JournalKind, Outcome
from db.errors import SQLITE_CORRUPT, SQLITE_NOTADB, sqlite_code
from db.files import staged
from db.models import AuditEntry, Base, Citizen, JournalNote, Setting
from db.schema_version import HEAD_REVISION
from db.session import SALT_BYTES, CipherKey, Database, make_engine, storage_error
from jobraad import audit
from jobraad import cpr as cpr_numbers
from jobraad import formatting as fmt
from jobraad.citizens import CitizenNotFound, close_case, open_outcome
from jobraad.cli_handover import CODE_ENV  # where `jobraad modtag` reads the code from, if set
from jobraad.errors import UserFacingError
from jobraad.outputs import rules_for

__all__ = [
    "CODE_ALPHABET",
    "CODE_ENV",
    "FILE_SUFFIX",
    "JOURNAL_HEADING",
    "CprExistsError",
    "HandoverRefused",
    "HandoverResult",
    "ReceiveResult",
    "case_row_counts",
    "case_tables",
    "close_handed_over",
    "delete_handed_over",
    "export_case",
    "find_citizen",
    "hand_over",
    "is_handed_over",
    "new_code",
    "normalise_code",
    "receive_case",
]

log = logging.getLogger(__name__)

#: The suffix the window suggests (any name is accepted).
FILE_SUFFIX = ".overdragelse"
#: 32 characters, so each is 5 random bits: digits 2-9 and the letters without I and O.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_GROUPS = 6
GROUP_LENGTH = 4
CODE_LENGTH = CODE_GROUPS * GROUP_LENGTH  # 120 bits

_FORMAT = "jobraad-overdragelse"
_VERSION = 1
_META_KEY = "overdragelse"
JOURNAL_HEADING = "Logbog fra den tidligere sagsbehandlers database"
_NOTHING = "Intet er ændret."

Progress = Callable[[str], None]


class HandoverRefused(UserFacingError):
    """The handover file was not made or not received; the message says why, in Danish."""


class CprExistsError(HandoverRefused):
    pass


# --- the code -------------------------------------------------------------------------------------


def new_code() -> str:
    """A fresh one-time code, e.g. "K7QM-2XPA-..." (six groups of four)."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(chars[i : i + GROUP_LENGTH] for i in range(0, CODE_LENGTH, GROUP_LENGTH))


def normalise_code(text: str) -> str:
    """The code as typed (any case, with or without dashes and spaces) in its canonical form,
    or `HandoverRefused` saying what is wrong with it."""
    compact = "".join(ch for ch in text.upper() if ch not in " -\t")
    if not compact:
        raise HandoverRefused(f"Koden mangler. Skriv koden, som afsenderen fik vist. {_NOTHING}")
    wrong = sorted({ch for ch in compact if ch not in CODE_ALPHABET})
    if wrong:
        shown = ", ".join(repr(ch) for ch in wrong)
        raise HandoverRefused(
            f"Koden indeholder tegn, den aldrig har ({shown}): den består af bogstaver og tallene 2-9, "
            f"uden 0, 1, I og O. {_NOTHING}"
        )
    if len(compact) != CODE_LENGTH:
        raise HandoverRefused(
            f"Koden skal have {CODE_LENGTH} tegn (seks grupper á fire); der er skrevet {len(compact)}. {_NOTHING}"
        )
    return "-".join(compact[i : i + GROUP_LENGTH] for i in range(0, CODE_LENGTH, GROUP_LENGTH))


# --- which tables make up a case -------------------------------------------------------------------


def case_tables() -> list[Table]:
    """The citizen's table and every table that hangs on it by foreign keys, parents first."""
    members: set[str] = {Citizen.__tablename__}
    ordered: list[Table] = []
    for table in Base.metadata.sorted_tables:  # parents before children
        if table.name in members or any(fk.column.table.name in members for fk in table.foreign_keys):
            members.add(table.name)
            ordered.append(table)
    return ordered


def _owner_columns(table: Table, members: set[str]) -> list[tuple[str, str]]:
    """(column, parent table) of the required foreign keys that tie a row to the case."""
    return [
        (fk.parent.name, fk.column.table.name)
        for fk in table.foreign_keys
        if fk.column.table.name in members and not fk.parent.nullable
    ]


def _copy_case(
    read: Callable[[Any], Iterable[Any]],
    dst: Session,
    citizen_id: int,
    progress: Progress | None = None,
) -> tuple[int, dict[str, int]]:
    """Copy the case of `citizen_id` (as `read(select)` sees it) into `dst`, every row with a
    new id and its references mapped to the new ids. Returns the new citizen id and the rows
    copied per table."""
    tables = case_tables()
    members = {t.name for t in tables}
    ids: dict[str, dict[int, int]] = {}
    counts: dict[str, int] = {}
    for table in tables:
        mapping: dict[int, int] = {}
        query = select(table).order_by(table.c.id)
        if table.name == Citizen.__tablename__:
            query = query.where(table.c.id == citizen_id)
        else:
            for column, parent in _owner_columns(table, members):
                query = query.where(table.c[column].in_(list(ids[parent])))
        for row in read(query):
            values = dict(row._mapping)
            old_id = values.pop("id")
            for fk in table.foreign_keys:
                parent = fk.column.table.name
                name = fk.parent.name
                if parent in members and values.get(name) is not None:
                    # An optional link to a row outside the case (cannot happen) is dropped, never kept.
                    values[name] = ids[parent].get(values[name])
            result = cast(CursorResult[Any], dst.execute(insert(table).values(**values)))
            key = result.inserted_primary_key
            assert key is not None
            mapping[old_id] = int(key[0])
        ids[table.name] = mapping
        counts[table.name] = len(mapping)
        if progress is not None:
            progress(table.name)
    if len(ids[Citizen.__tablename__]) != 1:
        raise CitizenNotFound()
    return ids[Citizen.__tablename__][citizen_id], counts


# --- the sender ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandoverResult:
    path: Path
    code: str  # shown to the sender once; never stored
    counts: dict[str, int]
    audit_entries: int
    closed: bool = False  # closed as "overdraget" now (False: it was closed already, and stays so)


def _citizen_audit(session: Session, citizen_id: int) -> list[AuditEntry]:
    """The log's entries about the citizen, after any deletion of an earlier citizen who had
    the same number (as `audit.audit_rows` reads them)."""
    deleted_upto = session.scalar(
        select(func.max(AuditEntry.id)).where(
            AuditEntry.citizen_id == citizen_id, AuditEntry.action == audit.Action.DELETE
        )
    )
    query = select(AuditEntry).where(AuditEntry.citizen_id == citizen_id, AuditEntry.id > (deleted_upto or 0))
    return list(session.scalars(query.order_by(AuditEntry.id)))


def _handover_engine(path: Path, key: CipherKey) -> Engine:
    engine = make_engine(path, key, pooled=False)

    def settings(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # Sorts and temporary tables stay in memory: no temporary file beside it, encrypted or not.
        cursor.execute("PRAGMA temp_store = MEMORY")
        cursor.close()

    event.listen(engine, "connect", settings)
    return engine


def export_case(
    database: Database,
    citizen_id: int,
    dest: Path,
    *,
    replace: bool = False,
    code: str | None = None,
    progress: Progress | None = None,
) -> HandoverResult:
    """Write the citizen's whole case to `dest`, encrypted under a new one-time code, and log
    it. Changes nothing else in the sender's file (see `hand_over`)."""
    code = normalise_code(code) if code is not None else new_code()
    key = CipherKey.derive(code, os.urandom(SALT_BYTES))
    dest = Path(dest)
    audit_count = 0
    counts: dict[str, int] = {}
    with (
        database.reading() as source,
        staged(dest, rules_for(database), replace=replace, what="Overdragelsesfilen kunne ikke gemmes") as tmp,
    ):
        if source.get(Citizen, citizen_id) is None:
            raise CitizenNotFound()
        engine = _handover_engine(tmp, key)
        try:
            Base.metadata.create_all(engine)
            with Session(engine) as target, target.begin():
                new_id, counts = _copy_case(source.execute, target, citizen_id, progress)
                entries = _citizen_audit(source, citizen_id)
                for entry in entries:
                    target.add(
                        AuditEntry(
                            at=entry.at,
                            action=entry.action,
                            citizen_id=new_id,
                            detail=entry.detail,
                            prev_hash=entry.prev_hash,
                            hash=entry.hash,
                        )
                    )
                audit_count = len(entries)
                meta = {
                    "format": _FORMAT,
                    "version": _VERSION,
                    "revision": HEAD_REVISION,
                    "made_at": dt.datetime.now().replace(microsecond=0).isoformat(),
                    "counts": counts,
                    "audit_entries": audit_count,
                }
                target.add(Setting(key=_META_KEY, value=json.dumps(meta, sort_keys=True)))
            with engine.connect() as conn:
                ok = [tuple(r) for r in conn.exec_driver_sql("PRAGMA quick_check").all()] == [("ok",)]
            if not ok:
                raise HandoverRefused("Overdragelsesfilen kunne ikke kontrolleres efter skrivningen. Prøv igen.")
        except exc.DBAPIError as err:
            translated = storage_error(err, dest, outcome="Overdragelsesfilen er ikke gemt.")
            if translated is None:
                raise
            raise translated from None
        finally:
            engine.dispose()
    with database.transaction() as session:
        audit.record(
            session,
            audit.Action.EXPORT,
            citizen_id,
            f"sagen overdraget til en kollega (krypteret fil, {audit_count} logposter)",
        )
    log.info("handover file written")
    return HandoverResult(dest, code, counts, audit_count)


def close_handed_over(database: Database, citizen_id: int, on: dt.date | None = None) -> bool:
    """Close the sender's case as "overdraget" (logged). Returns False, changing nothing, when
    the case was closed already (its closing stays as it was)."""
    with database.reading() as session:
        citizen = session.get(Citizen, citizen_id)
        if citizen is None:
            raise CitizenNotFound()
        if open_outcome(citizen) is not None:
            return False
    close_case(database, citizen_id, Outcome.OVERDRAGET, on or dt.date.today(), "Overdraget til en kollega.")
    return True


def hand_over(
    database: Database, citizen_id: int, dest: Path, *, replace: bool = False, progress: Progress | None = None
) -> HandoverResult:
    """`export_case`, then the sender's case is closed as "overdraget". Deleting it is a
    separate step the sender confirms (`delete_handed_over`)."""
    result = export_case(database, citizen_id, dest, replace=replace, progress=progress)
    return dataclasses.replace(result, closed=close_handed_over(database, citizen_id))


def delete_handed_over(database: Database, citizen_id: int, *, only_handed_over: bool = False) -> bool:
    """Delete a handed-over case from the sender's file (the retention path: all rows, logged,
    VACUUM). Only a closed case can be deleted; with `only_handed_over`, only one closed as
    "overdraget" (a later deletion, when the colleague has the case)."""
    from jobraad.retention import delete_citizen

    if only_handed_over and not is_handed_over(database, citizen_id):
        raise HandoverRefused(f"Sagen er ikke lukket som overdraget, så den slettes ikke her. {_NOTHING}")
    return delete_citizen(database, citizen_id)


def is_handed_over(database: Database, citizen_id: int) -> bool:
    """Whether the case is closed as "overdraget" now."""
    with database.reading() as session:
        citizen = session.get(Citizen, citizen_id)
        if citizen is None:
            raise CitizenNotFound()
        closing = open_outcome(citizen)
        return closing is not None and closing.outcome == Outcome.OVERDRAGET


def find_citizen(database: Database, cpr_text: str) -> int:
    """The id of the citizen with this CPR number, or a Danish refusal."""
    try:
        digits = cpr_numbers.normalise(cpr_text)
    except cpr_numbers.InvalidCpr as err:
        raise HandoverRefused(f"{err} {_NOTHING}") from None
    with database.reading() as session:
        citizen_id = session.scalars(select(Citizen.id).where(Citizen.cpr == digits)).first()
    if citizen_id is None:
        raise HandoverRefused(f"Der er ingen borger med CPR-nummer {fmt.cpr(digits)} i sagsstammen. {_NOTHING}")
    return citizen_id


# --- the receiver --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiveResult:
    citizen_id: int
    name: str
    counts: dict[str, int]
    audit_entries: int
    made_at: dt.datetime | None


_WRONG_CODE = (
    "Filen kan ikke åbnes med denne kode. Enten er koden forkert (tjek den med afsenderen), eller filen er "
    f"ændret eller beskadiget efter den blev lavet. {_NOTHING}"
)
_TAMPERED = (
    "Filen er ændret eller beskadiget efter den blev lavet: dens kontrolsummer passer ikke. Bed afsenderen "
    f"om en ny overdragelsesfil. {_NOTHING}"
)


def _salt_of(path: Path) -> bytes:
    if not path.is_file():
        raise HandoverRefused(f"Filen findes ikke: {path.name}. {_NOTHING}")
    try:
        with path.open("rb") as fh:
            head = fh.read(SALT_BYTES)
    except OSError as err:
        raise HandoverRefused(f"Filen kan ikke læses: {path.name} ({err.strerror}). {_NOTHING}") from None
    if head.startswith(b"SQLite format 3"):
        raise HandoverRefused(f"{path.name} er ikke krypteret og er derfor ikke en overdragelsesfil. {_NOTHING}")
    if len(head) < SALT_BYTES:
        raise HandoverRefused(f"{path.name} er tom eller afkortet og kan ikke modtages. {_NOTHING}")
    return head


def _refusal(err: exc.DBAPIError, path: Path) -> UserFacingError:
    code = sqlite_code(err)
    if code == SQLITE_NOTADB:
        return HandoverRefused(_WRONG_CODE)
    if code == SQLITE_CORRUPT:
        return HandoverRefused(_TAMPERED)
    translated = storage_error(err, path, outcome=_NOTHING)
    return translated or HandoverRefused(f"Filen kan ikke læses som en overdragelsesfil. {_NOTHING}")


def _check_file(conn: Connection) -> dict[str, Any]:
    """Refuse a file whose code is wrong, whose pages do not verify, or which is no handover file
    of this program's version; returns its description."""
    conn.exec_driver_sql("PRAGMA query_only = ON")
    conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()  # a wrong key fails here
    if conn.exec_driver_sql("PRAGMA cipher_integrity_check").all():
        raise HandoverRefused(_TAMPERED)
    if [tuple(r) for r in conn.exec_driver_sql("PRAGMA quick_check").all()] != [("ok",)]:
        raise HandoverRefused(_TAMPERED)
    try:
        raw = conn.execute(select(Setting.value).where(Setting.key == _META_KEY)).scalar()
        meta = json.loads(raw) if raw else None
    except (exc.OperationalError, ValueError):
        meta = None
    if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
        raise HandoverRefused(f"Filen er en krypteret database, men ikke en overdragelsesfil fra jobraad. {_NOTHING}")
    if meta.get("version") != _VERSION or meta.get("revision") != HEAD_REVISION:
        raise HandoverRefused(
            "Filen er lavet med en anden version af jobraad (databaseversion "
            f"{meta.get('revision')}, her {HEAD_REVISION}). Afsender og modtager skal bruge samme version. {_NOTHING}"
        )
    return meta


def receive_case(database: Database, path: Path, code: str, *, progress: Progress | None = None) -> ReceiveResult:
    """Add the case in the handover file at `path` to `database`, in one transaction, and log it.
    Refuses (changing nothing) a wrong code, a changed file, and a CPR number already here."""
    path = Path(path)
    code = normalise_code(code)
    key = CipherKey.derive(code, _salt_of(path))
    engine = _handover_engine(path, key)
    try:
        with engine.connect() as conn:
            meta = _check_file(conn)
            citizens = conn.execute(select(Citizen.id, Citizen.cpr, Citizen.first_name, Citizen.last_name)).all()
            if len(citizens) != 1:
                raise HandoverRefused(_TAMPERED)
            source_id, cpr, first_name, last_name = citizens[0]
            entries = conn.execute(select(AuditEntry.__table__).order_by(AuditEntry.id)).all()
            with database.transaction() as session:
                if session.scalars(select(Citizen.id).where(Citizen.cpr == cpr)).first() is not None:
                    raise CprExistsError(
                        f"Borgeren med CPR-nummer {fmt.cpr(cpr)} findes allerede i din sagsstamme. Sagen er ikke "
                        f"modtaget: to sager om samme borger ville komme ud af trit. {_NOTHING}"
                    )
                new_id, counts = _copy_case(conn.execute, session, source_id, progress)
                if counts != meta.get("counts"):
                    raise HandoverRefused(_TAMPERED)
                if entries:
                    session.add(JournalNote(citizen_id=new_id, kind=JournalKind.NOTAT, text=_audit_note(entries, meta)))
                audit.record(
                    session,
                    audit.Action.IMPORT,
                    new_id,
                    f"sag modtaget ved overdragelse ({len(entries)} logposter fra afsenderen gemt i journalen)",
                )
    except exc.DBAPIError as err:
        raise _refusal(err, path) from None
    finally:
        engine.dispose()
    made_at = _parse_time(meta.get("made_at"))
    log.info("handover file received")
    return ReceiveResult(new_id, f"{first_name} {last_name}".strip(), counts, len(entries), made_at)


def _parse_time(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _audit_note(entries: Sequence[Any], meta: dict[str, Any]) -> str:
    """The sender's log entries about the citizen as one journal note: kept with the case, not
    put into the receiver's chain. Each line keeps the entry's checksum, so it can be held
    against the sender's log, which still holds the entry."""
    made_at = _parse_time(meta.get("made_at"))
    when = f" (overdraget {fmt.date_time(made_at)})" if made_at else ""
    lines = [f"{JOURNAL_HEADING}{when}: {len(entries)} poster, ældste først."]
    for entry in entries:
        label = audit.ACTION_LABELS.get(entry.action, entry.action)
        detail = f" — {entry.detail}" if entry.detail else ""
        lines.append(f"{fmt.date_time(entry.at, seconds=True)}  {label}{detail}  [kontrolsum {entry.hash}]")
    return "\n".join(lines)


def case_row_counts(database: Database, citizen_id: int) -> dict[str, int]:
    """Rows per case table for one citizen (for the window's summary before a handover)."""
    tables = case_tables()
    members = {t.name for t in tables}
    ids: dict[str, list[int]] = {}
    counts: dict[str, int] = {}
    with database.reading() as session:
        for table in tables:
            query = select(table.c.id)
            if table.name == Citizen.__tablename__:
                query = query.where(table.c.id == citizen_id)
            else:
                for column, parent in _owner_columns(table, members):
                    query = query.where(table.c[column].in_(ids[parent]))
            ids[table.name] = list(session.scalars(query))
            counts[table.name] = len(ids[table.name])
    return counts
