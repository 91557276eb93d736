"""The arithmetic of every goal rule on hand-made caseloads, and the median weeks to a decision."""

from __future__ import annotations

import datetime as dt

import pytest

from db.enums import ActivityKind, Aim, Outcome, PlacementKind, VisitationGroup
from db.models import Citizen
from db.session import Database
from jobraad.goals import default_goals, parse_goals
from tests.jobraad.team.caseloads import EXIT_GOAL, G2, G3, G3_GOAL, PLACEMENT_GOAL, Person, add, exact


def test_the_placement_goal(database: Database) -> None:
    add(
        database,
        Person(placements=[(PlacementKind.VIRKSOMHEDSPRAKTIK, dt.date(2024, 11, 1), dt.date(2025, 1, 31))]),  # yes
        Person(activities=[(ActivityKind.JOBDANSK, dt.date(2025, 3, 1), None)]),  # yes
        Person(activities=[(ActivityKind.FORBEREDENDE_PLAN, dt.date(2025, 12, 1), None)]),  # yes
        Person(activities=[(ActivityKind.FVU, dt.date(2024, 1, 1), dt.date(2024, 12, 31))]),  # before the period
        Person(activities=[(ActivityKind.WORKSHOP_CV, dt.date(2025, 3, 1), None)]),  # not a kind the goal names
        Person(placements=[(PlacementKind.SMAAJOB, dt.date(2025, 3, 1), None)]),  # småjob is goal 2
        Person(activities=[(ActivityKind.AMU, None, None)]),  # never started
        Person(placements=[(PlacementKind.LOENTILSKUD, dt.date(2026, 1, 10), None)]),  # after
    )
    g = exact(database).goal(PLACEMENT_GOAL)
    assert (g.numerator.value, g.denominator.value) == (3, 8)
    assert g.share.value == pytest.approx(3 / 8)
    assert g.target == pytest.approx(0.8) and g.met is False and g.status == "Ikke opfyldt"


def test_the_placement_goal_met(database: Database) -> None:
    kind = PlacementKind.VIRKSOMHEDSPRAKTIK
    add(database, *[Person(placements=[(kind, dt.date(2025, 2, 1), None)]) for _ in range(4)], Person())
    g = exact(database).goal(PLACEMENT_GOAL)
    assert (g.numerator.value, g.denominator.value, g.met, g.status) == (4, 5, True, "Opfyldt")  # 80 % exactly


def test_the_exit_goal(database: Database) -> None:
    add(
        database,
        Person(closings=[(Outcome.FLEKSJOB, dt.date(2025, 5, 1), None)]),  # yes
        Person(closings=[(Outcome.FOERTIDSPENSION, dt.date(2025, 9, 1), None)]),  # yes
        Person(closings=[(Outcome.ORDINAERT_JOB, dt.date(2025, 2, 1), dt.date(2025, 6, 1))]),  # yes, reopened
        Person(closings=[(Outcome.FLYTTET, dt.date(2025, 5, 1), None)]),  # not a goal outcome
        Person(placements=[(PlacementKind.SMAAJOB, dt.date(2025, 10, 1), None)]),  # yes: småjob while open
        Person(placements=[(PlacementKind.VIRKSOMHEDSPRAKTIK, dt.date(2025, 10, 1), None)]),
    )
    g = exact(database).goal(EXIT_GOAL)
    assert (g.numerator.value, g.denominator.value) == (4, 6)
    assert g.target == pytest.approx(0.6) and g.met is True


def test_the_gruppe3_goal_and_the_median(database: Database) -> None:
    def g3(start: dt.date, end: dt.date | None = None) -> list[tuple[VisitationGroup, dt.date, dt.date | None]]:
        return [(G3, start, end)]

    start = dt.date(2025, 1, 6)  # deadline 23 weeks later: 16-06-2025
    deadline = start + dt.timedelta(weeks=23)
    add(
        database,
        Person(forloeb=g3(start), decisions=[start + dt.timedelta(weeks=10)]),  # met; 10 weeks
        # forelagt earlier, afgjort on the deadline day: met; 23 weeks
        Person(forloeb=g3(start), forelagt_goal=start + dt.timedelta(weeks=20), decided_goal=deadline),
        Person(forloeb=g3(start), decisions=[deadline + dt.timedelta(days=1)]),  # too late; 23 1/7 weeks
        Person(forloeb=g3(start)),  # not decided, still in gruppe 3: not met
        # moved to gruppe 2 before the deadline without a decision: not judged
        Person(forloeb=[(G3, start, dt.date(2025, 3, 1)), (G2, dt.date(2025, 3, 1), None)]),
        Person(forloeb=g3(dt.date(2025, 10, 1))),  # deadline in 2026: judged next year
        Person(forloeb=g3(start), closings=[(Outcome.FLYTTET, dt.date(2025, 4, 1), None)]),  # left: not judged
        Person(forloeb=g3(dt.date(2024, 3, 4)), decisions=[dt.date(2024, 6, 3)]),  # decided last year
    )
    s = exact(database)
    g = s.goal(G3_GOAL)
    assert (g.numerator.value, g.denominator.value) == (2, 4)
    assert g.target is None and g.met is None and g.status == "Intet mål"
    assert s.decision.n.value == 3
    assert s.decision.weeks == pytest.approx(23)  # median of 10, 23 and 23 1/7


def test_the_gruppe3_goal_needs_forelagt_and_afgjort_unless_the_case_goes_past_the_team(database: Database) -> None:
    """Seed 001: "forelagt og behandlet ... på rehabiliteringsteam og modtaget en afgørelse";
    revalidering (BEK 2408 § 1, stk. 4) and an oplagt førtidspension (§ 1, stk. 3) go past
    the team, so the decision alone counts for them."""
    start = dt.date(2025, 1, 6)
    decided = start + dt.timedelta(weeks=12)
    g3 = [(G3, start, None)]
    add(
        database,
        Person(forloeb=g3, decided_goal=decided),  # afgjort only: not met
        Person(forloeb=g3, forelagt_goal=decided),  # forelagt only: not met
        Person(forloeb=g3, forelagt_goal=start + dt.timedelta(weeks=24), decided_goal=decided),  # forelagt late
        Person(forloeb=g3, forelagt_goal=decided, decided_goal=decided),  # both: met
        Person(forloeb=g3, decided_goal=decided, aim=Aim.REVALIDERING),  # not forelagt the team: met
        Person(forloeb=g3, decided_goal=decided, aim=Aim.FOERTIDSPENSION, pension_without_team=True),  # met
    )
    s = exact(database)
    g = s.goal(G3_GOAL)
    assert (g.numerator.value, g.denominator.value) == (3, 6)
    assert "23 uger" in g.population
    # The median counts the forløb decided in the period, by the same rule: the three met and the
    # late one (24 weeks).
    assert s.decision.n.value == 4


def test_under_a_pack_without_a_team_the_decision_alone_meets_the_gruppe3_goal(database: Database) -> None:
    """Lov 1750's samlet beskrivelse sends no case to a team, so nothing can be forelagt it."""
    start = dt.date(2025, 1, 6)
    decided = start + dt.timedelta(weeks=12)
    ids = add(database, *[Person(forloeb=[(G3, start, None)], decided_goal=decided) for _ in range(2)])
    with database.transaction() as session:
        session.get(Citizen, ids[0]).rule_pack = "l1750_2026"  # type: ignore[union-attr]
        session.get(Citizen, ids[1]).rule_pack = "bek1708_2024"  # type: ignore[union-attr]
    g = exact(database).goal(G3_GOAL)
    assert (g.numerator.value, g.denominator.value) == (1, 2)


def test_a_goal_with_its_own_population_and_window(database: Database) -> None:
    text = default_goals().text.replace(
        'rule = "had_activity"', 'rule = "had_activity"\npopulation = "target_group_2024"\nwindow = "started_in_period"'
    )
    goals = parse_goals(text, "test.toml")
    praktik = PlacementKind.VIRKSOMHEDSPRAKTIK
    add(
        database,
        Person(born=dt.date(1967, 3, 1), support_years=9, placements=[(praktik, dt.date(2025, 2, 1), None)]),
        Person(born=dt.date(1967, 3, 1), support_years=9, placements=[(praktik, dt.date(2024, 12, 1), None)]),
        Person(born=dt.date(1967, 3, 1), support_years=5, placements=[(praktik, dt.date(2025, 2, 1), None)]),
        Person(born=dt.date(1959, 3, 1), support_years=10),  # 65 on 1 January: not in the target group
    )
    s = exact(database, goals=goals)
    assert s.target_group.value == 2
    g = s.goal(PLACEMENT_GOAL)
    assert (g.numerator.value, g.denominator.value) == (1, 2)  # started before the period: not counted
    assert "målgruppen 2024" in g.population
