"""Hours in virksomhedspraktik: the week grid, saving weeks all or nothing, changed dates,
and the progression signals of one placement and of a whole caseload."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from db.enums import AbsenceReason, Outcome, VisitationGroup
from db.session import Database
from jobraad import audit, placements
from jobraad.citizens import CitizenNotFound, change_group, close_case
from jobraad.errors import FieldProblem
from jobraad.placements import HoursInput, WeekRow
from jobraad.progression import SignalKind
from jobraad.records import RecordNotFound
from tests.helpers import audit_log, new_audit, refused, stored
from tests.jobraad.placing import TODAY, D, hours, hours_stored, monday, new_citizen, praktik, week


@pytest.fixture
def citizen(database: Database) -> int:
    return new_citizen(database)


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
