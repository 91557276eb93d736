"""The caseload's dates as an .ics file, re-read with icalendar as Outlook would
read it: which events, all-day or timed, Danish time, neutral summaries by kind
(no CPR, notes, reminder texts or places), initials only on request, UIDs stable per
item and unique per database, SEQUENCE raised when an event moves, reminders only on
request, an atomic write and the audit entries. The module's promise against a whole
demo caseload, with a second reader: test_calendar_safe.py."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
from icalendar import Calendar, Event
from sqlalchemy import select

from db.enums import DocumentState, HealthNoteKind, JournalKind, MeetingKind, Outcome, VisitationGroup
from db.errors import StorageError, UserFacingError
from db.models import AuditEntry, DocumentationItem, Forloeb, HealthNote, Setting
from db.session import Database, open_database
from jobraad import audit, records
from jobraad.calendar_export import CALENDAR_ID_SETTING, KINDS, MAX_REMINDER_MINUTES, export_ics, initials
from jobraad.caseload import due_items
from jobraad.citizens import CitizenInput, close_case, create_citizen
from jobraad.records import DeadlineInput, JournalInput, MeetingInput
from jobraad.visitation import deadline_date
from tests.conftest import PASSPHRASE

D = dt.date
T = dt.datetime
WEEK = dt.timedelta(weeks=1)
TODAY = D(2026, 3, 2)  # a Monday
G1_START = D(2026, 1, 7)  # 13 weeks: 08-04-2026, 52 weeks: 06-01-2027
G3_START = D(2026, 2, 4)  # 23 weeks: 15-07-2026

SOEREN = ("Søren", "Ærø", "010170-1234")
AGNIESZKA = ("Agnieszka", "Wąsik", "020265-2345")
CLOSED = ("Bent", "Lukket", "030360-3456")


def _citizen(database: Database, who: tuple[str, str, str], group: VisitationGroup, start: dt.date) -> int:
    first, last, cpr = who
    return create_citizen(
        database, CitizenInput(first_name=first, last_name=last, cpr=cpr, group=group, forloeb_start=start)
    )


@pytest.fixture
def caseload(database: Database) -> dict[str, int]:
    """Two active citizens with dates, and a closed one whose dates must not appear."""
    soeren = _citizen(database, SOEREN, VisitationGroup.GRUPPE_1, G1_START)
    agnieszka = _citizen(database, AGNIESZKA, VisitationGroup.GRUPPE_3, G3_START)
    closed = _citizen(database, CLOSED, VisitationGroup.GRUPPE_2, G1_START)

    records.add_meeting(
        database,
        soeren,
        MeetingInput(MeetingKind.SAMTALE, T(2026, 3, 10, 10, 0), "Jobcenter Nørrebro", "Talte om ryggen og medicin"),
    )
    records.add_meeting(database, soeren, MeetingInput(MeetingKind.SAMTALE, T(2026, 2, 20, 9, 0)))  # past
    records.add_deadline(database, soeren, DeadlineInput(D(2026, 3, 6), "Ring til egen læge"))
    done = records.add_deadline(database, soeren, DeadlineInput(D(2026, 3, 4), "Book tolk"))
    records.set_deadline_done(database, done, D(2026, 3, 1))
    records.add_journal_note(
        database, soeren, JournalInput(JournalKind.SAMTALE, "Journaltekst om depression", T(2026, 2, 20, 9, 0))
    )
    records.add_meeting(
        database, agnieszka, MeetingInput(MeetingKind.REHABILITERINGSTEAM, T(2026, 6, 10, 13, 30), "Rådhuset")
    )
    with database.transaction() as session:
        session.add(
            HealthNote(
                citizen_id=agnieszka,
                note_date=D(2026, 2, 10),
                kind=HealthNoteKind.HELBREDSGENNEMGANG,
                conditions="Diabetes type 2",
            )
        )

    records.add_meeting(database, closed, MeetingInput(MeetingKind.SAMTALE, T(2026, 3, 11, 10, 0)))
    records.add_deadline(database, closed, DeadlineInput(D(2026, 3, 12), "Lukket sags påmindelse"))
    close_case(database, closed, Outcome.ORDINAERT_JOB, D(2026, 2, 27))
    return {"soeren": soeren, "agnieszka": agnieszka, "closed": closed}


def unfolded(path: Path) -> str:
    """The file's text with folded lines joined, so no word hides across a line break."""
    return path.read_bytes().decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")


def events(path: Path) -> list[Event]:
    calendar = Calendar.from_ical(path.read_bytes())
    return [c for c in calendar.walk("VEVENT")]


def by_summary(path: Path) -> dict[tuple[str, dt.date], Event]:
    """The events by summary and the day they start (kinds repeat, the day tells them apart)."""

    def day(event: Event) -> dt.date:
        start = event.decoded("DTSTART")
        return start.date() if isinstance(start, dt.datetime) else start

    found = {(str(e["SUMMARY"]), day(e)): e for e in events(path)}
    assert len(found) == len(events(path)), "two events with the same summary on the same day"
    return found


def summaries(path: Path) -> list[str]:
    return sorted(str(e["SUMMARY"]) for e in events(path))


def export_entries(database: Database) -> list[tuple[int | None, str]]:
    with database.reading() as session:
        return [
            (e.citizen_id, e.detail)
            for e in session.scalars(
                select(AuditEntry).where(AuditEntry.action == audit.Action.EXPORT).order_by(AuditEntry.id)
            )
        ]


# --- what is in the file ------------------------------------------------------------


def test_the_active_caseloads_dates_become_events(database: Database, caseload: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / "jobraad.ics"

    written = export_ics(database, path, TODAY)

    assert written == 6
    assert len(events(path)) == 6
    assert sorted(by_summary(path)) == sorted(
        [
            ("Frist: gruppe – Søren Ærø", D(2026, 4, 8)),
            ("Frist: gruppe – Søren Ærø", D(2027, 1, 6)),
            ("Samtale – Søren Ærø", D(2026, 3, 10)),
            ("Påmindelse – Søren Ærø", D(2026, 3, 6)),
            ("Frist: gruppe – Agnieszka Wąsik", D(2026, 7, 15)),
            ("Møde med teamet – Agnieszka Wąsik", D(2026, 6, 10)),
        ]
    )
    text = unfolded(path)
    assert "Lukket" not in text and "Bent" not in text  # the closed case
    assert "20260220" not in text  # a meeting already held
    assert "20260304" not in text  # a reminder already done


def test_deadlines_are_all_day_and_meetings_one_hour_in_danish_time(
    database: Database, caseload: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "jobraad.ics"
    export_ics(database, path, TODAY)
    found = by_summary(path)

    for summary, day in [
        ("Frist: gruppe – Søren Ærø", deadline_date(G1_START, 13)),
        ("Frist: gruppe – Søren Ærø", deadline_date(G1_START, 52)),
        ("Frist: gruppe – Agnieszka Wąsik", deadline_date(G3_START, 23)),
        ("Påmindelse – Søren Ærø", D(2026, 3, 6)),
    ]:
        event = found[(summary, day)]
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is dt.date and start == day, summary
        assert type(end) is dt.date and end == day + dt.timedelta(days=1), summary
        assert str(event["TRANSP"]) == "TRANSPARENT"
    assert deadline_date(G1_START, 13) == D(2026, 4, 8)

    winter = found[("Samtale – Søren Ærø", D(2026, 3, 10))]
    start, end = winter.decoded("DTSTART"), winter.decoded("DTEND")
    assert isinstance(start, dt.datetime) and start.tzinfo is not None
    assert (start.replace(tzinfo=None), end - start) == (T(2026, 3, 10, 10, 0), dt.timedelta(hours=1))
    assert start.utcoffset() == dt.timedelta(hours=1)

    summer = found[("Møde med teamet – Agnieszka Wąsik", D(2026, 6, 10))].decoded("DTSTART")
    assert summer.replace(tzinfo=None) == T(2026, 6, 10, 13, 30)
    assert summer.utcoffset() == dt.timedelta(hours=2)  # sommertid
    assert summer.astimezone(dt.UTC) == T(2026, 6, 10, 11, 30, tzinfo=dt.UTC)

    text = unfolded(path)
    assert "DTSTART;TZID=Europe/Copenhagen:20260310T100000" in text
    assert "DTEND;TZID=Europe/Copenhagen:20260310T110000" in text
    assert "DTSTART;VALUE=DATE:20260408" in text


def test_the_calendar_is_one_outlook_accepts(database: Database, caseload: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / "jobraad.ics"
    export_ics(database, path, TODAY)
    raw = path.read_bytes()
    calendar = Calendar.from_ical(raw)

    assert str(calendar["PRODID"]) == "-//jobraad//DA"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # RFC 5545 folding, in octets
    for event in events(path):
        assert {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE"} <= set(event)


def test_the_file_holds_no_cpr_no_notes_no_places_and_no_reminder_texts(
    database: Database, caseload: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "jobraad.ics"
    export_ics(database, path, TODAY)
    raw = path.read_bytes()
    text = unfolded(path)

    for _, _, cpr in (SOEREN, AGNIESZKA, CLOSED):
        digits = cpr.replace("-", "")
        assert digits.encode() not in raw and digits not in text
        assert cpr not in text
        assert digits not in text.replace("-", "").replace("\r\n", "")
    for secret in ("ryggen", "medicin", "depression", "Journaltekst", "Diabetes", "egen læge", "Nørrebro", "Rådhuset"):
        assert secret not in text
    assert "Rehabiliteringsteam" not in text  # the meeting's kind says "teamet", not which team
    for event in events(path):
        assert set(event) & {"DESCRIPTION", "LOCATION", "COMMENT", "ATTENDEE", "CATEGORIES"} == set()


def test_a_cpr_typed_into_a_reminder_is_not_exported(
    database: Database, caseload: dict[str, int], tmp_path: Path
) -> None:
    records.add_deadline(database, caseload["soeren"], DeadlineInput(D(2026, 3, 9), "Tjek 0101701234 og 020265-2345"))
    path = tmp_path / "jobraad.ics"

    export_ics(database, path, TODAY)

    text = unfolded(path)
    assert "0101701234" not in text and "020265-2345" not in text and "Tjek" not in text
    assert ("Påmindelse – Søren Ærø", D(2026, 3, 9)) in by_summary(path)


def test_an_overdue_documentation_request_is_a_neutral_deadline(
    database: Database, caseload: dict[str, int], tmp_path: Path
) -> None:
    with database.transaction() as session:
        request = DocumentationItem(
            citizen_id=caseload["agnieszka"],
            item_key="lae265",
            state=DocumentState.ANMODET,
            requested_on=D(2026, 1, 20),
            requested_from="Speciallæge i psykiatri Maria Holst",
            expected_by=D(2026, 2, 20),
        )
        session.add(request)
        session.flush()
        item = request.id
    path = tmp_path / "jobraad.ics"

    with database.reading() as session:  # the rule still calls it overdue, in its words
        [due] = [d for d in due_items(session, TODAY)[caseload["agnieszka"]] if d.kind == "dokumentation"]
    assert "Maria Holst" in due.title and "LÆ 265" in due.title

    export_ics(database, path, TODAY, names=False)

    found = by_summary(path)
    assert ("Frist: dokumentation – A.W.", due.due_on) in found
    uid = str(found[("Frist: dokumentation – A.W.", due.due_on)]["UID"])
    assert uid.startswith(f"dokumentation-{item}.")
    text = unfolded(path)
    for needle in ("LÆ", "læge", "Læge", "Holst", "psykiatri", "Svar mangler"):
        assert needle not in text


def test_with_names_off_only_initials(database: Database, caseload: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / "jobraad.ics"

    written = export_ics(database, path, TODAY, names=False)

    assert written == 6
    text = unfolded(path)
    for name in ("Søren", "Ærø", "Agnieszka", "Wąsik", "Wasik"):
        assert name not in text
        assert name.encode() not in path.read_bytes()
    assert summaries(path) == sorted(
        [
            "Frist: gruppe – S.Æ.",
            "Frist: gruppe – S.Æ.",
            "Samtale – S.Æ.",
            "Påmindelse – S.Æ.",
            "Frist: gruppe – A.W.",
            "Møde med teamet – A.W.",
        ]
    )


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [("Søren", "Ærø", "S.Æ."), ("anna-marie", "bo", "A.M.B."), ("Nguyễn Văn", "An", "N.V.A."), ("Ib", "", "I.")],
)
def test_initials(first: str, last: str, expected: str) -> None:
    assert initials(first, last) == expected


def test_every_meeting_kind_has_a_neutral_summary() -> None:
    assert {kind.value for kind in MeetingKind} <= set(KINDS)
    assert KINDS[MeetingKind.SUNDHEDSKOORDINATOR.value] == "Møde"
    assert all("sundhed" not in s.lower() and "rehab" not in s.lower() for s in KINDS.values())


def test_a_reached_goal_removes_its_deadline_from_the_calendar(
    database: Database, caseload: dict[str, int], tmp_path: Path
) -> None:
    # Reaching a goal is checked against the real today, which lies after G3_START. Gruppe 3's
    # deadline needs both: forelagt the rehabiliteringsteam and afgjort.
    records.set_goal_reached(database, caseload["agnieszka"], "rehab_forelagt", dt.date.today())
    records.set_goal_reached(database, caseload["agnieszka"], "rehab_afgjort", dt.date.today())
    path = tmp_path / "jobraad.ics"

    written = export_ics(database, path, TODAY)

    assert written == 5
    assert ("Frist: gruppe – Agnieszka Wąsik", D(2026, 7, 15)) not in by_summary(path)
    assert ("Møde med teamet – Agnieszka Wąsik", D(2026, 6, 10)) in by_summary(path)


# --- UIDs and SEQUENCE ---------------------------------------------------------------------


def uid_sequence(path: Path) -> dict[str, tuple[dt.date, int]]:
    """UID → (the day it starts, SEQUENCE); one event per UID."""
    found: dict[str, tuple[dt.date, int]] = {}
    for event in events(path):
        start = event.decoded("DTSTART")
        uid = str(event["UID"])
        assert uid not in found, uid
        found[uid] = (start.date() if isinstance(start, dt.datetime) else start, int(event["SEQUENCE"]))
    return found


def test_uids_are_unique_stable_and_carry_the_databases_calendar_id(
    database: Database, caseload: dict[str, int], tmp_path: Path
) -> None:
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    export_ics(database, first, TODAY)
    export_ics(database, second, TODAY, names=False)

    uids = [str(e["UID"]) for e in events(first)]
    assert len(set(uids)) == len(uids) == 6
    assert sorted(uids) == sorted(str(e["UID"]) for e in events(second))
    with database.reading() as session:
        setting = session.get(Setting, CALENDAR_ID_SETTING)
        assert setting is not None
        calendar_id = json.loads(setting.value)
    assert len(calendar_id) == 16
    assert all(uid.endswith(f".{calendar_id}@jobraad") for uid in uids)
    soeren = caseload["soeren"]
    assert f"gruppe-c{soeren}-13_uger.{calendar_id}@jobraad" in uids
    assert not any(uid.startswith(f"moede-{n}@") for uid in uids for n in range(10))  # no bare row numbers


def test_a_moved_meeting_keeps_its_uid_and_raises_its_sequence(
    database: Database, caseload: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "jobraad.ics"
    export_ics(database, path, TODAY)
    before = uid_sequence(path)
    meeting = next(m for m in records.list_meetings(database, caseload["soeren"]) if m.starts_at > T(2026, 3, 1))
    records.update_meeting(database, meeting.meeting_id, MeetingInput(MeetingKind.SAMTALE, T(2026, 3, 12, 14, 0)))

    export_ics(database, path, TODAY, replace=True)

    after = uid_sequence(path)
    assert set(after) == set(before)
    [moved] = [uid for uid in after if after[uid] != before[uid]]
    assert moved.startswith(f"moede-{meeting.meeting_id}.")
    assert before[moved] == (D(2026, 3, 10), 0)
    assert after[moved] == (D(2026, 3, 12), 1)
    event = by_summary(path)[("Samtale – Søren Ærø", D(2026, 3, 12))]
    assert event.decoded("DTSTART").replace(tzinfo=None) == T(2026, 3, 12, 14, 0)
    assert "20260310" not in unfolded(path)  # the old date is gone


def test_a_moved_reminder_and_a_moved_group_deadline_keep_their_uids(
    database: Database, caseload: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "jobraad.ics"
    export_ics(database, path, TODAY)
    before = uid_sequence(path)
    [reminder] = [d for d in records.list_deadlines(database, caseload["soeren"]) if d.done_on is None]
    records.update_deadline(database, reminder.deadline_id, DeadlineInput(D(2026, 3, 13), "Ring til egen læge"))
    # The forløb's start a week later (no form edits it yet): both group deadlines move with it.
    with database.transaction() as session:
        forloeb = session.scalars(select(Forloeb).where(Forloeb.citizen_id == caseload["soeren"])).one()
        forloeb.start_date = G1_START + WEEK
    export_ics(database, path, TODAY, replace=True)
    once = uid_sequence(path)
    export_ics(database, path, TODAY, replace=True)  # nothing changed: nothing raised

    again = uid_sequence(path)
    assert again == once
    assert set(once) == set(before)
    changed = {uid: (before[uid], once[uid]) for uid in once if once[uid] != before[uid]}
    suffix = uid_suffix(path)
    soeren = caseload["soeren"]
    assert changed == {
        f"paamindelse-{reminder.deadline_id}.{suffix}@jobraad": ((D(2026, 3, 6), 0), (D(2026, 3, 13), 1)),
        f"gruppe-c{soeren}-13_uger.{suffix}@jobraad": ((D(2026, 4, 8), 0), (D(2026, 4, 15), 1)),
        f"gruppe-c{soeren}-52_uger.{suffix}@jobraad": ((D(2027, 1, 6), 0), (D(2027, 1, 13), 1)),
    }
    assert "20260408" not in unfolded(path)  # one event per UID: the old dates are gone


def test_two_databases_never_share_a_uid(
    database: Database, caseload: dict[str, int], tmp_path: Path, template_db: Path
) -> None:
    other_path = tmp_path / "kollega.jobraad"
    shutil.copyfile(template_db, other_path)
    other = open_database(other_path, PASSPHRASE)
    try:
        _citizen(other, SOEREN, VisitationGroup.GRUPPE_1, G1_START)
        _citizen(other, AGNIESZKA, VisitationGroup.GRUPPE_3, G3_START)
        export_ics(other, tmp_path / "b.ics", TODAY)
    finally:
        other.close()
    export_ics(database, tmp_path / "a.ics", TODAY)

    mine, theirs = set(uid_sequence(tmp_path / "a.ics")), set(uid_sequence(tmp_path / "b.ics"))
    assert len(theirs) == 3  # the same citizens' group deadlines, by the same row numbers
    assert {u.split(".")[0] for u in theirs} <= {u.split(".")[0] for u in mine}
    assert mine & theirs == set()


def uid_suffix(path: Path) -> str:
    """The database's calendar id, as the UIDs carry it."""
    return str(next(iter(events(path)))["UID"]).split(".", 1)[1].removesuffix("@jobraad")


# --- reminders (VALARM) ----------------------------------------------------------------------


def test_a_reminder_only_when_asked_and_as_neutral_as_the_summary(
    database: Database, caseload: dict[str, int], tmp_path: Path
) -> None:
    plain, alarmed = tmp_path / "a.ics", tmp_path / "b.ics"
    export_ics(database, plain, TODAY)
    export_ics(database, alarmed, TODAY, names=False, reminder_minutes=90)

    assert [e for e in events(plain) if e.walk("VALARM")] == []
    assert "VALARM" not in unfolded(plain)
    all_day = 0
    for event in events(alarmed):
        [alarm] = event.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY"
        start = event.decoded("DTSTART")
        if isinstance(start, dt.datetime):  # a meeting: 90 minutes before it
            assert alarm.decoded("TRIGGER") == -dt.timedelta(minutes=90)
        else:  # a deadline: 90 minutes before the working day, 06:30 on its day, not the evening before
            all_day += 1
            assert alarm.decoded("TRIGGER") == dt.timedelta(hours=6, minutes=30)
        assert str(alarm["DESCRIPTION"]) in KINDS.values()
        assert str(event["SUMMARY"]).startswith(str(alarm["DESCRIPTION"]) + " – ")
    assert all_day and all_day < len(list(events(alarmed)))  # both kinds were checked


@pytest.mark.parametrize(
    ("minutes", "alarm_at"),
    [
        (15, dt.datetime(2026, 4, 8, 7, 45)),  # 15 minutes before the working day
        (60, dt.datetime(2026, 4, 8, 7, 0)),
        (24 * 60, dt.datetime(2026, 4, 7, 8, 0)),  # "1 dag før": the morning before
    ],
)
def test_an_all_day_items_reminder_comes_before_the_working_day_on_its_day(
    database: Database, caseload: dict[str, int], tmp_path: Path, minutes: int, alarm_at: dt.datetime
) -> None:
    """The window's choices on the 13-week group deadline (08-04-2026), read back as a calendar
    program does: the event's date plus the trigger."""
    path = tmp_path / "k.ics"
    export_ics(database, path, TODAY, reminder_minutes=minutes)
    [event] = [e for e in events(path) if e.decoded("DTSTART") == D(2026, 4, 8)]
    [alarm] = event.walk("VALARM")
    start = dt.datetime.combine(event.decoded("DTSTART"), dt.time.min)
    assert start + alarm.decoded("TRIGGER") == alarm_at


@pytest.mark.parametrize("minutes", [-5, MAX_REMINDER_MINUTES + 1])
def test_a_reminder_out_of_range_is_refused_and_nothing_is_written(
    database: Database, caseload: dict[str, int], tmp_path: Path, minutes: int
) -> None:
    path = tmp_path / "jobraad.ics"
    with pytest.raises(UserFacingError, match="Påmindelsen skal være mellem 0 og 40320 minutter før"):
        export_ics(database, path, TODAY, reminder_minutes=minutes)
    assert not path.exists()
    assert export_entries(database) == []


def test_an_empty_caseload_gives_an_empty_calendar(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "tom.ics"

    assert export_ics(database, path, TODAY) == 0

    assert events(path) == []
    assert str(Calendar.from_ical(path.read_bytes())["PRODID"]) == "-//jobraad//DA"
    assert export_entries(database) == [(None, "kalender")]


def test_meetings_today_are_included_and_yesterday_not(database: Database, tmp_path: Path) -> None:
    citizen = _citizen(database, SOEREN, VisitationGroup.GRUPPE_4, G1_START)  # gruppe 4: no group deadlines
    records.add_meeting(database, citizen, MeetingInput(MeetingKind.SAMTALE, T(2026, 3, 2, 8, 0)))
    records.add_meeting(database, citizen, MeetingInput(MeetingKind.ANDET, T(2026, 3, 1, 16, 0)))
    path = tmp_path / "jobraad.ics"

    assert export_ics(database, path, TODAY) == 1

    assert list(by_summary(path)) == [("Samtale – Søren Ærø", TODAY)]


# --- audit and the atomic write ------------------------------------------------------------


def test_the_export_is_logged_without_personal_data(
    database: Database, caseload: dict[str, int], tmp_path: Path
) -> None:
    export_ics(database, tmp_path / "jobraad.ics", TODAY)

    assert export_entries(database) == [
        (None, "kalender"),
        (caseload["soeren"], "kalender"),
        (caseload["agnieszka"], "kalender"),
    ]
    with database.reading() as session:
        assert audit.verify_chain(session).ok


def test_an_existing_file_is_replaced_whole(database: Database, caseload: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / "jobraad.ics"
    path.write_bytes(b"old content that is much longer than nothing " * 1000)

    export_ics(database, path, TODAY, replace=True)

    assert len(events(path)) == 6
    assert b"old content" not in path.read_bytes()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(
    database: Database, caseload: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ud"
    folder.mkdir()
    path = folder / "jobraad.ics"
    path.write_bytes(b"the previous export")

    def no_space(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(StorageError) as info:
        export_ics(database, path, TODAY, replace=True)

    assert isinstance(info.value, UserFacingError)
    assert info.value.message == (
        "Kalenderen kunne ikke gemmes: der er ikke plads nok på disken. Frigør plads, og prøv igen. Intet er ændret."
    )
    assert path.read_bytes() == b"the previous export"
    assert sorted(p.name for p in folder.iterdir()) == ["jobraad.ics"]
    assert export_entries(database) == []  # nothing exported, nothing logged


def test_a_missing_folder_is_a_storage_error(database: Database, caseload: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / "findes-ikke" / "jobraad.ics"

    with pytest.raises(StorageError, match="Kalenderen kunne ikke gemmes: mappen findes ikke"):
        export_ics(database, path, TODAY)

    assert not path.parent.exists()
    assert export_entries(database) == []


def test_a_bug_while_writing_also_removes_the_temp(
    database: Database, caseload: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ud"
    folder.mkdir()

    def broken_fsync(_fd: int) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(RuntimeError):
        export_ics(database, folder / "jobraad.ics", TODAY)

    assert os.listdir(folder) == []
