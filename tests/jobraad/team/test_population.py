"""Who a team summary counts, and for how many days: entering, leaving, reopening, a
running period, helårspladser."""

from __future__ import annotations

import datetime as dt

import pytest

from db.enums import Outcome
from db.session import Database
from jobraad.team.model import Count, calendar_year
from tests.jobraad.team.caseloads import G1, PLACEMENT_GOAL, Y2025, Person, add, exact, full_year


def test_empty_caseload(database: Database) -> None:
    s = exact(database)
    assert s.population == Count.of(0)
    assert s.helaarspladser.value == 0
    for g in s.goals:
        assert (g.numerator.value, g.denominator.value) == (0, 0)
        assert g.share.low is None and g.share.display == "–"
    assert s.goal(PLACEMENT_GOAL).status == "Ingen at måle på"
    assert all(t.total.count == Count.of(0) for t in s.tables)
    assert s.decision.weeks is None and s.decision.display == "–"


def test_one_citizen_the_whole_year_is_one_helaarsplads(database: Database) -> None:
    add(database, Person(forloeb=full_year()))
    s = exact(database)
    assert s.population.value == 1
    assert s.helaarspladser.value == pytest.approx(1.0)  # 365 days / 365
    assert s.table("gruppe").row("gruppe_1").count.value == 1


def test_a_leap_year_gives_366_over_365(database: Database) -> None:
    add(database, Person(forloeb=[(G1, dt.date(2023, 1, 1), None)]))
    s = exact(database, calendar_year(2024), dt.date(2025, 1, 10))
    assert s.helaarspladser.value == pytest.approx(366 / 365)
    assert s.helaarspladser_target == pytest.approx(125)  # the seed's 2024 target, from the TOML


def test_entering_and_leaving_mid_period(database: Database) -> None:
    add(
        database,
        Person(forloeb=[(G1, dt.date(2025, 7, 1), None)]),  # 1 July – 31 December: 184 days
        Person(forloeb=full_year(), closings=[(Outcome.FLYTTET, dt.date(2025, 4, 1), None)]),  # 1 Jan – 31 Mar: 90
        # closed 1 March, reopened 1 May: 59 + 245 days
        Person(forloeb=full_year(), closings=[(Outcome.ANDET, dt.date(2025, 3, 1), dt.date(2025, 5, 1))]),
        Person(forloeb=full_year(), closings=[(Outcome.FLYTTET, dt.date(2024, 12, 1), None)]),  # gone before
        Person(forloeb=[(G1, dt.date(2026, 1, 5), None)]),  # comes after
        Person(forloeb=[(G1, dt.date(2025, 12, 31), None)]),  # one day
    )
    s = exact(database)
    assert s.population.value == 4
    assert s.helaarspladser.value == pytest.approx((184 + 90 + 59 + 245 + 1) / 365)
    exits = s.table("afslutning")
    assert exits.row("flyttet").count.value == 1 and exits.row("andet").count.value == 1
    assert exits.total.count.value == 2


def test_a_running_period_counts_up_to_the_export_day(database: Database) -> None:
    add(database, Person(forloeb=full_year()))
    s = exact(database, Y2025, as_of=dt.date(2025, 1, 31))
    assert s.helaarspladser.value == pytest.approx(31 / 365)
    assert any("ikke slut" in note for note in s.notes)
