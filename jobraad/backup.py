"""Backups the caseworker does not have to think about, and restoring one.

`automatic_backup()` is called at start (`force=True`) and then from a timer
while the program is in use; it writes an encrypted backup (see `db.backup`)
when the newest one is older than the setting `backup_every_hours`, into the
folder of the setting `backup_folder` (a network drive is fine; empty means a
"backup" folder beside the database), and then rotates the folder: the newest
backup of each of the last 7 days that have one, and of each of the last 4 ISO
weeks that have one, are kept. Only files this program named for this database
are ever deleted there.

A citizen deleted under retention (`jobraad.retention`) stays in the backups taken before the
deletion for `DELETED_KEPT_DAYS` days (as long as rotation keeps its weekly backups, so a
mistaken deletion can be undone by restoring one of them). After that, `purge_backups()`, run
at every automatic check, rewrites each backup in the folder that was taken before the
deletion without that citizen, and so the whole copies this program keeps beside the database
(`copies_beside`: the copy before a schema upgrade, the file a restore replaced); one it cannot
open with the database's key (taken before the passphrase was changed) is deleted once a backup
taken after the deletion exists. Then the deletion's record is dropped.
`deleted_in_backups_text()` says this to the caseworker.

Every backup and restore is logged; a restore is logged in the restored file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select

from db.backup import KEPT_MARK, Progress, backup_to, remove_citizens, restore_file, temp_name_prefix
from db.errors import StorageError, WrongPassphraseError
from db.files import TEMP_SUFFIX
from db.models import DeletedCitizen
from db.session import Database
from jobraad import audit
from jobraad import formatting as fmt
from jobraad.audit_anchor import anchor_on_close, write_anchor
from jobraad.outputs import rules_for
from jobraad.retention import cpr_hash
from jobraad.settings import backup_folder, get_settings

log = logging.getLogger(__name__)

BACKUP_SUFFIX = ".jobraad"
KEEP_DAILY = 7
KEEP_WEEKLY = 4
_STAMP = "%Y%m%d-%H%M%S"
#: How long a deleted citizen may remain in the backups taken before the deletion: the span of
#: the weekly backups rotation keeps. Within it a restore can undo a mistaken deletion.
DELETED_KEPT_DAYS = 7 * KEEP_WEEKLY
# Temporary files older than this in the backup folder are leftovers of a backup
# that was killed or lost its network drive; younger ones may be another backup's.
_STALE_TEMP = dt.timedelta(hours=1)


@dataclass(frozen=True)
class RestoreOutcome:
    kept: Path | None  # the replaced file, kept beside the database
    restored_from: Path


def backup_name(db_path: Path, at: dt.datetime) -> str:
    """`sagsstamme.backup-20250314-093000.jobraad`: the database's name and the time."""
    return f"{db_path.stem}.backup-{at.strftime(_STAMP)}{BACKUP_SUFFIX}"


def _pattern(db_path: Path) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(db_path.stem)}\.backup-(\d{{8}}-\d{{6}})(?:-\d+)?{re.escape(BACKUP_SUFFIX)}")


def list_backups(folder: Path, db_path: Path) -> list[tuple[Path, dt.datetime]]:
    """The backups of this database in `folder`, oldest first, by the time in their name
    (file times change when a folder is copied or synced)."""
    pattern = _pattern(db_path)
    found: list[tuple[Path, dt.datetime]] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for path in entries:
        match = pattern.fullmatch(path.name)
        if match is None or not path.is_file():
            continue
        try:
            found.append((path, dt.datetime.strptime(match.group(1), _STAMP)))
        except ValueError:
            continue
    return sorted(found, key=lambda item: (item[1], item[0].name))


def backups_to_keep(
    backups: Iterable[tuple[Path, dt.datetime]],
    now: dt.datetime,
    daily: int = KEEP_DAILY,
    weekly: int = KEEP_WEEKLY,
) -> set[Path]:
    """Which backups rotation keeps: the newest of each of the last `daily` days that
    have a backup, the newest of each of the last `weekly` ISO weeks that have one,
    the newest of all, and any dated after `now` (a clock that was wrong is no
    reason to delete). Counting days with backups, not calendar days, means a
    holiday never empties the folder.
    """
    items = sorted(backups, key=lambda item: item[1], reverse=True)
    keep = {path for path, at in items if at > now}
    if items:
        keep.add(items[0][0])
    newest_of_day: dict[dt.date, Path] = {}
    newest_of_week: dict[tuple[int, int], Path] = {}
    for path, at in items:  # newest first, so the first seen of a day or week is its newest
        newest_of_day.setdefault(at.date(), path)
        year, week, _ = at.isocalendar()
        newest_of_week.setdefault((year, week), path)
    keep.update(path for _, path in sorted(newest_of_day.items(), reverse=True)[:daily])
    keep.update(path for _, path in sorted(newest_of_week.items(), reverse=True)[:weekly])
    return keep


def backup_due(database: Database, now: dt.datetime | None = None, folder: Path | None = None) -> bool:
    """True when the newest backup is older than the setting `backup_every_hours`."""
    now = now or dt.datetime.now()
    folder = folder or backup_folder(database)
    hours = float(get_settings(database)["backup_every_hours"])
    newest = [at for _, at in list_backups(folder, database.path) if at <= now]
    return not newest or now - max(newest) >= dt.timedelta(hours=hours)


def make_backup(
    database: Database,
    dest: Path,
    *,
    detail: str = "sikkerhedskopi",
    progress: Progress | None = None,
    replace: bool = False,
) -> Path:
    """An encrypted backup of the open database at `dest`, logged. Through the one writer
    (`jobraad.outputs`): an existing file only with `replace`, never the database, a file in
    the backup folder or a `.jobraad` file (`OutputRefusedError`)."""
    written = backup_to(database, dest, progress, rules=rules_for(database), replace=replace)
    with database.transaction() as session:
        audit.record(session, audit.Action.BACKUP, None, detail)
    anchor_on_close(database)  # the backup holds the chain's head; the anchor file follows it
    return written


def automatic_backup(
    database: Database,
    folder: Path | None = None,
    now: dt.datetime | None = None,
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> Path | None:
    """Back up into the backup folder if one is due (always with `force`, as at start),
    then rotate. Returns the new backup, or None when none was due.
    Raises `StorageError` (Danish message) when the folder cannot be written."""
    now = (now or dt.datetime.now()).replace(microsecond=0)
    folder = folder or backup_folder(database)
    if not force and not backup_due(database, now, folder):
        purge_backups(database, folder, now)
        return None
    dest = folder / backup_name(database.path, now)
    n = 1
    while dest.exists():  # two backups in one second (tests, a quick restart)
        n += 1
        dest = folder / (backup_name(database.path, now).removesuffix(BACKUP_SUFFIX) + f"-{n}{BACKUP_SUFFIX}")
    written = make_backup(database, dest, detail="automatisk sikkerhedskopi", progress=progress)
    rotate(folder, database.path, now)
    purge_backups(database, folder, now)
    return written


@dataclass(frozen=True)
class PurgeResult:
    rewritten: tuple[Path, ...] = ()  # backups now without the deleted citizens they held
    removed: tuple[Path, ...] = ()  # backups that could not be opened, deleted (a newer one exists)
    failed: tuple[Path, ...] = ()  # left as they were this time (locked, offline); tried again next time
    cleared: int = 0  # deletions no backup in the folder holds any more, their records dropped


def purge_backups(database: Database, folder: Path | None = None, now: dt.datetime | None = None) -> PurgeResult:
    """Remove the citizens deleted more than `DELETED_KEPT_DAYS` days before `now` from every
    backup of this database in `folder`, and every copy beside it, that was taken before their
    deletion (see the module's docstring); then forget those deletions, unless a backup could
    not be cleaned (it is tried again at the next check). Never raises for a backup it cannot
    clean; logs what it did."""
    now = (now or dt.datetime.now()).replace(microsecond=0)
    folder = folder or backup_folder(database)
    cutoff = now - dt.timedelta(days=DELETED_KEPT_DAYS)
    with database.reading() as session:
        records = session.execute(
            select(DeletedCitizen.id, DeletedCitizen.cpr_hash, DeletedCitizen.deleted_at).where(
                DeletedCitizen.deleted_at <= cutoff
            )
        ).all()
    if not records:
        return PurgeResult()
    backups = list_backups(folder, database.path)
    rewritten: list[Path] = []
    removed: list[Path] = []
    failed: list[Path] = []
    unfinished: set[int] = set()
    for path, taken in [*backups, *copies_beside(database.path)]:
        concerned = [(rid, digest, at) for rid, digest, at in records if taken < at]
        if not concerned:
            continue
        hashes = frozenset(digest for _, digest, _ in concerned)
        try:
            # A copy with a WAL beside it (a crashed file kept at a restore) cannot be rewritten
            # without replaying that WAL: it is treated as one that cannot be opened.
            if not path.with_name(path.name + "-wal").exists():
                if remove_citizens(path, database.cipher_key, functools.partial(_is_deleted, hashes)):
                    rewritten.append(path)
                continue
        except WrongPassphraseError:
            pass
        except StorageError as err:
            log.warning("backup not cleaned of deleted citizens: %s", err.message)
            failed.append(path)
            unfinished.update(rid for rid, _, _ in concerned)
            continue
        # Cannot look inside: deleted once a backup taken after the last deletion it predates exists.
        latest = max(at for _, _, at in concerned)
        if any(later >= latest for _, later in backups) and _remove(path):
            removed.append(path)
        else:
            failed.append(path)
            unfinished.update(rid for rid, _, _ in concerned)
    done = [rid for rid, _, _ in records if rid not in unfinished]
    with database.transaction() as session:
        if done:
            session.execute(delete(DeletedCitizen).where(DeletedCitizen.id.in_(done)))
        if rewritten or removed:
            audit.record(
                session,
                audit.Action.BACKUP,
                None,
                f"slettede borgere fjernet fra ældre sikkerhedskopier "
                f"({len(rewritten)} ryddet, {len(removed)} slettet)",
            )
    log.info("backups purged of deleted citizens: %d rewritten, %d removed", len(rewritten), len(removed))
    return PurgeResult(tuple(rewritten), tuple(removed), tuple(failed), len(done))


_BESIDE = (
    # db.migrate.backup_before_migration: "<name>.før-<revision>-<time>.bak"
    re.compile(r"\.før-[0-9A-Za-z_]+-(\d{8}-\d{6})\.bak"),
    # db.backup's restore keeps the replaced file as "<name>.før-gendannelse-<time>[-n]"
    re.compile(rf"{re.escape(KEPT_MARK)}(\d{{8}}-\d{{6}})(?:-\d+)?"),
)


def copies_beside(db_path: Path) -> list[tuple[Path, dt.datetime]]:
    """The whole copies of the database this program keeps beside it, with the time in their
    names: the one taken before a schema upgrade, and the file a restore replaced. They hold
    deleted citizens as a backup does, and are cleaned the same way."""
    found: list[tuple[Path, dt.datetime]] = []
    try:
        entries = list(db_path.parent.iterdir())
    except OSError:
        return []
    for path in entries:
        if not path.name.startswith(db_path.name + ".") or not path.is_file():
            continue
        rest = path.name[len(db_path.name) :]
        for pattern in _BESIDE:
            match = pattern.fullmatch(rest)
            if match is not None:
                with contextlib.suppress(ValueError):
                    found.append((path, dt.datetime.strptime(match.group(1), _STAMP)))
                break
    return sorted(found, key=lambda item: (item[1], item[0].name))


def _remove(path: Path) -> bool:
    try:
        path.unlink()
    except OSError as err:
        log.warning("copy holding a deleted citizen not removed: %s", err.strerror)
        return False
    for suffix in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            path.with_name(path.name + suffix).unlink()
    return True


def _is_deleted(hashes: frozenset[str], cpr: str) -> bool:
    return cpr_hash(cpr) in hashes


def deleted_in_backups_text(check_minutes: int) -> str:
    """How long a deleted citizen can remain in a backup, for the window and the README;
    `check_minutes`: how often the running program checks its backups."""
    return (
        f"En slettet borger kan stadig findes i de sikkerhedskopier, der er taget før sletningen (også kopierne "
        "ved databasen fra før en opdatering eller gendannelse), i højst "
        f"{DELETED_KEPT_DAYS} dage ({KEEP_WEEKLY} ugentlige sikkerhedskopier à 7 dage), så en fejlagtig "
        "sletning kan fortrydes ved at gendanne en af dem. Derefter fjernes borgeren fra dem, første gang "
        f"programmet ser efter sine sikkerhedskopier (ved start og hvert {check_minutes}. minut, mens det kører). "
        "Kopier, du selv har gemt andre steder end i backupmappen, når programmet ikke."
    )


def rotate(folder: Path, db_path: Path, now: dt.datetime) -> list[Path]:
    """Delete the backups `backups_to_keep` does not keep, and stale temporary files.
    Returns what was deleted. A file that cannot be deleted is left (and tried next time)."""
    backups = list_backups(folder, db_path)
    keep = backups_to_keep(backups, now)
    removed: list[Path] = []
    for path, _ in backups:
        if path not in keep:
            try:
                path.unlink()
            except OSError as err:
                log.warning("old backup not removed: %s", err.strerror)
                continue
            removed.append(path)
    removed += _remove_stale_temp_files(folder, db_path, now)
    return removed


def _remove_stale_temp_files(folder: Path, db_path: Path, now: dt.datetime) -> list[Path]:
    # `db.backup` writes `<final name>` as `.<final name>.<random>.tmp` until it is complete.
    prefix = temp_name_prefix(folder / f"{db_path.stem}.backup-").removesuffix(".")
    removed: list[Path] = []
    with contextlib.suppress(OSError):
        for path in folder.iterdir():
            if not (path.name.startswith(prefix) and TEMP_SUFFIX in path.name):
                continue
            with contextlib.suppress(OSError):
                if now - dt.datetime.fromtimestamp(path.stat().st_mtime) > _STALE_TEMP:
                    path.unlink()
                    removed.append(path)
    return removed


def restore(backup_file: Path, db_path: Path, passphrase: str, now: dt.datetime | None = None) -> RestoreOutcome:
    """Replace the database at `db_path` with `backup_file` (see `db.backup.restore_file`:
    checked first, the replaced file kept, refused while the database is open anywhere,
    this program included: close it first). `passphrase` is the backup's, which is the
    database's passphrase from when the backup was made. The restore is logged in the
    restored file; open it again afterwards with that passphrase."""
    backup_file = Path(backup_file)
    result = restore_file(backup_file, Path(db_path), passphrase, now)
    try:
        made = dt.datetime.fromtimestamp(backup_file.stat().st_mtime)
        with result.database.transaction() as session:
            audit.record(session, audit.Action.RESTORE, None, f"gendannet fra sikkerhedskopi fra {fmt.date_time(made)}")
        # The restored log is the log now: anchored afresh (the old anchor shows the replaced file's).
        write_anchor(result.database)
    finally:
        result.database.close()
    return RestoreOutcome(kept=result.kept, restored_from=backup_file)
