"""Outputs never destroy data (issue 14): every file the program writes goes through one writer
that refuses the open database (however it is named), backups and `.jobraad` files, replaces
another file only with --force, creates it for the owner only, and leaves no plaintext behind,
not even when the process is killed halfway."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from db.session import Database, open_database
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.cli import PASSPHRASE_ENV, main
from tests.conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]
CPR = "0101621233"
POSIX = os.name == "posix"


@pytest.fixture(autouse=True)
def _passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)


@pytest.fixture
def closed_db(database: Database, db_path: Path) -> Path:
    """A database with one citizen, closed: the file the commands open."""
    create_citizen(database, CitizenInput("Şükrü", "Ağaoğlu", CPR))
    database.close()
    return db_path


def _opens(db_path: Path) -> int:
    """The database still opens with its passphrase; the number of audit entries in it."""
    from sqlalchemy import func, select

    from db.models import AuditEntry

    reopened = open_database(db_path, PASSPHRASE)
    try:
        with reopened.reading() as session:
            return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
    finally:
        reopened.close()


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- the open database, by any name -----------------------------------------------------------------


def _same_path(db: Path) -> Path:
    return db


def _hard_link(db: Path) -> Path:
    link = db.with_name("logbog.csv")
    os.link(db, link)
    return link


def _symlink(db: Path) -> Path:
    link = db.with_name("logbog-link.csv")
    link.symlink_to(db)
    return link


def _other_spelling(db: Path) -> Path:
    return Path(str(db.parent) + os.sep + "." + os.sep + db.name)


def _wal(db: Path) -> Path:
    return db.with_name(db.name + "-wal")


def _shm(db: Path) -> Path:
    return db.with_name(db.name + "-shm")


@pytest.mark.parametrize(
    ("target_of", "said"),
    [
        (_same_path, "er selve databasen"),
        (_hard_link, "er selve databasen"),
        (_symlink, "er selve databasen"),
        (_other_spelling, "er selve databasen"),
        (_wal, "hører til den åbne database (dens -wal-fil)"),
        (_shm, "hører til den åbne database (dens -shm-fil)"),
    ],
    ids=["same path", "hard link", "symlink", "other spelling", "-wal", "-shm"],
)
def test_audit_export_never_writes_over_the_open_database(
    closed_db: Path, capsys: pytest.CaptureFixture[str], target_of: Callable[[Path], Path], said: str
) -> None:
    before = closed_db.read_bytes()
    entries = _opens(closed_db)
    target = target_of(closed_db)

    assert main(["audit", "--db", str(closed_db), "-o", str(target), "--force"]) == 2

    err = capsys.readouterr().err
    assert said in err and "erstattes aldrig" in err and "Intet er gemt" in err
    assert closed_db.read_bytes() == before
    assert _opens(closed_db) == entries  # opens with the passphrase; the refused export was not logged
    assert _leftovers(closed_db.parent) == []


def test_team_export_and_dossier_never_write_over_the_open_database(
    closed_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = closed_db.read_bytes()
    assert main(["export", "--db", str(closed_db), "--format", "csv", "-o", str(closed_db), "--force"]) == 2
    assert "er selve databasen" in capsys.readouterr().err
    link = closed_db.with_name("sag.pdf")
    os.link(closed_db, link)
    assert main(["dossier", CPR, "--db", str(closed_db), "-o", str(link), "--force"]) == 2
    assert "er selve databasen" in capsys.readouterr().err
    assert closed_db.read_bytes() == before
    _opens(closed_db)


# --- an existing file: only with --force --------------------------------------------------------------


def _commands(db: Path, out: Path) -> dict[str, list[str]]:
    return {
        "audit": ["audit", "--db", str(db), "-o", str(out)],
        "export": ["export", "--db", str(db), "--format", "csv", "-o", str(out)],
        "dossier": ["dossier", CPR, "--db", str(db), "-o", str(out)],
        "backup": ["backup", "--db", str(db), "-o", str(out)],
    }


@pytest.mark.parametrize(
    ("command", "name"), [("audit", "log.csv"), ("export", "team.csv"), ("dossier", "sag.pdf"), ("backup", "kopi.bak")]
)
def test_an_existing_file_is_replaced_only_with_force(
    closed_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, name: str
) -> None:
    out = tmp_path / "ud" / name
    out.parent.mkdir()
    out.write_bytes(b"en anden jobraadgivers fil")
    out.chmod(0o644)
    argv = _commands(closed_db, out)[command]

    assert main(argv) == 2
    assert "findes allerede. Brug --force for at erstatte den." in capsys.readouterr().err
    assert out.read_bytes() == b"en anden jobraadgivers fil"

    assert main([*argv, "--force"]) == 0
    assert out.read_bytes() != b"en anden jobraadgivers fil"
    if POSIX:
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert sorted(p.name for p in out.parent.iterdir()) == [name]  # no temporary file beside it


def test_a_new_file_is_readable_by_its_owner_only(closed_db: Path, tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        for argv in _commands(closed_db, tmp_path / "ny.pdf").values():
            out = Path(argv[argv.index("-o") + 1])
            out.unlink(missing_ok=True)
            assert main(argv) == 0
            if POSIX:
                assert stat.S_IMODE(out.stat().st_mode) == 0o600, argv[0]
    finally:
        os.umask(old_umask)


# --- never replaced, even with --force -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["kollega.jobraad", "KOLLEGA.JobRaad", "kollega.jobraad-wal"])
def test_a_jobraad_file_is_never_replaced(
    closed_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    other = tmp_path / name
    other.write_bytes(b"SQLite format 3\x00 another caseworker's database")
    for argv in (
        ["audit", "--db", str(closed_db), "-o", str(other), "--force"],
        ["backup", "--db", str(closed_db), "-o", str(other), "--force"],
        ["export", "--db", str(closed_db), "--format", "csv", "-o", str(other), "--force"],
    ):
        assert main(argv) == 2, argv[0]
        assert "(.jobraad). Den erstattes aldrig" in capsys.readouterr().err
    assert other.read_bytes() == b"SQLite format 3\x00 another caseworker's database"


def test_a_file_in_the_backup_folder_is_never_replaced(closed_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backup", "--db", str(closed_db)]) == 0
    folder = closed_db.parent / "backup"
    [backup] = list(folder.iterdir())
    note = folder / "noter.csv"
    note.write_bytes(b"mine noter")
    saved = backup.read_bytes()
    for target in (note, backup):
        argv = ["audit", "--db", str(closed_db), "-o", str(target), "--force"]
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "mappen til sikkerhedskopier" in err or "(.jobraad)" in err
    assert note.read_bytes() == b"mine noter" and backup.read_bytes() == saved
    # A new file there is fine: that is how backups are written.
    assert main(["audit", "--db", str(closed_db), "-o", str(folder / "ny.csv")]) == 0


def test_merge_never_writes_over_the_files_it_merges(
    closed_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert main(["export", "--db", str(closed_db), "-o", str(a)]) == 0
    assert main(["export", "--db", str(closed_db), "-o", str(b)]) == 0
    saved = a.read_bytes()
    link = tmp_path / "samlet.csv"
    os.link(a, link)
    for target in (a, link):
        assert main(["merge", str(a), str(b), "-o", str(target), "--force"]) == 2
        assert "en af de filer, der læses fra" in capsys.readouterr().err
    assert a.read_bytes() == saved
    other = tmp_path / "kollega.jobraad"
    other.write_bytes(b"db")
    assert main(["merge", str(a), str(b), "-o", str(other), "--format", "csv", "--force"]) == 2
    assert other.read_bytes() == b"db"
    assert main(["merge", str(a), str(b), "-o", str(tmp_path / "team.csv")]) == 0


def test_a_folder_is_refused(closed_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "mappe.csv"
    folder.mkdir()
    assert main(["audit", "--db", str(closed_db), "-o", str(folder), "--force"]) == 2
    assert "mappe med det navn" in capsys.readouterr().err
    assert folder.is_dir() and list(folder.iterdir()) == []


# --- a killed export leaves nothing behind after the next start ------------------------------------------

# Run in a child process: it is killed (SIGKILL, as by the Task Manager or a power cut) the
# moment the export's temporary file is complete, before it is renamed into place.
KILLED_WRITE = """
import os, signal, sys

_fsync = os.fsync

def fsync(fd):
    try:
        name = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        name = ""
    if name.endswith(".tmp"):
        os.kill(os.getpid(), signal.SIGKILL)
    _fsync(fd)

os.fsync = fsync
from jobraad.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _killed(argv: list[str]) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("finds the temporary file through /proc (Linux)")
    done = subprocess.run(
        [sys.executable, "-c", KILLED_WRITE, *argv], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == -9, done.stderr[-2000:]


@pytest.mark.parametrize(
    "argv_of",
    [
        lambda db, out: ["audit", "--db", str(db), "-o", str(out / "log.csv")],
        lambda db, out: ["backup", "--db", str(db), "-o", str(out / "kopi.jobraad")],
    ],
    ids=["audit export", "backup"],
)
def test_a_killed_write_is_cleaned_up_at_the_next_command(
    closed_db: Path, tmp_path: Path, argv_of: Callable[[Path, Path], list[str]]
) -> None:
    out = tmp_path / "ud"
    out.mkdir()
    _killed(argv_of(closed_db, out))
    [left] = [p for p in out.iterdir()]
    assert left.name.endswith(".tmp") and left.stat().st_size > 0  # the half-done write, with data in it

    assert main(["list", "--db", str(closed_db)]) == 0  # the next command that opens the database

    assert list(out.iterdir()) == []


def test_a_killed_export_is_cleaned_up_when_the_window_starts(
    closed_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: object
) -> None:
    from PySide6.QtWidgets import QDialog

    from ui import app
    from ui.dialogs.passphrase import PassphraseDialog

    out = tmp_path / "ud"
    out.mkdir()
    _killed(["audit", "--db", str(closed_db), "-o", str(out / "log.csv")])
    assert len(list(out.iterdir())) == 1
    monkeypatch.setattr(PassphraseDialog, "exec", lambda self: QDialog.DialogCode.Rejected)  # the user gives up

    assert app.run_app(closed_db) == 0

    assert list(out.iterdir()) == []


def test_a_leftover_on_a_folder_that_is_away_is_removed_when_it_is_back(closed_db: Path, tmp_path: Path) -> None:
    share = tmp_path / "netværksdrev"
    share.mkdir()
    _killed(["audit", "--db", str(closed_db), "-o", str(share / "log.csv")])
    away = share.rename(tmp_path / "afbrudt")  # the network drive is not connected at the next start

    assert main(["list", "--db", str(closed_db)]) == 0
    assert len(list(away.iterdir())) == 1  # could not be reached: not forgotten either

    away.rename(share)
    assert main(["list", "--db", str(closed_db)]) == 0
    assert list(share.iterdir()) == []


def test_a_write_still_running_elsewhere_is_left_alone(tmp_path: Path) -> None:
    from db.files import staged
    from jobraad.outputs import clean_leftovers, rules_for

    target = tmp_path / "ud.csv"
    with staged(target, rules_for(None)) as tmp:
        tmp.write_bytes(b"halfway")
        assert clean_leftovers() == 0  # its entry is locked: a write in progress
        assert tmp.exists()
    assert target.read_bytes() == b"halfway"
    assert _leftovers(tmp_path) == []


# --- the XLSX is built in memory ------------------------------------------------------------------------

_opened_in: list[Path] = []
_seen: list[str] = []


def _watch_opens(event: str, args: tuple[object, ...]) -> None:
    if event != "open" or not _opened_in or not isinstance(args[0], str | bytes | os.PathLike):
        return
    path = os.fsdecode(args[0])
    if any(path.startswith(str(folder)) for folder in _opened_in):
        _seen.append(path)


sys.addaudithook(_watch_opens)


@pytest.fixture
def watched_temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The shared temporary folder, empty, with every file opened in it recorded."""
    folder = tmp_path / "delt-temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setenv("TMPDIR", str(folder))
    _seen.clear()
    _opened_in.append(folder)
    try:
        yield folder
    finally:
        _opened_in.clear()


def test_the_xlsx_export_leaves_nothing_in_the_shared_temp_folder(
    closed_db: Path, tmp_path: Path, watched_temp_folder: Path
) -> None:
    out = tmp_path / "ud" / "team.xlsx"
    out.parent.mkdir()
    assert main(["export", "--db", str(closed_db), "-o", str(out)]) == 0

    assert _seen == []  # nothing was even opened there while the workbook was built
    assert list(watched_temp_folder.iterdir()) == []
    assert list(out.parent.iterdir()) == [out]
    from openpyxl import load_workbook

    assert load_workbook(out).sheetnames == ["Opsummering", "Data", "Metadata"]


def test_a_suggested_file_name_has_initials_and_the_date_not_the_name() -> None:
    import datetime as dt

    from jobraad.outputs import suggested_name

    day = dt.date(2026, 3, 2)
    assert suggested_name("Sag", "Søren", "Ærø", day) == "Sag SÆ 2026-03-02.pdf"
    assert suggested_name("Anmodning", "Nguyễn Thị", "Ánh", day) == "Anmodning NÁ 2026-03-02.pdf"
    assert suggested_name("Sag", "A/B", "../C", day) == "Sag A 2026-03-02.pdf"  # nothing a path could use
