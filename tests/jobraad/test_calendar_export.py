"""The caseload's dates as an .ics file, re-read with icalendar as Outlook would
read it: which events, all-day or timed, Danish time, no CPR or notes, initials
only on request, stable UIDs, an atomic write and the audit entries."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from icalendar import Calendar, Event
from sqlalchemy import select

from db.enums import HealthNoteKind, JournalKind, MeetingKind, Outcome, VisitationGroup
from db.errors import StorageError, UserFacingError
from db.models import AuditEntry, HealthNote
from db.session import Database
from jobraad import audit, records
from jobraad.calendar_export import export_ics, initials
from jobraad.citizens import CitizenInput, close_case, create_citizen
from jobraad.records import DeadlineInput, JournalInput, MeetingInput
from jobraad.visitation import deadline_date

D = dt.date
T = dt.datetime
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


def by_summary(path: Path) -> dict[str, Event]:
    found = {str(e["SUMMARY"]): e for e in events(path)}
    assert len(found) == len(events(path)), "two events with the same summary"
    return found


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
            "Frist: 13-ugers mål (gruppe 1) – Søren Ærø",
            "Frist: 52-ugers mål (gruppe 1) – Søren Ærø",
            "Samtale – Søren Ærø",
            "Påmindelse: Ring til egen læge – Søren Ærø",
            "Frist: 23-ugers mål (gruppe 3) – Agnieszka Wąsik",
            "Rehabiliteringsteam – Agnieszka Wąsik",
        ]
    )
    text = unfolded(path)
    assert "Lukket" not in text and "Bent" not in text  # the closed case
    assert "Book tolk" not in text  # a reminder already done
    assert "20260220" not in text  # a meeting already held


def test_deadlines_are_all_day_and_meetings_one_hour_in_danish_time(
    database: Database, caseload: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "jobraad.ics"
    export_ics(database, path, TODAY)
    found = by_summary(path)

    for summary, day in [
        ("Frist: 13-ugers mål (gruppe 1) – Søren Ærø", deadline_date(G1_START, 13)),
        ("Frist: 52-ugers mål (gruppe 1) – Søren Ærø", deadline_date(G1_START, 52)),
        ("Frist: 23-ugers mål (gruppe 3) – Agnieszka Wąsik", deadline_date(G3_START, 23)),
        ("Påmindelse: Ring til egen læge – Søren Ærø", D(2026, 3, 6)),
    ]:
        start, end = found[summary].decoded("DTSTART"), found[summary].decoded("DTEND")
        assert type(start) is dt.date and start == day, summary
        assert type(end) is dt.date and end == day + dt.timedelta(days=1), summary
        assert str(found[summary]["TRANSP"]) == "TRANSPARENT"
    assert deadline_date(G1_START, 13) == D(2026, 4, 8)

    winter = found["Samtale – Søren Ærø"]
    start, end = winter.decoded("DTSTART"), winter.decoded("DTEND")
    assert isinstance(start, dt.datetime) and start.tzinfo is not None
    assert (start.replace(tzinfo=None), end - start) == (T(2026, 3, 10, 10, 0), dt.timedelta(hours=1))
    assert start.utcoffset() == dt.timedelta(hours=1)
    assert str(winter["LOCATION"]) == "Jobcenter Nørrebro"

    summer = found["Rehabiliteringsteam – Agnieszka Wąsik"].decoded("DTSTART")
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
        assert {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"} <= set(event)


def test_the_file_holds_no_cpr_and_no_notes(database: Database, caseload: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / "jobraad.ics"
    export_ics(database, path, TODAY)
    raw = path.read_bytes()
    text = unfolded(path)

    for _, _, cpr in (SOEREN, AGNIESZKA, CLOSED):
        digits = cpr.replace("-", "")
        assert digits.encode() not in raw and digits not in text
        assert cpr not in text
        assert digits not in text.replace("-", "").replace("\r\n", "")
    for secret in ("ryggen", "medicin", "depression", "Journaltekst", "Diabetes"):
        assert secret not in text


def test_a_cpr_typed_into_a_reminder_is_not_exported(
    database: Database, caseload: dict[str, int], tmp_path: Path
) -> None:
    records.add_deadline(database, caseload["soeren"], DeadlineInput(D(2026, 3, 9), "Tjek 0101701234 og 020265-2345"))
    path = tmp_path / "jobraad.ics"

    export_ics(database, path, TODAY)

    text = unfolded(path)
    assert "0101701234" not in text and "020265-2345" not in text
    assert "Påmindelse: Tjek xxxxxx-xxxx og xxxxxx-xxxx – Søren Ærø" in by_summary(path)


def test_with_names_off_only_initials(database: Database, caseload: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / "jobraad.ics"

    written = export_ics(database, path, TODAY, names=False)

    assert written == 6
    text = unfolded(path)
    for name in ("Søren", "Ærø", "Agnieszka", "Wąsik", "Wasik"):
        assert name not in text
        assert name.encode() not in path.read_bytes()
    assert sorted(by_summary(path)) == sorted(
        [
            "Frist: 13-ugers mål (gruppe 1) – S.Æ.",
            "Frist: 52-ugers mål (gruppe 1) – S.Æ.",
            "Samtale – S.Æ.",
            "Påmindelse: Ring til egen læge – S.Æ.",
            "Frist: 23-ugers mål (gruppe 3) – A.W.",
            "Rehabiliteringsteam – A.W.",
        ]
    )


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [("Søren", "Ærø", "S.Æ."), ("anna-marie", "bo", "A.M.B."), ("Nguyễn Văn", "An", "N.V.A."), ("Ib", "", "I.")],
)
def test_initials(first: str, last: str, expected: str) -> None:
    assert initials(first, last) == expected


def test_the_missing_goals_are_in_the_description(database: Database, caseload: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / "jobraad.ics"
    export_ics(database, path, TODAY)
    found = by_summary(path)

    assert str(found["Frist: 52-ugers mål (gruppe 1) – Søren Ærø"]["DESCRIPTION"]) == (
        "Mangler job – ellers revurdér gruppe"
    )
    assert (
        str(found["Frist: 23-ugers mål (gruppe 3) – Agnieszka Wąsik"]["DESCRIPTION"])
        == "Mangler forelæggelse for rehabiliteringsteamet og afgørelse"
    )


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
    assert "Frist: 23-ugers mål (gruppe 3) – Agnieszka Wąsik" not in by_summary(path)
    assert "Rehabiliteringsteam – Agnieszka Wąsik" in by_summary(path)


def test_uids_are_unique_and_stable(database: Database, caseload: dict[str, int], tmp_path: Path) -> None:
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    export_ics(database, first, TODAY)
    export_ics(database, second, TODAY)

    uids = [str(e["UID"]) for e in events(first)]
    assert len(set(uids)) == len(uids) == 6
    assert sorted(uids) == sorted(str(e["UID"]) for e in events(second))
    assert all(uid.endswith("@jobraad") for uid in uids)
    soeren = caseload["soeren"]
    assert f"gruppe-{soeren}-13_uger-20260408@jobraad" in uids


def test_a_moved_meeting_keeps_its_uid(database: Database, caseload: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / "jobraad.ics"
    export_ics(database, path, TODAY)
    before = {str(e["SUMMARY"]): str(e["UID"]) for e in events(path)}
    meeting = next(m for m in records.list_meetings(database, caseload["soeren"]) if m.starts_at > T(2026, 3, 1))
    records.update_meeting(database, meeting.meeting_id, MeetingInput(MeetingKind.SAMTALE, T(2026, 3, 12, 14, 0)))

    export_ics(database, path, TODAY, replace=True)

    event = by_summary(path)["Samtale – Søren Ærø"]
    assert str(event["UID"]) == before["Samtale – Søren Ærø"]
    assert event.decoded("DTSTART").replace(tzinfo=None) == T(2026, 3, 12, 14, 0)


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

    assert list(by_summary(path)) == ["Samtale – Søren Ærø"]


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
