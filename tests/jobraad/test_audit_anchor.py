"""The audit chain held against an anchor outside the file (issue 18): each way of cutting or
rewriting the log that the chain alone lets through, tried through `audit --verify` as a user
(or an auditor) runs it, with the file tampered with as someone with the passphrase would:
through SQLCipher, around the program."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from db.backup import read_chain_head
from db.models import AuditEntry
from db.session import Database, open_database
from jobraad import audit
from jobraad.audit import Action, chain_head, record
from jobraad.audit_anchor import NO_ANCHOR, anchor_path, read_anchor_file, verify
from jobraad.backup import automatic_backup, restore
from jobraad.cli import EXIT_OK, EXIT_REFUSED, PASSPHRASE_ENV, main
from jobraad.passphrase import change_passphrase
from jobraad.settings import backup_folder
from jobraad.store import open_caseload
from tests.conftest import PASSPHRASE

ANCHOR_NAME = "sagsstamme.jobraad.anker"


@pytest.fixture(autouse=True)
def _passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)


@pytest.fixture
def anchored(db_path: Path, template_db: Path) -> Iterator[Path]:
    """A caseload used by the program: 8 searches logged, then closed (so anchored)."""
    shutil.copyfile(template_db, db_path)
    os.chmod(db_path, 0o600)
    database = open_caseload(db_path, PASSPHRASE)
    _log(database, 8)
    database.close()
    assert anchor_path(db_path).is_file()
    yield db_path


def _log(database: Database, n: int, prefix: str = "søgning") -> None:
    with database.transaction() as session:
        for i in range(n):
            record(session, Action.SEARCH, None, f"{prefix} {i}")


def _around_the_program(db_path: Path) -> Database:
    """The file opened as someone with the passphrase would, without the program's anchoring."""
    return open_database(db_path, PASSPHRASE)


def _ids(database: Database) -> list[int]:
    with database.reading() as session:
        return list(session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))


def _verify_cli(db_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(["audit", "--db", str(db_path), "--verify"])
    return status, capsys.readouterr().out


def _chain_alone_ok(db_path: Path) -> bool:
    database = _around_the_program(db_path)
    try:
        return audit.verify_log(database).ok
    finally:
        database.close()


# --- the untouched log -------------------------------------------------------------------------


def test_untouched_log_is_in_order_and_names_its_anchor(anchored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = _verify_cli(anchored, capsys)
    assert status == EXIT_OK
    assert "Logbogen er i orden: 8 poster kontrolleret og holdt op mod ankerfilen " + ANCHOR_NAME in out
    assert "(8 poster til og med nr. 8)" in out
    # and again: the verify's own close moved the anchor on, nothing after it
    status, out = _verify_cli(anchored, capsys)
    assert status == EXIT_OK and "i orden" in out


def test_anchor_file_holds_head_and_hmac_not_the_key(anchored: Path) -> None:
    data = json.loads(anchor_path(anchored).read_text(encoding="utf-8"))
    assert set(data) == {"format", "version", "poster", "nyeste_post", "hoved", "tid", "hmac"}
    database = _around_the_program(anchored)
    try:
        with database.reading() as session:
            head = chain_head(session)
        assert (data["poster"], data["nyeste_post"], data["hoved"]) == (8, head.newest_id, head.newest_hash)
        assert database.cipher_key.key.hex() not in anchor_path(anchored).read_text(encoding="utf-8")
        assert data["hmac"] != database.cipher_key.derived(b"").hex()
    finally:
        database.close()


# --- the tamper cases --------------------------------------------------------------------------


def test_newest_entries_deleted_is_truncation(anchored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = _around_the_program(anchored)
    keep = _ids(database)[:-3]
    with database.transaction() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.id > keep[-1]))
    database.close()
    assert _chain_alone_ok(anchored)  # what the chain alone said before the anchor

    status, out = _verify_cli(anchored, capsys)
    assert status == EXIT_REFUSED
    assert "Loggen er kortere end ved sidste anker: 3 poster mangler" in out
    assert "i orden" not in out
    # The verify's close did not move the anchor over the cut: it still shows.
    status, out = _verify_cli(anchored, capsys)
    assert status == EXIT_REFUSED and "3 poster mangler" in out


def test_all_entries_deleted(anchored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = _around_the_program(anchored)
    with database.transaction() as session:
        session.execute(delete(AuditEntry))
    database.close()
    assert _chain_alone_ok(anchored)

    status, out = _verify_cli(anchored, capsys)
    assert status == EXIT_REFUSED
    assert "Logbogen er tom, men ankerfilen " + ANCHOR_NAME in out
    assert "viser 8 poster: alle poster er fjernet" in out


def test_forged_entry_appended_after_the_anchor(anchored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = _around_the_program(anchored)
    _log(database, 1, "forfalsket")  # `record` computes its hash as the program would
    database.close()
    assert _chain_alone_ok(anchored)

    status, out = _verify_cli(anchored, capsys)
    assert status == EXIT_REFUSED
    assert "1 poster (nr. 9-9) lå efter ankeret" in out
    assert "skrevet uden om programmet" in out
    # The finding is in the log itself: later checks still point it out (as a note: the log
    # up to the anchor is whole, and the anchor has moved on).
    status, out = _verify_cli(anchored, capsys)
    assert status == EXIT_OK
    assert "Bemærk" in out and "1 poster (nr. 9-9) lå efter ankeret" in out


def test_rewritten_chain(anchored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = _around_the_program(anchored)
    with database.transaction() as session:  # every entry rewritten and every hash recomputed
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        prev = ""
        for entry in rows:
            entry.detail = "omskrevet"
            entry.prev_hash = prev
            entry.hash = audit._entry_hash(prev, entry.at, entry.action, entry.citizen_id, entry.detail)
            prev = entry.hash
    database.close()
    assert _chain_alone_ok(anchored)

    status, out = _verify_cli(anchored, capsys)
    assert status == EXIT_REFUSED
    assert "Kæden er skrevet om: post nr. 8 har ikke længere den kontrolsum, som ankerfilen " + ANCHOR_NAME in out


def test_tampered_anchor_file_is_a_forged_anchor(anchored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = anchor_path(anchored)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["poster"] = 5  # made to agree with a log cut short, without the key
    path.write_text(json.dumps(data), encoding="utf-8")

    status, out = _verify_cli(anchored, capsys)
    assert status == EXIT_REFUSED
    assert f"Ankerfilen {ANCHOR_NAME} er forfalsket eller ændret" in out
    assert NO_ANCHOR in out  # no backups here: nothing else to hold the log against
    assert json.loads(path.read_text(encoding="utf-8"))["poster"] == 5  # left as evidence


def test_no_anchor_says_so(anchored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    anchor_path(anchored).unlink()
    status, out = _verify_cli(anchored, capsys)
    assert status == EXIT_REFUSED
    assert NO_ANCHOR in out
    assert "i orden" not in out


def test_a_backup_is_an_anchor_when_the_anchor_file_is_gone(anchored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = open_caseload(anchored, PASSPHRASE)
    backup = automatic_backup(database, force=True)
    assert backup is not None
    assert read_chain_head(backup, database.cipher_key) is not None
    database.close()
    database = _around_the_program(anchored)
    with database.transaction() as session:  # the backup's entry and two more cut off
        session.execute(delete(AuditEntry).where(AuditEntry.id > 6))
    database.close()
    anchor_path(anchored).unlink()

    status, out = _verify_cli(anchored, capsys)
    assert status == EXIT_REFUSED
    assert f"sikkerhedskopien {backup.name}" in out
    assert "Loggen er kortere end ved sidste anker: 2 poster mangler" in out
    # Closing did not write a fresh anchor file over the cut: the backup still shows it.
    assert not anchor_path(anchored).exists()
    status, out = _verify_cli(anchored, capsys)
    assert status == EXIT_REFUSED and "2 poster mangler" in out


# --- legitimate changes keep the anchor ---------------------------------------------------------


def test_backup_restore_and_passphrase_change_keep_the_log_in_order(
    anchored: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    database = open_caseload(anchored, PASSPHRASE)
    backup = automatic_backup(database, force=True)
    assert backup is not None and backup.parent == backup_folder(database)
    with database.reading() as session:
        head = chain_head(session)
    found = read_anchor_file(database).anchor
    assert found is not None and found.head == head  # the anchor file follows each backup
    _log(database, 3)
    database.close()

    restore(backup, anchored, PASSPHRASE)  # the log is the backup's now, anchored afresh
    status, out = _verify_cli(anchored, capsys)
    assert status == EXIT_OK and "i orden" in out

    new = PASSPHRASE + " og en ny"
    database = open_caseload(anchored, PASSPHRASE)
    change_passphrase(database, PASSPHRASE, new)
    database.close()
    monkeypatch.setenv(PASSPHRASE_ENV, new)
    status, out = _verify_cli(anchored, capsys)
    assert status == EXIT_OK and "i orden" in out
    # the backup, under the old key, is not used as an anchor and says so
    assert "1 sikkerhedskopi(er) kunne ikke læses med databasens nuværende nøgle" in out
    assert backup.is_file()


def test_window_sessions_entries_are_not_flagged(anchored: Path) -> None:
    database = open_caseload(anchored, PASSPHRASE)
    try:
        _log(database, 4)  # written in this session, not yet anchored
        report = verify(database)
        assert report.ok, report.lines()
        assert report.lines()[0].startswith("Logbogen er i orden: 12 poster")
    finally:
        database.close()


# --- the head in what leaves the file -----------------------------------------------------------


def test_citizens_log_export_states_the_chain_head(
    anchored: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from jobraad.citizens import CitizenInput, create_citizen

    database = open_caseload(anchored, PASSPHRASE)
    cid = create_citizen(database, CitizenInput("Åse", "Øberg", "020262-1234"))
    audit.log_action(database, Action.OPEN_FILE, cid)
    with database.reading() as session:
        head = chain_head(session)
    database.close()
    out_file = tmp_path / "åse.csv"
    assert main(["audit", "--db", str(anchored), "--cpr", "020262-1234", "-o", str(out_file)]) == EXIT_OK
    rows = list(csv.reader(out_file.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert rows[-1][1] == audit.HEAD_LABEL
    assert rows[-1][2] == f"{head.entries} poster, nyeste post nr. {head.newest_id}, kontrolsum {head.newest_hash}"


def test_team_export_metadata_states_the_chain_head(anchored: Path, tmp_path: Path) -> None:
    from jobraad.team.export import export_summary
    from jobraad.team.model import Period
    from jobraad.team.reader import read_summary

    database = open_caseload(anchored, PASSPHRASE)
    try:
        with database.reading() as session:
            head = chain_head(session)
        out_file = tmp_path / "team.csv"
        year = dt.date.today().year
        export_summary(database, out_file, period=Period(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    finally:
        database.close()
    text = out_file.read_text(encoding="utf-8-sig")
    assert f"meta.logbog_hoved;Logbogens kædehoved, da opgørelsen blev dannet;{head.text()}" in text
    assert read_summary(out_file).meta.period.start.year == year  # still a summary merge reads
