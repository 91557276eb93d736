"""Bad input from the environment, each run as a real `jobraad` process: one Danish line on
stderr, no traceback, exit status 2, and the database as it was.

The disks are real: a tmpfs that is full, nearly full or read-only (Linux as root; skipped
elsewhere). The cases are a table; each row sets up a situation and names the command.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from db.session import MIN_FREE_BYTES, open_database
from jobraad.cli import PASSPHRASE_ENV
from jobraad.cli_trust import NEW_PASSPHRASE_ENV
from tests.conftest import PASSPHRASE, plain_sqlcipher_file

ROOT = Path(__file__).resolve().parents[2]
DEMO_CITIZENS = 8

Disk = Callable[[str], Path]


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jobraad", *args],
        cwd=ROOT,
        env={**os.environ, PASSPHRASE_ENV: PASSPHRASE, **env},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _demo(db_path: Path, citizens: int = DEMO_CITIZENS) -> None:
    done = _run(["demo", "--db", str(db_path), "--citizens", str(citizens)])
    assert done.returncode == 0, done.stderr


def _fill(disk: Path, leave: int) -> None:
    """Take all of `disk`'s free space but about `leave` bytes."""
    free = shutil.disk_usage(disk).free
    with (disk / "fyld").open("wb") as fh:
        fh.truncate(0)
        fh.write(b"\0" * max(0, free - leave))
    assert shutil.disk_usage(disk).free <= leave + 8192


def _count(db_path: Path, passphrase: str = PASSPHRASE) -> int:
    from sqlalchemy import func, select

    from db.models import Citizen

    database = open_database(db_path, passphrase)
    try:
        with database.reading() as session:
            return session.scalar(select(func.count()).select_from(Citizen)) or 0
    finally:
        database.close()


def _csv(path: Path, rows: int) -> Path:
    lines = ["cpr;fornavn;efternavn;telefon;email"]
    for i in range(rows):
        lines.append(f"{1 + i % 28:02d}{1 + i // 28 % 12:02d}6{i // 336 % 10}-{1000 + i % 9000};Kirsten;Fuldtdisk{i};")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class Case:
    """A situation (`setup` makes the database and returns the command's arguments), what the
    one line on stderr must say, and what must still hold after."""

    setup: Callable[[Path, Disk], tuple[Path, list[str], dict[str, str]]]
    says: tuple[str, ...]
    citizens_after: int | None = DEMO_CITIZENS  # None: no database to count
    same_bytes: bool = True


def _directory(tmp: Path, _disk: Disk) -> tuple[Path, list[str], dict[str, str]]:
    folder = tmp / "sagsstamme.jobraad"
    folder.mkdir()
    return folder, ["list", "--db", str(folder)], {}


def _read_only_file(_tmp: Path, disk: Disk) -> tuple[Path, list[str], dict[str, str]]:
    target = disk("size=4m")
    db_path = target / "sagsstamme.jobraad"
    _demo(db_path)
    done = subprocess.run(["mount", "-o", "remount,ro", str(target)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("the tmpfs cannot be made read-only here")
    return db_path, ["list", "--db", str(db_path)], {}


def _full_disk_import(tmp: Path, disk: Disk) -> tuple[Path, list[str], dict[str, str]]:
    db_path = disk("size=4m") / "sagsstamme.jobraad"
    _demo(db_path)
    _fill(db_path.parent, leave=MIN_FREE_BYTES + 64 * 1024)
    return db_path, ["import", str(_csv(tmp / "mange.csv", 15_000)), "--db", str(db_path)], {}


def _full_disk_demo(_tmp: Path, disk: Disk) -> tuple[Path, list[str], dict[str, str]]:
    db_path = disk("size=4m") / "sagsstamme.jobraad"
    _demo(db_path)
    _fill(db_path.parent, leave=MIN_FREE_BYTES + 64 * 1024)
    return db_path, ["demo", "--db", str(db_path), "--citizens", "400"], {}


def _full_disk_passphrase(_tmp: Path, disk: Disk) -> tuple[Path, list[str], dict[str, str]]:
    """A caseload bigger than the room left: a rekey, which writes every page again, cannot fit."""
    db_path = disk("size=8m") / "sagsstamme.jobraad"
    _demo(db_path, citizens=DEMO_CITIZENS)
    _demo(db_path, citizens=300)  # makes the file a few megabytes
    _fill(db_path.parent, leave=MIN_FREE_BYTES + 256 * 1024)
    return db_path, ["passphrase", "--db", str(db_path)], {NEW_PASSPHRASE_ENV: "en helt ny og lang sætning"}


def _read_only_file_in_a_writable_folder(_tmp: Path, disk: Disk) -> tuple[Path, list[str], dict[str, str]]:
    """`chattr +i`: the file cannot be written even by root; its folder can."""
    target = disk("size=4m")
    db_path = target / "sagsstamme.jobraad"
    _demo(db_path)
    if subprocess.run(["chattr", "+i", str(db_path)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not possible here")
    return db_path, ["list", "--db", str(db_path)], {}


def _almost_no_room(_tmp: Path, disk: Disk) -> tuple[Path, list[str], dict[str, str]]:
    db_path = disk("size=4m") / "sagsstamme.jobraad"
    _demo(db_path)
    _fill(db_path.parent, leave=16 * 1024)  # under the 32 KB SQLite's WAL index needs
    return db_path, ["list", "--db", str(db_path)], {}


def _table_missing(tmp: Path, _disk: Disk) -> tuple[Path, list[str], dict[str, str]]:
    db_path = tmp / "sagsstamme.jobraad"
    _demo(db_path)
    database = open_database(db_path, PASSPHRASE)
    with database.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        conn.exec_driver_sql("DROP TABLE hours_entry")
    database.close()
    return db_path, ["list", "--db", str(db_path)], {}


def _other_programs_file(tmp: Path, _disk: Disk) -> tuple[Path, list[str], dict[str, str]]:
    path = plain_sqlcipher_file(tmp / "andet-program.db")
    return path, ["list", "--db", str(path)], {}


CASES = {
    "en mappe som --db": Case(_directory, ("er en mappe",), citizens_after=None, same_bytes=False),
    "skrivebeskyttet disk": Case(_read_only_file, ("skrivebeskyttet", "ikke ændret")),
    "skrivebeskyttet fil i en skrivbar mappe": Case(_read_only_file_in_a_writable_folder, ("skrivebeskyttet",)),
    "fuld disk under import": Case(_full_disk_import, ("ikke plads",)),
    "fuld disk under demo": Case(_full_disk_demo, ("ikke plads",)),
    "fuld disk under skift af adgangskode": Case(
        _full_disk_passphrase, ("ikke plads", "ikke skiftet"), citizens_after=DEMO_CITIZENS + 300
    ),
    "under 32 KB fri": Case(_almost_no_room, ("ikke plads",)),
    "en tabel mangler": Case(_table_missing, ("beskadiget", "hours_entry"), citizens_after=None),
    "et andet programs krypterede fil": Case(_other_programs_file, ("ikke fra jobraad",), citizens_after=None),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_environment_gets_one_danish_line_and_changes_nothing(name: str, tmp_path: Path, small_disk: Disk) -> None:
    case = CASES[name]
    db_path, args, env = case.setup(tmp_path, small_disk)
    before = _digest(db_path) if db_path.is_file() else None
    done = _run(args, **env)
    assert done.returncode == 2, (name, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and done.stderr.startswith("jobraad: "), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    for words in case.says:
        assert words in done.stderr, (name, done.stderr)
    assert "forkert" not in done.stderr  # never blamed on the passphrase
    if case.same_bytes and before is not None:
        assert _digest(db_path) == before, name
    subprocess.run(["chattr", "-i", str(db_path)], capture_output=True)
    if case.citizens_after is not None:
        subprocess.run(["mount", "-o", "remount,rw", str(db_path.parent)], capture_output=True)
        (db_path.parent / "fyld").unlink(missing_ok=True)
        assert _count(db_path) == case.citizens_after  # and still the old passphrase
