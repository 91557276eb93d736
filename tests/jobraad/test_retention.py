"""Retention: closed cases offered for deletion after the set period, and a deletion
that removes every trace of the citizen, logs it without personal data and leaves no
deleted content in the file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.enums import Outcome, VisitationGroup
from db.models import AuditEntry, Base, Citizen, DeletedCitizen, JournalNote
from db.session import Database
from jobraad import audit
from jobraad.attachments import add_attachment_bytes
from jobraad.citizen_file import open_citizen_file
from jobraad.citizens import CitizenInput, CitizenNotFound, close_case, create_citizen, reopen_case
from jobraad.demo import generate_demo
from jobraad.overview import load_overview
from jobraad.retention import (
    CaseNotClosedError,
    ClosedCase,
    RetentionRules,
    closed_cases_due_for_deletion,
    cpr_hash,
    delete_citizen,
    delete_citizens,
    deletion_list,
    months_before,
    parse_retention_rules,
    retention_rules,
)
from jobraad.rule_files import RuleFileError, parse_rule_file
from jobraad.settings import set_settings
from tests.conftest import PASSPHRASE

MARKER = "Quistgaard-Ølgod"


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 8, 31), 6, dt.date(2025, 2, 28)),
        (dt.date(2024, 8, 31), 6, dt.date(2024, 2, 29)),
        (dt.date(2025, 1, 15), 1, dt.date(2024, 12, 15)),
        (dt.date(2025, 3, 10), 0, dt.date(2025, 3, 10)),
        (dt.date(2025, 3, 10), 30, dt.date(2022, 9, 10)),
    ],
)
def test_months_before(day: dt.date, months: int, expected: dt.date) -> None:
    assert months_before(day, months) == expected


def _citizen(database: Database, n: int = 1, closed_on: dt.date | None = None) -> int:
    cid = create_citizen(
        database,
        CitizenInput(
            "Borger", f"Nr{n}", f"{n:02d}0162-1233", group=VisitationGroup.GRUPPE_2, forloeb_start=dt.date(2023, 1, 1)
        ),
    )
    if closed_on is not None:
        close_case(database, cid, Outcome.ORDINAERT_JOB, closed_on)
    return cid


def test_closed_cases_due_for_deletion(database: Database) -> None:
    today = dt.date(2025, 3, 10)
    _citizen(database, 1)  # open
    long_ago = _citizen(database, 2, dt.date(2024, 9, 9))  # ordinært job: six months and a day
    _citizen(database, 3, dt.date(2024, 9, 10))  # exactly six months: not yet
    older = _citizen(database, 4, dt.date(2024, 1, 31))
    reopened = _citizen(database, 5, dt.date(2024, 1, 1))
    reopen_case(database, reopened, dt.date(2024, 2, 1), VisitationGroup.GRUPPE_2)
    again = _citizen(database, 6, dt.date(2023, 6, 1))
    reopen_case(database, again, dt.date(2023, 7, 1), VisitationGroup.GRUPPE_2)
    close_case(database, again, Outcome.FLYTTET, dt.date(2024, 12, 1))  # closed again; moved: three months
    due = closed_cases_due_for_deletion(database, today)
    assert [(d.citizen_id, d.closed_on, d.delete_from) for d in due] == [
        (older, dt.date(2024, 1, 31), dt.date(2024, 8, 1)),
        (again, dt.date(2024, 12, 1), dt.date(2025, 3, 2)),
        (long_ago, dt.date(2024, 9, 9), dt.date(2025, 3, 10)),
    ]
    # A caseworker who set 12 months before keeps them, for every kind of case.
    set_settings(database, {"retention_months": 12})
    due = closed_cases_due_for_deletion(database, today)
    assert [d.citizen_id for d in due] == [older]
    assert due[0].period.by_setting and due[0].period.describe() == "12 måneder (din indstilling)"


@pytest.mark.parametrize(
    ("outcome", "delete_from", "months"),
    [
        (Outcome.ORDINAERT_JOB, dt.date(2025, 8, 1), 6),
        (Outcome.SMAAJOB, dt.date(2025, 8, 1), 6),
        (Outcome.UDDANNELSE, dt.date(2026, 2, 1), 12),
        (Outcome.FLEKSJOB, dt.date(2025, 8, 1), 6),
        (Outcome.FOERTIDSPENSION, dt.date(2025, 8, 1), 6),
        (Outcome.RESSOURCEFORLOEB, dt.date(2025, 8, 1), 6),
        (Outcome.ANDEN_FORSOERGELSE, dt.date(2025, 8, 1), 6),
        (Outcome.FLYTTET, dt.date(2025, 5, 1), 3),  # 31 January + 3 months: 30 April, then the day after
        (Outcome.ANDET, dt.date(2025, 8, 1), 6),
    ],
)
def test_deletion_date_by_how_the_case_ended(
    database: Database, outcome: Outcome, delete_from: dt.date, months: int
) -> None:
    cid = _citizen(database)
    close_case(database, cid, outcome, dt.date(2025, 1, 31))
    f = open_citizen_file(database, cid, dt.date(2025, 3, 1))
    assert f.retention is not None
    assert (f.retention.outcome, f.retention.delete_from, f.retention.period.months) == (outcome, delete_from, months)
    assert f.retention.period.provisional  # the municipality's practice, not law
    assert not f.retention.due(delete_from - dt.timedelta(days=1)) and f.retention.due(delete_from)
    assert f"{months} måneder (foreløbig: " in f.retention.period.describe()


def test_an_open_case_has_no_deletion_date(database: Database) -> None:
    cid = _citizen(database)
    f = open_citizen_file(database, cid, dt.date(2025, 3, 1))
    assert f.retention is None


def test_every_outcome_has_a_sourced_period() -> None:
    rules = retention_rules()
    assert {o for o in Outcome if o.value != "overdraget"} <= set(rules.periods)
    for period in (*rules.periods.values(), rules.fallback):
        assert period.months > 0 and period.source and period.reason
    assert "art. 5, stk. 1, litra e" in rules.principle_source


def _parse(periods: str) -> RetentionRules:
    text = (
        'format = 1\n[principle]\ntext = "t"\nsource = "s"\nstatus = "bekræftet"\n'
        '[fallback]\nmonths = 6\nreason = "r"\nsource = "s"\nstatus = "foreløbig"\n' + periods
    )
    return parse_retention_rules(parse_rule_file(text, "retention.toml", required=("principle", "fallback", "periods")))


def test_the_rule_file_is_read_strictly() -> None:
    entry = '[[periods]]\noutcome = "{o}"\nmonths = {m}\nreason = "r"\nsource = "s"\nstatus = "foreløbig"\n'
    rules = _parse(entry.format(o="flyttet", m=2))
    assert rules.period(Outcome.FLYTTET).months == 2
    assert rules.period(Outcome.FLEKSJOB).months == 6  # not named: the fallback
    with pytest.raises(RuleFileError, match="«flyttet» står to gange"):
        _parse(entry.format(o="flyttet", m=2) + entry.format(o="flyttet", m=3))
    with pytest.raises(RuleFileError, match="ukendt værdi «pension»"):
        _parse(entry.format(o="pension", m=2))
    with pytest.raises(RuleFileError, match="«months» skal være et heltal"):
        _parse(entry.format(o="flyttet", m='"to"'))


def test_deletion_remembers_the_cpr_hash_and_time_only(database: Database) -> None:
    cid = _citizen(database, 7, dt.date(2024, 1, 1))
    delete_citizen(database, cid, now=dt.datetime(2025, 3, 10, 14, 30, 5, 123))
    with database.reading() as session:
        rows = session.execute(select(DeletedCitizen.cpr_hash, DeletedCitizen.deleted_at)).all()
    assert rows == [(cpr_hash("070162-1233".replace("-", "")), dt.datetime(2025, 3, 10, 14, 30, 5))]
    assert "0701621233" not in rows[0][0] and len(rows[0][0]) == 64


def test_the_overblik_counts_the_cases_due_for_deletion(database: Database) -> None:
    _citizen(database, 1, dt.date(2024, 1, 1))
    _citizen(database, 2, dt.date(2024, 1, 2))
    _citizen(database, 3, dt.date(2025, 3, 1))  # not yet
    _citizen(database, 4)
    assert load_overview(database, dt.date(2025, 3, 10)).deletion_due == 2
    assert load_overview(database, dt.date(2024, 3, 1)).deletion_due == 0


def _rows_about(database: Database, citizen_id: int) -> dict[str, int]:
    """Rows in every table that has a citizen_id column (the audit log excepted)."""
    counts: dict[str, int] = {}
    with database.reading() as session:
        for table in Base.metadata.sorted_tables:
            if "citizen_id" in table.c and table.name != "audit_entry":
                counts[table.name] = session.scalar(
                    select(func.count()).select_from(table).where(table.c.citizen_id == citizen_id)
                )
        counts["citizen"] = session.scalar(select(func.count()).select_from(Citizen).where(Citizen.id == citizen_id))
    return counts


def _table_sizes(database: Database) -> dict[str, int]:
    with database.reading() as session:
        return {
            t.name: session.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
            if t.name != "audit_entry"
        }


def _plaintext_copy(database: Database, dest: Path) -> bytes:
    """An unencrypted copy made with sqlcipher_export, read as bytes, then removed."""
    raw = database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"ATTACH DATABASE '{dest}' AS plaintext KEY ''")
        cursor.execute("SELECT sqlcipher_export('plaintext')")
        cursor.execute("DETACH DATABASE plaintext")
        cursor.close()
    finally:
        raw.close()
    try:
        return dest.read_bytes()
    finally:
        dest.unlink()


def test_delete_removes_everything_about_the_citizen(database: Database, db_path: Path, tmp_path: Path) -> None:
    generate_demo(database, citizens=12, seed=5, today=dt.date(2025, 3, 1))
    with database.reading() as session:
        # The demo citizen with the most kinds of data.
        ids = list(session.scalars(select(Citizen.id)))
    richest = max(ids, key=lambda cid: sum(1 for n in _rows_about(database, cid).values() if n))
    add_attachment_bytes(database, richest, f"erklæring {MARKER}.png", b"\x89PNG\r\n\x1a\n" + MARKER.encode() * 50)
    with database.transaction() as session:
        citizen = session.get(Citizen, richest)
        assert citizen is not None
        citizen.last_name = MARKER
        citizen.journal.append(JournalNote(text=f"Samtale med {MARKER} om helbred."))
        closed = any(o.reopened_on is None for o in citizen.outcomes)
    if not closed:
        close_case(database, richest, Outcome.FLEKSJOB, dt.date(2024, 6, 3))
    about = _rows_about(database, richest)
    assert about["attachment"] >= 1 and about["journal_note"] >= 1 and about["forloeb"] >= 1
    sizes = _table_sizes(database)
    assert MARKER.encode() in _plaintext_copy(database, tmp_path / "før.db")

    assert delete_citizen(database, richest)

    assert set(_rows_about(database, richest).values()) == {0}
    after = _table_sizes(database)
    assert sum(sizes.values()) - sum(after.values()) >= sum(about.values())
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert conn.exec_driver_sql("PRAGMA freelist_count").scalar() == 0
    wal = db_path.with_name(db_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert MARKER.encode() not in _plaintext_copy(database, tmp_path / "efter.db")
    assert not list(tmp_path.glob("*.db"))
    with database.reading() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None and entry.action == audit.Action.DELETE and entry.citizen_id == richest
        assert entry.detail.startswith("borger slettet (lukket ")
        dt.datetime.strptime(entry.detail.removeprefix("borger slettet (lukket ").removesuffix(")"), "%d-%m-%Y")
        details = " ".join(session.scalars(select(AuditEntry.detail)))
        assert MARKER not in details
        assert audit.verify_chain(session).ok
    database.close()
    assert MARKER.encode() not in db_path.read_bytes()


def test_delete_refuses_open_and_unknown_cases_and_changes_nothing(database: Database) -> None:
    closed = _citizen(database, 1, dt.date(2024, 1, 1))
    still_open = _citizen(database, 2)
    before = _table_sizes(database)
    with pytest.raises(CaseNotClosedError) as info:
        delete_citizens(database, [closed, still_open])
    assert "Kun lukkede sager" in info.value.message
    with pytest.raises(CitizenNotFound):
        delete_citizen(database, 999)
    assert _table_sizes(database) == before
    with database.reading() as session:
        assert audit.Action.DELETE not in session.scalars(select(AuditEntry.action)).all()


def test_delete_several_at_once(database: Database) -> None:
    ids = [_citizen(database, n, dt.date(2024, 1, n)) for n in (1, 2, 3)]
    keep = _citizen(database, 4)
    assert delete_citizens(database, ids[:2])
    with database.reading() as session:
        assert sorted(session.scalars(select(Citizen.id))) == sorted([ids[2], keep])


def test_passphrase_still_opens_after_vacuum(database: Database, db_path: Path) -> None:
    from db.session import open_database

    cid = _citizen(database, 1, dt.date(2024, 1, 1))
    delete_citizen(database, cid)
    database.close()
    reopened = open_database(db_path, PASSPHRASE)
    try:
        assert reopened.integrity_check()
    finally:
        reopened.close()


def test_the_list_to_delete_from_names_each_citizen(database: Database) -> None:
    today = dt.date(2025, 3, 10)
    _citizen(database, 1)  # open
    later = create_citizen(database, CitizenInput("Łucja", "Wąsik", "1505801234", forloeb_start=dt.date(2023, 1, 1)))
    close_case(database, later, Outcome.FLEKSJOB, dt.date(2024, 9, 1))
    first = _citizen(database, 2, dt.date(2024, 1, 31))
    assert deletion_list(database, today) == [
        ClosedCase(first, "Borger Nr2", dt.date(2024, 1, 31), Outcome.ORDINAERT_JOB, dt.date(2024, 8, 1)),
        ClosedCase(later, "Łucja Wąsik", dt.date(2024, 9, 1), Outcome.FLEKSJOB, dt.date(2025, 3, 2)),
    ]
    assert deletion_list(database, dt.date(2024, 3, 1)) == []
