"""Lock and passphrase: one program per file (also across processes, also after a crash),
changing the passphrase (SQLCipher rekey) and the growing wait after wrong passphrases."""

from __future__ import annotations

import errno
import hashlib
import itertools
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

import db.lockfile
from db.errors import DatabaseLockedError, StorageError, UserFacingError, WrongPassphraseError
from db.lockfile import FileLock
from db.models import AuditEntry, Citizen
from db.session import Database, PassphraseNotChangedError, create_database, open_database
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.passphrase import change_passphrase, unlock_delay
from tests.conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]
NEW_PASSPHRASE = "en helt ny og lang sætning"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the lock ----------------------------------------------------------------------------------


def test_second_open_in_the_same_process_is_refused(database: Database, db_path: Path) -> None:
    with pytest.raises(DatabaseLockedError) as info:
        open_database(db_path, PASSPHRASE)
    assert "allerede åben" in info.value.message
    database.close()
    again = open_database(db_path, PASSPHRASE)
    again.close()


def test_no_lock_file_beside_the_database_and_an_old_one_is_removed(database: Database, db_path: Path) -> None:
    """The lock is on the file itself; a `<name>.lock` left by an earlier version's crash goes."""
    legacy = db_path.with_name(db_path.name + ".lock")
    assert not legacy.exists()
    database.close()
    legacy.write_text("")
    open_database(db_path, PASSPHRASE).close()
    assert not legacy.exists()
    database.close()  # twice is harmless


def test_failed_opens_release_the_lock(database: Database, db_path: Path) -> None:
    database.close()
    with pytest.raises(WrongPassphraseError):
        open_database(db_path, "forkert kodeord")
    open_database(db_path, PASSPHRASE).close()


def _other_names(db_path: Path) -> dict[str, Path]:
    """A hard link, a symbolic link and another spelling of the same file."""
    hard = db_path.with_name("hardlink.jobraad")
    os.link(db_path, hard)
    soft = db_path.with_name("symlink.jobraad")
    soft.symlink_to(db_path)
    (db_path.parent / "sub").mkdir()
    return {"hård link": hard, "symbolsk link": soft, "anden stavemåde": db_path.parent / "sub" / ".." / db_path.name}


def test_every_name_of_an_open_file_is_refused(database: Database, db_path: Path) -> None:
    before = _digest(db_path)
    for label, other in _other_names(db_path).items():
        with pytest.raises(DatabaseLockedError):
            open_database(other, PASSPHRASE)
        assert _digest(db_path) == before, label
    assert not db_path.with_name("hardlink.jobraad-wal").exists()  # nothing was started beside it


@pytest.fixture
def holder(database: Database, db_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process with the database open, until it is killed."""
    database.close()
    script = textwrap.dedent(
        f"""
        import sys
        from db.session import open_database
        database = open_database({str(db_path)!r}, {PASSPHRASE!r})
        print("open", flush=True)
        sys.stdin.readline()
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "open"
        yield proc
    finally:
        proc.kill()
        proc.communicate()  # also closes the pipes


def test_another_process_holding_the_file_is_refused_until_it_dies(
    holder: subprocess.Popen[str], db_path: Path
) -> None:
    before = _digest(db_path)
    with pytest.raises(DatabaseLockedError):
        open_database(db_path, PASSPHRASE)
    with pytest.raises(DatabaseLockedError):
        FileLock(db_path).acquire()
    assert _digest(db_path) == before
    for other in _other_names(db_path).values():
        with pytest.raises(DatabaseLockedError):
            open_database(other, PASSPHRASE)
    # Killed like a crash: the lock died with the process.
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    reopened = open_database(db_path.with_name("symlink.jobraad"), PASSPHRASE)
    reopened.close()


def test_passphrase_is_not_changed_through_a_link_while_another_process_has_the_file(
    holder: subprocess.Popen[str], db_path: Path
) -> None:
    link = db_path.with_name("genvej.jobraad")
    link.symlink_to(db_path)
    env = {**os.environ, "JOBRAAD_PASSPHRASE": PASSPHRASE, "JOBRAAD_NEW_PASSPHRASE": NEW_PASSPHRASE}
    done = subprocess.run(
        [sys.executable, "-m", "jobraad", "passphrase", "--db", str(link)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2, done.stderr
    assert "allerede åben" in done.stderr and "Traceback" not in done.stderr
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    open_database(db_path, PASSPHRASE).close()  # still the old passphrase


def test_two_lock_objects_exclude_each_other(tmp_path: Path) -> None:
    (tmp_path / "x.jobraad").write_bytes(b"x" * 32)
    first = FileLock(tmp_path / "x.jobraad").acquire()
    assert first.acquire() is first  # acquiring again is a no-op
    with pytest.raises(DatabaseLockedError), FileLock(tmp_path / "x.jobraad"):
        pass
    first.release()
    with FileLock(tmp_path / "x.jobraad") as second:
        assert second.held
    assert not second.held


def test_a_file_renamed_over_the_name_while_locking_is_noticed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A lock taken on a file that a restore has just replaced is no lock: the waiter locks the new file."""
    path = tmp_path / "x.jobraad"
    path.write_bytes(b"gammel")
    replacement = tmp_path / "ny"
    replacement.write_bytes(b"ny")
    lock = FileLock(path)
    real_try_lock = db.lockfile._try_lock
    calls: list[int] = []

    def restored_meanwhile(fd: int) -> bool:
        calls.append(fd)
        if len(calls) == 1:
            os.replace(replacement, path)  # as a restore does
        return real_try_lock(fd)

    monkeypatch.setattr(db.lockfile, "_try_lock", restored_meanwhile)
    lock.acquire()
    assert len(calls) == 2
    assert lock.identity() == (os.stat(path).st_dev, os.stat(path).st_ino)
    lock.release()


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES, errno.ENOSPC])
def test_lock_in_a_folder_that_cannot_be_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    def refuse(*_args: object, **_kwargs: object) -> int:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(db.lockfile.os, "open", refuse)
    with pytest.raises(StorageError) as info:
        create_database(tmp_path / "ny.jobraad", PASSPHRASE)
    assert "oprettes" in info.value.message and "Intet er oprettet" in info.value.message
    assert not (tmp_path / "ny.jobraad").exists()


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES, errno.EPERM])
def test_a_read_only_database_file_is_refused_when_opening(
    database: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    """Found when the file is opened for its lock (for writing), before SQLite touches it.
    (As root, permission bits do not stop a write; the CLI test on a read-only mount does.)"""
    database.close()
    before = _digest(db_path)
    real_open = os.open

    def read_only(path: object, flags: int, *args: object) -> int:
        if Path(str(path)) == db_path and flags & (os.O_RDWR | os.O_WRONLY):
            raise OSError(code, os.strerror(code))
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(db.lockfile.os, "open", read_only)
    with pytest.raises(StorageError) as info:
        open_database(db_path, PASSPHRASE)
    assert "skrivebeskyttet" in info.value.message and "Filen er ikke ændret" in info.value.message
    assert _digest(db_path) == before


# --- changing the passphrase -------------------------------------------------------------------


def _count(database: Database) -> int:
    with database.reading() as session:
        return session.scalar(select(func.count()).select_from(Citizen)) or 0


def test_change_passphrase_rekeys_the_file(database: Database, db_path: Path) -> None:
    create_citizen(database, CitizenInput("Søren", "Ærø", "010162-1233"))
    change_passphrase(database, PASSPHRASE, NEW_PASSPHRASE)
    # The open database goes on working with the new key.
    create_citizen(database, CitizenInput("Ib", "Ek", "020262-1234"))
    assert database.check_passphrase(NEW_PASSPHRASE) and not database.check_passphrase(PASSPHRASE)
    with database.reading() as session:
        assert session.scalars(select(AuditEntry.detail).order_by(AuditEntry.id)).all()[-2] == "adgangskode skiftet"
    database.close()
    raw = db_path.read_bytes()
    assert not raw.startswith(b"SQLite format 3") and "Ærø".encode() not in raw
    with pytest.raises(WrongPassphraseError):
        open_database(db_path, PASSPHRASE)
    reopened = open_database(db_path, NEW_PASSPHRASE)
    try:
        assert _count(reopened) == 2
        assert reopened.integrity_check()
    finally:
        reopened.close()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("forkert kodeord", NEW_PASSPHRASE, "nuværende adgangskode er forkert"),
        (PASSPHRASE, "kort", "mindst 8 tegn"),
        (PASSPHRASE, "", "mangler"),
        (PASSPHRASE, PASSPHRASE, "den samme"),
    ],
)
def test_change_passphrase_refusals_change_nothing(
    database: Database, db_path: Path, old: str, new: str, expected: str
) -> None:
    create_citizen(database, CitizenInput("Søren", "Ærø", "010162-1233"))
    with pytest.raises(UserFacingError) as info:
        change_passphrase(database, old, new)
    assert expected in info.value.message
    assert _count(database) == 1
    database.close()
    open_database(db_path, PASSPHRASE).close()


def test_change_passphrase_waits_for_work_in_progress(database: Database, db_path: Path) -> None:
    # A worker (an export, a backup) has borrowed a connection keyed with the old
    # passphrase: rekeying now would make its next statement fail. Refused, nothing changed.
    create_citizen(database, CitizenInput("Søren", "Ærø", "010162-1233"))
    with database.reading() as busy:
        assert busy.scalar(select(func.count()).select_from(Citizen)) == 1  # holds a connection
        with pytest.raises(PassphraseNotChangedError) as info:
            database.change_passphrase(PASSPHRASE, NEW_PASSPHRASE)
        assert "i brug" in info.value.message
        assert busy.scalar(select(func.count()).select_from(Citizen)) == 1  # the worker goes on
    database.change_passphrase(PASSPHRASE, NEW_PASSPHRASE)  # once it is done
    database.close()
    open_database(db_path, NEW_PASSPHRASE).close()


def test_database_level_rekey_without_a_rule(database: Database, db_path: Path) -> None:
    with pytest.raises(PassphraseNotChangedError):
        database.change_passphrase("forkert", NEW_PASSPHRASE)
    database.change_passphrase(PASSPHRASE, "x")  # the strength rule belongs to jobraad
    database.close()
    open_database(db_path, "x").close()


# --- the wait after wrong passphrases ------------------------------------------------------------


def test_unlock_delay_grows_and_is_capped() -> None:
    delays = [unlock_delay(n) for n in range(12)]
    assert delays[:3] == [0.0, 0.0, 0.0]
    assert delays[3:8] == [1.0, 2.0, 4.0, 8.0, 16.0]
    assert all(a <= b for a, b in itertools.pairwise(delays))
    assert max(delays) == 30.0 == unlock_delay(1000)
