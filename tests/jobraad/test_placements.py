"""Virksomhedsplaceringer and their hours: what is stored, the skånehensyn taken
from the sundhedskoordinator, every refusal with its Danish message and that it
changes nothing, the week grid, saving weeks all or nothing, the progression
signals of one placement and of a whole caseload, and the audit entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event, func, select

from db.enums import AbsenceReason, HealthNoteKind, Outcome, PlacementKind, VisitationGroup
from db.models import HoursEntry, Placement
from db.session import Database
from jobraad import audit, placements
from jobraad.citizens import CitizenInput, CitizenNotFound, change_group, close_case, create_citizen
from jobraad.errors import FieldProblem
from jobraad.health import HealthNoteInput, add_health_note
from jobraad.placements import HoursInput, PlacementInput, PlacementView, WeekRow
from jobraad.progression import SignalKind
from jobraad.records import RecordNotFound
from tests.helpers import audit_log, fields, new_audit, refused, stored

D = dt.date
K = PlacementKind
# A fixed Wednesday in ISO week 12 of 2026; every week used below lies in 2026.
TODAY = D(2026, 3, 18)
MONDAY = D(2026, 3, 16)
CPR = "010170-1234"


# --- helpers -------------------------------------------------------------------


def monday(weeks_from_now: int) -> dt.date:
    return MONDAY + dt.timedelta(weeks=weeks_from_now)


def week(weeks_from_now: int) -> tuple[int, int]:
    iso = monday(weeks_from_now).isocalendar()
    return iso.year, iso.week


def new_citizen(
    database: Database,
    cpr: str = CPR,
    group: VisitationGroup = VisitationGroup.GRUPPE_2,
    first: str = "Søren",
) -> int:
    return create_citizen(
        database,
        CitizenInput(first_name=first, last_name="Ærø", cpr=cpr, group=group, forloeb_start=D(2026, 1, 5)),
    )


@pytest.fixture
def citizen(database: Database) -> int:
    return new_citizen(database)


def praktik(**changes: Any) -> PlacementInput:
    """A virksomhedspraktik that started five weeks ago and is planned for 13 weeks."""
    values: dict[str, Any] = {
        "kind": K.VIRKSOMHEDSPRAKTIK,
        "employer_name": "Bageriet Brød & Co",
        "start_date": monday(-5),
        "planned_hours_per_week": 10.0,
    }
    values.update(changes)
    start = values["start_date"]
    if "planned_end" not in values:
        values["planned_end"] = start + dt.timedelta(weeks=13) if isinstance(start, dt.date) else None
    return PlacementInput(**values)


def hours(weeks_from_now: int, attended: float, planned: float = 10.0, **changes: Any) -> HoursInput:
    year, number = week(weeks_from_now)
    return HoursInput(year, number, planned, attended, **changes)


def hours_stored(database: Database, placement_id: int) -> dict[tuple[int, int], tuple[Any, ...]]:
    with database.reading() as session:
        rows = session.scalars(select(HoursEntry).where(HoursEntry.placement_id == placement_id))
        return {
            (h.iso_year, h.iso_week): (
                h.planned_hours,
                h.attended_hours,
                h.absence_hours,
                h.absence_reason,
                h.observation,
                h.follow_up,
            )
            for h in rows
        }


# --- placements: storing and reading ---------------------------------------------------


def test_a_placement_is_stored_trimmed_with_every_field(database: Database, citizen: int) -> None:
    before = len(audit_log(database))
    placement_id = placements.add_placement(
        database,
        citizen,
        PlacementInput(
            kind=K.VIRKSOMHEDSPRAKTIK,
            employer_name="  Bageriet Brød & Co ",
            start_date=D(2026, 3, 2),
            planned_hours_per_week=12.5,
            employer_cvr=" 1234 5678 ",
            contact_person=" Mette Holm ",
            contact_phone=" 33 12 34 56 ",
            tasks=" Pakning af brød\n",
            planned_end=D(2026, 5, 29),
            end_date=None,
            extension_reason="",
            mentor_kind=" Fastholdelse ",
            mentor_name=" Ali Khan ",
            skaanehensyn=["  Ingen tunge løft ", "", "Pauser hver time\nSiddende arbejde"],
            result=" Godt i gang ",
        ),
    )

    assert placements.list_placements(database, citizen) == [
        PlacementView(
            placement_id=placement_id,
            kind=K.VIRKSOMHEDSPRAKTIK,
            employer_name="Bageriet Brød & Co",
            employer_cvr="12345678",
            contact_person="Mette Holm",
            contact_phone="33 12 34 56",
            tasks="Pakning af brød",
            start_date=D(2026, 3, 2),
            planned_end=D(2026, 5, 29),
            end_date=None,
            extension_reason="",
            planned_hours_per_week=12.5,
            mentor_kind="Fastholdelse",
            mentor_name="Ali Khan",
            skaanehensyn=("Ingen tunge løft", "Pauser hver time", "Siddende arbejde"),
            result="Godt i gang",
        )
    ]
    with database.reading() as session:
        row = session.get(Placement, placement_id)
        assert row is not None
        assert (row.citizen_id, row.skaanehensyn) == (citizen, "Ingen tunge løft\nPauser hver time\nSiddende arbejde")
    assert new_audit(database, before) == [(audit.Action.CHANGE, citizen, "placering")]


@pytest.mark.parametrize("kind", list(PlacementKind))
def test_every_kind_of_placement_round_trips(database: Database, citizen: int, kind: PlacementKind) -> None:
    placements.add_placement(database, citizen, praktik(kind=kind))

    assert [p.kind for p in placements.list_placements(database, citizen)] == [kind]


def test_placements_are_listed_newest_start_first_and_per_citizen(database: Database, citizen: int) -> None:
    other = new_citizen(database, "020280-1234", first="Anna")
    old = placements.add_placement(database, citizen, praktik(start_date=D(2025, 9, 1), planned_end=None))
    new = placements.add_placement(database, citizen, praktik(start_date=D(2026, 3, 2)))
    same_day_later = placements.add_placement(database, citizen, praktik(start_date=D(2026, 3, 2)))
    placements.add_placement(database, other, praktik(employer_name="Netto"))

    assert [p.placement_id for p in placements.list_placements(database, citizen)] == [same_day_later, new, old]
    assert [p.employer_name for p in placements.list_placements(database, other)] == ["Netto"]


# --- skånehensyn from the sundhedskoordinator ------------------------------------------


def _health(database: Database, citizen_id: int, day: dt.date, items: list[str], conditions: str = "Knæ") -> None:
    add_health_note(
        database,
        citizen_id,
        HealthNoteInput(day, HealthNoteKind.HELBREDSGENNEMGANG, conditions=conditions, skaanehensyn=items),
    )


def test_a_new_placement_without_skaanehensyn_gets_those_of_the_newest_health_note(
    database: Database, citizen: int
) -> None:
    _health(database, citizen, D(2025, 11, 3), ["Ingen nattevagter"])
    _health(database, citizen, D(2026, 1, 12), ["Ingen tunge løft", "Korte pauser"])
    _health(database, citizen, D(2026, 2, 2), [], conditions="Opfølgning uden nye skånehensyn")

    assert placements.default_skaanehensyn(database, citizen) == ["Ingen tunge løft", "Korte pauser"]
    placement_id = placements.add_placement(database, citizen, praktik(skaanehensyn=["  ", ""]))

    [view] = placements.list_placements(database, citizen)
    assert view.placement_id == placement_id
    assert view.skaanehensyn == ("Ingen tunge løft", "Korte pauser")


def test_skaanehensyn_given_with_the_placement_are_kept(database: Database, citizen: int) -> None:
    _health(database, citizen, D(2026, 1, 12), ["Ingen tunge løft"])

    placements.add_placement(database, citizen, praktik(skaanehensyn=["Kun formiddage"]))

    assert placements.list_placements(database, citizen)[0].skaanehensyn == ("Kun formiddage",)


def test_no_prefill_when_asked_or_when_there_is_no_health_note(database: Database, citizen: int) -> None:
    placements.add_placement(database, citizen, praktik(employer_name="Uden note"))
    _health(database, citizen, D(2026, 1, 12), ["Ingen tunge løft"])
    placements.add_placement(database, citizen, praktik(employer_name="Fravalgt"), prefill=False)

    assert {p.employer_name: p.skaanehensyn for p in placements.list_placements(database, citizen)} == {
        "Uden note": (),
        "Fravalgt": (),
    }


def test_an_update_with_no_skaanehensyn_clears_them(database: Database, citizen: int) -> None:
    _health(database, citizen, D(2026, 1, 12), ["Ingen tunge løft"])
    placement_id = placements.add_placement(database, citizen, praktik())

    placements.update_placement(database, placement_id, praktik(skaanehensyn=[]))

    assert placements.list_placements(database, citizen)[0].skaanehensyn == ()


# --- placements: refusals --------------------------------------------------------------

LEGAL_END = monday(-5) + dt.timedelta(weeks=13)
OVER = LEGAL_END + dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"employer_name": "  "}, "arbejdsgiver", "Skriv arbejdsgiverens navn."),
        ({"employer_name": "x" * 201}, "arbejdsgiver", "Højst 200 tegn (nu 201)."),
        ({"employer_cvr": "1234567"}, "cvr", "«1234567» er ikke et CVR-nummer (8 cifre)."),
        ({"employer_cvr": "1234567a"}, "cvr", "«1234567a» er ikke et CVR-nummer (8 cifre)."),
        ({"employer_cvr": "123456789"}, "cvr", "«123456789» er ikke et CVR-nummer (8 cifre)."),
        ({"start_date": None}, "startdato", "Placeringen skal have en startdato."),
        (
            {"planned_end": monday(-6)},
            "planlagt slut",
            f"Planlagt slut ligger før startdatoen ({monday(-5):%d-%m-%Y}).",
        ),
        (
            {"end_date": monday(-5) - dt.timedelta(days=1)},
            "slutdato",
            f"Slutdatoen ligger før startdatoen ({monday(-5):%d-%m-%Y}).",
        ),
        ({"planned_hours_per_week": -1}, "timer", "Planlagte timer pr. uge skal være mellem 0 og 60."),
        ({"planned_hours_per_week": 60.5}, "timer", "Planlagte timer pr. uge skal være mellem 0 og 60."),
        ({"planned_hours_per_week": float("nan")}, "timer", "Planlagte timer pr. uge skal være mellem 0 og 60."),
        ({"planned_hours_per_week": "10"}, "timer", "Planlagte timer pr. uge skal være mellem 0 og 60."),
        ({"planned_end": OVER}, "forlængelse", "Forlængelse ud over 13 uger kræver en begrundelse."),
        (
            {"planned_end": LEGAL_END, "end_date": OVER},
            "forlængelse",
            "Forlængelse ud over 13 uger kræver en begrundelse.",
        ),
        (
            {"kind": K.SNUSEPRAKTIK, "planned_end": OVER, "extension_reason": "  "},
            "forlængelse",
            "Forlængelse ud over 13 uger kræver en begrundelse.",
        ),
        (
            {"kind": K.INTERN_PRAKTIK, "planned_end": OVER},
            "forlængelse",
            "Forlængelse ud over 13 uger kræver en begrundelse.",
        ),
        (
            {"kind": K.GRUPPEPRAKTIK, "planned_end": OVER},
            "forlængelse",
            "Forlængelse ud over 13 uger kræver en begrundelse.",
        ),
        ({"skaanehensyn": [f"Hensyn {n}" for n in range(31)]}, "skånehensyn", "Højst 30 skånehensyn (nu 31)."),
        (
            {"skaanehensyn": ["kort", "x" * 201]},
            "skånehensyn",
            "Højst 200 tegn pr. skånehensyn (for langt: nr. 2).",
        ),
        ({"contact_phone": "ring til Mette"}, "telefon", "«ring til Mette» er ikke et telefonnummer."),
        ({"kind": "praktik"}, "type", "Vælg en type placering."),
    ],
)
def test_a_wrong_placement_is_refused(
    database: Database, citizen: int, changes: dict[str, Any], field: str, message: str
) -> None:
    err = refused(database, lambda: placements.add_placement(database, citizen, praktik(**changes)))

    assert fields(err) == [field]
    assert err.for_field(field) == message
    assert str(err).startswith("Placeringen er ikke gemt:")
    assert placements.list_placements(database, citizen) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"planned_end": LEGAL_END},  # exactly 13 weeks
        {"planned_end": OVER, "extension_reason": "Afklaring af skånehensyn kræver mere tid"},
        {"kind": K.LOENTILSKUD, "planned_end": monday(-5) + dt.timedelta(weeks=26)},
        {"kind": K.SMAAJOB, "planned_end": None, "end_date": OVER},
        {"planned_hours_per_week": 0},
        {"planned_hours_per_week": 60},
        {"employer_cvr": ""},
        {"planned_end": monday(-5), "end_date": monday(-5)},  # one day
        {"skaanehensyn": ["x" * 200] * 30},
    ],
)
def test_the_limits_themselves_are_accepted(database: Database, citizen: int, changes: dict[str, Any]) -> None:
    placements.add_placement(database, citizen, praktik(**changes))

    assert len(placements.list_placements(database, citizen)) == 1


def test_several_problems_are_reported_together(database: Database, citizen: int) -> None:
    data = praktik(employer_name="", employer_cvr="12", planned_end=OVER, planned_hours_per_week=99)

    err = refused(database, lambda: placements.add_placement(database, citizen, data))

    assert fields(err) == ["arbejdsgiver", "cvr", "timer", "forlængelse"]


def test_updating_a_placement_changes_it_and_a_refused_update_keeps_it(database: Database, citizen: int) -> None:
    placement_id = placements.add_placement(database, citizen, praktik())
    before = len(audit_log(database))

    placements.update_placement(
        database,
        placement_id,
        praktik(
            kind=K.INTERN_PRAKTIK,
            employer_name="Jobcentrets køkken",
            planned_end=OVER,
            extension_reason="Forlænget efter 3-partssamtale",
            end_date=monday(-1),
            result="Afsluttet",
        ),
    )
    err = refused(database, lambda: placements.update_placement(database, placement_id, praktik(employer_name="")))

    assert str(err).startswith("Ændringerne er ikke gemt:")
    [view] = placements.list_placements(database, citizen)
    assert (view.kind, view.employer_name, view.planned_end, view.end_date, view.extension_reason, view.result) == (
        K.INTERN_PRAKTIK,
        "Jobcentrets køkken",
        OVER,
        monday(-1),
        "Forlænget efter 3-partssamtale",
        "Afsluttet",
    )
    assert new_audit(database, before) == [(audit.Action.CHANGE, citizen, "placering")]


# --- length and state -------------------------------------------------------------------


def _view(**changes: Any) -> PlacementView:
    values: dict[str, Any] = {
        "placement_id": 1,
        "kind": K.VIRKSOMHEDSPRAKTIK,
        "employer_name": "Bageriet",
        "employer_cvr": "",
        "contact_person": "",
        "contact_phone": "",
        "tasks": "",
        "start_date": D(2026, 3, 2),
        "planned_end": None,
        "end_date": None,
        "extension_reason": "",
        "planned_hours_per_week": 10.0,
        "mentor_kind": "",
        "mentor_name": "",
        "skaanehensyn": (),
        "result": "",
    }
    values.update(changes)
    return PlacementView(**values)


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({"planned_end": D(2026, 5, 29)}, "13 uger (lovlig længde 13 uger)"),  # Monday to Friday 12 weeks on
        ({"planned_end": D(2026, 6, 1)}, "13 uger (lovlig længde 13 uger)"),  # the Monday 13 weeks on
        ({"planned_end": D(2026, 3, 2)}, "1 uge (lovlig længde 13 uger)"),
        ({"planned_end": D(2026, 4, 10)}, "6 uger (lovlig længde 13 uger)"),
        (
            {"planned_end": D(2026, 7, 17), "extension_reason": "Behov for afklaring"},
            "20 uger – forlænget ud over 13 uger: Behov for afklaring",
        ),
        ({"planned_end": D(2026, 7, 17)}, "20 uger – forlænget ud over 13 uger uden begrundelse"),
        ({"planned_end": D(2026, 7, 17), "end_date": D(2026, 4, 10)}, "6 uger (lovlig længde 13 uger)"),
        ({}, "ingen slutdato (lovlig længde 13 uger)"),
        ({"kind": K.LOENTILSKUD, "planned_end": D(2026, 8, 28)}, "26 uger"),
        ({"kind": K.SMAAJOB}, "ingen slutdato"),
    ],
)
def test_length_text(changes: dict[str, Any], text: str) -> None:
    assert _view(**changes).length_text == text


def test_a_placement_is_active_from_its_start_to_its_end() -> None:
    planned = _view(planned_end=D(2026, 5, 29))
    ended = _view(planned_end=D(2026, 5, 29), end_date=D(2026, 4, 10))
    running = _view()

    assert [planned.is_active(d) for d in (D(2026, 3, 1), D(2026, 3, 2), D(2026, 5, 29), D(2026, 5, 30))] == [
        False,
        True,
        True,
        False,
    ]
    assert [ended.is_active(d) for d in (D(2026, 4, 10), D(2026, 4, 11))] == [True, False]
    assert running.is_active(D(2030, 1, 1))


# --- deleting ----------------------------------------------------------------------------


def test_deleting_a_placement_deletes_its_hours_and_no_other(database: Database, citizen: int) -> None:
    gone = placements.add_placement(database, citizen, praktik())
    keep = placements.add_placement(database, citizen, praktik(employer_name="Netto"))
    placements.save_weeks(database, gone, [hours(-2, 8), hours(-1, 9)], today=TODAY)
    placements.save_weeks(database, keep, [hours(-1, 4)], today=TODAY)
    before = len(audit_log(database))

    placements.delete_placement(database, gone)

    assert [p.placement_id for p in placements.list_placements(database, citizen)] == [keep]
    with database.reading() as session:
        assert session.scalar(select(func.count()).select_from(HoursEntry).where(HoursEntry.placement_id == gone)) == 0
    assert list(hours_stored(database, keep)) == [week(-1)]
    assert new_audit(database, before) == [(audit.Action.CHANGE, citizen, "placering slettet")]


# --- the week grid --------------------------------------------------------------------------


def test_week_rows_run_from_the_start_week_to_next_week_with_gaps_prefilled(database: Database, citizen: int) -> None:
    # Started on a Wednesday five weeks ago, 10 hours a week planned, no end yet.
    placement_id = placements.add_placement(
        database, citizen, praktik(start_date=monday(-5) + dt.timedelta(days=2), planned_end=None)
    )
    placements.save_weeks(
        database,
        placement_id,
        [
            hours(-4, 11, planned=12, observation="Godt humør"),
            hours(-2, 7, planned=15, absence=8, absence_reason=AbsenceReason.SYGDOM, follow_up=True),
        ],
        today=TODAY,
    )

    rows = placements.week_rows(database, placement_id, TODAY)

    assert [r.monday for r in rows] == [monday(n) for n in range(-5, 2)]
    assert [(r.iso_year, r.iso_week) for r in rows] == [week(n) for n in range(-5, 2)]
    assert [r.label for r in rows][-2:] == ["uge 12, 2026", "uge 13, 2026"]
    assert [r.stored for r in rows] == [False, True, False, True, False, False, False]
    assert [r.planned for r in rows] == [10, 12, 12, 15, 15, 15, 15]
    assert [r.attended for r in rows] == [None, 11, None, 7, None, None, None]
    assert rows[1] == WeekRow(*week(-4), monday(-4), 12, 11, 0, None, "Godt humør", False, True)
    assert rows[3] == WeekRow(*week(-2), monday(-2), 15, 7, 8, AbsenceReason.SYGDOM, "", True, True)
    assert rows[0] == WeekRow(*week(-5), monday(-5), 10, None, 0.0, None, "", False, False)


def test_week_rows_stop_at_the_end_and_offer_no_week_outside_the_placement(database: Database, citizen: int) -> None:
    ended = placements.add_placement(
        database, citizen, praktik(start_date=monday(-8), end_date=monday(-6) + dt.timedelta(days=4))
    )
    ends_this_week = placements.add_placement(
        database, citizen, praktik(start_date=monday(-2), planned_end=TODAY + dt.timedelta(days=2))
    )
    starts_next_week = placements.add_placement(
        database, citizen, praktik(start_date=monday(1), planned_end=monday(14))
    )
    starts_later = placements.add_placement(database, citizen, praktik(start_date=monday(3), planned_end=monday(16)))

    def weeks_of(placement_id: int) -> list[dt.date]:
        return [r.monday for r in placements.week_rows(database, placement_id, TODAY)]

    assert weeks_of(ended) == [monday(-8), monday(-7), monday(-6)]
    assert weeks_of(ends_this_week) == [monday(-2), monday(-1), monday(0)]
    assert weeks_of(starts_next_week) == [monday(1)]
    assert weeks_of(starts_later) == []


def test_week_rows_of_an_unknown_placement(database: Database) -> None:
    with pytest.raises(RecordNotFound, match="Placeringen findes ikke"):
        placements.week_rows(database, 999, TODAY)


# --- saving weeks -------------------------------------------------------------------------


@pytest.fixture
def running(database: Database, citizen: int) -> int:
    """A praktik that started five weeks ago and runs until week 8 from now."""
    return placements.add_placement(database, citizen, praktik())


def test_saved_weeks_are_stored_and_logged_once(database: Database, citizen: int, running: int) -> None:
    before = len(audit_log(database))

    saved = placements.save_weeks(
        database,
        running,
        [
            hours(-2, 12.5, planned=15, observation="  Arbejder selvstændigt "),
            hours(-1, 10, planned=15, absence=5, absence_reason=AbsenceReason.ANDET, follow_up=True),
            hours(0, 0, planned=15, absence_reason=AbsenceReason.SYGDOM),  # no absence: reason not kept
            hours(1, 0, planned=18),  # next week's plan
        ],
        today=TODAY,
    )

    assert saved == 4
    assert hours_stored(database, running) == {
        week(-2): (15, 12.5, 0, None, "Arbejder selvstændigt", False),
        week(-1): (15, 10, 5, AbsenceReason.ANDET, "", True),
        week(0): (15, 0, 0, None, "", False),
        week(1): (18, 0, 0, None, "", False),
    }
    assert new_audit(database, before) == [(audit.Action.CHANGE, citizen, "timer")]


def test_saving_a_week_again_replaces_it(database: Database, running: int) -> None:
    placements.save_weeks(database, running, [hours(-1, 8, observation="Første udgave")], today=TODAY)

    placements.save_weeks(
        database, running, [hours(-1, 9, planned=12, absence=3, absence_reason=AbsenceReason.SYGDOM)], today=TODAY
    )

    assert hours_stored(database, running) == {week(-1): (12, 9, 3, AbsenceReason.SYGDOM, "", False)}
    [row] = [r for r in placements.week_rows(database, running, TODAY) if r.stored]
    assert (row.attended, row.observation) == (9, "")


def test_saving_no_weeks_changes_nothing(database: Database, running: int) -> None:
    before = stored(database)

    assert placements.save_weeks(database, running, [], today=TODAY) == 0

    assert stored(database) == before


_W = week(-1)[1]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (hours(-1, -1), f"uge {_W}: Fremmøde kan ikke være negativt."),
        (hours(-1, 5, planned=-2), f"uge {_W}: Planlagte timer kan ikke være negative."),
        (hours(-1, 5, absence=-1), f"uge {_W}: Fravær kan ikke være negativt."),
        (hours(-1, 81), f"uge {_W}: Fremmøde kan højst være 80 timer om ugen."),
        (hours(-1, 5, planned=80.5), f"uge {_W}: Planlagte timer kan højst være 80 timer om ugen."),
        (hours(-1, "7"), f"uge {_W}: Fremmøde skal være et tal."),  # type: ignore[arg-type]
        (hours(-1, float("nan")), f"uge {_W}: Fremmøde skal være et tal."),
        (hours(-1, 5, planned=10, absence=4), f"uge {_W}: Angiv en årsag til fraværet."),
        (
            hours(-1, 0, planned=10, absence=12.5, absence_reason=AbsenceReason.SYGDOM),
            f"uge {_W}: Fravær (12,5 t) kan ikke være mere end de planlagte timer (10 t).",
        ),
        (hours(-1, 5, observation="x" * 2001), f"uge {_W}: Observationen må højst være 2.000 tegn (nu 2.001)."),
        (
            hours(-1, 50, planned=40, absence=40, absence_reason=AbsenceReason.ANDET),
            f"uge {_W}: Fremmøde og fravær kan tilsammen højst være 80 timer.",
        ),
        (
            hours(-6, 5),
            f"uge {week(-6)[1]}: Ugen ligger uden for placeringens periode "
            f"({monday(-5):%d-%m-%Y} – {monday(8):%d-%m-%Y}).",
        ),
        (hours(1, 5), f"uge {week(1)[1]}: Ugen er ikke begyndt; skriv kun planlagte timer."),
        (hours(2, 0), f"uge {week(2)[1]}: Timer kan højst skrives en uge frem."),
        (HoursInput(2026, 54, 10, 5), "uge 54: Ugen findes ikke i 2026."),
    ],
)
def test_one_bad_week_saves_nothing_and_the_problem_names_the_week(
    database: Database, running: int, bad: HoursInput, message: str
) -> None:
    placements.save_weeks(database, running, [hours(-3, 4)], today=TODAY)
    rows = [hours(-4, 6), bad, hours(-3, 7)]

    err = refused(database, lambda: placements.save_weeks(database, running, rows, today=TODAY))

    assert err.problems == [FieldProblem("timer", message)]
    assert str(err).startswith("Timerne er ikke gemt:")
    assert hours_stored(database, running) == {week(-3): (10, 4, 0, None, "", False)}


def test_a_week_given_twice_is_refused(database: Database, running: int) -> None:
    err = refused(database, lambda: placements.save_weeks(database, running, [hours(-1, 5), hours(-1, 6)], today=TODAY))

    assert err.problems == [FieldProblem("timer", f"uge {_W}: Ugen står mere end én gang.")]


def test_problems_of_several_weeks_are_reported_together(database: Database, running: int) -> None:
    rows = [hours(-3, -1), hours(-2, 5), hours(-1, 5, absence=2)]

    err = refused(database, lambda: placements.save_weeks(database, running, rows, today=TODAY))

    assert [p.message.split(":")[0] for p in err.problems] == [f"uge {week(-3)[1]}", f"uge {_W}"]


def test_weeks_of_two_years_are_named_with_their_year(database: Database, citizen: int) -> None:
    placement_id = placements.add_placement(
        database, citizen, praktik(start_date=D(2025, 12, 15), planned_end=D(2026, 3, 13))
    )

    err = refused(
        database,
        lambda: placements.save_weeks(
            database, placement_id, [HoursInput(2025, 52, 10, 5), HoursInput(2026, 2, 10, -5)], today=TODAY
        ),
    )

    assert err.problems == [FieldProblem("timer", "uge 2, 2026: Fremmøde kan ikke være negativt.")]


def test_the_last_hours_allowed_are_accepted(database: Database, running: int) -> None:
    rows = [
        hours(-5, 0, planned=80, absence=80, absence_reason=AbsenceReason.SYGDOM, observation="x" * 2000),
        hours(-4, 80, planned=80),
        hours(-3, 40, planned=40, absence=40, absence_reason=AbsenceReason.ANDET),
        hours(0, 15, planned=0),  # attended above the plan is progression, not an error
        hours(1, 0, planned=10, absence=10, absence_reason=AbsenceReason.ANDET),  # planned absence next week
    ]

    assert placements.save_weeks(database, running, rows, today=TODAY) == 5


def test_saving_weeks_of_an_unknown_placement(database: Database) -> None:
    with pytest.raises(RecordNotFound):
        placements.save_weeks(database, 999, [hours(-1, 5)], today=TODAY)


def test_deleting_a_week(database: Database, citizen: int, running: int) -> None:
    placements.save_weeks(database, running, [hours(-2, 5), hours(-1, 6)], today=TODAY)
    before = len(audit_log(database))

    placements.delete_week(database, running, *week(-2))
    unchanged = stored(database)
    placements.delete_week(database, running, *week(-4))  # never stored

    assert stored(database) == unchanged
    assert list(hours_stored(database, running)) == [week(-1)]
    assert new_audit(database, before) == [(audit.Action.CHANGE, citizen, "timer slettet")]
    with pytest.raises(RecordNotFound):
        placements.delete_week(database, 999, *week(-1))


# --- changed dates and stored hours -----------------------------------------------------------


def test_moving_the_start_past_registered_hours_is_refused(database: Database, running: int) -> None:
    placements.save_weeks(database, running, [hours(-5, 5), hours(-4, 6)], today=TODAY)

    err = refused(database, lambda: placements.update_placement(database, running, praktik(start_date=monday(-3))))

    assert err.problems == [
        FieldProblem(
            "startdato",
            f"Der er registreret timer før den nye startdato (uge {week(-5)[1]}, 2026; uge {week(-4)[1]}, 2026). "
            "Slet ugerne først.",
        )
    ]


def test_ending_a_placement_drops_only_a_plan_ahead(database: Database, citizen: int) -> None:
    today = dt.date.today()
    this_monday = today - dt.timedelta(days=today.weekday())
    start = this_monday - dt.timedelta(weeks=3)
    placement_id = placements.add_placement(database, citizen, praktik(start_date=start, planned_end=None))
    last, nxt = this_monday.isocalendar(), (this_monday + dt.timedelta(weeks=1)).isocalendar()
    placements.save_weeks(
        database,
        placement_id,
        [HoursInput(last.year, last.week, 10, 8), HoursInput(nxt.year, nxt.week, 12, 0)],
        today=today,
    )

    placements.update_placement(database, placement_id, praktik(start_date=start, end_date=today))

    assert list(hours_stored(database, placement_id)) == [(last.year, last.week)]
    err = refused(
        database,
        lambda: placements.update_placement(
            database, placement_id, praktik(start_date=start, end_date=this_monday - dt.timedelta(days=3))
        ),
    )
    assert err.for_field("slutdato") == (
        f"Der er registreret timer efter den nye slutdato (uge {last.week}, {last.year}). Slet ugerne først."
    )


# --- progression ------------------------------------------------------------------------------


def test_rising_hours_give_the_rising_signal_suggesting_gruppe_1_for_gruppe_2(database: Database, citizen: int) -> None:
    placement_id = placements.add_placement(database, citizen, praktik(planned_hours_per_week=20))
    rising = [hours(n, 4 + 2 * (n + 5)) for n in range(-5, 0)]  # 4, 6, 8, 10, 12
    placements.save_weeks(database, placement_id, [*rising, hours(1, 0, planned=20)], today=TODAY)

    progress = placements.placement_progress(database, placement_id, TODAY)

    assert progress.placement == placements.list_placements(database, citizen)[0]
    assert [w.key for w in progress.weeks] == [week(n) for n in range(-5, 0)]  # next week's plan is no evidence
    assert progress.progression.slope_4 == pytest.approx(2.0)
    assert [s.kind for s in progress.signals] == [SignalKind.RISING]
    assert "gruppe 2 → 1" in progress.signals[0].text
    assert progress.series.attended == [4, 6, 8, 10, 12]


def test_the_signal_follows_the_current_group(database: Database, citizen: int) -> None:
    placement_id = placements.add_placement(database, citizen, praktik())
    placements.save_weeks(database, placement_id, [hours(n, 4 + 2 * (n + 5)) for n in range(-5, 0)], today=TODAY)
    change_group(database, citizen, VisitationGroup.GRUPPE_1, D(2026, 3, 2), "Progression i praktik")

    [signal] = placements.placement_progress(database, placement_id, TODAY).signals

    assert signal.kind == SignalKind.RISING
    assert "gruppe 2 → 1" not in signal.text


def test_flat_hours_give_no_rising_signal(database: Database, citizen: int) -> None:
    placement_id = placements.add_placement(database, citizen, praktik())
    placements.save_weeks(database, placement_id, [hours(n, 6) for n in range(-5, 0)], today=TODAY)

    kinds = [s.kind for s in placements.placement_progress(database, placement_id, TODAY).signals]

    assert kinds == [SignalKind.NO_PROGRESSION]


def test_the_thresholds_come_from_the_settings(database: Database, citizen: int) -> None:
    from jobraad.settings import set_settings

    placement_id = placements.add_placement(database, citizen, praktik())
    placements.save_weeks(database, placement_id, [hours(n, 6) for n in range(-5, 0)], today=TODAY)
    set_settings(database, {"signal_stall_weeks": 6})

    assert placements.placement_progress(database, placement_id, TODAY).signals == []


def test_a_placement_without_hours_has_an_empty_progress(database: Database, citizen: int) -> None:
    placement_id = placements.add_placement(database, citizen, praktik())

    progress = placements.placement_progress(database, placement_id, TODAY)

    assert (progress.weeks, progress.signals, progress.series.labels) == ([], [], [])
    assert progress.progression.weeks_logged == 0


def test_citizen_progress_gives_each_placement_newest_first(database: Database, citizen: int) -> None:
    old = placements.add_placement(database, citizen, praktik(start_date=D(2025, 9, 1), planned_end=D(2025, 11, 28)))
    new = placements.add_placement(database, citizen, praktik())
    placements.save_weeks(database, old, [HoursInput(2025, 40, 10, 3), HoursInput(2025, 41, 10, 3)], today=TODAY)
    placements.save_weeks(database, new, [hours(-1, 9)], today=TODAY)

    progress = placements.citizen_progress(database, citizen, TODAY)

    assert [p.placement.placement_id for p in progress] == [new, old]
    assert [[w.attended for w in p.weeks] for p in progress] == [[9], [3, 3]]
    with pytest.raises(CitizenNotFound):
        placements.citizen_progress(database, 999, TODAY)


def test_placement_weeks_are_the_stored_weeks_inside_the_period(database: Database, running: int) -> None:
    placements.save_weeks(database, running, [hours(-1, 7), hours(0, 8), hours(1, 0, planned=12)], today=TODAY)

    with database.reading() as session:
        everything = placements.placement_weeks(session, running)
        until_today = placements.placement_weeks(session, running, until=TODAY)

    assert [(w.key, w.attended) for w in everything] == [(week(-1), 7), (week(0), 8), (week(1), 0)]
    assert [w.key for w in until_today] == [week(-1), week(0)]


# --- signals for the whole caseload ------------------------------------------------------------


@pytest.fixture
def count_queries(database: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):  # not the BEGIN of a session's first query
            statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    yield statements
    event.remove(database.engine, "before_cursor_execute", count)


def _caseload(database: Database) -> dict[str, int]:
    """Citizens whose placements tell different stories."""
    ids: dict[str, int] = {}

    def citizen_with(name: str, cpr: str, group: VisitationGroup = VisitationGroup.GRUPPE_2) -> int:
        ids[name] = new_citizen(database, cpr, group, first=name)
        return ids[name]

    def placement(citizen_id: int, attended: dict[int, float], **changes: Any) -> int:
        placement_id = placements.add_placement(database, citizen_id, praktik(**changes))
        rows = [hours(n, a) for n, a in attended.items()]
        placements.save_weeks(database, placement_id, rows, today=TODAY)
        return placement_id

    rising = {n: 4 + 2 * (n + 5) for n in range(-5, 0)}
    placement(citizen_with("stigende", "010170-1111"), rising)
    placement(
        citizen_with("lav", "010170-2222", VisitationGroup.GRUPPE_3),
        {n: 6 for n in range(-9, 0)},
        start_date=monday(-9),
    )
    placement(citizen_with("lukket", "010170-3333"), rising)
    close_case(database, ids["lukket"], Outcome.ORDINAERT_JOB, TODAY)
    placement(
        citizen_with("afsluttet", "010170-4444"),
        {n: 6 for n in range(-9, -4)},
        start_date=monday(-9),
        end_date=monday(-5) + dt.timedelta(days=4),
    )
    placement(citizen_with("uden timer", "010170-5555"), {})
    # Two placements: each too short for a stable-low signal, together long enough.
    both = citizen_with("to praktikker", "010170-6666")
    placement(both, {n: 6 for n in range(-10, -5)}, start_date=monday(-10), end_date=monday(-6) + dt.timedelta(days=4))
    placement(both, {n: 6 for n in range(-5, 0)})
    return ids


def test_signals_by_citizen_for_a_caseload(database: Database) -> None:
    ids = _caseload(database)

    with database.reading() as session:
        found = placements.signals_by_citizen(session, TODAY)

    kinds = {citizen_id: [s.kind for s in signals] for citizen_id, signals in found.items()}
    assert kinds == {
        ids["stigende"]: [SignalKind.RISING],
        ids["lav"]: [SignalKind.NO_PROGRESSION, SignalKind.STABLE_LOW],
        # The active placement alone has stalled; the combined weeks add the stable low level.
        ids["to praktikker"]: [SignalKind.NO_PROGRESSION, SignalKind.STABLE_LOW],
    }
    assert "gruppe 2 → 1" in found[ids["stigende"]][0].text
    assert found[ids["to praktikker"]][0].text == "Ingen progression i 5 uger"  # the active placement's own


def test_signals_by_citizen_for_some_citizens_only(database: Database) -> None:
    ids = _caseload(database)

    with database.reading() as session:
        found = placements.signals_by_citizen(session, TODAY, [ids["lav"], ids["lukket"], ids["uden timer"]])

    assert list(found) == [ids["lav"]]


def test_signals_by_citizen_uses_the_same_few_queries_for_any_number_of_citizens(
    database: Database, count_queries: list[str]
) -> None:
    ids = _caseload(database)
    with database.reading() as session:
        count_queries.clear()
        placements.signals_by_citizen(session, TODAY, [ids["stigende"]])
        few = len(count_queries)
        count_queries.clear()
        placements.signals_by_citizen(session, TODAY)
        everyone = len(count_queries)

    assert few == everyone <= 6


def test_signals_by_citizen_with_no_placements(database: Database, citizen: int) -> None:
    with database.reading() as session:
        assert placements.signals_by_citizen(session, TODAY) == {}
        assert placements.signals_by_citizen(session, TODAY, []) == {}


# --- unknown records, one transaction, the audit log ----------------------------------------------

_DATA = PlacementInput(K.VIRKSOMHEDSPRAKTIK, "Bageriet", D(2026, 3, 2))


@pytest.mark.parametrize(
    "call",
    [
        lambda db: placements.update_placement(db, 999, _DATA),
        lambda db: placements.delete_placement(db, 999),
        lambda db: placements.placement_progress(db, 999, TODAY),
        lambda db: placements.delete_week(db, 999, 2026, 12),
    ],
)
def test_an_unknown_placement_is_reported_in_danish(database: Database, call: Callable[[Database], object]) -> None:
    before = stored(database)

    with pytest.raises(RecordNotFound) as info:
        call(database)

    assert info.value.message == "Placeringen findes ikke (længere)."
    assert stored(database) == before


@pytest.mark.parametrize(
    "call",
    [
        lambda db: placements.add_placement(db, 999, _DATA),
        lambda db: placements.add_placement(db, 999, praktik(skaanehensyn=["Pauser"])),
        lambda db: placements.list_placements(db, 999),
        lambda db: placements.default_skaanehensyn(db, 999),
    ],
)
def test_an_unknown_citizen_is_reported(database: Database, call: Callable[[Database], object]) -> None:
    before = stored(database)

    with pytest.raises(CitizenNotFound):
        call(database)

    assert stored(database) == before


@pytest.mark.parametrize(
    "call",
    [
        lambda db, cid, pid: placements.add_placement(db, cid, _DATA),
        lambda db, cid, pid: placements.update_placement(db, pid, praktik(result="Afsluttet")),
        lambda db, cid, pid: placements.delete_placement(db, pid),
        lambda db, cid, pid: placements.save_weeks(db, pid, [hours(-1, 5), hours(-2, 6)], today=TODAY),
        lambda db, cid, pid: placements.delete_week(db, pid, *week(-3)),
    ],
)
def test_nothing_is_saved_when_the_audit_entry_fails(
    database: Database,
    citizen: int,
    monkeypatch: pytest.MonkeyPatch,
    call: Callable[[Database, int, int], object],
) -> None:
    placement_id = placements.add_placement(database, citizen, praktik())
    placements.save_weeks(database, placement_id, [hours(-3, 4)], today=TODAY)
    before = stored(database)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        call(database, citizen, placement_id)

    assert stored(database) == before


def test_every_change_is_logged_without_content_in_a_verified_chain(database: Database, citizen: int) -> None:
    before = len(audit_log(database))
    placement_id = placements.add_placement(
        database, citizen, praktik(employer_name="Bageriet Brød & Co", skaanehensyn=["Ingen tunge løft"])
    )
    placements.update_placement(database, placement_id, praktik(employer_name="Bageriet Brød & Co", tasks="Pakning"))
    placements.save_weeks(database, placement_id, [hours(-1, 7, observation="Træt efter frokost")], today=TODAY)
    placements.delete_week(database, placement_id, *week(-1))
    placements.delete_placement(database, placement_id)

    log = new_audit(database, before)
    assert log == [
        (audit.Action.CHANGE, citizen, "placering"),
        (audit.Action.CHANGE, citizen, "placering"),
        (audit.Action.CHANGE, citizen, "timer"),
        (audit.Action.CHANGE, citizen, "timer slettet"),
        (audit.Action.CHANGE, citizen, "placering slettet"),
    ]
    for content in ("Bageriet", "tunge", "Pakning", "Træt", "7"):
        assert all(content not in detail for _, _, detail in log)
    with database.reading() as session:
        assert audit.verify_chain(session).ok


def test_reading_changes_nothing(database: Database, citizen: int, running: int) -> None:
    placements.save_weeks(database, running, [hours(-1, 7)], today=TODAY)
    before = stored(database)

    placements.list_placements(database, citizen)
    placements.default_skaanehensyn(database, citizen)
    placements.week_rows(database, running, TODAY)
    placements.placement_progress(database, running, TODAY)
    placements.citizen_progress(database, citizen, TODAY)
    with database.reading() as session:
        placements.signals_by_citizen(session, TODAY)

    assert stored(database) == before
