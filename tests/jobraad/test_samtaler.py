"""Samtaler: the interval per rule pack and group (data), when the next samtale is due, a held
samtale against an udeblivelse, the "Samtale senest …" item in the caseload and the Overblik, and
every refusal in Danish with nothing stored."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from db.enums import MeetingKind, NoShowFollowUp, Outcome, SamtaleAttendance, VisitationGroup
from db.models import Citizen, Meeting
from db.session import Database
from jobraad import samtaler
from jobraad.caseload import due_items
from jobraad.citizens import CitizenInput, close_case, create_citizen
from jobraad.errors import UserFacingError
from jobraad.overview import load_overview, opens
from jobraad.rule_files import RuleFileError
from jobraad.rulepacks import builtin_packs
from jobraad.samtaler import SamtaleInput, add_samtale, parse_rules, samtale_schedule, update_samtale
from jobraad.visitation import DueKind, DueTarget, Urgency
from tests.helpers import audit_log, fields, new_audit, refused

TODAY = dt.date(2026, 12, 5)
START = dt.date(2026, 3, 2)  # the current forløb
CPR = "010170-1234"
HELD = SamtaleAttendance.AFHOLDT
MISSED = SamtaleAttendance.UDEBLEVET


def _citizen(database: Database, group: VisitationGroup = VisitationGroup.GRUPPE_2, pack: str = "") -> int:
    citizen_id = create_citizen(
        database,
        CitizenInput(first_name="Søren", last_name="Ærø", cpr=CPR, group=group, forloeb_start=START),
        today=TODAY,
    )
    if pack:
        with database.transaction() as session:
            session.execute(update(Citizen).where(Citizen.id == citizen_id).values(rule_pack=pack))
    return citizen_id


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0))


def _samtale_items(database: Database, citizen_id: int, today: dt.date = TODAY) -> list[tuple[dt.date, str]]:
    with database.reading() as session:
        items = due_items(session, today).get(citizen_id, ())
    return [(i.due_on, i.title) for i in items if i.kind is DueKind.SAMTALE]


# --- the data ------------------------------------------------------------------------------------------------


def test_every_shipped_pack_has_an_interval_for_every_group_with_its_paragraph() -> None:
    rules = samtaler.load_rules()
    for pack in builtin_packs():
        for group in VisitationGroup:
            interval = rules.interval(pack.id, group)
            assert interval is not None, (pack.id, group)
            assert interval.paragraph and interval.source
            assert 1 <= interval.weeks <= 52


def test_the_2026_reform_changed_the_interval_and_nothing_unconfirmed_claims_to_be_confirmed() -> None:
    rules = samtaler.load_rules()
    before = rules.interval("bek47_2026", VisitationGroup.GRUPPE_1)
    after = rules.interval("l1750_2026", VisitationGroup.GRUPPE_1)
    assert before is not None and after is not None
    assert (before.weeks, after.weeks) == (6, 8)
    assert "§ 31, stk. 3" in before.paragraph
    assert "1750" in after.paragraph
    # The law sets no fixed interval after the first 6 months (LAB § 32): every interval is a reading.
    assert all(i.provisional for i in rules.intervals.values())


_TWO_PACKS = """
format = 1
[[intervals]]
pack = "a"
groups = ["gruppe_1", "fleksjobvisiteret"]
weeks = 4
paragraph = "§ 1"
source = "kilde"
status = "bekræftet"
[[intervals]]
pack = "a"
groups = ["gruppe_2", "gruppe_3", "gruppe_4"]
weeks = 13
paragraph = "§ 2"
source = "kilde"
status = "foreløbig"
[[intervals]]
pack = "b"
groups = ["gruppe_1", "gruppe_2", "gruppe_3", "gruppe_4", "fleksjobvisiteret"]
weeks = 9
paragraph = "§ 3"
source = "kilde"
status = "bekræftet"
"""


def test_the_interval_is_per_pack_and_per_group() -> None:
    rules = parse_rules(_TWO_PACKS, packs=["a", "b"])
    a1 = rules.interval("a", VisitationGroup.GRUPPE_1)
    a3 = rules.interval("a", VisitationGroup.GRUPPE_3)
    b3 = rules.interval("b", VisitationGroup.GRUPPE_3)
    assert a1 is not None and a3 is not None and b3 is not None
    assert (a1.weeks, a1.paragraph, a1.provisional) == (4, "§ 1", False)
    assert (a3.weeks, a3.paragraph, a3.provisional) == (13, "§ 2", True)
    assert b3.weeks == 9
    # The due date follows the group's interval.
    start = dt.date(2026, 1, 5)
    a1_item = samtaler.due_item(a1, None, None, start)
    a3_item = samtaler.due_item(a3, None, None, start)
    assert a1_item is not None and a3_item is not None
    assert (a1_item.due_on, a3_item.due_on) == (dt.date(2026, 2, 2), dt.date(2026, 4, 6))
    assert a1_item.title == "Samtale senest 02-02-2026"
    assert a3_item.title == "Samtale senest 06-04-2026 – foreløbig"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (_TWO_PACKS.replace('"fleksjobvisiteret"]\nweeks = 4', '"gruppe_9"]\nweeks = 4'), "ukendt gruppe «gruppe_9»"),
        (
            _TWO_PACKS.replace('groups = ["gruppe_2", "gruppe_3", "gruppe_4"]', 'groups = ["gruppe_2", "gruppe_1"]'),
            "to gange",
        ),
        (
            _TWO_PACKS.replace('groups = ["gruppe_2", "gruppe_3", "gruppe_4"]', 'groups = ["gruppe_2"]'),
            "mangler et interval",
        ),
        (_TWO_PACKS.replace("weeks = 9", "weeks = 0"), "mellem 1 og 52"),
        (_TWO_PACKS.replace('pack = "b"', 'pack = "c"'), "ukendt værdi «c»"),
        (_TWO_PACKS.replace('paragraph = "§ 3"\n', ""), "«paragraph» mangler"),
    ],
)
def test_a_wrong_file_is_refused_whole_with_a_danish_message(text: str, problem: str) -> None:
    with pytest.raises(RuleFileError) as info:
        parse_rules(text, packs=["a", "b"])
    assert problem in info.value.message
    assert info.value.message.startswith("Regelfilen samtaler.toml")


# --- the schedule --------------------------------------------------------------------------------------------


def test_last_samtale_1_july_and_none_planned_gives_an_overdue_item(database: Database) -> None:
    """The issue's case: last samtale 1 July, none planned; before, no item at all."""
    citizen_id = _citizen(database, pack="bek47_2026")
    add_samtale(database, citizen_id, SamtaleInput(_at(dt.date(2026, 7, 1)), HELD), today=TODAY)
    assert _samtale_items(database, citizen_id) == [(dt.date(2026, 8, 12), "Samtale senest 12-08-2026 – foreløbig")]
    overview = load_overview(database, TODAY)
    (person,) = [c for c in overview.sections[Urgency.OVERDUE] if c.citizen_id == citizen_id]
    (line,) = [i for i in person.items if i.kind is DueKind.SAMTALE]
    assert line.title.startswith("Samtale senest 12-08-2026")
    assert line.target == "samtaler"


def test_a_past_samtale_not_recorded_counts_as_held(database: Database) -> None:
    """Meetings from before 0004 have no fremmøde: the 1 July case without a record is the same."""
    citizen_id = _citizen(database, pack="bek47_2026")
    with database.transaction() as session:
        session.add(Meeting(citizen_id=citizen_id, kind=MeetingKind.SAMTALE, starts_at=_at(dt.date(2026, 7, 1))))
    assert [d for d, _ in _samtale_items(database, citizen_id)] == [dt.date(2026, 8, 12)]


def test_the_interval_follows_the_case_pack_and_today_s_pack_when_none_is_recorded(database: Database) -> None:
    citizen_id = _citizen(database)  # no pack recorded: today's (l1750_2026, 8 weeks)
    add_samtale(database, citizen_id, SamtaleInput(_at(dt.date(2026, 10, 1)), HELD), today=TODAY)
    assert [d for d, _ in _samtale_items(database, citizen_id)] == [dt.date(2026, 11, 26)]
    with database.transaction() as session:
        session.execute(update(Citizen).values(rule_pack="bek2408_2021"))
    assert [d for d, _ in _samtale_items(database, citizen_id)] == [dt.date(2026, 11, 12)]


def test_with_no_samtale_the_first_is_due_an_interval_after_the_forloeb_started(database: Database) -> None:
    citizen_id = _citizen(database, pack="bek47_2026")
    assert [d for d, _ in _samtale_items(database, citizen_id)] == [START + dt.timedelta(weeks=6)]


def test_an_udeblivelse_is_no_samtale_the_due_date_stays(database: Database) -> None:
    citizen_id = _citizen(database, pack="bek47_2026")
    add_samtale(database, citizen_id, SamtaleInput(_at(dt.date(2026, 10, 1)), HELD), today=TODAY)
    held_due = _samtale_items(database, citizen_id)
    add_samtale(
        database,
        citizen_id,
        SamtaleInput(_at(dt.date(2026, 11, 10)), MISSED, NoShowFollowUp.PARTSHOERING, "Partshøringsbrev sendt"),
        today=TODAY,
    )
    assert (
        _samtale_items(database, citizen_id)
        == held_due
        == [(dt.date(2026, 11, 12), "Samtale senest 12-11-2026 – foreløbig")]
    )
    # A samtale held after the udeblivelse moves the date on.
    add_samtale(database, citizen_id, SamtaleInput(_at(dt.date(2026, 11, 20)), HELD), today=TODAY)
    assert [d for d, _ in _samtale_items(database, citizen_id)] == [dt.date(2027, 1, 1)]
    schedule = samtale_schedule(database, citizen_id, TODAY)
    assert schedule.last_held == dt.date(2026, 11, 20)
    assert schedule.no_shows == 1
    missed = [v for v in schedule.samtaler if v.attendance is MISSED]
    assert [(v.starts_at.date(), v.followed) for v in missed] == [
        (dt.date(2026, 11, 10), "Partshøring om sanktion: Partshøringsbrev sendt")
    ]


def test_a_samtale_planned_in_time_closes_the_item_one_planned_late_is_named(database: Database) -> None:
    citizen_id = _citizen(database, pack="bek47_2026")
    add_samtale(database, citizen_id, SamtaleInput(_at(dt.date(2026, 11, 1)), HELD), today=TODAY)
    late = add_samtale(database, citizen_id, SamtaleInput(_at(dt.date(2027, 1, 8)), None), today=TODAY)
    assert _samtale_items(database, citizen_id) == [
        (dt.date(2026, 12, 13), "Samtale senest 13-12-2026 (planlagt 08-01-2027) – foreløbig")
    ]
    update_samtale(database, late, SamtaleInput(_at(dt.date(2026, 12, 10)), None), today=TODAY)
    assert _samtale_items(database, citizen_id) == []
    schedule = samtale_schedule(database, citizen_id, TODAY)
    assert schedule.due_on == dt.date(2026, 12, 13) and schedule.item is None
    assert schedule.next_planned == _at(dt.date(2026, 12, 10))


def test_a_closed_case_and_other_meeting_kinds_give_no_samtale_item(database: Database) -> None:
    citizen_id = _citizen(database, pack="bek47_2026")
    with database.transaction() as session:
        session.add(
            Meeting(citizen_id=citizen_id, kind=MeetingKind.TREPARTSSAMTALE, starts_at=_at(dt.date(2026, 11, 30)))
        )
    # A 3-partssamtale is no samtale of the schedule: the due date still counts from the forløb start.
    assert [d for d, _ in _samtale_items(database, citizen_id)] == [START + dt.timedelta(weeks=6)]
    close_case(database, citizen_id, Outcome.ORDINAERT_JOB, TODAY)
    assert _samtale_items(database, citizen_id) == []
    assert samtale_schedule(database, citizen_id, TODAY).interval is None


def test_the_item_opens_the_samtaler_section() -> None:
    rules = samtaler.load_rules()
    interval = rules.interval("bek47_2026", VisitationGroup.GRUPPE_1)
    assert interval is not None
    item = samtaler.due_item(interval, dt.date(2026, 7, 1), None, START, citizen_id=7)
    assert item is not None
    assert (item.kind, item.target, item.citizen_id) == (DueKind.SAMTALE, DueTarget.SAMTALER, 7)
    assert opens(item) == "samtaler"


def test_the_caseload_reads_the_schedule_of_many_citizens_in_one_query(database: Database) -> None:
    """Set-based: the number of statements does not grow with the caseload."""
    from sqlalchemy import event

    ids = [
        create_citizen(
            database,
            CitizenInput(first_name="A", last_name=str(n), cpr=f"0101{70 + n:02d}-1234", forloeb_start=START),
            today=TODAY,
        )
        for n in range(5)
    ]
    for citizen_id in ids:
        add_samtale(database, citizen_id, SamtaleInput(_at(dt.date(2026, 7, 1)), HELD), today=TODAY)
    statements: list[str] = []
    with database.reading() as session:
        event.listen(session.connection(), "before_cursor_execute", lambda *a: statements.append(a[2]))
        from jobraad import bulk

        current = bulk.current_forloeb(session)
        before = len(statements)
        items = samtaler.samtale_due_items(session, TODAY, None, {}, current)
    assert len(statements) - before == 1
    assert {i.citizen_id for i in items} == set(ids)


# --- recording and refusals ----------------------------------------------------------------------------------


def test_recording_stores_fremmoede_and_what_followed_and_logs_no_content(database: Database) -> None:
    citizen_id = _citizen(database)
    before = len(audit_log(database))
    meeting_id = add_samtale(
        database,
        citizen_id,
        SamtaleInput(_at(dt.date(2026, 12, 1)), MISSED, NoShowFollowUp.ANDET, "Ringet op, ny tid aftalt", "Jobcentret"),
        today=TODAY,
    )
    with database.reading() as session:
        m = session.scalars(select(Meeting).where(Meeting.id == meeting_id)).one()
        assert (m.kind, m.attendance, m.follow_up, m.follow_up_note, m.location) == (
            MeetingKind.SAMTALE,
            MISSED,
            NoShowFollowUp.ANDET,
            "Ringet op, ny tid aftalt",
            "Jobcentret",
        )
    update_samtale(database, meeting_id, SamtaleInput(_at(dt.date(2026, 12, 1)), HELD), today=TODAY)
    with database.reading() as session:
        m = session.get_one(Meeting, meeting_id)
        assert (m.attendance, m.follow_up, m.follow_up_note) == (HELD, None, "")
    assert new_audit(database, before) == [("aendring", citizen_id, "udeblivelse"), ("aendring", citizen_id, "samtale")]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (SamtaleInput(None, HELD), "dato", "Samtalen skal have en dato og et klokkeslæt."),
        (
            SamtaleInput(_at(dt.date(2026, 12, 8)), HELD),
            "fremmøde",
            "En samtale 08-12-2026 kan ikke være afholdt endnu.",
        ),
        (SamtaleInput(_at(dt.date(2026, 12, 1)), MISSED), "fulgte", "Vælg, hvad der fulgte af udeblivelsen."),
        (
            SamtaleInput(_at(dt.date(2026, 12, 1)), MISSED, NoShowFollowUp.ANDET, "  "),
            "fulgte",
            "Skriv, hvad der fulgte af udeblivelsen.",
        ),
        (
            SamtaleInput(_at(dt.date(2026, 12, 1)), HELD, NoShowFollowUp.SANKTION),
            "fulgte",
            "Kun en udeblivelse har noget, der fulgte.",
        ),
        (SamtaleInput(_at(dt.date(2026, 12, 1)), HELD, location="x" * 201), "sted", "Højst 200 tegn."),
    ],
)
def test_bad_input_is_refused_in_danish_and_nothing_is_saved(
    database: Database, data: SamtaleInput, field: str, message: str
) -> None:
    citizen_id = _citizen(database)
    err = refused(database, lambda: add_samtale(database, citizen_id, data, today=TODAY))
    assert fields(err) == [field]
    assert err.problems[0].message.startswith(message)
    assert err.message.startswith("Samtalen er ikke gemt:")


def test_a_refused_change_keeps_the_samtale_as_it_was(database: Database) -> None:
    citizen_id = _citizen(database)
    meeting_id = add_samtale(database, citizen_id, SamtaleInput(_at(dt.date(2026, 12, 1)), HELD), today=TODAY)
    err = refused(
        database,
        lambda: update_samtale(database, meeting_id, SamtaleInput(_at(dt.date(2026, 12, 1)), MISSED), today=TODAY),
    )
    assert err.message.startswith("Ændringerne er ikke gemt:")


def test_only_a_samtale_can_be_recorded_here(database: Database) -> None:
    citizen_id = _citizen(database)
    with database.transaction() as session:
        team = Meeting(citizen_id=citizen_id, kind=MeetingKind.REHABILITERINGSTEAM, starts_at=_at(dt.date(2026, 11, 1)))
        session.add(team)
        session.flush()
        team_id = team.id
    with pytest.raises(UserFacingError) as info:
        update_samtale(database, team_id, SamtaleInput(_at(dt.date(2026, 11, 1)), HELD), today=TODAY)
    assert info.value.message == "Mødet er ikke en samtale; ret det under Møder."
