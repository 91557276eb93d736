"""Desktop reminders, headless: which items (due today or overdue, active cases only), where
each opens, what the notification says (initials and the kind of item only: never a name, a
CPR number, a reminder's text, a doctor, a place or a diagnosis), the next morning, and the
switch in the settings."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event

from db.enums import Aim, DocumentSource, DocumentState, MeetingKind, Outcome, VisitationGroup
from db.session import Database
from jobraad import consents, records
from jobraad import documentation as doc
from jobraad.calendar_export import KINDS
from jobraad.caseload import due_items
from jobraad.citizens import CitizenInput, close_case, create_citizen
from jobraad.reminders import (
    MAX_LINES,
    Reminder,
    due_reminders,
    kind_label,
    next_morning,
    notification,
    reminders_on,
)
from jobraad.settings import SPECS, set_settings
from jobraad.visitation import DueKind
from tests.conftest import cpr_spellings
from tests.helpers import consent_input

TODAY = dt.date(2026, 3, 2)  # a Monday inside the BEK 47/2026 pack's period
START = dt.date(2026, 1, 5)
SOEREN_CPR = "0101621233"
LUCJA_CPR = "1505801234"

# Everything the caseload below holds that a shared screen must not show.
SECRETS = [
    "Søren",
    "Ærø",
    "Łucja",
    "Wąsik",
    "Aisha",
    "Nielsen",
    *cpr_spellings(SOEREN_CPR),
    *cpr_spellings(LUCJA_CPR),
    "psykiater",
    "depression",
    "Psykiatrisk",
    "Læge",
    "Hansen",
    "Sundhedskoordinator",
    "LÆ 265",
    "265",
]


@pytest.fixture
def caseload(database: Database) -> dict[str, int]:
    soeren = create_citizen(
        database,
        CitizenInput("Søren", "Ærø", SOEREN_CPR, aim=Aim.FLEKSJOB, group=VisitationGroup.GRUPPE_3, forloeb_start=START),
    )
    consents.add_consent(database, soeren, DocumentSource.EGEN_LAEGE, consent_input(START), TODAY)
    doc.set_state(
        database,
        soeren,
        "lae265",
        "",
        DocumentState.ANMODET,
        on=TODAY - dt.timedelta(days=40),
        requested_from="Læge Hansen",
        today=TODAY,
    )
    overdue_reminder = records.add_deadline(
        database, soeren, records.DeadlineInput(TODAY - dt.timedelta(days=2), "Ring til psykiater om depression")
    )
    records.add_deadline(database, soeren, records.DeadlineInput(TODAY + dt.timedelta(days=3), "Næste uge"))
    meeting = records.add_meeting(
        database,
        soeren,
        records.MeetingInput(
            MeetingKind.SUNDHEDSKOORDINATOR, dt.datetime.combine(TODAY, dt.time(13, 0)), "Psykiatrisk Center"
        ),
    )
    lucja = create_citizen(
        database,
        CitizenInput(
            "Łucja", "Wąsik", LUCJA_CPR, group=VisitationGroup.GRUPPE_1, forloeb_start=TODAY - dt.timedelta(weeks=14)
        ),
    )
    closed = create_citizen(
        database,
        CitizenInput("Aisha", "Nielsen", "0303901231", group=VisitationGroup.GRUPPE_4, forloeb_start=START),
    )
    records.add_deadline(database, closed, records.DeadlineInput(TODAY - dt.timedelta(days=1), "Lukket sag"))
    close_case(database, closed, Outcome.ANDET, TODAY - dt.timedelta(days=1))
    return {"soeren": soeren, "lucja": lucja, "closed": closed, "reminder": overdue_reminder, "meeting": meeting}


def test_due_today_and_overdue_items_of_active_cases_most_overdue_first(
    database: Database, caseload: dict[str, int]
) -> None:
    found = due_reminders(database, TODAY)
    assert all(r.due_on <= TODAY for r in found)
    assert [r.due_on for r in found] == sorted(r.due_on for r in found)
    assert caseload["closed"] not in {r.citizen_id for r in found}
    by_kind = {(r.citizen_id, r.kind): r for r in found}
    soeren, lucja = caseload["soeren"], caseload["lucja"]
    assert by_kind[(soeren, DueKind.PAAMINDELSE)].target == f"deadlines:{caseload['reminder']}"
    assert by_kind[(soeren, DueKind.PAAMINDELSE)].due_on == TODAY - dt.timedelta(days=2)
    assert by_kind[(soeren, DueKind.MOEDE)].target == f"meetings:{caseload['meeting']}"
    assert by_kind[(soeren, DueKind.DOKUMENTATION)].target.startswith("documentation:")
    assert by_kind[(lucja, DueKind.GRUPPE)].target.startswith("forloeb:goal:")
    assert {r.who for r in found} == {"S.Æ.", "Ł.W."}
    # the reminder due in three days waits
    assert len([r for r in found if r.kind is DueKind.PAAMINDELSE]) == 1


def test_the_notification_holds_initials_and_kinds_never_names_cpr_or_health(
    database: Database, caseload: dict[str, int]
) -> None:
    found = due_reminders(database, TODAY)
    note = notification(found, TODAY)
    assert note is not None
    shown = f"{note.title}\n{note.message}\n" + "\n".join(r.text(TODAY) for r in found)
    for secret in SECRETS:
        assert secret.casefold() not in shown.casefold(), secret
    # nor any item's own title (a reminder's text, a document's name, a meeting's kind)
    with database.reading() as session:
        titles = [i.title for items in due_items(session, TODAY).values() for i in items if i.due_on <= TODAY]
    assert titles
    for title in titles:
        assert title not in shown
    assert "Påmindelse – S.Æ., overskredet 2 dage (28-02-2026)" in note.message.splitlines()
    assert "Møde – S.Æ., i dag" in note.message.splitlines()
    assert note.title == f"jobraad: {len(found) - 1} overskredne og 1 i dag"
    assert note.first == found[0]


def test_a_long_list_is_cut_and_counted() -> None:
    items = [Reminder(i, "A.B.", DueKind.PAAMINDELSE, TODAY, f"deadlines:{i}") for i in range(MAX_LINES + 3)]
    note = notification(items, TODAY)
    assert note is not None
    lines = note.message.splitlines()
    assert len(lines) == MAX_LINES + 1 and lines[-1] == "… og 3 mere i Overblikket."
    assert note.title == f"jobraad: {MAX_LINES + 3} i dag"
    assert notification([], TODAY) is None


@pytest.mark.parametrize("kind", list(DueKind))
def test_every_kind_of_item_has_a_neutral_word(kind: DueKind) -> None:
    label = kind_label(kind)
    assert label in {*KINDS.values(), "Møde", kind.value.capitalize()}
    assert label and "\n" not in label


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (dt.datetime(2026, 3, 2, 6, 15), dt.datetime(2026, 3, 2, 8, 0)),
        (dt.datetime(2026, 3, 2, 8, 0), dt.datetime(2026, 3, 3, 8, 0)),
        (dt.datetime(2026, 3, 2, 16, 30), dt.datetime(2026, 3, 3, 8, 0)),
        (dt.datetime(2026, 12, 31, 23, 59), dt.datetime(2027, 1, 1, 8, 0)),
    ],
)
def test_the_next_morning(now: dt.datetime, expected: dt.datetime) -> None:
    assert next_morning(now) == expected


def test_switched_on_by_default_and_off_when_stored_so(database: Database) -> None:
    assert SPECS["desktop_reminders"].default is True
    assert reminders_on(database) is True
    set_settings(database, {"desktop_reminders": False})
    assert reminders_on(database) is False


def test_read_in_a_fixed_number_of_queries_for_the_whole_caseload(database: Database, caseload: dict[str, int]) -> None:
    def count() -> int:
        statements: list[str] = []

        def seen(*args: object) -> None:
            statements.append(str(args[2]))

        event.listen(database.engine, "before_cursor_execute", seen)
        try:
            due_reminders(database, TODAY)
        finally:
            event.remove(database.engine, "before_cursor_execute", seen)
        return len(statements)

    few = count()
    for i in range(15):
        cid = create_citizen(database, CitizenInput(f"Borger{i}", "Test", f"0505{60 + i:02d}1234", forloeb_start=START))
        records.add_deadline(database, cid, records.DeadlineInput(TODAY, "Ring"))
    assert count() == few
