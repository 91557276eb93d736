"""A citizen deleted under retention leaves the backups taken before the deletion: kept there for
`DELETED_KEPT_DAYS` days (a restore can undo a mistaken deletion), then removed at the next
check, each backup opened and looked into."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.backup import backup_to, verify_backup
from db.enums import Outcome
from db.errors import StorageError
from db.models import Base, Citizen, DeletedCitizen, JournalNote
from db.session import Database, create_database, open_database
from jobraad import backup
from jobraad.backup import (
    DELETED_KEPT_DAYS,
    KEEP_WEEKLY,
    automatic_backup,
    backup_name,
    deleted_in_backups_text,
    list_backups,
    purge_backups,
)
from jobraad.citizens import CitizenInput, close_case, create_citizen
from jobraad.retention import delete_citizen
from jobraad.settings import backup_folder
from tests.conftest import PASSPHRASE

MARKER = "Quistgaard-Ølgod"
GONE_CPR = "1505801234"
KEPT_CPR = "0101621233"


def _caseload(database: Database) -> tuple[int, int]:
    gone = create_citizen(database, CitizenInput("Łucja", MARKER, GONE_CPR))
    kept = create_citizen(database, CitizenInput("Søren", "Ærø", KEPT_CPR))
    with database.transaction() as session:
        citizen = session.get(Citizen, gone)
        assert citizen is not None
        citizen.journal.append(JournalNote(text=f"Samtale med {MARKER} om helbred."))
    close_case(database, gone, Outcome.FLYTTET, dt.date(2024, 11, 1))
    return gone, kept


def _look_inside(path: Path, tmp_path: Path) -> tuple[set[str], int, bytes]:
    """Open a copy of the backup: the CPRs it holds, its rows about the deleted citizen's id in
    every table with a citizen_id (the audit log aside), and its whole content unencrypted."""
    copy = tmp_path / "kig" / path.name
    copy.parent.mkdir(exist_ok=True)
    shutil.copyfile(path, copy)
    opened = open_database(copy, PASSPHRASE)
    try:
        with opened.reading() as session:
            cprs = set(session.scalars(select(Citizen.cpr)))
            gone_id = 1
            rows = sum(
                session.scalar(select(func.count()).select_from(t).where(t.c.citizen_id == gone_id)) or 0
                for t in Base.metadata.sorted_tables
                if "citizen_id" in t.c and t.name != "audit_entry"
            )
        plain = tmp_path / "kig" / "klartekst.db"
        raw = opened.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(f"ATTACH DATABASE '{plain}' AS plaintext KEY ''")
            cursor.execute("SELECT sqlcipher_export('plaintext')")
            cursor.execute("DETACH DATABASE plaintext")
            cursor.close()
        finally:
            raw.close()
        content = plain.read_bytes()
    finally:
        opened.close()
    shutil.rmtree(copy.parent)
    return cprs, rows, content


def test_the_stated_maximum_is_the_span_of_the_weekly_backups() -> None:
    assert DELETED_KEPT_DAYS == 7 * KEEP_WEEKLY == 28
    text = deleted_in_backups_text(15)
    assert "i højst 28 dage (4 ugentlige sikkerhedskopier à 7 dage)" in text
    assert "også kopierne ved databasen fra før en opdatering eller gendannelse" in text
    assert "ved start og hvert 15. minut" in text
    # The README says the same figure.
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"**højst {DELETED_KEPT_DAYS} dage** ({KEEP_WEEKLY} ugentlige sikkerhedskopier à 7 dage" in readme


def test_deleted_citizen_gone_from_every_backup_after_the_stated_maximum(
    database: Database, db_path: Path, tmp_path: Path
) -> None:
    gone, _kept = _caseload(database)
    assert gone == 1  # `_look_inside` counts rows by this id
    folder = backup_folder(database)
    t0 = dt.datetime(2025, 3, 1, 8, 0)
    first = automatic_backup(database, now=t0, force=True)
    second = automatic_backup(database, now=t0 + dt.timedelta(days=1), force=True)
    assert first is not None and second is not None
    deleted_at = t0 + dt.timedelta(days=1, hours=1)
    delete_citizen(database, gone, now=deleted_at)
    before = {p.name: p.stat().st_mtime_ns for p, _ in list_backups(folder, db_path)}

    # A holiday: the next backup a minute before the stated maximum. Rotation keeps the old
    # backups (fewer than seven days with one), and they still hold the citizen: a restore can undo.
    last_day = deleted_at + dt.timedelta(days=DELETED_KEPT_DAYS)
    third = automatic_backup(database, now=last_day - dt.timedelta(minutes=1), force=True)
    assert third is not None
    assert [p for p, _ in list_backups(folder, db_path)] == [first, second, third]
    cprs, rows, content = _look_inside(first, tmp_path)
    assert GONE_CPR in cprs and rows > 0 and MARKER.encode() in content
    assert GONE_CPR not in _look_inside(third, tmp_path)[0]  # taken after the deletion

    # At the stated maximum, the next check (no backup due) removes the citizen from them all.
    assert automatic_backup(database, now=last_day) is None
    for path in (first, second, third):
        cprs, rows, content = _look_inside(path, tmp_path)
        assert cprs == {KEPT_CPR}, path.name
        assert rows == 0 and MARKER.encode() not in content
        verify_backup(path, PASSPHRASE)  # still a whole backup that restores
    # Same names and file times (a restore names a backup by them), no temporary file left.
    after = {p.name: p.stat().st_mtime_ns for p, _ in list_backups(folder, db_path)}
    assert {n: after[n] for n in before} == before
    assert sorted(p.name for p in folder.iterdir()) == sorted(after)
    with database.reading() as session:
        assert session.scalar(select(func.count()).select_from(DeletedCitizen)) == 0  # nothing left to purge


def test_a_backup_that_cannot_be_opened_goes_once_a_newer_one_exists(database: Database, db_path: Path) -> None:
    gone, _kept = _caseload(database)
    folder = backup_folder(database)
    t0 = dt.datetime(2025, 3, 1, 8, 0)
    folder.mkdir(parents=True, exist_ok=True)
    # A backup from before the passphrase was changed: the database's key does not open it.
    other = create_database(folder / backup_name(db_path, t0 - dt.timedelta(days=1)), "den gamle adgangskode")
    other.close()
    old = folder / backup_name(db_path, t0 - dt.timedelta(days=1))
    for suffix in ("-wal", "-shm", ".lock"):
        old.with_name(old.name + suffix).unlink(missing_ok=True)
    delete_citizen(database, gone, now=t0)
    later = t0 + dt.timedelta(days=DELETED_KEPT_DAYS, hours=1)
    result = purge_backups(database, folder, later)
    assert result.removed == () and result.failed == (old,)  # no backup after the deletion yet: kept
    assert old.exists()
    newer = automatic_backup(database, now=later + dt.timedelta(minutes=5), force=True)
    assert newer is not None
    assert not old.exists()
    assert [p for p, _ in list_backups(folder, db_path)] == [newer]


def test_a_backup_that_cannot_be_cleaned_now_is_tried_again(
    database: Database, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone, _kept = _caseload(database)
    folder = backup_folder(database)
    t0 = dt.datetime(2025, 3, 1, 8, 0)
    first = automatic_backup(database, now=t0, force=True)
    assert first is not None
    delete_citizen(database, gone, now=t0 + dt.timedelta(hours=1))
    later = t0 + dt.timedelta(days=DELETED_KEPT_DAYS, hours=2)

    def offline(*_args: object) -> int:
        raise StorageError("Netværksdrevet svarer ikke.")

    monkeypatch.setattr(backup, "remove_citizens", offline)
    assert purge_backups(database, folder, later).failed == (first,)
    with database.reading() as session:
        assert session.scalar(select(func.count()).select_from(DeletedCitizen)) == 1  # remembered
    monkeypatch.undo()
    result = purge_backups(database, folder, later + dt.timedelta(minutes=15))
    assert result.rewritten == (first,) and result.cleared == 1
    assert GONE_CPR not in _look_inside(first, tmp_path)[0]


def test_a_citizen_added_again_after_the_deletion_stays_in_later_backups(
    database: Database, db_path: Path, tmp_path: Path
) -> None:
    gone, _kept = _caseload(database)
    folder = backup_folder(database)
    t0 = dt.datetime(2025, 3, 1, 8, 0)
    first = automatic_backup(database, now=t0, force=True)
    delete_citizen(database, gone, now=t0 + dt.timedelta(hours=1))
    create_citizen(database, CitizenInput("Łucja", "Wąsik", GONE_CPR))  # the citizen comes back
    second = automatic_backup(database, now=t0 + dt.timedelta(days=1), force=True)
    assert first is not None and second is not None
    purge_backups(database, folder, t0 + dt.timedelta(days=DELETED_KEPT_DAYS, hours=2))
    assert GONE_CPR not in _look_inside(first, tmp_path)[0]
    assert GONE_CPR in _look_inside(second, tmp_path)[0]


def test_the_copies_beside_the_database_are_cleaned_too(database: Database, db_path: Path, tmp_path: Path) -> None:
    """The copy taken before a schema upgrade and the file a restore replaced are whole copies
    too: cleaned like a backup; one with a WAL beside it (it cannot be rewritten) is removed."""
    gone, _kept = _caseload(database)
    t0 = dt.datetime(2025, 3, 1, 8, 0)
    before_upgrade = db_path.with_name(f"{db_path.name}.før-0006-20250301-070000.bak")
    backup_to(database, before_upgrade)
    replaced = db_path.with_name(f"{db_path.name}.før-gendannelse-20250301-073000")
    backup_to(database, replaced)
    crashed = db_path.with_name(f"{db_path.name}.før-gendannelse-20250301-073000-2")
    backup_to(database, crashed)
    crashed.with_name(crashed.name + "-wal").write_bytes(b"\0" * 64)
    delete_citizen(database, gone, now=t0)
    newer = automatic_backup(database, now=t0 + dt.timedelta(hours=1), force=True)
    assert newer is not None
    assert GONE_CPR in _look_inside(before_upgrade, tmp_path)[0]  # within the stated maximum: kept

    result = purge_backups(database, now=t0 + dt.timedelta(days=DELETED_KEPT_DAYS))
    assert set(result.rewritten) == {before_upgrade, replaced} and result.removed == (crashed,)
    assert _look_inside(before_upgrade, tmp_path)[0] == {KEPT_CPR}
    assert _look_inside(replaced, tmp_path)[0] == {KEPT_CPR}
    assert not crashed.exists() and not crashed.with_name(crashed.name + "-wal").exists()
