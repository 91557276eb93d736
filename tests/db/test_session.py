"""The encrypted store: encryption at rest, passphrases, refusing foreign files."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import event, select, text

from db.errors import DatabaseExistsError, DatabaseMissingError, NotADatabaseError, WrongPassphraseError
from db.models import Citizen
from db.session import Database, create_database, open_database
from jobraad.citizens import CitizenInput, create_citizen
from tests.conftest import PASSPHRASE, plain_sqlcipher_file


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


# --- the key: only what SQLCipher needs is kept ------------------------------------------------------


@pytest.mark.parametrize("passphrase", ["korrekt hest \"citat\" og 'apostrof'", "æøå ÆØÅ ğŞ ễ 🐴", "x"])
def test_the_key_kept_is_the_one_sqlcipher_derives_from_the_passphrase(tmp_path: Path, passphrase: str) -> None:
    """A file keyed by SQLCipher's own derivation (the passphrase in `PRAGMA key`, as every
    earlier release wrote files) opens with the key derived here; fails loudly if an upgrade
    of SQLCipher changes its key derivation."""
    import sqlcipher3  # type: ignore[import-untyped]

    from db.session import SALT_BYTES, CipherKey, quote_passphrase

    path = plain_sqlcipher_file(tmp_path / "sqlcipher.db", passphrase)
    key = CipherKey.derive(passphrase, path.read_bytes()[:SALT_BYTES])
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = {quote_passphrase(key.pragma_value())}")
    assert conn.execute("SELECT tekst FROM noter").fetchall() == [("hemmeligt",)]
    conn.close()


def test_the_database_keeps_no_passphrase(database: Database) -> None:
    """Neither the object, its engine's URL nor a repr holds the passphrase."""
    seen = repr(vars(database)) + repr(database.engine.url) + str(database.engine.url.password)
    assert PASSPHRASE not in seen
    assert "hemmelig" in repr(database.cipher_key)
    assert database.cipher_key.key.hex() not in repr(database.engine.url)


# --- on the disk --------------------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_database_and_side_files_are_readable_by_the_owner_only(database: Database, db_path: Path) -> None:
    _add_one(database)
    with database.reading() as session:
        session.execute(select(Citizen.id)).all()
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in db_path.parent.iterdir()}
    assert modes == {db_path.name: 0o600, db_path.name + "-wal": 0o600, db_path.name + "-shm": 0o600}


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_a_file_made_readable_for_others_by_an_earlier_version_is_tightened_on_open(
    database: Database, db_path: Path
) -> None:
    database.close()
    os.chmod(db_path, 0o644)
    open_database(db_path, PASSPHRASE).close()
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_another_programs_encrypted_file_is_refused_without_a_byte_changed(tmp_path: Path) -> None:
    """Today's SQLCipher files of other programs (rollback journal, other tables) that happen to
    open with the passphrase: refused before anything, the journal mode included, is written."""
    path = plain_sqlcipher_file(tmp_path / "andet-program.db")
    before = _digest(path)
    with pytest.raises(NotADatabaseError) as info:
        open_database(path, PASSPHRASE)
    assert "ikke fra jobraad" in info.value.message
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["andet-program.db"]


def test_a_directory_is_named_as_one(tmp_path: Path) -> None:
    folder = tmp_path / "sagsstamme.jobraad"
    folder.mkdir()
    with pytest.raises(NotADatabaseError) as info:
        open_database(folder, PASSPHRASE)
    assert "er en mappe" in info.value.message


def test_a_database_with_a_table_missing_is_refused_as_damaged(database: Database, db_path: Path) -> None:
    from db.session import DatabaseDamagedError

    with database.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        conn.exec_driver_sql("DROP TABLE hours_entry")
    database.close()
    with pytest.raises(DatabaseDamagedError) as info:
        open_database(db_path, PASSPHRASE)
    assert "hours_entry" in info.value.message and "sikkerhedskopi" in info.value.message


def test_a_full_disk_during_a_write_is_a_danish_refusal_and_nothing_is_saved(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The driver's error with SQLite's result code for a full disk (as the tmpfs tests in
    tests/jobraad/test_bad_input_cli.py see it for real) becomes a `StorageError`."""
    import sqlcipher3

    from db.errors import SQLITE_FULL, StorageError

    dialect = database.engine.dialect
    real_execute = dialect.do_execute

    def full(cursor: object, statement: str, parameters: object, context: object = None) -> None:
        if statement.startswith("INSERT INTO citizen"):
            error = sqlcipher3.OperationalError("database or disk is full")
            error.sqlite_errorcode = SQLITE_FULL
            raise error
        real_execute(cursor, statement, parameters, context)  # type: ignore[arg-type]

    monkeypatch.setattr(dialect, "do_execute", full)
    with pytest.raises(StorageError) as info:
        _add_one(database)
    assert "ikke plads" in info.value.message and "Intet er gemt" in info.value.message
    monkeypatch.undo()
    with database.reading() as session:
        assert session.scalars(select(Citizen.id)).all() == []
