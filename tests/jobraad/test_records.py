"""The records of a citizen's file: activities, journal, meetings, the caseworker's
own deadlines and the goals of the current forløb. What is stored, every refusal
with its Danish message, that a refusal changes nothing, and the audit entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import select

from db.enums import ActivityKind, JournalKind, MeetingKind, Outcome, VisitationGroup
from db.models import Activity, Forloeb, GoalProgress, JournalNote
from db.session import Database
from jobraad import audit, records, visitation
from jobraad.caseload import due_items
from jobraad.citizens import CitizenInput, CitizenNotFound, close_case, create_citizen
from jobraad.errors import UserFacingError
from jobraad.records import (
    ActivityInput,
    ActivityView,
    DeadlineInput,
    DeadlineView,
    JournalInput,
    JournalView,
    MeetingInput,
    MeetingView,
    RecordNotFound,
)
from tests.helpers import audit_log, fields, new_audit, refused, stored

D = dt.date
T = dt.datetime
TODAY = dt.date.today()
START = TODAY - dt.timedelta(days=40)  # the current forløb started well before today
CPR = "010170-1234"

G1_13 = ("cv", "beskaeftigelsesmaal", "virksomhedsplacering_plan", "virksomhedskontakt")


# --- helpers -------------------------------------------------------------------


def new_citizen(
    database: Database,
    first: str = "Søren",
    last: str = "Ærø",
    cpr: str = CPR,
    group: VisitationGroup = VisitationGroup.GRUPPE_1,
    start: dt.date = START,
) -> int:
    return create_citizen(
        database, CitizenInput(first_name=first, last_name=last, cpr=cpr, group=group, forloeb_start=start)
    )


@pytest.fixture
def citizen(database: Database) -> int:
    return new_citizen(database)


# --- activities ------------------------------------------------------------------


def test_an_activity_is_stored_trimmed_and_listed(database: Database, citizen: int) -> None:
    before = len(audit_log(database))
    activity_id = records.add_activity(
        database,
        citizen,
        ActivityInput(
            ActivityKind.JOBDANSK,
            "  Jobdansk modul 2 ",
            " Sprogcenter Nord ",
            D(2026, 2, 2),
            D(2026, 5, 29),
            " Bestået ",
        ),
    )

    assert records.list_activities(database, citizen) == [
        ActivityView(
            activity_id,
            ActivityKind.JOBDANSK,
            "Jobdansk modul 2",
            "Sprogcenter Nord",
            D(2026, 2, 2),
            D(2026, 5, 29),
            "Bestået",
        )
    ]
    with database.reading() as session:
        row = session.get(Activity, activity_id)
        assert row is not None
        assert (row.citizen_id, row.kind, row.title) == (citizen, ActivityKind.JOBDANSK, "Jobdansk modul 2")
    assert new_audit(database, before) == [(audit.Action.CHANGE, citizen, "aktivitet")]


def test_activities_are_listed_newest_start_first_and_undated_last(database: Database, citizen: int) -> None:
    undated = records.add_activity(database, citizen, ActivityInput(ActivityKind.ANDET, "Uden dato"))
    old = records.add_activity(database, citizen, ActivityInput(ActivityKind.FVU, "FVU", start_date=D(2025, 9, 1)))
    new = records.add_activity(database, citizen, ActivityInput(ActivityKind.AMU, "AMU", start_date=D(2026, 3, 2)))
    mid = records.add_activity(
        database, citizen, ActivityInput(ActivityKind.WORKSHOP_CV, "CV", start_date=D(2026, 1, 5))
    )

    assert [a.activity_id for a in records.list_activities(database, citizen)] == [new, mid, old, undated]


def test_activities_of_other_citizens_are_not_listed(database: Database, citizen: int) -> None:
    other = new_citizen(database, "Anna", "Berg", "020280-1234")
    records.add_activity(database, other, ActivityInput(ActivityKind.AMU, "Truckcertifikat"))

    assert records.list_activities(database, citizen) == []
    assert [a.title for a in records.list_activities(database, other)] == ["Truckcertifikat"]


def test_an_activity_ending_before_it_starts_is_refused(database: Database, citizen: int) -> None:
    data = ActivityInput(ActivityKind.AMU, "AMU", start_date=D(2026, 3, 2), end_date=D(2026, 3, 1))

    err = refused(database, lambda: records.add_activity(database, citizen, data))

    assert fields(err) == ["slutdato"]
    assert err.for_field("slutdato") == "Slutdatoen ligger før startdatoen (02-03-2026)."
    assert str(err).startswith("Aktiviteten er ikke gemt:")
    assert records.list_activities(database, citizen) == []


def test_an_activity_on_one_day_is_accepted(database: Database, citizen: int) -> None:
    day = D(2026, 3, 2)
    records.add_activity(database, citizen, ActivityInput(ActivityKind.AMU, start_date=day, end_date=day))

    assert [(a.start_date, a.end_date) for a in records.list_activities(database, citizen)] == [(day, day)]


def test_too_long_title_and_provider_are_refused_together(database: Database, citizen: int) -> None:
    data = ActivityInput(ActivityKind.AMU, "x" * 201, "y" * 250)

    err = refused(database, lambda: records.add_activity(database, citizen, data))

    assert fields(err) == ["titel", "udbyder"]
    assert err.for_field("titel") == "Højst 200 tegn (nu 201)."


def test_updating_an_activity_changes_it_and_a_refused_update_keeps_it(database: Database, citizen: int) -> None:
    activity_id = records.add_activity(
        database, citizen, ActivityInput(ActivityKind.AMU, "AMU", start_date=D(2026, 1, 5))
    )
    before = len(audit_log(database))

    records.update_activity(
        database,
        activity_id,
        ActivityInput(ActivityKind.AMU, "AMU lager", "AMU Syd", D(2026, 1, 5), D(2026, 2, 27), "Gennemført"),
    )
    bad = ActivityInput(ActivityKind.AMU, "Ændret", start_date=D(2026, 1, 5), end_date=D(2025, 12, 1))
    refused(database, lambda: records.update_activity(database, activity_id, bad))

    assert records.list_activities(database, citizen) == [
        ActivityView(activity_id, ActivityKind.AMU, "AMU lager", "AMU Syd", D(2026, 1, 5), D(2026, 2, 27), "Gennemført")
    ]
    assert new_audit(database, before) == [(audit.Action.CHANGE, citizen, "aktivitet")]


def test_deleting_an_activity(database: Database, citizen: int) -> None:
    keep = records.add_activity(database, citizen, ActivityInput(ActivityKind.AMU, "Bliver"))
    gone = records.add_activity(database, citizen, ActivityInput(ActivityKind.FVU, "Slettes"))
    before = len(audit_log(database))

    records.delete_activity(database, gone)

    assert [a.activity_id for a in records.list_activities(database, citizen)] == [keep]
    with database.reading() as session:
        assert session.get(Activity, gone) is None
    assert new_audit(database, before) == [(audit.Action.CHANGE, citizen, "aktivitet slettet")]


# --- unknown ids and citizens ----------------------------------------------------------

_ACTIVITY = ActivityInput(ActivityKind.AMU, "AMU")
_NOTE = JournalInput(JournalKind.NOTAT, "Tekst", T(2026, 3, 2, 9, 0))
_MEETING = MeetingInput(MeetingKind.SAMTALE, T(2026, 3, 2, 9, 0))
_DEADLINE = DeadlineInput(D(2026, 3, 2), "Ring til lægen")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda db: records.update_activity(db, 999, _ACTIVITY), "Aktiviteten findes ikke (længere)."),
        (lambda db: records.delete_activity(db, 999), "Aktiviteten findes ikke (længere)."),
        (lambda db: records.update_journal_note(db, 999, _NOTE), "Notatet findes ikke (længere)."),
        (lambda db: records.delete_journal_note(db, 999), "Notatet findes ikke (længere)."),
        (lambda db: records.update_meeting(db, 999, _MEETING), "Mødet findes ikke (længere)."),
        (lambda db: records.delete_meeting(db, 999), "Mødet findes ikke (længere)."),
        (lambda db: records.update_deadline(db, 999, _DEADLINE), "Fristen findes ikke (længere)."),
        (lambda db: records.set_deadline_done(db, 999, D(2026, 3, 2)), "Fristen findes ikke (længere)."),
        (lambda db: records.delete_deadline(db, 999), "Fristen findes ikke (længere)."),
    ],
)
def test_an_unknown_record_is_reported_in_danish(
    database: Database, citizen: int, call: Callable[[Database], object], message: str
) -> None:
    before = stored(database)

    with pytest.raises(RecordNotFound) as info:
        call(database)

    assert isinstance(info.value, UserFacingError)
    assert info.value.message == message
    assert stored(database) == before


@pytest.mark.parametrize(
    "call",
    [
        lambda db: records.add_activity(db, 999, _ACTIVITY),
        lambda db: records.add_journal_note(db, 999, _NOTE),
        lambda db: records.add_meeting(db, 999, _MEETING),
        lambda db: records.add_deadline(db, 999, _DEADLINE),
        lambda db: records.set_goal_reached(db, 999, "cv", TODAY),
        lambda db: records.list_activities(db, 999),
        lambda db: records.list_journal(db, 999),
        lambda db: records.list_meetings(db, 999),
        lambda db: records.list_deadlines(db, 999),
    ],
)
def test_an_unknown_citizen_is_reported(database: Database, call: Callable[[Database], object]) -> None:
    before = stored(database)

    with pytest.raises(CitizenNotFound, match="Borgeren findes ikke"):
        call(database)

    assert stored(database) == before


# --- journal ------------------------------------------------------------------------


def test_a_journal_note_is_stored_to_the_minute(database: Database, citizen: int) -> None:
    before = len(audit_log(database))
    note_id = records.add_journal_note(
        database, citizen, JournalInput(JournalKind.SAMTALE, "  Borgeren mødte op.\n", T(2026, 3, 2, 14, 5, 37, 123))
    )

    assert records.list_journal(database, citizen) == [
        JournalView(note_id, T(2026, 3, 2, 14, 5), JournalKind.SAMTALE, "Borgeren mødte op.")
    ]
    with database.reading() as session:
        row = session.get(JournalNote, note_id)
        assert row is not None
        assert (row.citizen_id, row.written_at, row.text) == (citizen, T(2026, 3, 2, 14, 5), "Borgeren mødte op.")
    assert new_audit(database, before) == [(audit.Action.CHANGE, citizen, "journal")]


def test_the_journal_is_listed_newest_first(database: Database, citizen: int) -> None:
    for when in (T(2026, 3, 2, 9, 0), T(2026, 3, 4, 8, 0), T(2026, 3, 2, 15, 30)):
        records.add_journal_note(database, citizen, JournalInput(JournalKind.NOTAT, f"Notat {when:%d %H}", when))

    assert [n.written_at for n in records.list_journal(database, citizen)] == [
        T(2026, 3, 4, 8, 0),
        T(2026, 3, 2, 15, 30),
        T(2026, 3, 2, 9, 0),
    ]


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_a_journal_note_needs_text(database: Database, citizen: int, text: str) -> None:
    err = refused(
        database,
        lambda: records.add_journal_note(database, citizen, JournalInput(JournalKind.NOTAT, text, T(2026, 3, 2))),
    )

    assert fields(err) == ["tekst"]
    assert err.for_field("tekst") == "Skriv notatets tekst."
    assert str(err).startswith("Notatet er ikke gemt:")


def test_a_journal_note_may_hold_20000_characters_and_no_more(database: Database, citizen: int) -> None:
    longest = "a" * records.JOURNAL_MAX_CHARS
    records.add_journal_note(database, citizen, JournalInput(JournalKind.NOTAT, longest, T(2026, 3, 2)))

    err = refused(
        database,
        lambda: records.add_journal_note(
            database, citizen, JournalInput(JournalKind.NOTAT, longest + "b", T(2026, 3, 2))
        ),
    )

    assert err.for_field("tekst") == "Højst 20.000 tegn (nu 20.001)."
    assert [len(n.text) for n in records.list_journal(database, citizen)] == [20_000]


def test_a_journal_note_needs_a_time(database: Database, citizen: int) -> None:
    data = JournalInput(JournalKind.NOTAT, "Tekst", None)  # type: ignore[arg-type]

    err = refused(database, lambda: records.add_journal_note(database, citizen, data))

    assert err.for_field("tidspunkt") == "Notatet skal have et tidspunkt."


def test_updating_and_deleting_a_journal_note(database: Database, citizen: int) -> None:
    keep = records.add_journal_note(database, citizen, _NOTE)
    note_id = records.add_journal_note(
        database, citizen, JournalInput(JournalKind.TELEFON, "Første udkast", T(2026, 3, 3, 10, 0))
    )
    before = len(audit_log(database))

    records.update_journal_note(database, note_id, JournalInput(JournalKind.MAIL, "Rettet tekst", T(2026, 3, 3, 11, 0)))
    refused(
        database,
        lambda: records.update_journal_note(database, note_id, JournalInput(JournalKind.MAIL, " ", T(2026, 3, 3))),
    )
    assert records.list_journal(database, citizen)[0] == JournalView(
        note_id, T(2026, 3, 3, 11, 0), JournalKind.MAIL, "Rettet tekst"
    )

    records.delete_journal_note(database, note_id)

    assert [n.note_id for n in records.list_journal(database, citizen)] == [keep]
    assert new_audit(database, before) == [
        (audit.Action.CHANGE, citizen, "journal"),
        (audit.Action.CHANGE, citizen, "journal slettet"),
    ]


def test_the_audit_log_never_holds_the_note_text(database: Database, citizen: int) -> None:
    note_id = records.add_journal_note(
        database, citizen, JournalInput(JournalKind.SAMTALE, "Hemmelig diagnose", T(2026, 3, 2))
    )
    records.update_journal_note(database, note_id, JournalInput(JournalKind.SAMTALE, "Anden diagnose", T(2026, 3, 2)))
    records.delete_journal_note(database, note_id)

    details = " ".join(detail for _, _, detail in audit_log(database))
    assert "diagnose" not in details
    with database.reading() as session:
        assert audit.verify_chain(session).ok


# --- journal search ---------------------------------------------------------------


@pytest.fixture
def journal(database: Database, citizen: int) -> dict[str, int]:
    notes = {
        "wasik": JournalInput(JournalKind.TELEFON, "Talte med Agnieszka Wąsik om praktikken.", T(2026, 3, 2, 9, 0)),
        "nguyen": JournalInput(JournalKind.SAMTALE, "Tolk: Nguyễn. Ønsker praktik i køkken.", T(2026, 3, 3, 9, 0)),
        "aero": JournalInput(JournalKind.MAIL, "Mail fra ÆRØ Rengøring om løntilskud.", T(2026, 3, 4, 9, 0)),
        "plain": JournalInput(JournalKind.NOTAT, "Lægeattest LÆ 265 modtaget.", T(2026, 3, 5, 9, 0)),
    }
    return {key: records.add_journal_note(database, citizen, data) for key, data in notes.items()}


def _found(database: Database, citizen: int, search: str, journal: dict[str, int]) -> list[str]:
    by_id = {v: k for k, v in journal.items()}
    return [by_id[n.note_id] for n in records.list_journal(database, citizen, search)]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("", ["plain", "aero", "nguyen", "wasik"]),
        ("   ", ["plain", "aero", "nguyen", "wasik"]),
        ("wasik", ["wasik"]),
        ("WĄSIK", ["wasik"]),
        ("Wąsik", ["wasik"]),
        ("nguyen", ["nguyen"]),
        ("ærø", ["aero"]),
        ("PRAKTIK", ["nguyen", "wasik"]),  # "praktikken" too: words match inside words
        ("praktik køkken", ["nguyen"]),  # every word must be there …
        ("køkken praktik", ["nguyen"]),  # … in any order
        ("praktik wasik", ["wasik"]),
        ("praktik løntilskud", []),
        ("telefon", ["wasik"]),  # the type label is searched too
        ("samtale tolk", ["nguyen"]),
        ("lÆ 265", ["plain"]),
        ("fleksjob", []),
    ],
)
def test_journal_search(
    database: Database, citizen: int, journal: dict[str, int], search: str, expected: list[str]
) -> None:
    assert _found(database, citizen, search, journal) == expected


def test_journal_search_stays_within_the_citizen(database: Database, citizen: int, journal: dict[str, int]) -> None:
    other = new_citizen(database, "Anna", "Berg", "020280-1234")
    records.add_journal_note(database, other, JournalInput(JournalKind.NOTAT, "Wasik ringede.", T(2026, 3, 6)))

    assert _found(database, citizen, "wasik", journal) == ["wasik"]
    assert [n.text for n in records.list_journal(database, other, "wasik")] == ["Wasik ringede."]


# --- copy as text ------------------------------------------------------------------


def test_journal_note_as_text_is_exact() -> None:
    note = JournalView(7, T(2026, 11, 25, 14, 5), JournalKind.SAMTALE, "Borgeren mødte op.\nAftalt praktik.")

    assert records.journal_note_as_text(note) == "25-11-2026 kl. 14:05 – Samtale\n\nBorgeren mødte op.\nAftalt praktik."


@pytest.mark.parametrize(
    ("kind", "label"),
    [(JournalKind.TREPARTSSAMTALE, "3-partssamtale"), (JournalKind.TELEFON, "Telefon"), (JournalKind.NOTAT, "Notat")],
)
def test_journal_note_as_text_uses_the_danish_label(kind: JournalKind, label: str) -> None:
    note = JournalView(1, T(2026, 1, 2, 8, 0), kind, "x")

    assert records.journal_note_as_text(note) == f"02-01-2026 kl. 08:00 – {label}\n\nx"


def test_a_stored_note_as_text_holds_no_cpr(database: Database, citizen: int) -> None:
    records.add_journal_note(database, citizen, JournalInput(JournalKind.SAMTALE, "Opfølgning.", T(2026, 3, 2, 9, 30)))

    text = records.journal_note_as_text(records.list_journal(database, citizen)[0])

    assert text == "02-03-2026 kl. 09:30 – Samtale\n\nOpfølgning."
    assert "0101701234" not in text.replace("-", "")
    assert "Søren" not in text


# --- meetings -----------------------------------------------------------------------


def test_meetings_are_stored_and_listed_soonest_first(database: Database, citizen: int) -> None:
    before = len(audit_log(database))
    late = records.add_meeting(database, citizen, MeetingInput(MeetingKind.SAMTALE, T(2026, 4, 1, 13, 0)))
    early = records.add_meeting(
        database,
        citizen,
        MeetingInput(MeetingKind.TREPARTSSAMTALE, T(2026, 3, 2, 9, 15, 30), " Jobcenter Nord ", " Med mentor "),
    )

    assert records.list_meetings(database, citizen) == [
        MeetingView(early, MeetingKind.TREPARTSSAMTALE, T(2026, 3, 2, 9, 15), "Jobcenter Nord", "Med mentor", None),
        MeetingView(late, MeetingKind.SAMTALE, T(2026, 4, 1, 13, 0), "", "", None),
    ]
    assert new_audit(database, before) == [(audit.Action.CHANGE, citizen, "møde")] * 2


def test_a_meeting_needs_a_time(database: Database, citizen: int) -> None:
    data = MeetingInput(MeetingKind.SAMTALE, None)  # type: ignore[arg-type]

    err = refused(database, lambda: records.add_meeting(database, citizen, data))

    assert fields(err) == ["tidspunkt"]
    assert err.for_field("tidspunkt") == "Mødet skal have et tidspunkt."
    assert str(err).startswith("Mødet er ikke gemt:")


def test_a_date_without_a_time_is_not_a_meeting_time(database: Database, citizen: int) -> None:
    data = MeetingInput(MeetingKind.SAMTALE, D(2026, 3, 2))  # type: ignore[arg-type]

    err = refused(database, lambda: records.add_meeting(database, citizen, data))

    assert err.for_field("tidspunkt") == "Mødet skal have et tidspunkt."


def test_updating_and_deleting_a_meeting(database: Database, citizen: int) -> None:
    meeting_id = records.add_meeting(database, citizen, MeetingInput(MeetingKind.SAMTALE, T(2026, 3, 2, 9, 0)))
    before = len(audit_log(database))

    records.update_meeting(
        database, meeting_id, MeetingInput(MeetingKind.SUNDHEDSKOORDINATOR, T(2026, 3, 9, 11, 0), "Lokale 3")
    )
    refused(database, lambda: records.update_meeting(database, meeting_id, MeetingInput(MeetingKind.SAMTALE, None)))  # type: ignore[arg-type]
    assert records.list_meetings(database, citizen) == [
        MeetingView(meeting_id, MeetingKind.SUNDHEDSKOORDINATOR, T(2026, 3, 9, 11, 0), "Lokale 3", "", None)
    ]

    records.delete_meeting(database, meeting_id)

    assert records.list_meetings(database, citizen) == []
    assert new_audit(database, before) == [
        (audit.Action.CHANGE, citizen, "møde"),
        (audit.Action.CHANGE, citizen, "møde slettet"),
    ]


# --- deadlines (the caseworker's own reminders) ----------------------------------------


def test_deadlines_are_listed_open_first_by_due_date_then_done(database: Database, citizen: int) -> None:
    a = records.add_deadline(database, citizen, DeadlineInput(D(2026, 3, 20), "Ring til lægen"))
    b = records.add_deadline(database, citizen, DeadlineInput(D(2026, 3, 5), "Send LÆ 261"))
    c = records.add_deadline(database, citizen, DeadlineInput(D(2026, 3, 1), "Book tolk"))
    d = records.add_deadline(database, citizen, DeadlineInput(D(2026, 3, 10), "  Opfølgning praktik  "))
    records.set_deadline_done(database, c, D(2026, 3, 1))
    records.set_deadline_done(database, a, D(2026, 3, 2))

    assert records.list_deadlines(database, citizen) == [
        DeadlineView(b, D(2026, 3, 5), "Send LÆ 261", None),
        DeadlineView(d, D(2026, 3, 10), "Opfølgning praktik", None),
        DeadlineView(c, D(2026, 3, 1), "Book tolk", D(2026, 3, 1)),
        DeadlineView(a, D(2026, 3, 20), "Ring til lægen", D(2026, 3, 2)),
    ]


@pytest.mark.parametrize(
    ("title", "message"), [("", "Skriv hvad fristen gælder."), ("  ", "Skriv hvad fristen gælder.")]
)
def test_a_deadline_needs_a_title(database: Database, citizen: int, title: str, message: str) -> None:
    err = refused(database, lambda: records.add_deadline(database, citizen, DeadlineInput(D(2026, 3, 2), title)))

    assert fields(err) == ["titel"]
    assert err.for_field("titel") == message
    assert str(err).startswith("Fristen er ikke gemt:")


def test_a_deadline_needs_a_date(database: Database, citizen: int) -> None:
    err = refused(
        database,
        lambda: records.add_deadline(database, citizen, DeadlineInput(None, "Ring")),  # type: ignore[arg-type]
    )

    assert err.for_field("dato") == "Fristen skal have en dato."


def test_a_deadline_done_and_open_again_shows_in_the_overview(database: Database, citizen: int) -> None:
    due = TODAY + dt.timedelta(days=3)
    deadline_id = records.add_deadline(database, citizen, DeadlineInput(due, "Ring til lægen"))

    def reminders() -> list[str]:
        with database.reading() as session:
            return [d.title for d in due_items(session, TODAY)[citizen] if d.kind == "påmindelse"]

    assert reminders() == ["Ring til lægen"]
    records.set_deadline_done(database, deadline_id, TODAY)
    assert reminders() == []
    assert records.list_deadlines(database, citizen)[0].done_on == TODAY
    records.set_deadline_done(database, deadline_id, None)
    assert reminders() == ["Ring til lægen"]
    assert records.list_deadlines(database, citizen)[0].done_on is None


def test_a_deadline_cannot_be_done_in_the_future(database: Database, citizen: int) -> None:
    deadline_id = records.add_deadline(database, citizen, _DEADLINE)

    err = refused(database, lambda: records.set_deadline_done(database, deadline_id, TODAY + dt.timedelta(days=1)))

    assert err.for_field("dato") == "Datoen ligger i fremtiden."


def test_updating_a_deadline_keeps_it_done_and_deleting_removes_it(database: Database, citizen: int) -> None:
    deadline_id = records.add_deadline(database, citizen, _DEADLINE)
    records.set_deadline_done(database, deadline_id, D(2026, 3, 2))
    before = len(audit_log(database))

    records.update_deadline(database, deadline_id, DeadlineInput(D(2026, 3, 9), "Ring til lægen igen"))
    refused(database, lambda: records.update_deadline(database, deadline_id, DeadlineInput(D(2026, 3, 9), "")))
    assert records.list_deadlines(database, citizen) == [
        DeadlineView(deadline_id, D(2026, 3, 9), "Ring til lægen igen", D(2026, 3, 2))
    ]

    records.delete_deadline(database, deadline_id)

    assert records.list_deadlines(database, citizen) == []
    assert new_audit(database, before) == [
        (audit.Action.CHANGE, citizen, "frist"),
        (audit.Action.CHANGE, citizen, "frist slettet"),
    ]


# --- goals of the current forløb ---------------------------------------------------------


def _goals(database: Database, citizen_id: int) -> dict[str, tuple[dt.date, str]]:
    with database.reading() as session:
        rows = session.execute(
            select(GoalProgress.goal_key, GoalProgress.reached_on, GoalProgress.note)
            .join(Forloeb)
            .where(Forloeb.citizen_id == citizen_id, Forloeb.end_date.is_(None))
        )
        return {key: (on, note) for key, on, note in rows}


def _group_titles(database: Database, citizen_id: int) -> list[str]:
    with database.reading() as session:
        return [d.title for d in due_items(session, TODAY).get(citizen_id, []) if d.kind == "gruppe"]


def test_reaching_all_13_week_goals_closes_the_deadline(database: Database, citizen: int) -> None:
    assert [t.split(":")[0] for t in _group_titles(database, citizen)] == [
        "13-ugers mål (gruppe 1)",
        "52-ugers mål (gruppe 1)",
    ]
    before = len(audit_log(database))

    for key in G1_13[:-1]:
        records.set_goal_reached(database, citizen, key, TODAY - dt.timedelta(days=5))
    assert _group_titles(database, citizen)[0] == "13-ugers mål (gruppe 1): mangler virksomhedskontakt"

    records.set_goal_reached(database, citizen, "virksomhedskontakt", TODAY, "  Ringede til tre firmaer ")

    assert [t.split(":")[0] for t in _group_titles(database, citizen)] == ["52-ugers mål (gruppe 1)"]
    goals = _goals(database, citizen)
    assert set(goals) == set(G1_13)
    assert goals["virksomhedskontakt"] == (TODAY, "Ringede til tre firmaer")
    reached = {key: on for key, (on, _) in goals.items()}
    assert visitation.group_deadlines(VisitationGroup.GRUPPE_1, START, reached) == [
        visitation.DueItem(
            visitation.deadline_date(START, 52),
            "52-ugers mål (gruppe 1): mangler job – ellers revurdér gruppe",
            "gruppe",
            "forloeb",
            ref="job",  # the goal the Overblik line opens
        )
    ]
    assert new_audit(database, before) == [(audit.Action.CHANGE, citizen, "mål")] * 4


def test_a_goal_removed_again_reopens_the_deadline(database: Database, citizen: int) -> None:
    for key in G1_13:
        records.set_goal_reached(database, citizen, key, TODAY)
    assert len(_group_titles(database, citizen)) == 1
    before = len(audit_log(database))

    records.set_goal_reached(database, citizen, "cv", None)

    assert _group_titles(database, citizen)[0] == "13-ugers mål (gruppe 1): mangler CV"
    assert "cv" not in _goals(database, citizen)
    assert new_audit(database, before) == [(audit.Action.CHANGE, citizen, "mål fjernet")]


def test_removing_a_goal_never_reached_changes_nothing(database: Database, citizen: int) -> None:
    before = stored(database)

    records.set_goal_reached(database, citizen, "cv", None)

    assert stored(database) == before


def test_setting_a_goal_again_moves_its_date(database: Database, citizen: int) -> None:
    records.set_goal_reached(database, citizen, "cv", TODAY, "Første CV")
    records.set_goal_reached(database, citizen, "cv", START, "")

    assert _goals(database, citizen) == {"cv": (START, "")}


@pytest.mark.parametrize(
    ("goal", "days_from_start", "field", "message"),
    [
        ("snusepraktik", 1, "mål", "«snusepraktik» er ikke et mål i Gruppe 1."),
        ("findes_ikke", 1, "mål", "«findes_ikke» er ikke et mål i Gruppe 1."),
        ("cv", -1, "dato", f"Datoen ligger før forløbets start ({START:%d-%m-%Y})."),
        ("cv", (TODAY - START).days + 1, "dato", "Datoen ligger i fremtiden."),
    ],
)
def test_a_wrong_goal_or_date_is_refused(
    database: Database, citizen: int, goal: str, days_from_start: int, field: str, message: str
) -> None:
    on = START + dt.timedelta(days=days_from_start)

    err = refused(database, lambda: records.set_goal_reached(database, citizen, goal, on))

    assert fields(err) == [field]
    assert err.for_field(field) == message
    assert str(err).startswith("Målet er ikke gemt:")


def test_a_goal_key_of_the_new_group_after_a_group_change(database: Database) -> None:
    citizen_id = new_citizen(database, group=VisitationGroup.GRUPPE_2)
    records.set_goal_reached(database, citizen_id, "snusepraktik", TODAY)

    err = refused(database, lambda: records.set_goal_reached(database, citizen_id, "cv", TODAY))

    assert err.for_field("mål") == "«cv» er ikke et mål i Gruppe 2."
    assert set(_goals(database, citizen_id)) == {"snusepraktik"}


def test_no_goal_on_a_closed_case(database: Database, citizen: int) -> None:
    records.set_goal_reached(database, citizen, "cv", TODAY)
    close_case(database, citizen, Outcome.ORDINAERT_JOB, TODAY)

    for on in (TODAY, None):
        err = refused(database, lambda on=on: records.set_goal_reached(database, citizen, "beskaeftigelsesmaal", on))
        assert err.problems[0].field == "status"
        assert err.for_field("status") == "Sagen er lukket."


def test_no_goal_without_a_current_forloeb(database: Database, citizen: int) -> None:
    with database.transaction() as session:
        for forloeb in session.scalars(select(Forloeb).where(Forloeb.citizen_id == citizen)):
            forloeb.end_date = TODAY

    err = refused(database, lambda: records.set_goal_reached(database, citizen, "cv", TODAY))

    assert err.for_field("forløb") == "Borgeren har intet aktuelt forløb."


# --- one transaction --------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda db, cid: records.add_activity(db, cid, _ACTIVITY),
        lambda db, cid: records.add_journal_note(db, cid, _NOTE),
        lambda db, cid: records.add_meeting(db, cid, _MEETING),
        lambda db, cid: records.add_deadline(db, cid, _DEADLINE),
        lambda db, cid: records.set_goal_reached(db, cid, "cv", TODAY),
    ],
)
def test_nothing_is_saved_when_the_audit_entry_fails(
    database: Database, citizen: int, monkeypatch: pytest.MonkeyPatch, call: Callable[[Database, int], object]
) -> None:
    before = stored(database)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        call(database, citizen)

    assert stored(database) == before


def test_every_change_is_in_a_verified_audit_chain(database: Database, citizen: int) -> None:
    records.add_activity(database, citizen, _ACTIVITY)
    records.add_journal_note(database, citizen, _NOTE)
    records.add_meeting(database, citizen, _MEETING)
    records.add_deadline(database, citizen, _DEADLINE)
    records.set_goal_reached(database, citizen, "cv", TODAY)

    changes = [entry for entry in audit_log(database) if entry[0] == audit.Action.CHANGE]
    assert changes == [
        (audit.Action.CHANGE, citizen, "aktivitet"),
        (audit.Action.CHANGE, citizen, "journal"),
        (audit.Action.CHANGE, citizen, "møde"),
        (audit.Action.CHANGE, citizen, "frist"),
        (audit.Action.CHANGE, citizen, "mål"),
    ]
    with database.reading() as session:
        assert audit.verify_chain(session).ok
