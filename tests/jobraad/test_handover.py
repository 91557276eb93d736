"""Handing a case to a colleague: one encrypted file under a one-time code, received into
another caseload in one transaction (jobraad.handover)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.enums import Outcome
from db.models import AuditEntry, Citizen, JournalNote
from db.session import Database, open_database
from jobraad import audit
from jobraad.citizens import close_case, open_outcome
from jobraad.handover import (
    CODE_ALPHABET,
    JOURNAL_HEADING,
    CprExistsError,
    HandoverRefused,
    case_tables,
    delete_handed_over,
    export_case,
    hand_over,
    is_handed_over,
    new_code,
    normalise_code,
    receive_case,
)
from tests.conftest import PASSPHRASE
from tests.jobraad.handing import CASE_CPR, PDF_BYTES, case_snapshot, make_full_case

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def colleague(tmp_path: Path, template_db: Path) -> Iterator[Database]:
    """The colleague's caseload: another file, with a citizen of its own already in it."""
    path = tmp_path / "kollega.jobraad"
    shutil.copyfile(template_db, path)
    os.chmod(path, 0o600)
    db = open_database(path, PASSPHRASE)
    make_full_case(db, cpr="0101501234")  # takes the colleague's first ids: the sender's ids are never reused
    yield db
    db.close()


def _whole_file(db: Database) -> dict[str, int]:
    """Rows per table in the whole file (for "nothing changed")."""
    with db.reading() as s:
        return {
            t.name: s.scalar(select(func.count()).select_from(t)) or 0 for t in [*case_tables(), AuditEntry.__table__]
        }


def test_code_is_readable_and_strong() -> None:
    code = new_code()
    assert re.fullmatch(r"([2-9A-HJ-NP-Z]{4}-){5}[2-9A-HJ-NP-Z]{4}", code), code
    assert len(CODE_ALPHABET) == 32 and not set("01IO") & set(CODE_ALPHABET)  # 24 × 5 = 120 bits
    assert normalise_code(code.lower().replace("-", " ")) == code
    assert new_code() != code
    with pytest.raises(HandoverRefused, match="uden 0, 1, I og O"):
        normalise_code(code[:-1] + "0")
    with pytest.raises(HandoverRefused, match="skal have 24 tegn"):
        normalise_code(code[:-2])


def test_round_trip_is_lossless(database: Database, colleague: Database, tmp_path: Path) -> None:
    citizen_id = make_full_case(database)
    before = case_snapshot(database, citizen_id)
    assert all(before[t.name] for t in case_tables()), "the test case must fill every table of a case"
    dest = tmp_path / "sag.overdragelse"

    sent = export_case(database, citizen_id, dest)
    assert dest.read_bytes()[:16] != b"SQLite format 3\x00"
    assert b"Overdragsen" not in dest.read_bytes() and CASE_CPR.encode() not in dest.read_bytes()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left

    got = receive_case(colleague, dest, sent.code)
    assert got.name == "Hanne Overdragsen"
    assert got.citizen_id != citizen_id  # a new id in the receiver (its own citizen took the first ones)
    assert got.counts == sent.counts
    assert case_snapshot(colleague, got.citizen_id, skip_handover_note=True) == before
    with colleague.reading() as s:
        data = s.scalars(select(Citizen).where(Citizen.id == got.citizen_id)).one().attachments
        assert sorted(a.data for a in data) == sorted([PDF_BYTES, b"%PDF-1.4\n"])
    assert dest.exists()  # receiving reads the file, never changes it


def test_audit_entries_on_both_sides(database: Database, colleague: Database, tmp_path: Path) -> None:
    citizen_id = make_full_case(database)
    with database.reading() as s:
        sender_hashes = list(s.scalars(select(AuditEntry.hash).where(AuditEntry.citizen_id == citizen_id)))
    sent = hand_over(database, citizen_id, tmp_path / "sag.overdragelse")
    assert sent.closed and is_handed_over(database, citizen_id)
    assert sent.audit_entries == len(sender_hashes) == 3

    with database.reading() as s:
        actions = list(
            s.scalars(select(AuditEntry.action).where(AuditEntry.citizen_id == citizen_id).order_by(AuditEntry.id))
        )
        assert actions[-2:] == [audit.Action.EXPORT, audit.Action.CLOSE]
        closing = open_outcome(s.get(Citizen, citizen_id))
        assert closing is not None and closing.outcome == Outcome.OVERDRAGET

    got = receive_case(colleague, sent.path, sent.code)
    with colleague.reading() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        assert (entry.action, entry.citizen_id) == (audit.Action.IMPORT, got.citizen_id)
        assert "3 logposter" in entry.detail
        note = s.scalars(
            select(JournalNote.text).where(
                JournalNote.citizen_id == got.citizen_id, JournalNote.text.startswith(JOURNAL_HEADING)
            )
        ).one()
    # The sender's entries are data of the case, each with its checksum, and the receiver's chain still holds.
    assert all(f"kontrolsum {h}" in note for h in sender_hashes)
    assert "Borgerens sag læst" in note
    assert audit.verify_log(colleague).ok
    assert audit.verify_log(database).ok

    assert delete_handed_over(database, citizen_id)
    with database.reading() as s:
        assert s.get(Citizen, citizen_id) is None
    assert audit.verify_log(database).ok


def test_a_case_closed_already_keeps_its_closing(database: Database, tmp_path: Path) -> None:
    citizen_id = make_full_case(database)
    close_case(database, citizen_id, Outcome.FLYTTET, dt.date.today())
    sent = hand_over(database, citizen_id, tmp_path / "sag.overdragelse")
    assert not sent.closed
    assert not is_handed_over(database, citizen_id)
    with database.reading() as s:
        closing = open_outcome(s.get(Citizen, citizen_id))
        assert closing is not None and closing.outcome == Outcome.FLYTTET
    with pytest.raises(HandoverRefused, match="ikke lukket som overdraget"):
        delete_handed_over(database, citizen_id, only_handed_over=True)
    assert delete_handed_over(database, citizen_id)  # right after the handover: any closed case


def test_wrong_code_is_refused_and_changes_nothing(database: Database, colleague: Database, tmp_path: Path) -> None:
    sent = export_case(database, make_full_case(database), tmp_path / "sag.overdragelse")
    before = _whole_file(colleague)
    wrong = new_code()
    with pytest.raises(HandoverRefused, match="kan ikke åbnes med denne kode") as err:
        receive_case(colleague, sent.path, wrong)
    assert "Intet er ændret" in err.value.message
    assert _whole_file(colleague) == before


@pytest.mark.parametrize("where", [0.5, 0.95, 0.02])
def test_tampered_file_is_refused_and_changes_nothing(
    database: Database, colleague: Database, tmp_path: Path, where: float
) -> None:
    sent = export_case(database, make_full_case(database), tmp_path / "sag.overdragelse")
    data = bytearray(sent.path.read_bytes())
    data[int(len(data) * where)] ^= 0x01
    sent.path.write_bytes(bytes(data))
    before = _whole_file(colleague)
    with pytest.raises(HandoverRefused, match="ændret eller beskadiget") as err:
        receive_case(colleague, sent.path, sent.code)
    assert "Intet er ændret" in err.value.message
    assert _whole_file(colleague) == before


def test_cpr_already_there_is_refused(database: Database, colleague: Database, tmp_path: Path) -> None:
    make_full_case(colleague)  # the colleague has this citizen already
    sent = export_case(database, make_full_case(database), tmp_path / "sag.overdragelse")
    before = _whole_file(colleague)
    with pytest.raises(CprExistsError, match="070268-1234 findes allerede i din sagsstamme"):
        receive_case(colleague, sent.path, sent.code)
    assert _whole_file(colleague) == before


def test_export_refuses_to_replace_a_file(database: Database, tmp_path: Path) -> None:
    dest = tmp_path / "sag.overdragelse"
    dest.write_bytes(b"andet")
    with pytest.raises(Exception, match="findes allerede"):
        export_case(database, make_full_case(database), dest)
    assert dest.read_bytes() == b"andet"


# --- a kill mid-import ---------------------------------------------------------------------------

_CHILD = """
import sys, time
from pathlib import Path
from db.session import open_database
from jobraad.handover import receive_case

db = open_database(Path(sys.argv[1]), sys.argv[2])

def progress(table):
    if table == "attachment":  # the case is half in the receiver's transaction
        print("HALVVEJS", flush=True)
        time.sleep(60)

receive_case(db, Path(sys.argv[3]), sys.argv[4], progress=progress)
print("FÆRDIG", flush=True)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="the kill test drives POSIX processes")
def test_kill_mid_import_leaves_nothing(database: Database, tmp_path: Path, template_db: Path) -> None:
    sent = export_case(database, make_full_case(database), tmp_path / "sag.overdragelse")
    receiver = tmp_path / "kollega.jobraad"
    shutil.copyfile(template_db, receiver)
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(receiver), PASSPHRASE, str(sent.path), sent.code],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    try:
        assert proc.stdout.readline().strip() == "HALVVEJS"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
    db = open_database(receiver, PASSPHRASE)
    try:
        assert db.integrity_check()
        assert _whole_file(db) == dict.fromkeys(_whole_file(db), 0)
        # and the same file then takes the case whole
        got = receive_case(db, sent.path, sent.code)
        assert case_snapshot(db, got.citizen_id, skip_handover_note=True)["attachment"]
    finally:
        db.close()
