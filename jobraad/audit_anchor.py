"""The audit chain anchored outside the file: how far the chain had come, kept where deleting
entries from the database cannot reach it.

The chain itself (`jobraad.audit`) shows a changed entry, but not entries cut off its newest
end, nor a chain written anew from the start. So its head (entry count, newest entry's id and
hash) is also kept

- in an anchor file beside the database, `<database>.anker`, written when the database is
  closed and at each backup, with an HMAC under a key derived from the database's key by a
  fixed label (`CipherKey.derived`; the key itself is never stored);
- in every backup: a backup holds the log as it was, and its pages are authenticated by
  SQLCipher under the same key, so it is read as an anchor dated by its name;
- in every team export's metadata and in every log export (the head as text).

`verify` holds the log against the newest anchor it finds. What that can and cannot show is
in README.md, "Logbogens trusselsmodel".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import func, select

from db.files import OutputRules, write_file
from db.models import AuditEntry
from db.session import CipherKey, Database
from jobraad import audit
from jobraad import formatting as fmt
from jobraad.audit import ChainHead, ChainReport, chain_head

log = logging.getLogger(__name__)

ANCHOR_SUFFIX = ".anker"
_FORMAT = "jobraad-logbogsanker"
_VERSION = 1
_LABEL = b"jobraad logbogsanker hmac v1"  # the HMAC key's label: a key for this use only
NO_ANCHOR = "Ingen anker fundet: kun kædens indre sammenhæng er kontrolleret."


@dataclass(frozen=True)
class Anchor:
    head: ChainHead
    at: dt.datetime
    source: str  # where it was found, in Danish ("ankerfilen x.anker", "sikkerhedskopien y")
    from_file: bool = False


@dataclass(frozen=True)
class AnchorFile:
    anchor: Anchor | None  # None: no anchor file, or a forged one
    forged: bool = False


def anchor_path(db_path: Path) -> Path:
    return Path(db_path).with_name(Path(db_path).name + ANCHOR_SUFFIX)


def _mac(key: CipherKey, head: ChainHead, at: dt.datetime) -> str:
    payload = "\x1f".join(
        [_FORMAT, str(_VERSION), str(head.entries), str(head.newest_id), head.newest_hash, at.isoformat()]
    )
    return hmac.new(key.derived(_LABEL), payload.encode("utf-8"), hashlib.sha256).hexdigest()


def write_anchor(database: Database, now: dt.datetime | None = None) -> Path:
    """Write the chain's head now to the anchor file beside the database (replacing it)."""
    at = (now or dt.datetime.now()).replace(microsecond=0)
    with database.reading() as session:
        head = chain_head(session)
    data = {
        "format": _FORMAT,
        "version": _VERSION,
        "poster": head.entries,
        "nyeste_post": head.newest_id,
        "hoved": head.newest_hash,
        "tid": at.isoformat(),
        "hmac": _mac(database.cipher_key, head, at),
    }
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    path = anchor_path(database.path)

    def build(fh: BinaryIO) -> None:
        fh.write(text.encode("utf-8"))

    write_file(path, build, OutputRules(), replace=True, what="Logbogens anker kunne ikke gemmes")
    return path


def read_anchor_file(database: Database) -> AnchorFile:
    """The anchor file beside the database: its anchor, or `forged` when it cannot be read or
    its HMAC does not match under this database's key."""
    path = anchor_path(database.path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return AnchorFile(None)
    except OSError:
        return AnchorFile(None, forged=True)
    try:
        data = json.loads(raw.decode("utf-8"))
        head = ChainHead(int(data["poster"]), int(data["nyeste_post"]), str(data["hoved"]))
        at = dt.datetime.fromisoformat(str(data["tid"]))
        given = str(data["hmac"])
        valid = data.get("format") == _FORMAT and data.get("version") == _VERSION
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return AnchorFile(None, forged=True)
    if not valid or not hmac.compare_digest(given, _mac(database.cipher_key, head, at)):
        return AnchorFile(None, forged=True)
    return AnchorFile(Anchor(head, at, f"ankerfilen {path.name}", from_file=True))


def backup_anchors(database: Database) -> tuple[list[Anchor], int]:
    """The chain heads the backups in the backup folder hold, dated by their names, and how
    many backups could not be read with this database's key (taken before a passphrase change)."""
    from db.backup import read_chain_head
    from jobraad.backup import list_backups
    from jobraad.settings import backup_folder

    found: list[Anchor] = []
    unreadable = 0
    for path, at in list_backups(backup_folder(database), database.path):
        head = read_chain_head(path, database.cipher_key)
        if head is None:
            unreadable += 1
            continue
        found.append(Anchor(ChainHead(*head), at, f"sikkerhedskopien {path.name}"))
    return found, unreadable


def _extends(database: Database, anchor: Anchor) -> bool:
    """True when the log still holds the anchored entry with the anchored hash (or the anchor
    held no entry): the log now is the anchored one, perhaps with entries added."""
    if not anchor.head.entries:
        return True
    with database.reading() as session:
        found = session.scalar(select(AuditEntry.hash).where(AuditEntry.id == anchor.head.newest_id))
        oldest = session.scalar(select(func.min(AuditEntry.id)))
    if found is None:  # pruned from the oldest end by retention: nothing left to hold it against
        return oldest is not None and oldest > anchor.head.newest_id
    return found == anchor.head.newest_hash


def anchor_is_sound(database: Database) -> bool:
    """True when the anchor file may be moved on: it verifies (or there is none), and the log
    still extends the newest anchor (the file's, or a backup's when that is newer or the file
    is gone). Otherwise the anchor file is left as it is, as evidence for `verify`."""
    existing = read_anchor_file(database)
    if existing.forged:
        log.info("audit anchor not moved: the anchor file does not verify")
        return False
    newest = _newest(existing, backup_anchors(database)[0])
    if newest is not None and not _extends(database, newest):
        log.info("audit anchor not moved: the log no longer extends it")
        return False
    return True


def _newest(in_file: AnchorFile, from_backups: list[Anchor]) -> Anchor | None:
    """The newest anchor by its recorded time; the file's on a tie (it is written after the
    backup's own log entry, so it holds more)."""
    candidates = ([in_file.anchor] if in_file.anchor is not None else []) + from_backups
    return max(candidates, key=lambda a: (a.at, a.from_file), default=None)


def anchor_on_close(database: Database) -> None:
    """The close hook (`jobraad.store`): move the anchor on to the head now, unless the log no
    longer extends the anchor there, or the anchor file is forged; then the file is left as
    it is, as evidence for `audit --verify`. Never raises: closing must not fail for it."""
    try:
        if anchor_is_sound(database):
            write_anchor(database)
    except Exception as err:  # a close must not fail for the anchor
        log.info("audit anchor not written: %s", type(err).__name__)


@dataclass(frozen=True)
class _Unanchored:
    count: int
    first_id: int
    last_id: int
    anchor: Anchor


_found_at_open: weakref.WeakKeyDictionary[Database, _Unanchored] = weakref.WeakKeyDictionary()


def note_open(database: Database) -> None:
    """At opening (`jobraad.store`): entries after the anchor file's head that the program did
    not anchor when it last closed (written around the program, or before a crash) are
    recorded in the log itself, so the finding is chained and outlives the next anchor.
    Never raises."""
    try:
        found = read_anchor_file(database).anchor
        if found is None or not _extends(database, found):
            return
        with database.reading() as session:
            count, first, last = session.execute(
                select(func.count(), func.min(AuditEntry.id), func.max(AuditEntry.id)).where(
                    AuditEntry.id > found.head.newest_id
                )
            ).one()
        if not count:
            return
        _found_at_open[database] = _Unanchored(count, first, last, found)
        with database.transaction() as session:
            audit.record(
                session,
                audit.Action.UNANCHORED,
                None,
                f"{count} poster (nr. {first}-{last}) lå efter ankeret fra {fmt.date_time(found.at, seconds=True)}, "
                "da filen blev åbnet: skrevet uden om programmet, eller programmet blev ikke lukket normalt",
            )
    except Exception as err:  # opening must not fail for the anchor
        log.info("audit anchor not checked at opening: %s", type(err).__name__)


@dataclass
class VerifyReport:
    chain: ChainReport
    anchor: Anchor | None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.problems

    def lines(self) -> list[str]:
        """What `audit --verify` and the window say, in Danish, the verdict first."""
        out: list[str] = []
        if not self.chain.ok:
            out.append(
                f"Logbogen er brudt ved post {self.chain.broken_at}: den er ændret, eller en post før den er "
                f"fjernet ({self.chain.entries} poster kontrolleret)."
            )
        elif self.ok and self.anchor is not None:
            a = self.anchor
            out.append(
                f"Logbogen er i orden: {self.chain.entries} poster kontrolleret og holdt op mod {a.source} "
                f"fra {fmt.date_time(a.at, seconds=True)} ({_head_words(a.head)})."
            )
        elif not self.ok:
            out.append(f"Kæden hænger sammen indbyrdes ({self.chain.entries} poster kontrolleret), men:")
        out += self.problems
        out += self.notes
        return out


def _posts(n: int) -> str:
    return f"{n} post" if n == 1 else f"{n} poster"


def _head_words(head: ChainHead) -> str:
    return f"{head.entries} poster til og med nr. {head.newest_id}" if head.entries else "ingen poster"


def verify(database: Database) -> VerifyReport:
    """The chain checked within itself (`audit.verify_log`) and against the newest anchor
    found: the anchor file, or a backup in the backup folder, newest by its recorded time."""
    chain = audit.verify_log(database)
    in_file = read_anchor_file(database)
    from_backups, unreadable = backup_anchors(database)
    newest = _newest(in_file, from_backups)
    report = VerifyReport(chain, newest)
    if in_file.forged:
        report.problems.append(
            f"Ankerfilen {anchor_path(database.path).name} er forfalsket eller ændret: dens kontrolsum (HMAC) passer "
            "ikke med databasens nøgle."
        )
    if unreadable:
        report.notes.append(
            f"{unreadable} sikkerhedskopi(er) kunne ikke læses med databasens nuværende nøgle (taget før et skift af "
            "adgangskode) og er ikke brugt som anker."
        )
    if newest is None:
        report.problems.append(NO_ANCHOR)
    else:
        _hold_against(database, newest, report)
    with database.reading() as session:
        earlier = list(
            session.execute(
                select(AuditEntry.at, AuditEntry.detail)
                .where(AuditEntry.action == audit.Action.UNANCHORED)
                .order_by(AuditEntry.id)
            )
        )
    now_found = _found_at_open.get(database)
    if now_found is not None:
        report.problems.append(
            f"{now_found.count} poster (nr. {now_found.first_id}-{now_found.last_id}) lå efter ankeret fra "
            f"{fmt.date_time(now_found.anchor.at, seconds=True)}, da filen blev åbnet nu: de er skrevet uden om "
            "programmet (fx en tilføjet post med genberegnet kontrolsum), eller programmet blev ikke lukket normalt. "
            "De er kun kontrolleret indbyrdes."
        )
        earlier = earlier[:-1]  # the entry recording this very finding
    for at, detail in earlier:
        report.notes.append(f"Bemærk ({fmt.date_time(at, seconds=True)}): {detail}.")
    return report


def _hold_against(database: Database, anchor: Anchor, report: VerifyReport) -> None:
    a = anchor.head
    if not a.entries:
        return
    where = f"{anchor.source} fra {fmt.date_time(anchor.at, seconds=True)}"
    with database.reading() as session:
        live = chain_head(session)
        at_anchor = session.scalar(select(AuditEntry.hash).where(AuditEntry.id == a.newest_id))
        oldest = session.scalar(select(func.min(AuditEntry.id)))
    if not live.entries:
        report.problems.append(f"Logbogen er tom, men {where} viser {a.entries} poster: alle poster er fjernet.")
    elif at_anchor is not None:
        if at_anchor != a.newest_hash:
            report.problems.append(
                f"Kæden er skrevet om: post nr. {a.newest_id} har ikke længere den kontrolsum, som {where} viser."
            )
    elif live.newest_id < a.newest_id:
        report.problems.append(
            f"Loggen er kortere end ved sidste anker: {_posts(a.newest_id - live.newest_id)} mangler ({where} viser "
            f"{_head_words(a)}; nu er den nyeste nr. {live.newest_id})."
        )
    elif oldest is not None and oldest > a.newest_id:
        report.notes.append(
            f"Ankerets post nr. {a.newest_id} er slettet ved oprydning i logbogen (opbevaringstid); {where} kan ikke "
            "holdes op mod posterne."
        )
    else:
        report.problems.append(
            f"Kæden er skrevet om: post nr. {a.newest_id}, som {where} viser, findes ikke længere i loggen."
        )
