"""Unexpected errors and unreadable passphrases on the command line: the user reads a calm
Danish message, never a traceback; the log file has the detail, without personal data."""

from __future__ import annotations

import hashlib
import logging
import os
import select
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select as sql_select
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from db.models import Citizen
from db.session import Database, open_database
from jobraad import logs
from jobraad.cli import PASSPHRASE_ENV
from jobraad.demo import generate_demo
from tests.conftest import PASSPHRASE, assert_no_personal_data

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX environment bytes and terminals")

CPR = "0101901234"
NAME = ("Gunhild", "Testesen")
PHONE = "12 34 56 78"
EMAIL = "gunhild@example.dk"

#: The command line as a user runs it, with every citizen INSERT failing in SQLite once the
#: command's work begins: a temporary trigger raises a real SQLite error that the program does
#: not expect (a constraint failure, not a full disk or a read-only file, which are told
#: apart and refused in Danish), carrying the row's values as its statement's parameters.
READ_ONLY_RUN = """
import sys
from sqlalchemy import Engine, event
import jobraad.demo, jobraad.importer

armed = []

@event.listens_for(Engine, "begin")
def _fail_inserts(conn):
    if armed:
        conn.exec_driver_sql(
            "CREATE TEMP TRIGGER IF NOT EXISTS uventet BEFORE INSERT ON citizen "
            "BEGIN SELECT RAISE(ABORT, 'uventet fejl'); END"
        )

for module, name in ((jobraad.importer, "import_citizens"), (jobraad.demo, "generate_demo")):
    def armed_first(*args, _real=getattr(module, name), **kwargs):
        armed.append(True)
        return _real(*args, **kwargs)
    setattr(module, name, armed_first)

from jobraad.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _env(log_dir: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, PASSPHRASE_ENV: PASSPHRASE, logs.LOG_DIR_ENV: str(log_dir), **extra}


def _run_with_read_only_writes(args: list[str], log_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", READ_ONLY_RUN, *args],
        capture_output=True,
        text=True,
        env=_env(log_dir),
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def _assert_told_calmly(stderr: str, log_file: Path) -> None:
    assert stderr == (
        "jobraad: Der opstod en uventet fejl. Intet er ændret.\n"
        f"Detaljerne står i logfilen {log_file}. Send den gerne til jeres it-support.\n"
    )


def _citizens(database: Database) -> list[tuple[str, ...]]:
    """Each citizen's CPR number and what else identifies them (names, address, phone, notes)."""
    with database.reading() as session:
        return [
            (c.cpr, c.first_name, c.last_name, c.address, c.phone, c.notes)
            for c in session.scalars(sql_select(Citizen)).all()
        ]


def test_a_failed_write_during_import_is_told_in_danish_and_logged_without_personal_data(
    database: Database, db_path: Path, tmp_path: Path, log_dir: Path
) -> None:
    database.close()
    sheet = tmp_path / "borgere.csv"
    sheet.write_text(
        f"cpr;fornavn;efternavn;telefon;email\n010190-1234;{NAME[0]};{NAME[1]};{PHONE};{EMAIL}\n", encoding="utf-8"
    )

    result = _run_with_read_only_writes(["import", str(sheet), "--db", str(db_path)], log_dir)

    assert result.returncode == 1
    log_file = log_dir / "jobraad.log"
    _assert_told_calmly(result.stderr, log_file)
    log = log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log
    assert "uventet fejl" in log and "INSERT INTO citizen" in log
    for seen in (result.stdout + result.stderr, log):
        assert_no_personal_data(seen, CPR, *NAME, PHONE, PHONE.replace(" ", ""), EMAIL)
    assert stat.S_IMODE(log_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    reopened = open_database(db_path, PASSPHRASE)
    try:
        assert _citizens(reopened) == []  # "Intet er ændret"
    finally:
        reopened.close()


def test_a_failed_write_during_demo_is_told_in_danish_and_logged_without_personal_data(
    database: Database, tmp_path: Path, log_dir: Path
) -> None:
    # The same demo caseload (same seed, same day) in a file that works: what the failing
    # run tried to write.
    generate_demo(database, citizens=3, seed=7)
    tried = _citizens(database)
    assert len(tried) == 3

    result = _run_with_read_only_writes(
        ["demo", "--citizens", "3", "--seed", "7", "--db", str(tmp_path / "demo.jobraad")], log_dir
    )

    assert result.returncode == 1
    log_file = log_dir / "jobraad.log"
    _assert_told_calmly(result.stderr, log_file)
    log = log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log and "INSERT INTO citizen" in log
    for cpr, *personal in tried:
        for seen in (result.stdout + result.stderr, log):
            assert_no_personal_data(seen, cpr, *[value for value in personal if value])


def test_the_engine_keeps_parameters_out_of_its_errors(database: Database) -> None:
    with database.engine.connect() as conn, pytest.raises(OperationalError) as info:
        conn.execute(text("INSERT INTO no_such_table VALUES (:cpr, :name)"), {"cpr": CPR, "name": NAME[0]})
    assert "no such table" in str(info.value)
    assert_no_personal_data(str(info.value), CPR, NAME[0])


def test_the_log_scrubs_cpr_numbers_and_sql_parameters_that_reach_it(log_dir: Path) -> None:
    """The second line of defence: an error made without hide_parameters, and a message
    with a CPR number, are written without them."""
    log_file = logs.setup_logging(terminal=False)
    try:
        raise OperationalError(
            "INSERT INTO citizen (cpr, first_name) VALUES (?, ?)",
            (CPR, NAME[0]),
            sqlite3.OperationalError("database or disk is full"),
        )
    except OperationalError as err:
        assert f"[parameters: ('{CPR}', '{NAME[0]}')]" in str(err)  # what SQLAlchemy would print
        message = logs.report_unexpected(err)
    logging.getLogger("jobraad.test").warning("borger %s, også kaldet 010190-1234", "0101901234")

    assert message.startswith("Der opstod en uventet fejl. Intet er ændret.")
    log = log_file.read_text(encoding="utf-8")
    assert "database or disk is full" in log and "[parameters: skjult]" in log
    assert "borger <CPR>, også kaldet <CPR>" in log
    assert_no_personal_data(log, CPR, NAME[0])


@pytest.mark.parametrize(
    ("written", "scrubbed"),
    [
        ("0101901234", "<CPR>"),
        ("010190-1234", "<CPR>"),
        ("010190 1234", "<CPR>"),
        ("010190\u20111234", "<CPR>"),  # a non-breaking hyphen, as word processors write it
        ("cpr=0101901234, navn", "cpr=<CPR>, navn"),
        ("('0101901234',)", "('<CPR>',)"),
        ("id0101901234x", "id<CPR>x"),
        ("20101901234", "<CPR>"),  # glued to another digit
        ("010190-12345", "<CPR>"),
        ("2026-12-04 15:20:03,638 line 1234 uge 12 tlf 12 34 56 78", None),  # not CPR-shaped: left
        ("[parameters: ('Gunhild', 'x]y')]\n(Background", "[parameters: skjult]\n(Background"),
    ],
)
def test_what_counts_as_cpr_shaped(written: str, scrubbed: str | None) -> None:
    assert logs.scrub(written) == (written if scrubbed is None else scrubbed)


# --- Passphrases that cannot be read ------------------------------------------------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run_cli(
    args: list[str], env: dict[bytes, bytes] | dict[str, str], stdin: bytes | None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "jobraad", *args],
        env=env,  # bytes keys and values: os.environb, for a value that is not UTF-8
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        timeout=120,
        start_new_session=True,  # no controlling terminal: getpass cannot find one either
    )


def _assert_refused(result: subprocess.CompletedProcess[bytes], message: str) -> None:
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 2, stderr
    assert "Traceback" not in stderr
    assert stderr == f"jobraad: {message}\n"


NO_PASSPHRASE = (
    "Ingen adgangskode: sæt JOBRAAD_PASSPHRASE, eller kør kommandoen i en terminal og skriv den. Intet er ændret."
)
NOT_TEXT = "Adgangskoden er ikke gyldig UTF-8-tekst. Skriv den i en terminal, der bruger UTF-8. Intet er ændret."


@pytest.mark.parametrize("command", ["list", "import"])
def test_an_empty_passphrase_variable_without_a_terminal_is_refused(
    database: Database, db_path: Path, tmp_path: Path, log_dir: Path, command: str
) -> None:
    database.close()
    before = _sha256(db_path)
    args = [command, "--db", str(db_path)] + ([str(tmp_path / "borgere.csv")] if command == "import" else [])
    (tmp_path / "borgere.csv").write_text("cpr;fornavn;efternavn\n", encoding="utf-8")
    result = _run_cli(args, _env(log_dir, **{PASSPHRASE_ENV: ""}), None)
    _assert_refused(result, NO_PASSPHRASE)
    assert _sha256(db_path) == before


def test_no_passphrase_for_a_new_file_creates_nothing(tmp_path: Path, log_dir: Path) -> None:
    env = _env(log_dir)
    del env[PASSPHRASE_ENV]
    result = _run_cli(["init", "--db", str(tmp_path / "ny.jobraad")], env, None)
    _assert_refused(result, NO_PASSPHRASE)
    assert list(tmp_path.glob("ny.jobraad*")) == []


def test_no_new_passphrase_when_changing_it_is_refused(database: Database, db_path: Path, log_dir: Path) -> None:
    database.close()
    before = _sha256(db_path)
    result = _run_cli(["passphrase", "--db", str(db_path)], _env(log_dir), None)
    _assert_refused(result, NO_PASSPHRASE.replace("JOBRAAD_PASSPHRASE", "JOBRAAD_NEW_PASSPHRASE"))
    assert _sha256(db_path) == before


@POSIX
def test_a_passphrase_variable_that_is_not_utf8_is_refused(database: Database, db_path: Path, log_dir: Path) -> None:
    database.close()
    before = _sha256(db_path)
    env = {os.fsencode(k): os.fsencode(v) for k, v in _env(log_dir).items()}
    env[PASSPHRASE_ENV.encode()] = b"korrekt hest " + "æøå".encode("latin-1")
    result = _run_cli(["list", "--db", str(db_path)], env, None)
    _assert_refused(
        result,
        "Adgangskoden i JOBRAAD_PASSPHRASE er ikke gyldig UTF-8-tekst. Sæt den igen fra en terminal, der bruger "
        "UTF-8. Intet er ændret.",
    )
    assert _sha256(db_path) == before


def test_a_piped_passphrase_that_is_not_utf8_is_refused(database: Database, db_path: Path, log_dir: Path) -> None:
    database.close()
    before = _sha256(db_path)
    env = _env(log_dir)
    del env[PASSPHRASE_ENV]
    result = _run_cli(["list", "--db", str(db_path)], env, b"korrekt hest " + "æøå\n".encode("latin-1"))
    _assert_refused(result, NOT_TEXT)
    assert _sha256(db_path) == before


def test_a_piped_passphrase_still_opens_the_file(database: Database, db_path: Path, log_dir: Path) -> None:
    database.close()
    env = _env(log_dir)
    del env[PASSPHRASE_ENV]
    result = _run_cli(["list", "--db", str(db_path)], env, f"{PASSPHRASE}\n".encode())
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().strip() == "0 borgere."


def _at_a_terminal(args: list[str], keys: bytes, env: dict[str, str]) -> tuple[int, str]:
    """Run the command line in a pseudo-terminal of its own, type `keys` at the prompt;
    returns the exit status and everything the terminal showed."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.execve(sys.executable, [sys.executable, "-m", "jobraad", *args], env)
    shown = b""
    typed = False
    try:
        while True:
            ready, _, _ = select.select([fd], [], [], 60)
            assert ready, f"the command line stopped answering: {shown!r}"
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child has ended and closed the terminal
                break
            if not chunk:
                break
            shown += chunk
            if not typed and b"Adgangskode: " in shown:
                os.write(fd, keys)
                typed = True
    finally:
        os.close(fd)
        _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), shown.decode("utf-8").replace("\r\n", "\n")


@POSIX
@pytest.mark.parametrize(
    ("keys", "message"),
    [(b"\x04", NO_PASSPHRASE), ("korrekt hest æøå\n".encode("latin-1"), NOT_TEXT)],
    ids=["ctrl-d", "not-utf8"],
)
def test_at_a_terminal_ctrl_d_or_a_passphrase_that_is_not_utf8_is_refused(
    database: Database, db_path: Path, log_dir: Path, keys: bytes, message: str
) -> None:
    database.close()
    before = _sha256(db_path)
    env = _env(log_dir, LANG="C.UTF-8", LC_ALL="C.UTF-8")
    del env[PASSPHRASE_ENV]
    status, shown = _at_a_terminal(["list", "--db", str(db_path)], keys, env)
    assert status == 2, shown
    assert shown == f"Adgangskode: \njobraad: {message}\n"
    assert _sha256(db_path) == before


def test_the_log_rotates_and_every_file_stays_private(log_dir: Path) -> None:
    log_file = logs.setup_logging(terminal=False)
    record = "x" * 1000
    for _ in range(logs.MAX_BYTES * (logs.BACKUP_COUNT + 2) // 1000):
        logging.getLogger("jobraad.test").info(record)
    files = sorted(log_dir.iterdir())
    assert [f.name for f in files] == ["jobraad.log"] + [f"jobraad.log.{n}" for n in range(1, logs.BACKUP_COUNT + 1)]
    assert all(f.stat().st_size <= logs.MAX_BYTES for f in files)
    assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}
    assert log_file == log_dir / "jobraad.log"
