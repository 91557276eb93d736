"""The audit log: the hash chain catches changed and removed entries, pruning keeps it
verifiable, and the export a citizen may ask for (CSV for Excel)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, update

from db.enums import Outcome
from db.models import AuditEntry
from db.session import Database
from jobraad import audit
from jobraad.audit import Action, apply_audit_retention, export_audit, prune_audit, record, verify_chain
from jobraad.citizens import CitizenInput, close_case, create_citizen
from jobraad.cli import PASSPHRASE_ENV, main
from jobraad.errors import UserFacingError
from jobraad.retention import delete_citizen
from jobraad.settings import set_settings
from tests.conftest import PASSPHRASE


class _Clock:
    """Stands in for `datetime.datetime` in jobraad.audit, so entries can be dated."""

    at = dt.datetime(2020, 1, 1, 12, 0)

    @classmethod
    def now(cls) -> dt.datetime:
        return cls.at

    @staticmethod
    def combine(day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_Clock]]:
    class FakeDt:
        datetime = _Clock
        date = dt.date
        time = dt.time
        timedelta = dt.timedelta

    monkeypatch.setattr(audit, "dt", FakeDt)
    yield _Clock
    _Clock.at = dt.datetime(2020, 1, 1, 12, 0)


def _log(database: Database, n: int, action: str = Action.SEARCH, citizen_id: int | None = None) -> None:
    with database.transaction() as session:
        for i in range(n):
            record(session, action, citizen_id, f"post {i}")


def _verify(database: Database) -> audit.ChainReport:
    with database.reading() as session:
        return verify_chain(session)


def _ids(database: Database) -> list[int]:
    with database.reading() as session:
        return list(session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))


# --- the chain ---------------------------------------------------------------------------------


def test_untouched_log_verifies(database: Database) -> None:
    assert _verify(database) == audit.ChainReport(0, None)
    _log(database, 5)
    report = _verify(database)
    assert report.ok and report.entries == 5


CHANGES: list[dict[str, object]] = [
    {"detail": "noget andet"},
    {"action": Action.EXPORT},
    {"citizen_id": 7},
    {"at": dt.datetime(2001, 1, 1)},
    {"prev_hash": "0" * 64},
    {"hash": "0" * 64},
]


def test_changed_entry_is_found(database: Database) -> None:
    _log(database, 5)
    third = _ids(database)[2]
    with database.reading() as session:
        entry = session.get(AuditEntry, third)
        assert entry is not None
        original = {key: getattr(entry, key) for change in CHANGES for key in change}
    for change in CHANGES:
        with database.transaction() as session:
            session.execute(update(AuditEntry).where(AuditEntry.id == third).values(**change))
        assert _verify(database).broken_at == third, change
        with database.transaction() as session:
            session.execute(update(AuditEntry).where(AuditEntry.id == third).values(**original))
        assert _verify(database).ok


def test_removed_entry_is_found(database: Database) -> None:
    _log(database, 5)
    ids = _ids(database)
    columns = [c.name for c in AuditEntry.__table__.columns]
    with database.reading() as session:
        rows = {e.id: {c: getattr(e, c) for c in columns} for e in session.scalars(select(AuditEntry))}
    for position in (0, 2, 4):
        with database.transaction() as session:
            session.execute(delete(AuditEntry).where(AuditEntry.id == ids[position]))
        report = _verify(database)
        if position == 4:
            assert report.ok  # the newest entry: a chain cannot show that its end was cut
        else:
            assert report.broken_at == ids[position + 1]
        with database.transaction() as session:
            session.execute(insert(AuditEntry), [rows[ids[position]]])
        assert _verify(database).ok


def test_entry_rehashed_after_a_change_still_breaks_the_next_link(database: Database) -> None:
    _log(database, 3)
    ids = _ids(database)
    with database.transaction() as session:
        entry = session.get(AuditEntry, ids[1])
        assert entry is not None
        entry.detail = "skjult"
        entry.hash = audit._entry_hash(entry.prev_hash, entry.at, entry.action, entry.citizen_id, entry.detail)
    assert _verify(database).broken_at == ids[2]


# --- pruning -------------------------------------------------------------------------------------


def test_prune_removes_old_entries_logs_it_and_still_verifies(database: Database, clock: type[_Clock]) -> None:
    for year in (2019, 2020, 2021):
        clock.at = dt.datetime(year, 6, 1)
        _log(database, 3)
    clock.at = dt.datetime(2024, 6, 1)
    with database.transaction() as session:
        removed = prune_audit(session, dt.date(2021, 1, 1))
    assert removed == 6
    with database.reading() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [e.at.year for e in entries] == [2021, 2021, 2021, 2024]
        assert entries[-1].action == Action.PRUNE
        assert entries[-1].detail.startswith("6 logposter fra før 01-01-2021 slettet; anker ")
    report = _verify(database)
    assert report.ok and report.entries == 4
    # Pruning again later, over the first prune's entry too.
    clock.at = dt.datetime(2026, 1, 1)
    _log(database, 2)
    with database.transaction() as session:
        assert prune_audit(session, dt.date(2025, 1, 1)) == 4
        assert prune_audit(session, dt.date(2025, 1, 1)) == 0  # nothing more: no entry either
    report = _verify(database)
    assert report.ok and report.entries == 3


def test_prune_of_everything_keeps_the_chain(database: Database, clock: type[_Clock]) -> None:
    _log(database, 4)
    clock.at = dt.datetime(2030, 1, 1)
    with database.transaction() as session:
        assert prune_audit(session, dt.date(2031, 1, 1)) == 4
    _log(database, 2)
    report = _verify(database)
    assert report.ok and report.entries == 3


def test_removal_after_a_prune_is_still_found(database: Database, clock: type[_Clock]) -> None:
    _log(database, 3)
    clock.at = dt.datetime(2024, 1, 1)
    _log(database, 3)
    with database.transaction() as session:
        prune_audit(session, dt.date(2023, 1, 1))
    ids = _ids(database)
    with database.transaction() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.id == ids[0]))
    assert _verify(database).broken_at == ids[1]


def test_a_forged_anchor_is_found(database: Database, clock: type[_Clock]) -> None:
    _log(database, 3)
    clock.at = dt.datetime(2024, 1, 1)
    _log(database, 3)
    with database.transaction() as session:
        prune_audit(session, dt.date(2023, 1, 1))
    prune_id = _ids(database)[-1]
    with database.transaction() as session:
        session.execute(
            update(AuditEntry).where(AuditEntry.id == prune_id).values(detail="0 slettet; anker " + "a" * 64)
        )
    assert not _verify(database).ok


def test_prune_only_cuts_the_oldest_end(database: Database, clock: type[_Clock]) -> None:
    """An old-dated entry after a newer one (the clock went back) stays, and the chain holds."""
    clock.at = dt.datetime(2019, 1, 1)
    _log(database, 2)
    clock.at = dt.datetime(2024, 1, 1)
    _log(database, 1)
    clock.at = dt.datetime(2019, 2, 1)
    _log(database, 1)
    with database.transaction() as session:
        assert prune_audit(session, dt.date(2023, 1, 1)) == 2
    assert _verify(database).ok


def test_retention_setting_decides_what_is_pruned(database: Database, clock: type[_Clock]) -> None:
    _log(database, 2)  # 2020-01-01
    assert apply_audit_retention(database, dt.date(2024, 12, 31)) == 0  # default five years
    set_settings(database, {"audit_retention_days": 365})
    assert apply_audit_retention(database, dt.date(2021, 6, 1)) == 2
    assert _verify(database).ok


# --- the export --------------------------------------------------------------------------------


def _read_csv(path: Path) -> list[list[str]]:
    """The export's rows, without its last line (the chain's head, checked to be there)."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[-1][1] == audit.HEAD_LABEL
    return rows[:-1]


@pytest.fixture
def two_citizens(database: Database) -> tuple[int, int]:
    a = create_citizen(database, CitizenInput("Søren", "Ærø", "010162-1233"))
    b = create_citizen(database, CitizenInput("Åse", "Øberg", "020262-1234"))
    with database.transaction() as session:
        record(session, Action.OPEN_FILE, a, "")
        record(session, Action.OPEN_FILE, b, "")
        record(session, Action.SEARCH, None, "")
    return a, b


def test_export_all_uses_numbers_not_names(database: Database, two_citizens: tuple[int, int], tmp_path: Path) -> None:
    a, b = two_citizens
    assert export_audit(database, tmp_path / "log.csv") == 5
    rows = _read_csv(tmp_path / "log.csv")
    assert rows[0] == ["tidspunkt", "handling", "detalje", "borger"]
    assert [r[3] for r in rows[1:]] == [f"borger nr. {a}", f"borger nr. {b}", f"borger nr. {a}", f"borger nr. {b}", ""]
    assert rows[3][1] == "Borgerens sag læst"
    dt.datetime.strptime(rows[1][0], "%d-%m-%Y %H:%M:%S")
    text = (tmp_path / "log.csv").read_text(encoding="utf-8-sig")
    assert "Ærø" not in text and "0101621233" not in text and "010162" not in text
    with database.reading() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert last is not None and (last.action, last.detail) == (Action.EXPORT, "logbog")


def test_export_about_one_citizen_shows_their_cpr(
    database: Database, two_citizens: tuple[int, int], tmp_path: Path
) -> None:
    a, _ = two_citizens
    assert export_audit(database, tmp_path / "søren.csv", "010162-1233") == 2
    rows = _read_csv(tmp_path / "søren.csv")
    assert [r[3] for r in rows[1:]] == ["010162-1233", "010162-1233"]
    assert [r[1] for r in rows[1:]] == ["Oprettet", "Borgerens sag læst"]
    with database.reading() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert last is not None and (last.action, last.citizen_id) == (Action.EXPORT, a)


def test_deleted_citizens_entries_are_never_given_to_a_new_citizen(database: Database, tmp_path: Path) -> None:
    gone = create_citizen(database, CitizenInput("Søren", "Ærø", "010162-1233"))
    close_case(database, gone, Outcome.ORDINAERT_JOB, dt.date.today())
    delete_citizen(database, gone)
    newcomer = create_citizen(database, CitizenInput("Åse", "Øberg", "020262-1234"))
    assert newcomer == gone  # SQLite gives the freed number again
    export_audit(database, tmp_path / "alle.csv")
    who = [r[3] for r in _read_csv(tmp_path / "alle.csv")[1:]]
    assert who == ["slettet borger"] * 3 + [f"borger nr. {newcomer}"]
    assert export_audit(database, tmp_path / "åse.csv", "0202621234") == 1
    with pytest.raises(audit.UnknownCitizenError) as info:
        export_audit(database, tmp_path / "søren.csv", "010162-1233")
    assert "ingen borger med CPR-nummer 010162-1233" in info.value.message
    assert not (tmp_path / "søren.csv").exists()


def test_export_refuses_a_bad_cpr(database: Database, tmp_path: Path) -> None:
    with pytest.raises(UserFacingError) as info:
        export_audit(database, tmp_path / "x.csv", "31029912345")
    assert "Intet er eksporteret" in info.value.message
    assert not (tmp_path / "x.csv").exists()


def test_export_neutralises_formulas(database: Database, tmp_path: Path) -> None:
    details = ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "\tx", "helt almindelig"]
    with database.transaction() as session:
        for detail in details:
            record(session, Action.SEARCH, None, detail)
    export_audit(database, tmp_path / "log.csv")
    cells = [row[2] for row in _read_csv(tmp_path / "log.csv")[1:]]
    assert cells == ["'" + d for d in details[:-1]] + ["helt almindelig"]


# --- the command line ----------------------------------------------------------------------------


def test_cli_verify_and_export(
    database: Database,
    db_path: Path,
    two_citizens: tuple[int, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    database.close()  # opened around the program (the fixture): never anchored
    assert main(["audit", "--db", str(db_path), "--verify"]) == 2
    out = capsys.readouterr().out
    assert "(5 poster kontrolleret)" in out and "Ingen anker fundet" in out
    # The command's close anchored the log (trust on first use; see README, Logbogens trusselsmodel).
    assert main(["audit", "--db", str(db_path), "--verify"]) == 0
    assert "Logbogen er i orden: 5 poster kontrolleret og holdt op mod ankerfilen" in capsys.readouterr().out
    assert main(["audit", "--db", str(db_path), "--cpr", "020262-1234", "-o", str(tmp_path / "åse.csv")]) == 0
    assert "2 logposter er skrevet" in capsys.readouterr().out
    assert main(["audit", "--db", str(db_path)]) == 2
    assert "Angiv --verify" in capsys.readouterr().err
    assert main(["audit", "--db", str(db_path), "--verify", "--cpr", "020262-1234"]) == 2
    capsys.readouterr()


def test_cli_verify_reports_the_first_broken_entry(
    database: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    _log(database, 4)
    second = _ids(database)[1]
    with database.transaction() as session:
        session.execute(update(AuditEntry).where(AuditEntry.id == second).values(detail="ændret"))
    database.close()
    assert main(["audit", "--db", str(db_path), "--verify"]) == 2
    out = capsys.readouterr().out
    assert f"brudt ved post {second}" in out and "(2 poster kontrolleret)" in out
