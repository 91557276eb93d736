"""Bad input on every path: a clear Danish message, and nothing changed.

CPR numbers, dates, files offered as CSV/XLSX/attachments, rule packs, files that
are no database (or a truncated one) passed to --db, wrong passphrases, a full disk
and a read-only folder. The hypothesis fuzz tests over the importer and the rule-pack
loader live beside those modules' tests (test_importer.py::test_fuzzed_files_are_
imported_or_refused, test_rulepacks.py's @given tests) and are not repeated here.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import exc, func, select

import db.migrate
from db.backup import backup_to
from db.errors import StorageError
from db.models import Attachment, AuditEntry, Citizen
from db.session import Database, create_database, open_database
from jobraad import dates
from jobraad.attachments import MAX_ATTACHMENT_BYTES, AttachmentRefused, add_attachment
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.cli import PASSPHRASE_ENV, main
from jobraad.cli_trust import NEW_PASSPHRASE_ENV
from jobraad.errors import ValidationFailed
from jobraad.importer import MAX_FILE_BYTES, ImportRefused, import_citizens
from jobraad.passphrase import unlock_delay
from jobraad.rulepacks import RulePackError, load_pack
from tests.conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _stored(database: Database) -> tuple[int, int, int]:
    """(citizens, attachments, audit entries): what any accepted input would change."""
    with database.reading() as session:
        return (
            session.scalar(select(func.count()).select_from(Citizen)) or 0,
            session.scalar(select(func.count()).select_from(Attachment)) or 0,
            session.scalar(select(func.count()).select_from(AuditEntry)) or 0,
        )


# --- CPR numbers and dates -----------------------------------------------------------------------

BAD_CPRS = {
    "": "mangler",
    "12345": "10 cifre",
    "abcdefghij": "cifre",
    "310299-1234": "fødselsdato",  # 31 February
    "320162-1233": "fødselsdato",
    "010162-123X": "cifre",
    "010162-12334": "10 cifre",
    "010130-4000": "fremtiden",  # 7th digit 4, year 30: born 2030
}


def test_bad_cpr_numbers_are_refused_in_danish(database: Database) -> None:
    before = _stored(database)
    for number, expected in BAD_CPRS.items():
        with pytest.raises(ValidationFailed) as info:
            create_citizen(database, CitizenInput("Søren", "Ærø", number))
        message = info.value.message
        assert message.startswith("Borgeren er ikke oprettet:"), number
        assert expected in (info.value.for_field("cpr") or ""), (number, message)
    assert _stored(database) == before


BAD_DATES = [
    ("31-02-2024", "findes ikke i kalenderen"),
    ("29-02-2023", "findes ikke i kalenderen"),
    ("00-01-2024", "findes ikke i kalenderen"),
    ("01-13-2024", "findes ikke i kalenderen"),
    ("01-01-0000", "ikke et gyldigt år"),
    ("0000-01-01", "ikke et gyldigt år"),
    ("31/04/2025", "findes ikke i kalenderen"),
    ("i går", "ikke en dato"),
    ("", "ikke en dato"),
    ("1-1-25", "ikke en dato"),
]


def test_bad_dates_are_refused_in_danish() -> None:
    for text, expected in BAD_DATES:
        with pytest.raises(dates.InvalidDate) as info:
            dates.parse_date(text)
        assert expected in str(info.value), text


# --- files offered for import or as attachments ------------------------------------------------------


def _sparse(path: Path, size: int, head: bytes = b"") -> Path:
    """A file of `size` bytes that takes no room on disk."""
    with path.open("wb") as fh:
        fh.write(head)
        fh.truncate(size)
    return path


def _zip_with(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def _bad_import_files(folder: Path) -> dict[str, Path]:
    files = {
        "huge.csv": _sparse(folder / "huge.csv", MAX_FILE_BYTES + 1, b"cpr;fornavn;efternavn\n"),
        "binary.csv": folder / "binary.csv",
        "pdf-named.csv": folder / "pdf-named.csv",
        "empty.csv": folder / "empty.csv",
        "noise.xlsx": folder / "noise.xlsx",
        "zip-garbage.xlsx": folder / "zip-garbage.xlsx",
        "old-excel.xls": folder / "old-excel.xls",
        "formula-header.csv": folder / "formula-header.csv",
    }
    files["binary.csv"].write_bytes(bytes(range(256)) * 40)
    files["pdf-named.csv"].write_bytes(b"%PDF-1.7\n" + os.urandom(3000))
    files["empty.csv"].write_bytes(b"")
    files["noise.xlsx"].write_bytes(os.urandom(4000))
    files["zip-garbage.xlsx"].write_bytes(_zip_with("xl/workbook.xml", os.urandom(500)))
    files["old-excel.xls"].write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(2000))
    files["formula-header.csv"].write_text('=HYPERLINK("http://x");+1;-1;@SUM(A1)\n1;2;3;4\n', encoding="utf-8")
    return files


def test_bad_files_offered_for_import_change_nothing(database: Database, tmp_path: Path) -> None:
    before = _stored(database)
    for name, path in _bad_import_files(tmp_path).items():
        with pytest.raises(ImportRefused) as info:
            import_citizens(database, path)
        assert info.value.message.startswith("Intet er importeret:"), name
        assert "Traceback" not in info.value.message
    assert _stored(database) == before


def test_bad_files_offered_as_attachments_change_nothing(database: Database, tmp_path: Path) -> None:
    citizen = create_citizen(database, CitizenInput("Søren", "Ærø", "010162-1233"))
    before = _stored(database)
    offered = {
        "huge.pdf": _sparse(tmp_path / "huge.pdf", MAX_ATTACHMENT_BYTES + 1, b"%PDF-1.7\n"),
        "random.pdf": tmp_path / "random.pdf",
        "broken.pdf": tmp_path / "broken.pdf",
        "empty.png": tmp_path / "empty.png",
        "program.exe": tmp_path / "program.exe",
        "a folder": tmp_path,
        "gone.pdf": tmp_path / "gone.pdf",
    }
    offered["random.pdf"].write_bytes(os.urandom(5000))
    offered["broken.pdf"].write_bytes(b"%PDF-1.7\n" + os.urandom(5000))
    offered["empty.png"].write_bytes(b"")
    offered["program.exe"].write_bytes(b"MZ" + os.urandom(5000))
    for name, path in offered.items():
        with pytest.raises(AttachmentRefused) as info:
            add_attachment(database, citizen, path)
        assert info.value.message, name
    assert _stored(database) == before


def test_rule_packs_with_errors_are_refused_with_file_and_line(tmp_path: Path) -> None:
    cases = {
        "syntaks.toml": b'[pack]\nid = "syntaks"\nname = \n',
        "binaer.toml": bytes(range(256)),
        "tom.toml": b"",
        "mangler.toml": b'[pack]\nid = "mangler"\n',
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(RulePackError) as info:
            load_pack(path)
        assert info.value.message.startswith(f"Regelpakken {name}"), info.value.message
    with pytest.raises(RulePackError):
        load_pack(tmp_path / "findes-ikke.toml")


# --- --db given something that is no database ---------------------------------------------------------


@pytest.fixture
def not_databases(tmp_path: Path, database: Database, db_path: Path) -> dict[str, Path]:
    create_citizen(database, CitizenInput("Søren", "Ærø", "010162-1233"))
    database.close()
    whole = db_path.read_bytes()
    files: dict[str, Path] = {}
    for name, data in {
        "tekst.jobraad": "Kære Søren\n".encode() * 100,
        "faktura.pdf": b"%PDF-1.7\n" + os.urandom(5000),
        "tom.jobraad": b"",
        "afkortet-1000.jobraad": whole[:1000],
        "afkortet-2-sider.jobraad": whole[:8192],
        "afkortet-halv.jobraad": whole[: len(whole) // 2],
    }.items():
        files[name] = tmp_path / name
        files[name].write_bytes(data)
    plain = tmp_path / "ukrypteret.db"
    con = sqlite3.connect(plain)
    con.execute("create table t(x)")
    con.commit()
    con.close()
    files["ukrypteret.db"] = plain
    return files


COMMANDS: list[list[str]] = [["list"], ["backup"], ["audit", "--verify"], ["passphrase"]]


def test_cli_refuses_non_databases_without_a_traceback(
    not_databases: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    monkeypatch.setenv(NEW_PASSPHRASE_ENV, "en ny og lang adgangskode")
    targets = {**not_databases, "mappe": tmp_path, "findes-ikke.jobraad": tmp_path / "findes-ikke.jobraad"}
    for n, (name, path) in enumerate(targets.items()):
        before = _digest(path) if path.is_file() else None
        # Every file through `list`, and through one other command each, in turn.
        for command in (["list"], COMMANDS[1 + n % (len(COMMANDS) - 1)]):
            assert main([*command, "--db", str(path)]) == 2, (name, command)
            err = capsys.readouterr().err
            assert err.startswith("jobraad: ") and "Traceback" not in err, (name, command, err)
            if before is not None:
                assert _digest(path) == before, (name, command)
        assert main(["restore", str(path), "--db", str(tmp_path / "ny.jobraad")]) == 2, name
        assert "jobraad: " in capsys.readouterr().err
    assert not (tmp_path / "ny.jobraad").exists()
    assert not (tmp_path / "backup").exists()


def test_cli_in_a_real_process_prints_no_traceback(not_databases: dict[str, Path]) -> None:
    env = {**os.environ, PASSPHRASE_ENV: PASSPHRASE}
    proc = subprocess.run(
        [sys.executable, "-m", "jobraad", "list", "--db", str(not_databases["afkortet-halv.jobraad"])],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("jobraad: ") and "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_wrong_passphrase_five_times(
    database: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    create_citizen(database, CitizenInput("Søren", "Ærø", "010162-1233"))
    database.close()
    before = _digest(db_path)
    siblings = sorted(p.name for p in db_path.parent.iterdir())
    delays = []
    for attempt in range(1, 6):
        monkeypatch.setenv(PASSPHRASE_ENV, f"forkert kodeord {attempt}")
        assert main(["list", "--db", str(db_path)]) == 2
        assert "Adgangskoden er forkert" in capsys.readouterr().err
        assert _digest(db_path) == before
        assert sorted(p.name for p in db_path.parent.iterdir()) == siblings
        delays.append(unlock_delay(attempt))
    assert delays == [0.0, 0.0, 1.0, 2.0, 4.0]
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    assert main(["list", "--db", str(db_path)]) == 0


def test_weak_new_passphrase_from_the_command_line(
    database: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database.close()
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    monkeypatch.setenv(NEW_PASSPHRASE_ENV, "kort")
    assert main(["passphrase", "--db", str(db_path)]) == 2
    assert "mindst 8 tegn" in capsys.readouterr().err
    open_database(db_path, PASSPHRASE).close()
    monkeypatch.setenv(NEW_PASSPHRASE_ENV, "en ny og lang adgangskode")
    assert main(["passphrase", "--db", str(db_path)]) == 0
    open_database(db_path, "en ny og lang adgangskode").close()


# --- a full disk and a read-only folder ------------------------------------------------------------------


def _big_enough(database: Database) -> None:
    for i in range(40):
        create_citizen(database, CitizenInput("Søren", f"Ærø {i} " + "x" * 90, f"{1 + i % 28:02d}0162-{1000 + i}"))


def test_create_on_a_full_disk(small_disk: Callable[[str], Path]) -> None:
    disk = small_disk("size=24k")
    with pytest.raises(StorageError) as info:
        create_database(disk / "ny.jobraad", PASSPHRASE)
    assert "ikke plads" in info.value.message and "Intet er oprettet" in info.value.message
    assert list(disk.iterdir()) == []


def test_create_in_a_read_only_folder(small_disk: Callable[[str], Path]) -> None:
    disk = small_disk("ro,size=1m")
    with pytest.raises(StorageError) as info:
        create_database(disk / "ny.jobraad", PASSPHRASE)
    assert "skrivebeskyttet" in info.value.message
    assert list(disk.iterdir()) == []


def test_backup_to_a_full_disk_and_a_read_only_folder(database: Database, small_disk: Callable[[str], Path]) -> None:
    _big_enough(database)
    full = small_disk("size=64k")
    with pytest.raises(StorageError) as info:
        backup_to(database, full / "kopi.jobraad")
    assert "ikke plads" in info.value.message
    assert list(full.iterdir()) == []
    read_only = small_disk("ro,size=1m")
    with pytest.raises(StorageError) as info:
        backup_to(database, read_only / "kopi.jobraad")
    assert "skrivebeskyttet" in info.value.message
    assert _stored(database)[0] == 40  # the database itself goes on working


@pytest.mark.parametrize(
    ("reason", "code", "expected"),
    [
        ("database or disk is full", sqlite3.SQLITE_FULL, "ikke plads"),
        ("attempt to write a readonly database", sqlite3.SQLITE_READONLY, "skrivebeskyttet"),
    ],
)
def test_create_that_fails_midway_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reason: str, code: int, expected: str
) -> None:
    """The same as the tmpfs tests, where no tmpfs can be mounted: SQLite's error halfway through,
    told apart by its result code."""

    def fail(*_args: object, **_kwargs: object) -> None:
        error = sqlite3.OperationalError(reason)
        error.sqlite_errorcode = code  # type: ignore[attr-defined]  # as the driver sets it
        raise exc.OperationalError("CREATE TABLE", {}, error)

    monkeypatch.setattr(db.migrate, "upgrade_to_head", fail)
    with pytest.raises(StorageError) as info:
        create_database(tmp_path / "ny.jobraad", PASSPHRASE)
    assert expected in info.value.message
    assert list(tmp_path.iterdir()) == []


def test_backup_into_a_folder_without_room(database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import db.backup

    def no_room(*_args: object, **_kwargs: object) -> tuple[int, str]:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(db.backup.tempfile, "mkstemp", no_room)
    with pytest.raises(StorageError) as info:
        backup_to(database, tmp_path / "kopier" / "kopi.jobraad")
    assert "ikke plads" in info.value.message
    assert list((tmp_path / "kopier").iterdir()) == []
