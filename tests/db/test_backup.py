"""Backups and restore: encrypted copies through SQLite's online backup API, the
integrity check at start, restoring (checked before anything is replaced), and
the automatic, rotated backups of `jobraad.backup`."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

import db.backup
import db.session
from db.backup import BackupRefusedError, backup_to, restore_file, verify_backup
from db.errors import DatabaseLockedError, NotADatabaseError, StorageError, WrongPassphraseError
from db.models import AuditEntry, Citizen
from db.session import SALT_BYTES, CipherKey, Database, DatabaseDamagedError, create_database, open_database
from jobraad import audit
from jobraad.backup import (
    automatic_backup,
    backup_due,
    backup_folder,
    backup_name,
    backups_to_keep,
    list_backups,
    restore,
)
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.cli import PASSPHRASE_ENV, main
from jobraad.retention import vacuum
from jobraad.settings import set_settings
from tests.conftest import PASSPHRASE
from tests.helpers import CheckCalls

NAMES = [("Søren", "Ærø", "010162-1233"), ("Åse", "Øberg", "020262-1234"), ("Ibrahim", "Ekholm", "030362-1235")]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _add(database: Database, people: list[tuple[str, str, str]] = NAMES) -> None:
    for first, last, number in people:
        create_citizen(database, CitizenInput(first, last, number))


def _count(database: Database) -> int:
    with database.reading() as session:
        return session.scalar(select(func.count()).select_from(Citizen)) or 0


def _open_count(path: Path, passphrase: str = PASSPHRASE) -> int:
    database = open_database(path, passphrase)
    try:
        return _count(database)
    finally:
        database.close()


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _damage(path: Path) -> None:
    """Overwrite a few bytes of a table's page: the key still opens page 1 and the schema reads,
    but that page fails. (The table's own root page, not "a page near the end": a migration that
    adds a table may put a page of the schema there.)"""
    key = CipherKey.derive(PASSPHRASE, path.read_bytes()[:SALT_BYTES])
    with db.backup._keyed(path, key) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'cv_entry'").fetchone()[0]
    data = bytearray(path.read_bytes())
    offset = (root - 1) * 4096 + 100
    data[offset : offset + 8] = bytes(8)
    path.write_bytes(bytes(data))


# --- making a backup ---------------------------------------------------------------------------


def test_backup_is_encrypted_and_opens_with_the_passphrase(database: Database, tmp_path: Path) -> None:
    _add(database)  # still in the WAL, not yet in the main file: the backup API sees it all the same
    dest = backup_to(database, tmp_path / "kopier" / "kopi.jobraad")
    raw = dest.read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    for first, last, number in NAMES:
        assert first.encode() not in raw and last.encode() not in raw
        assert number.replace("-", "").encode() not in raw
    assert _files(dest.parent) == ["kopi.jobraad"]  # no -wal, -journal or temporary file
    with pytest.raises(WrongPassphraseError):
        open_database(dest, "forkert kodeord")
    copy = open_database(dest, PASSPHRASE)
    try:
        assert _count(copy) == 3
        assert copy.integrity_check()
    finally:
        copy.close()
    assert _count(database) == 3  # the source goes on working


def test_backup_reports_progress(database: Database, tmp_path: Path) -> None:
    _add(database)
    seen: list[tuple[int, int]] = []
    backup_to(database, tmp_path / "kopi.jobraad", progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1] > 0


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_backup_that_cannot_be_renamed_into_place_leaves_nothing(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    folder = tmp_path / "kopier"
    folder.mkdir()

    def fail(*_args: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(db.backup.os, "replace", fail)
    with pytest.raises(StorageError) as info:
        backup_to(database, folder / "kopi.jobraad")
    assert ("plads" if code == errno.ENOSPC else "skrivebeskyttet") in info.value.message
    assert _files(folder) == []


def test_backup_into_a_folder_that_cannot_be_made(database: Database, tmp_path: Path) -> None:
    blocker = tmp_path / "en fil"
    blocker.write_text("x")
    with pytest.raises(StorageError):
        backup_to(database, blocker / "kopi.jobraad")


# --- damage found at start ----------------------------------------------------------------------


def test_damaged_file_is_refused_at_open_with_a_way_to_restore(database: Database, db_path: Path) -> None:
    _add(database)
    database.close()
    _damage(db_path)
    before = _digest(db_path)
    with pytest.raises(DatabaseDamagedError) as info:
        open_database(db_path, PASSPHRASE)
    assert "beskadiget" in info.value.message and "jobraad restore" in info.value.message
    assert _digest(db_path) == before
    unchecked = open_database(db_path, PASSPHRASE, check=False)
    try:
        assert not unchecked.quick_check()
        assert not unchecked.integrity_check()
    finally:
        unchecked.close()


def test_check_behind_the_window_holds_and_refuses_every_write(
    database: Database, db_path: Path, tmp_path: Path
) -> None:
    # The program opens with check_later: the window shows while quick_check runs.
    # A damaged file then must not take a single write, nor be copied over a backup.
    _add(database)
    database.close()
    _damage(db_path)
    before = _digest(db_path)
    opened = open_database(db_path, PASSPHRASE, check_later=True)
    try:
        assert opened.wait_until_checked(timeout=30) is False
        with pytest.raises(DatabaseDamagedError) as info:
            create_citizen(opened, CitizenInput("Ny", "Borger", "0101621233"))
        assert "beskadiget" in info.value.message
        with pytest.raises(DatabaseDamagedError):
            backup_to(opened, tmp_path / "kopi.jobraad")
        with pytest.raises(DatabaseDamagedError):
            opened.change_passphrase(PASSPHRASE, "en helt anden lang sætning")
        with pytest.raises(DatabaseDamagedError):
            vacuum(opened)
    finally:
        opened.close()
    assert _digest(db_path) == before
    assert not (tmp_path / "kopi.jobraad").exists()


def test_writes_wait_for_the_check_behind_the_window(
    database: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database.close()
    release = threading.Event()
    real_check = Database._check

    def slow_check(self: Database, pragma: str, engine: Engine | None = None) -> bool:
        release.wait(30)
        return real_check(self, pragma, engine)

    monkeypatch.setattr(Database, "_check", slow_check)
    opened = open_database(db_path, PASSPHRASE, check_later=True)
    try:
        assert _count(opened) == 0  # reads do not wait
        writer = threading.Thread(target=_add, args=(opened,))
        writer.start()
        writer.join(0.3)
        assert writer.is_alive() and _count(opened) == 0  # held while the check runs
        release.set()
        writer.join(30)
        assert opened.wait_until_checked(timeout=0) is True
        assert _count(opened) == len(NAMES)
    finally:
        release.set()
        opened.close()


def _open_held(db_path: Path, monkeypatch: pytest.MonkeyPatch, at_most: float = 60.0) -> Database:
    """The file opened as the program opens it at start: its check held (at most `at_most` s)."""
    monkeypatch.setattr(db.session, "CHECK_HELD_AT_MOST_S", at_most)
    return open_database(db_path, PASSPHRASE, check_later=True, hold_check=True)


def test_a_held_check_begins_when_released(database: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The program's start holds the check until the caseload is read (they would share a core)."""
    _add(database)
    database.close()
    calls = CheckCalls(monkeypatch)
    opened = _open_held(db_path, monkeypatch)
    try:
        assert _count(opened) == len(NAMES)  # reads do not wait
        threading.Event().wait(0.5)  # ample for the check of a small file, had it begun
        assert calls.begun == [] and opened.wait_until_checked(timeout=0) is None  # a look does not begin it
        opened.release_check()
        assert opened.wait_until_checked(timeout=30) is True
        assert calls.begun == ["quick_check"]
    finally:
        opened.close()


def test_a_write_begins_a_held_check_and_waits_for_it(
    database: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database.close()
    calls = CheckCalls(monkeypatch)
    opened = _open_held(db_path, monkeypatch)
    try:
        writer = threading.Thread(target=_add, args=(opened,))
        writer.start()
        writer.join(30)  # not the 60 s the check would otherwise be held
        assert not writer.is_alive()
        assert calls.begun == ["quick_check"] and _count(opened) == len(NAMES)
    finally:
        opened.close()


def test_a_held_check_still_finds_the_damage_and_refuses_writes(
    database: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add(database)
    database.close()
    _damage(db_path)
    before = _digest(db_path)
    opened = _open_held(db_path, monkeypatch)
    try:
        with pytest.raises(DatabaseDamagedError):
            create_citizen(opened, CitizenInput("Ny", "Borger", "0101621233"))
    finally:
        opened.close()
    assert _digest(db_path) == before


def test_a_held_check_begins_by_itself_when_nothing_releases_it(
    database: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database.close()
    calls = CheckCalls(monkeypatch)
    opened = _open_held(db_path, monkeypatch, at_most=0.2)
    try:
        for _ in range(300):
            if opened.wait_until_checked(timeout=0) is not None:
                break
            threading.Event().wait(0.1)
        assert opened.wait_until_checked(timeout=0) is True and calls.begun == ["quick_check"]
    finally:
        opened.close()


def test_a_file_that_needs_migrating_is_checked_before_it_is_opened(database: Database, db_path: Path) -> None:
    # Migrating writes, so it may not run before the check: the damage is found at open.
    with database.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'not-the-head'")
    _add(database)
    database.close()
    _damage(db_path)
    with pytest.raises(DatabaseDamagedError):
        open_database(db_path, PASSPHRASE, check_later=True)


def test_healthy_file_passes_quick_check(database: Database) -> None:
    _add(database)
    assert database.quick_check() and database.integrity_check()


# --- restoring ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("skabelon")
    database = create_database(folder / "sagsstamme.jobraad", PASSPHRASE)
    try:
        _add(database)
        dest = backup_to(database, folder / "kopi.jobraad")
        _add(database, [("Kaj", "Holm", "040462-1236")])
    finally:
        database.close()
    return folder / "sagsstamme.jobraad", dest


@pytest.fixture
def backup_file(_template: tuple[Path, Path], db_path: Path) -> Path:
    """A backup with three citizens, beside a closed database (at `db_path`) that has a fourth."""
    source_db, source_backup = _template
    shutil.copyfile(source_db, db_path)
    dest = db_path.with_name("kopi.jobraad")
    shutil.copyfile(source_backup, dest)
    return dest


def test_restore_replaces_the_file_and_keeps_the_old_one(backup_file: Path, db_path: Path) -> None:
    stamp = dt.datetime(2025, 3, 14, 9, 30)
    result = restore_file(backup_file, db_path, PASSPHRASE, now=stamp)
    try:
        assert _count(result.database) == 3
    finally:
        result.database.close()
    assert result.kept == db_path.with_name("sagsstamme.jobraad.før-gendannelse-20250314-093000")
    assert _open_count(result.kept) == 4
    assert _open_count(db_path) == 3
    assert not list(db_path.parent.glob(".*tmp"))


def test_restore_never_leaves_the_database_path_without_a_file(
    backup_file: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked after every step that renames, links or removes a file: a kill at any of
    them leaves a whole file at the database's path (the old one or the restored one)."""
    steps: list[str] = []

    def watched(name: str) -> object:
        real = getattr(os, name)

        def step(*args: object, **kwargs: object) -> object:
            result = real(*args, **kwargs)
            steps.append(name)
            assert db_path.exists(), f"no file at the database's path after os.{name}"
            return result

        return step

    for name in ("replace", "rename", "link", "unlink", "remove"):
        monkeypatch.setattr(db.backup.os, name, watched(name))
    db_path.with_name(db_path.name + "-wal").write_bytes(b"")  # a crash's leftovers move too
    result = restore_file(backup_file, db_path, PASSPHRASE)
    monkeypatch.undo()
    result.database.close()
    assert "replace" in steps and "link" in steps
    assert _open_count(db_path) == 3


def test_the_lock_follows_the_restored_file(backup_file: Path, db_path: Path) -> None:
    """The restored file is locked before it is renamed into place: no other opener gets in,
    by its name or by a link to it."""
    result = restore_file(backup_file, db_path, PASSPHRASE)
    try:
        with pytest.raises(DatabaseLockedError):
            open_database(db_path, PASSPHRASE)
        link = db_path.with_name("link.jobraad")
        os.link(db_path, link)
        with pytest.raises(DatabaseLockedError):
            open_database(link, PASSPHRASE)
        assert result.kept is not None
        assert _open_count(result.kept) == 4  # the kept file is not locked: it is a file of its own
    finally:
        result.database.close()


def test_leftovers_of_a_killed_restore_are_removed_at_the_next_open(database: Database, db_path: Path) -> None:
    database.close()
    leftover = db_path.with_name(f".{db_path.name}.abc123.tmp")
    leftover.write_bytes(os.urandom(4096))
    leftover.with_name(leftover.name + "-journal").write_bytes(b"x")
    unrelated = db_path.with_name(".andet.jobraad.abc.tmp")
    unrelated.write_bytes(b"x")
    open_database(db_path, PASSPHRASE).close()
    assert not leftover.exists() and not leftover.with_name(leftover.name + "-journal").exists()
    assert unrelated.exists()


def test_restore_is_logged_in_the_restored_file(backup_file: Path, db_path: Path) -> None:
    outcome = restore(backup_file, db_path, PASSPHRASE)
    assert outcome.kept is not None and outcome.kept.exists()
    database = open_database(db_path, PASSPHRASE)
    try:
        with database.reading() as session:
            actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
            assert actions[-1] == audit.Action.RESTORE
            assert audit.verify_chain(session).ok
    finally:
        database.close()


def test_restore_moves_a_crashed_files_wal_away(backup_file: Path, db_path: Path) -> None:
    """An old -wal must never be replayed into the restored file."""
    wal = db_path.with_name(db_path.name + "-wal")
    wal.write_bytes(os.urandom(5000))
    result = restore_file(backup_file, db_path, PASSPHRASE)
    result.database.close()
    assert result.kept is not None
    assert result.kept.with_name(result.kept.name + "-wal").exists()
    assert _open_count(db_path) == 3


def test_restore_when_the_database_is_gone(backup_file: Path, db_path: Path) -> None:
    db_path.unlink()
    result = restore_file(backup_file, db_path, PASSPHRASE)
    result.database.close()
    assert result.kept is None
    assert _open_count(db_path) == 3


def test_restore_of_a_damaged_database(backup_file: Path, db_path: Path) -> None:
    _damage(db_path)
    with pytest.raises(DatabaseDamagedError):
        open_database(db_path, PASSPHRASE)
    restore(backup_file, db_path, PASSPHRASE)
    assert _open_count(db_path) == 3


def _refused_unchanged(
    backup: Path, db_path: Path, passphrase: str, error: type[Exception] | tuple[type[Exception], ...]
) -> None:
    before = _digest(db_path)
    siblings = _files(db_path.parent)
    with pytest.raises(error):
        restore_file(backup, db_path, passphrase)
    assert _digest(db_path) == before
    assert _files(db_path.parent) == siblings


def test_restore_refuses_a_wrong_passphrase(backup_file: Path, db_path: Path) -> None:
    _refused_unchanged(backup_file, db_path, "forkert kodeord", WrongPassphraseError)


def test_restore_refuses_a_damaged_backup(backup_file: Path, db_path: Path) -> None:
    _damage(backup_file)
    _refused_unchanged(backup_file, db_path, PASSPHRASE, BackupRefusedError)


def test_restore_refuses_files_that_are_no_backup(tmp_path: Path, backup_file: Path, db_path: Path) -> None:
    other = tmp_path / "andet.jobraad"
    stranger = create_database(other, PASSPHRASE)
    with stranger.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE audit_entry")
    stranger.close()
    _refused_unchanged(other, db_path, PASSPHRASE, NotADatabaseError)
    text = tmp_path / "noter.txt"
    text.write_text("ikke en database\n" * 100)
    _refused_unchanged(text, db_path, PASSPHRASE, (NotADatabaseError, WrongPassphraseError))
    _refused_unchanged(db_path, db_path, PASSPHRASE, BackupRefusedError)


def test_restore_refused_while_the_database_is_open(backup_file: Path, db_path: Path) -> None:
    database = open_database(db_path, PASSPHRASE)
    try:
        with pytest.raises(DatabaseLockedError):
            restore_file(backup_file, db_path, PASSPHRASE)
        assert _count(database) == 4
    finally:
        database.close()


def test_verify_backup(backup_file: Path) -> None:
    verify_backup(backup_file, PASSPHRASE)
    with pytest.raises(WrongPassphraseError):
        verify_backup(backup_file, "forkert kodeord")


# --- rotation ----------------------------------------------------------------------------------


def _daily(first: dt.date, days: int, hours: tuple[int, ...] = (9, 15)) -> list[tuple[Path, dt.datetime]]:
    out = []
    for n in range(days):
        day = first + dt.timedelta(days=n)
        for hour in hours:
            at = dt.datetime.combine(day, dt.time(hour))
            out.append((Path(backup_name(Path("s.jobraad"), at)), at))
    return out


def test_backups_to_keep_seven_days_and_four_weeks() -> None:
    backups = _daily(dt.date(2025, 1, 18), 61)  # up to Wednesday 19 March (ISO week 12)
    now = dt.datetime(2025, 3, 19, 16)
    kept = {at for path, at in backups if path in backups_to_keep(backups, now)}
    days = {dt.datetime(2025, 3, d, 15) for d in range(13, 20)}
    weeks = {dt.datetime(2025, 3, 9, 15), dt.datetime(2025, 3, 2, 15)}  # Sundays of weeks 10 and 9
    assert kept == days | weeks


def test_backups_to_keep_after_a_holiday_keeps_the_last_ones() -> None:
    backups = _daily(dt.date(2025, 1, 1), 20, hours=(12,))
    kept = backups_to_keep(backups, dt.datetime(2025, 9, 1))
    assert len(kept) >= 7
    assert backups[-1][0] in kept


def test_backups_to_keep_edge_cases() -> None:
    now = dt.datetime(2025, 3, 19, 16)
    assert backups_to_keep([], now) == set()
    future = (Path("f"), now + dt.timedelta(days=400))
    same_day = [(Path("a"), now - dt.timedelta(hours=3)), (Path("b"), now - dt.timedelta(hours=1))]
    assert backups_to_keep([future, *same_day], now) == {Path("f"), Path("b")}


def test_list_backups_ignores_other_files(tmp_path: Path) -> None:
    db_path = tmp_path / "sagsstamme.jobraad"
    mine = tmp_path / backup_name(db_path, dt.datetime(2025, 3, 1, 8))
    for name in (
        mine.name,
        "anden.backup-20250301-080000.jobraad",
        "sagsstamme.backup-20251399-000000.jobraad",
        "sagsstamme.jobraad",
        "rapport.pdf",
    ):
        (tmp_path / name).write_bytes(b"x")
    assert list_backups(tmp_path, db_path) == [(mine, dt.datetime(2025, 3, 1, 8))]


def test_automatic_backup_at_start_then_when_due_then_rotated(database: Database, db_path: Path) -> None:
    _add(database)
    folder = backup_folder(database)
    assert folder == db_path.parent / "backup"
    start = dt.datetime(2025, 3, 1, 8, 0)
    first = automatic_backup(database, now=start, force=True)
    assert first is not None and first.parent == folder
    assert automatic_backup(database, now=start + dt.timedelta(hours=3)) is None  # default: every 4 hours
    assert not backup_due(database, start + dt.timedelta(hours=3))
    assert automatic_backup(database, now=start + dt.timedelta(hours=4)) is not None
    # The days after: only the newest backup of each day stays.
    for day in range(1, 4):
        for hour in (8, 16):
            automatic_backup(database, now=start + dt.timedelta(days=day, hours=hour - 8), force=True)
    stamps = [at for _, at in list_backups(folder, db_path)]
    assert stamps == [dt.datetime(2025, 3, 1, 12)] + [dt.datetime(2025, 3, d, 16) for d in (2, 3, 4)]
    assert _open_count(folder / backup_name(db_path, stamps[-1])) == 3
    with database.reading() as session:
        actions = session.scalars(select(AuditEntry.action)).all()
        assert actions.count(audit.Action.BACKUP) == 2 + 6
        assert audit.verify_chain(session).ok


def test_automatic_backup_honours_the_folder_setting_and_cleans_stale_temp_files(
    database: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "netværksdrev" / "jobraad"
    set_settings(database, {"backup_folder": str(folder), "backup_every_hours": 1})
    assert backup_folder(database) == folder
    folder.mkdir(parents=True)
    stale = folder / ".sagsstamme.backup-20250301-080000.jobraad.abc123.tmp"
    stale.write_bytes(b"halv")
    old = dt.datetime(2025, 3, 1, 8).timestamp()
    os.utime(stale, (old, old))
    written = automatic_backup(database, now=dt.datetime(2025, 3, 2, 9), force=True)
    assert written is not None
    assert _files(folder) == [written.name]


def test_two_backups_in_the_same_second_both_kept(database: Database) -> None:
    at = dt.datetime(2025, 3, 1, 8)
    a = automatic_backup(database, now=at, force=True)
    b = automatic_backup(database, now=at, force=True)
    assert a is not None and b is not None and a != b


# --- the command line ----------------------------------------------------------------------------


def test_cli_backup_and_restore(
    backup_file: Path,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    out = tmp_path / "manuel.jobraad"
    assert main(["backup", "--db", str(db_path), "-o", str(out)]) == 0
    assert _open_count(out) == 4
    assert main(["backup", "--db", str(db_path), "-o", str(out)]) == 2
    assert "(.jobraad). Den erstattes aldrig" in capsys.readouterr().err
    assert main(["backup", "--db", str(db_path), "-o", str(out), "--force"]) == 2  # not even then
    assert "(.jobraad). Den erstattes aldrig" in capsys.readouterr().err
    assert main(["backup", "--db", str(db_path)]) == 0
    assert len(list((db_path.parent / "backup").iterdir())) == 1
    assert main(["restore", str(backup_file), "--db", str(db_path)]) == 0
    printed = capsys.readouterr().out
    assert "gendannet" in printed and "før-gendannelse" in printed
    assert _open_count(db_path) == 3


def test_a_check_that_breaks_off_counts_as_failed(
    database: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database.close()

    def broken(*_args: object) -> bool:
        raise OSError("the disk went away")

    monkeypatch.setattr(Database, "_check", broken)
    opened = open_database(db_path, PASSPHRASE, check_later=True)
    try:
        assert opened.wait_until_checked(timeout=30) is False
        with pytest.raises(DatabaseDamagedError):
            _add(opened)
    finally:
        opened.close()
