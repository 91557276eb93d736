"""The encrypted store: encryption at rest, passphrases, refusing foreign files."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import event, select, text

from db.errors import DatabaseExistsError, DatabaseMissingError, NotADatabaseError, WrongPassphraseError
from db.models import Citizen
from db.session import Database, create_database, open_database
from jobraad.citizens import CitizenInput, create_citizen
from tests.conftest import PASSPHRASE


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _add_one(database: Database) -> int:
    return create_citizen(database, CitizenInput("Søren", "Ærø", "010162-1233"))


def test_file_is_encrypted_at_rest(database: Database, db_path: Path) -> None:
    _add_one(database)
    database.close()
    raw = db_path.read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    assert "Ærø".encode() not in raw
    assert b"0101621233" not in raw


def test_data_survives_reopen(database: Database, db_path: Path) -> None:
    _add_one(database)
    database.close()
    reopened = open_database(db_path, PASSPHRASE)
    try:
        with reopened.reading() as session:
            names = session.scalars(select(Citizen.last_name)).all()
        assert names == ["Ærø"]
    finally:
        reopened.close()


def test_wrong_passphrase_refused_without_touching_file(
    database: Database, db_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    _add_one(database)
    database.close()
    before = _digest(db_path)
    siblings_before = sorted(p.name for p in db_path.parent.iterdir())
    with pytest.raises(WrongPassphraseError) as info:
        open_database(db_path, "forkert kodeord")
    assert "Adgangskoden er forkert" in info.value.message
    assert _digest(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == siblings_before
    captured = capfd.readouterr()
    assert "hmac" not in captured.err.lower() and "ERROR CORE" not in captured.err


def test_plain_sqlite_file_refused(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    con = sqlite3.connect(path)
    con.execute("create table t(x)")
    con.commit()
    con.close()
    before = _digest(path)
    with pytest.raises(NotADatabaseError, match="ukrypteret"):
        open_database(path, PASSPHRASE)
    assert _digest(path) == before


@pytest.mark.parametrize("content", [b"", b"hello", b"%PDF-1.7\n" + bytes(range(256)) * 40])
def test_non_database_files_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "not-a-db.jobraad"
    path.write_bytes(content)
    with pytest.raises((NotADatabaseError, WrongPassphraseError)):
        open_database(path, PASSPHRASE)
    assert path.read_bytes() == content


def test_truncated_database_refused(database: Database, db_path: Path) -> None:
    _add_one(database)
    database.close()
    data = db_path.read_bytes()
    db_path.write_bytes(data[:1000])
    with pytest.raises((NotADatabaseError, WrongPassphraseError)):
        open_database(db_path, PASSPHRASE)


def test_missing_file_and_existing_file(tmp_path: Path, database: Database, db_path: Path) -> None:
    with pytest.raises(DatabaseMissingError):
        open_database(tmp_path / "nope.jobraad", PASSPHRASE)
    assert not (tmp_path / "nope.jobraad").exists()
    with pytest.raises(DatabaseExistsError):
        create_database(db_path, PASSPHRASE)


def test_pragmas_in_force(database: Database) -> None:
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA cipher_version").scalar()


def test_transaction_rolls_back_everything_on_error(database: Database) -> None:
    with pytest.raises(RuntimeError), database.transaction() as session:
        session.add(Citizen(cpr="0101621233", first_name="A", last_name="B"))
        session.flush()
        raise RuntimeError("boom")
    with database.reading() as session:
        assert session.scalars(select(Citizen)).all() == []


def test_check_passphrase(database: Database) -> None:
    assert database.check_passphrase(PASSPHRASE)
    assert not database.check_passphrase(PASSPHRASE + "x")


def test_worker_threads_reuse_the_open_connection_instead_of_deriving_the_key_again(database: Database) -> None:
    # Every new SQLCipher connection derives the key (a tenth of a second, on purpose).
    # The program's workers are threads that come and go: they must borrow a connection.
    made: list[str] = []
    event.listen(database.engine, "connect", lambda *_args: made.append(threading.current_thread().name))

    def read() -> None:
        with database.reading() as session:
            session.execute(text("SELECT count(*) FROM citizen")).all()

    read()
    for n in range(5):
        worker = threading.Thread(target=read, name=f"worker-{n}")
        worker.start()
        worker.join()
    assert made == []  # the connection the file was opened with serves them all
