"""Caseload summaries for the team lead: the arithmetic of every goal on hand-made
caseloads, suppression of small counts, no CPR or name anywhere in an export, the
three formats read back as a user's tools would, merge, the command line and speed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import event, select

from db.enums import (
    AbsenceReason,
    ActivityKind,
    Aim,
    DocumentState,
    MeetingKind,
    Outcome,
    PlacementKind,
    VisitationGroup,
)
from db.models import (
    Activity,
    AuditEntry,
    CaseOutcome,
    Citizen,
    DocumentationItem,
    Forloeb,
    GoalProgress,
    HoursEntry,
    Meeting,
    Placement,
    Setting,
)
from db.session import Database, create_database
from jobraad import formatting, team_export
from jobraad.audit import Action
from jobraad.cli import PASSPHRASE_ENV, main
from jobraad.demo import generate_demo
from jobraad.documentation import readiness_by_citizen
from jobraad.goals import default_goals, parse_goals, save_goals
from jobraad.outputs import rules_for
from jobraad.team_export import (
    Count,
    ExportFormat,
    MergeRefused,
    Period,
    Summary,
    SummaryFileError,
    Table,
    TableRow,
    build_summary,
    calendar_year,
    export_summary,
    merge_summaries,
    period_from_texts,
    pseudonym,
    read_summary,
    suppress,
    write_csv,
    write_summary,
)
from tests.conftest import PASSPHRASE

Y2025 = calendar_year(2025)
AFTER_2025 = dt.date(2026, 3, 1)  # exports made after the period ended
G1, G2, G3 = VisitationGroup.GRUPPE_1, VisitationGroup.GRUPPE_2, VisitationGroup.GRUPPE_3
PLACEMENT_GOAL = "placering_opkvalificering_plan"
EXIT_GOAL = "job_fleksjob_pension"
G3_GOAL = "gruppe3_afgjort_23_uger"


# --- hand-made caseloads ----------------------------------------------------------------------------------------


@dataclass
class Person:
    """A citizen as a test writes it; only what the summary reads."""

    born: dt.date = dt.date(1970, 6, 15)
    forloeb: list[tuple[VisitationGroup, dt.date, dt.date | None]] = field(
        default_factory=lambda: [(G1, dt.date(2024, 6, 1), None)]
    )
    closings: list[tuple[Outcome, dt.date, dt.date | None]] = field(default_factory=list)
    activities: list[tuple[ActivityKind, dt.date | None, dt.date | None]] = field(default_factory=list)
    placements: list[tuple[PlacementKind, dt.date, dt.date | None]] = field(default_factory=list)
    hours: list[tuple[int, int, float, float, AbsenceReason | None]] = field(default_factory=list)  # first placement
    decisions: list[dt.date] = field(default_factory=list)  # rehabiliteringsteam meetings' decided_on
    decided_goal: dt.date | None = None  # "rehab_afgjort" on the last forløb
    support_years: int = 3
    aim: Aim = Aim.JOB


_serial = iter(range(1, 10_000))


def _cpr_for(born: dt.date) -> str:
    century_digit = "0" if born.year < 2000 else "4"
    return f"{born:%d%m%y}{century_digit}{next(_serial) % 1000:03d}"


def add(database: Database, *people: Person) -> list[int]:
    ids = []
    with database.transaction() as session:
        for p in people:
            c = Citizen(
                cpr=_cpr_for(p.born),
                first_name="Test",
                last_name="Borger",
                support_years_last10=p.support_years,
                aim=p.aim,
            )
            c.forloeb = [Forloeb(group=g, start_date=s, end_date=e) for g, s, e in p.forloeb]
            c.outcomes = [CaseOutcome(outcome=o, closed_on=d, reopened_on=r) for o, d, r in p.closings]
            c.activities = [Activity(kind=k, start_date=s, end_date=e) for k, s, e in p.activities]
            c.placements = [
                Placement(kind=k, employer_name="Arbejdsplads", start_date=s, end_date=e) for k, s, e in p.placements
            ]
            if p.hours:
                c.placements[0].hours = [
                    HoursEntry(iso_year=y, iso_week=w, planned_hours=pl, attended_hours=a, absence_reason=r)
                    for y, w, pl, a, r in p.hours
                ]
            c.meetings = [
                Meeting(
                    kind=MeetingKind.REHABILITERINGSTEAM, starts_at=dt.datetime.combine(d, dt.time(10)), decided_on=d
                )
                for d in p.decisions
            ]
            if p.decided_goal is not None:
                c.forloeb[-1].goals = [GoalProgress(goal_key="rehab_afgjort", reached_on=p.decided_goal)]
            session.add(c)
            session.flush()
            ids.append(c.id)
    return ids


def exact(database: Database, period: Period = Y2025, as_of: dt.date = AFTER_2025, **kw: object) -> Summary:
    return build_summary(database, period, as_of=as_of, anonymous=False, **kw)  # type: ignore[arg-type]


def full_year(group: VisitationGroup = G1) -> list[tuple[VisitationGroup, dt.date, dt.date | None]]:
    return [(group, dt.date(2024, 6, 1), None)]


# --- the period -------------------------------------------------------------------------------------------------


def test_period_from_texts() -> None:
    today = dt.date(2026, 11, 25)
    assert period_from_texts(None, None, today) == calendar_year(2026)
    assert period_from_texts("01-02-2025", "2025-03-31", today) == Period(dt.date(2025, 2, 1), dt.date(2025, 3, 31))
    with pytest.raises(team_export.UserFacingError, match="både fra- og til-dato"):
        period_from_texts("01-01-2025", None, today)
    with pytest.raises(team_export.UserFacingError, match="før den begynder"):
        period_from_texts("01-02-2025", "01-01-2025", today)
    with pytest.raises(team_export.UserFacingError, match="dd-mm-åååå"):
        period_from_texts("i går", "01-01-2025", today)


# --- arithmetic -------------------------------------------------------------------------------------------------


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
        Person(forloeb=g3(start), decided_goal=deadline),  # met on the deadline day; 23 weeks
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


def test_groups_aims_and_ages(database: Database) -> None:
    add(
        database,
        Person(forloeb=[(G2, dt.date(2024, 6, 1), dt.date(2025, 5, 1)), (G1, dt.date(2025, 5, 1), None)]),
        Person(forloeb=full_year(G3), aim=Aim.FLEKSJOB, born=dt.date(1962, 1, 2)),
        Person(born=dt.date(1990, 5, 5)),
        Person(born=dt.date(2000, 5, 5)),
        Person(born=dt.date(1959, 12, 31)),  # 65 on 1 January 2025
    )
    s = exact(database)
    groups = s.table("gruppe")
    assert groups.row("gruppe_1").count.value == 4 and groups.row("gruppe_2").count.value == 0
    assert groups.row("gruppe_3").count.value == 1
    assert s.table("sigte").row("fleksjob").count.value == 1 and s.table("sigte").row("job").count.value == 4
    ages = {r.key: r.count.value for r in s.table("alder").rows}
    assert ages == {"under_30": 1, "30_44": 1, "45_54": 1, "55_59": 0, "60_64": 1, "65_plus": 1}


def test_hours_progression(database: Database) -> None:
    praktik = [(PlacementKind.VIRKSOMHEDSPRAKTIK, dt.date(2025, 1, 6), None)]
    sick = AbsenceReason.SYGDOM

    def weeks(*attended: float) -> list[tuple[int, int, float, float, AbsenceReason | None]]:
        return [(2025, 2 + i, 10.0, a, None) for i, a in enumerate(attended)]

    add(
        database,
        Person(placements=praktik, hours=weeks(5, 5, 6, 8, 10, 12)),  # rising
        Person(placements=praktik, hours=weeks(10, 10, 10, 10)),  # flat
        Person(placements=praktik, hours=weeks(12, 10, 8, 6)),  # falling
        # a sickness week with nothing attended is left out: 8, 8 -> flat
        Person(placements=praktik, hours=[(2025, 2, 10, 8, None), (2025, 3, 10, 0, sick), (2025, 4, 10, 8, None)]),
        Person(placements=praktik, hours=weeks(7)),  # one week: no trend
        Person(placements=praktik, hours=[(2024, 40, 10, 2, None), (2024, 41, 10, 20, None)]),  # before the period
    )
    t = exact(database).table("timer")
    assert {r.key: r.count.value for r in t.rows} == {"stigende": 1, "uaendret": 2, "faldende": 1}
    assert t.total.count.value == 4


def test_hours_of_placements_in_the_same_weeks_are_summed_and_only_inside_the_placement(database: Database) -> None:
    praktik, loentilskud = PlacementKind.VIRKSOMHEDSPRAKTIK, PlacementKind.LOENTILSKUD
    both = [(praktik, dt.date(2025, 1, 6), None), (loentilskud, dt.date(2025, 1, 6), None)]
    later = [(praktik, dt.date(2025, 3, 3), None)]  # week 10
    ids = add(
        database,
        # 6, 6, 6, 6 in the first placement and 0, 0, 4, 4 in the second: 6, 6, 10, 10 -> rising (one after
        # the other they would be falling)
        Person(placements=both, hours=[(2025, 2 + i, 10.0, 6.0, None) for i in range(4)]),
        # hours before the placement began (weeks 6–9) are left out: 8, 8 -> flat, not rising
        Person(placements=later, hours=[(2025, w, 10.0, a, None) for w, a in [(6, 1), (7, 1), (10, 8), (11, 8)]]),
        # week 53 of 2025 is no week, and is left out: 8, 8 -> flat
        Person(
            placements=[(praktik, dt.date(2025, 11, 3), None)],
            hours=[(2025, 46, 10, 8, None), (2025, 47, 10, 8, None), (2025, 53, 10, 30, None)],
        ),
    )
    with database.transaction() as session:
        second = session.scalars(select(Placement).where(Placement.citizen_id == ids[0]).order_by(Placement.id)).all()[
            1
        ]
        second.hours = [
            HoursEntry(iso_year=2025, iso_week=2 + i, planned_hours=10.0, attended_hours=a)
            for i, a in enumerate([0, 0, 4, 4])
        ]
    t = exact(database).table("timer")
    assert {r.key: r.count.value for r in t.rows} == {"stigende": 1, "uaendret": 2, "faldende": 0}


def test_documentation_readiness_of_gruppe_3(database: Database) -> None:
    add(database, *[Person(forloeb=full_year(G3), aim=Aim.FLEKSJOB) for _ in range(3)], Person())
    t = build_summary(database, calendar_year(2026), as_of=dt.date(2026, 11, 25), anonymous=False).table(
        "dokumentation"
    )
    assert t.total.count.value == 3
    assert t.row("mangler").count.value == 3 and t.row("klar").count.value == 0


def test_documentation_readiness_is_the_checklists(database: Database) -> None:
    """The summary's readiness is the checklist's (`documentation.readiness_by_citizen`),
    employer statements and overdue requests that are no checklist entry included."""
    generate_demo(database, citizens=80, seed=5)
    today = dt.date.today()
    with database.transaction() as session:  # more requests overdue and items received, of every kind of item
        items = session.scalars(select(DocumentationItem).where(DocumentationItem.citizen_id % 3 == 0)).all()
        for i, item in enumerate(items):
            if i % 4 == 0:
                item.state, item.expected_by = DocumentState.ANMODET, today - dt.timedelta(days=1 + i % 5)
            elif i % 4 == 1:
                item.state = DocumentState.MODTAGET
        # Overdue requests that are no entry of the checklist: an item the pack does not know, and (where
        # there are statement placements) an employer statement that names no placement.
        late = today - dt.timedelta(days=3)
        stored = set(session.execute(select(DocumentationItem.citizen_id, DocumentationItem.item_key)))
        for cid in session.scalars(select(Citizen.id).where(Citizen.id % 3 == 1)):
            for key in ("ukendt_punkt", "praktik_udtalelse"):
                if (cid, key) not in stored:
                    session.add(
                        DocumentationItem(
                            citizen_id=cid, item_key=key, instance="", state=DocumentState.ANMODET, expected_by=late
                        )
                    )
    s = build_summary(database, per_citizen=True, anonymous=False)
    with database.reading() as session:
        key = bytes.fromhex(json.loads(session.get(Setting, team_export.PSEUDONYM_SETTING).value))
        ids = {pseudonym(key, cid): cid for cid in session.scalars(select(Citizen.id))}
        shown = {ids[r.pseudonym]: r.documentation for r in s.citizens if r.documentation}
        expected = readiness_by_citizen(session, today, list(shown))
    labels = dict(team_export.READINESS_ROWS)
    assert len(shown) >= 10 and len(set(shown.values())) == 3
    for cid, label in shown.items():
        r = expected[cid]
        assert label == labels["klar" if r.ready else "ingen_krav" if r.required == 0 else "mangler"], cid
    assert s.overdue_requests.value == sum(1 for cid in shown if expected[cid].overdue) > 0


# --- suppression ------------------------------------------------------------------------------------------------


def test_small_counts_are_shown_as_under_5_and_zero_stays_zero() -> None:
    shown = [team_export._primary(Count.of(n)).display for n in range(7)]
    assert shown == ["0", "<5", "<5", "<5", "<5", "5", "6"]


def test_shares_from_small_counts_are_hidden() -> None:
    def share(num: int | Count, den: int | Count) -> str:
        def anonymous(c: int | Count) -> Count:
            return team_export._primary(Count.of(c) if isinstance(c, int) else c)

        return team_export.share_of(anonymous(num), anonymous(den)).display

    assert share(3, 40) == "x"
    assert share(36, 40) == "90,0 %"
    assert share(0, 40) == "0,0 %"
    assert share(0, 3) == "x"
    assert share(3, 4) == "x"
    assert share(0, 0) == "–"
    assert share(Count(2, 8), Count(40, 40)) == "x"  # a merged range that may be 1–4
    assert share(Count(20, 23), Count(40, 40)) == "50,0–57,5 %"
    # the caseworker's own, unsuppressed view shows them
    assert team_export.share_of(Count.of(3), Count.of(40)).display == "7,5 %"


def test_the_anonymous_summary_hides_small_figures(database: Database) -> None:
    add(
        database,
        *[Person(placements=[(PlacementKind.VIRKSOMHEDSPRAKTIK, dt.date(2025, 2, 1), None)]) for _ in range(9)],
        Person(forloeb=full_year(G3), decisions=[dt.date(2025, 3, 3)]),
        Person(closings=[(Outcome.FLEKSJOB, dt.date(2025, 5, 1), None)]),
    )
    s = build_summary(database, Y2025, as_of=AFTER_2025)  # anonymous by default
    assert s.meta.suppressed
    assert s.population.display == "11"
    exit_goal = s.goal(EXIT_GOAL)
    assert exit_goal.numerator.display == "<5" and exit_goal.share.display == "x"
    assert exit_goal.status == "Ikke opfyldt"  # at most 4 of 11 is under 60 %, whatever the count
    assert s.decision.display == "x" and s.decision.n.display == "<5"
    groups = s.table("gruppe")
    assert groups.row("gruppe_3").count.display == "<5"
    # The total (11) minus the other cells would give the gruppe 3 count away: one more is hidden.
    assert groups.row("gruppe_1").count.display == "x"
    assert exact(database).goal(EXIT_GOAL).numerator.value == 1


def test_secondary_suppression_picks_a_cell_of_at_least_8() -> None:
    counts = {"a": 2, "b": 5, "c": 9, "d": 20}
    table = Table(
        "t",
        "T",
        tuple(TableRow(k, k, Count.of(v)) for k, v in counts.items()),
        TableRow("i_alt", "I alt", Count.of(36)),
    )
    shown = {r.key: r.count.display for r in team_export._protect(table).rows}
    assert shown == {"a": "<5", "b": "5", "c": "x", "d": "20"}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=8))
def test_protected_tables_never_show_or_give_away_a_small_count(values: list[int]) -> None:
    table = Table(
        "t",
        "T",
        tuple(TableRow(str(i), str(i), Count.of(v)) for i, v in enumerate(values)),
        TableRow("i_alt", "", Count.of(sum(values))),
    )
    protected = team_export._protect(table)
    total = protected.total.count
    for row, true in zip(protected.rows, values, strict=True):
        c = row.count
        assert c.low <= true <= c.high  # the bounds never lie
        assert not (c.exact and 1 <= c.value <= 4)  # type: ignore[operator]
    if total.exact:
        bounds = team_export._tightened([r.count for r in protected.rows], total.low)
        pinned = [
            values[i]
            for i, (r, b) in enumerate(zip(protected.rows, bounds, strict=True))
            if r.count.hidden and b[0] == b[1]
        ]
        # A hidden cell can be worked out only when nothing else is left to hide (e.g. 1 + 5 = 6).
        visible_nonzero = [r for r in protected.rows if not r.count.hidden and r.count.high > 0]
        assert not pinned or not visible_nonzero
    assert team_export._protect(protected) == protected  # idempotent


def test_suppress_is_idempotent_and_the_writers_suppress(database: Database, tmp_path: Path) -> None:
    add(database, Person(), Person(), Person())
    raw = exact(database)
    assert raw.population.value == 3
    once = suppress(raw)
    assert suppress(once) == once
    # an exact summary given to a writer still leaves anonymous
    write_csv(raw, tmp_path / "a.csv", rules=rules_for(None))
    text = (tmp_path / "a.csv").read_text(encoding="utf-8-sig")
    assert "borgere.i_alt;Borgere i indsatsen i perioden (alle borgere);<5;1;4" in text


# --- no CPR, no name, no free text ------------------------------------------------------------------------------


@pytest.fixture
def demo_db(tmp_path: Path) -> Iterator[Database]:
    database = create_database(tmp_path / "demo.jobraad", PASSPHRASE)
    generate_demo(database, citizens=40, seed=3)
    yield database
    database.close()


def _personal_strings(database: Database) -> list[str]:
    out: set[str] = set()
    with database.reading() as session:
        for digits, first, last, notes, phone in session.execute(
            select(Citizen.cpr, Citizen.first_name, Citizen.last_name, Citizen.notes, Citizen.phone)
        ):
            out |= {digits, formatting.cpr(digits), first, last, *first.split(), *last.split()}
            if phone:
                out.add(phone)
            if len(notes) > 20:
                out.add(notes[:20])
        out |= {name for (name,) in session.execute(select(Placement.employer_name))}
    return sorted(out)


def _leaks(text: str, needles: list[str]) -> list[str]:
    return [n for n in needles if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text)]


def _all_text_of(path: Path) -> str:
    data = path.read_bytes()
    parts = [data.decode("latin-1"), data.decode("utf-8", errors="ignore")]
    if data.startswith(b"PK"):
        with zipfile.ZipFile(path) as z:
            parts += [z.read(name).decode("utf-8", errors="replace") for name in z.namelist()]
    if data.startswith(b"%PDF"):
        reader = PdfReader(path)
        parts += [page.extract_text() for page in reader.pages]
        parts += [str(v) for v in (reader.metadata or {}).values()]
    return "\n".join(parts)


@pytest.mark.parametrize("per_citizen", [False, True])
def test_no_cpr_name_or_free_text_anywhere_in_any_format(demo_db: Database, tmp_path: Path, per_citizen: bool) -> None:
    needles = _personal_strings(demo_db)
    assert len(needles) > 100 and "Şükrü" in needles
    for fmt in ExportFormat:
        path = tmp_path / f"opgoerelse.{fmt.value}"
        export_summary(demo_db, path, fmt, calendar_year(2026), per_citizen=per_citizen, as_of=dt.date(2026, 11, 25))
        text = _all_text_of(path)
        assert "Teamopgørelse" in text or "teamopgoerelse" in text
        assert _leaks(text, needles) == [], fmt
        # Nothing shaped like a CPR number (ten digits, perhaps with a dash) that stands alone;
        # decimals ("22.9013698630137") and hex ids are no CPR numbers.
        assert not re.search(r"(?<![\w.,])\d{6}-?\d{4}(?![\w.,])", _readable_text(path)), fmt


def _readable_text(path: Path) -> str:
    """What a person sees: the decoded CSV, the XLSX cells, the PDF text."""
    if path.suffix == ".csv":
        return path.read_text(encoding="utf-8-sig")
    if path.suffix == ".pdf":
        return "\n".join(page.extract_text() for page in PdfReader(path).pages)
    wb = load_workbook(path)
    return "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)


# --- pseudonyms -------------------------------------------------------------------------------------------------


def test_pseudonyms_are_stable_and_not_derived_from_the_cpr(database: Database, tmp_path: Path) -> None:
    ids = add(database, *[Person() for _ in range(6)])
    export_summary(database, tmp_path / "anonym.csv", period=Y2025, as_of=AFTER_2025)
    with database.reading() as session:
        assert session.get(Setting, team_export.PSEUDONYM_SETTING) is None  # only made when needed
    first = build_summary(database, Y2025, as_of=AFTER_2025, per_citizen=True)
    with database.reading() as session:
        key = bytes.fromhex(json.loads(session.get(Setting, team_export.PSEUDONYM_SETTING).value))
        cprs = list(session.scalars(select(Citizen.cpr)))
    assert len(key) == 32
    second = build_summary(database, Y2025, as_of=AFTER_2025, per_citizen=True)
    assert [r.pseudonym for r in first.citizens] == [r.pseudonym for r in second.citizens]
    assert sorted(r.pseudonym for r in first.citizens) == sorted(pseudonym(key, i) for i in ids)
    assert len({r.pseudonym for r in first.citizens}) == 6
    # Changing a CPR number does not change the pseudonym; no pseudonym carries CPR digits.
    with database.transaction() as session:
        session.get(Citizen, ids[0]).cpr = "0101011234"
    third = build_summary(database, Y2025, as_of=AFTER_2025, per_citizen=True)
    assert [r.pseudonym for r in third.citizens] == [r.pseudonym for r in first.citizens]
    for r in first.citizens:
        assert re.fullmatch(r"B-[0-9a-f]{12}", r.pseudonym)
        assert not any(c[:6] in r.pseudonym for c in cprs)  # not even the birth date
    # A keyless hash of the id or the CPR would be guessable; the pseudonym is neither.
    import hashlib

    guesses = {hashlib.sha256(str(i).encode()).hexdigest()[:12] for i in ids} | {
        hashlib.sha256(c.encode()).hexdigest()[:12] for c in cprs
    }
    assert not guesses & {r.pseudonym[2:] for r in first.citizens}


def test_the_per_citizen_sheet_has_a_row_per_citizen_and_no_name(database: Database, tmp_path: Path) -> None:
    add(database, *[Person() for _ in range(6)])
    path = tmp_path / "med_borgere.xlsx"
    export_summary(database, path, period=Y2025, as_of=AFTER_2025, per_citizen=True)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Opsummering", "Data", "Borgere", "Metadata"]
    ws = wb["Borgere"]
    header = [c.value for c in ws[1]]
    assert header[0] == "Pseudonym" and "Mål: " + default_goals().goals[0].label in header
    assert ws.max_row == 7 and ws.freeze_panes == "B2"
    assert all(str(ws.cell(row=r, column=1).value).startswith("B-") for r in range(2, 8))
    with database.reading() as session:
        entries = session.execute(select(AuditEntry.citizen_id).where(AuditEntry.action == Action.EXPORT)).all()
    assert sum(1 for (cid,) in entries if cid is not None) == 6  # each citizen can see their data left


# --- the formats ------------------------------------------------------------------------------------------------


@pytest.fixture
def mixed_db(database: Database) -> Database:
    praktik = [(PlacementKind.VIRKSOMHEDSPRAKTIK, dt.date(2025, 2, 1), None)]
    add(
        database,
        *[Person(placements=praktik) for _ in range(30)],
        *[Person(closings=[(Outcome.FLEKSJOB, dt.date(2025, 5, 1), None)]) for _ in range(6)],
        *[Person(forloeb=full_year(G2)) for _ in range(3)],
    )
    return database


def test_xlsx_read_back_with_openpyxl(mixed_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "team.xlsx"
    s = export_summary(mixed_db, path, ExportFormat.XLSX, Y2025, as_of=AFTER_2025)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Opsummering", "Data", "Metadata"]
    summary = wb["Opsummering"]
    assert summary["A1"].value.startswith("Teamopgørelse")
    assert summary.freeze_panes is not None and summary.freeze_panes != "A1"
    cells = {row[0].value: row[1:] for row in summary.iter_rows() if row[0].value}
    assert cells["Borgere i indsatsen i perioden (alle borgere)"][0].value == 39
    goal = default_goals().goals[0]
    opnaaet, i_alt, resultat, maal, status = cells[goal.label][:5]
    assert (opnaaet.value, i_alt.value) == (30, 39)
    assert resultat.value == pytest.approx(30 / 39) and resultat.number_format == "0.0%"
    assert maal.value == pytest.approx(0.8) and maal.number_format == "0.0%"
    assert opnaaet.number_format == "#,##0" and status.value == "Ikke opfyldt"
    assert cells["Ledig fleksjobvisiteret"][0].value == 0
    assert cells["Gruppe 2"][0].value == "<5"  # stored as text, shown as written
    # column widths fit: the label column is at least as wide as most labels
    assert summary.column_dimensions["A"].width >= 40

    data = wb["Data"]
    assert data.freeze_panes == "A2"
    header = [c.value for c in data[1]]
    assert header == ["Afsnit", "Nøgle", "Tekst", "Værdi", "Nedre", "Øvre"]
    rows = {r[1]: r for r in data.iter_rows(min_row=2, values_only=True)}
    assert rows["borgere.i_alt"][3:] == (39, 39, 39)
    assert rows["tabel.gruppe.gruppe_2"][3:] == ("<5", 1, 4)
    assert rows[f"maal.{goal.id}.resultat"][3] == pytest.approx(30 / 39)
    for col in "ABCD":
        assert data.column_dimensions[col].width >= 8

    meta = {r[0]: r[1] for r in wb["Metadata"].iter_rows(min_row=2, values_only=True)}
    assert meta["format"] == "jobraad-teamopgoerelse" and meta["format_version"] == "1"
    assert (meta["periode_fra"], meta["periode_til"]) == ("2025-01-01", "2025-12-31")
    assert meta["maalsaet_id"] == default_goals().id and meta["maalsaet_hash"] == default_goals().hash
    assert meta["jobraadgivere"] == "1" and meta["opgoerelse_id"] == s.meta.summary_ids[0]


def test_csv_read_back_as_danish_excel_would(mixed_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "team.csv"
    export_summary(mixed_db, path, ExportFormat.CSV, Y2025, as_of=AFTER_2025)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM tells Excel it is UTF-8
    assert b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n")
    text = raw.decode("utf-8-sig")
    text.encode("cp1252")  # every character also exists in Windows-1252: nothing turns into '?'
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0] == ["Afsnit", "Nøgle", "Tekst", "Værdi", "Nedre", "Øvre"]
    assert all(len(r) == 6 for r in rows)
    by_key = {r[1]: r for r in rows[1:]}
    assert by_key["meta.format"][3] == "jobraad-teamopgoerelse"
    assert by_key["borgere.i_alt"][3:] == ["39", "39", "39"]
    goal = default_goals().goals[0]
    assert by_key[f"maal.{goal.id}.resultat"][3] == "76,9 %"  # Danish decimal comma
    assert by_key[f"maal.{goal.id}.resultat"][4].startswith("0,769")
    assert by_key["tabel.gruppe.gruppe_2"][3:] == ["<5", "1", "4"]
    helaarspladser = by_key["helaarspladser.brugt"]
    assert "." not in helaarspladser[4] and "," in helaarspladser[4]


def test_pdf_is_one_page_in_the_embedded_font(mixed_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "team.pdf"
    export_summary(mixed_db, path, ExportFormat.PDF, Y2025, as_of=AFTER_2025)
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Teamopgørelse" in text and "Integrationshandleplan 2024–26, CBA" in text
    for goal in default_goals().goals:
        assert goal.label[:40] in text.replace("\n", " ")
    assert "76,9 %" in text and "<5" in text
    assert b"Helvetica" not in path.read_bytes()
    assert "CBA" in (reader.metadata.title or "") or "Teamopgørelse" in (reader.metadata.title or "")


def test_the_pdf_stays_on_one_page_with_many_long_goals(database: Database, tmp_path: Path) -> None:
    goal = default_goals().text.split("[[goals]]")[1]
    extra = "".join(
        "\n[[goals]]"
        + goal.replace('id = "placering_opkvalificering_plan"', f'id = "ekstra_{i}"').replace(
            'label = "', 'label = "Et meget langt mål, der fylder godt på siden: '
        )
        for i in range(8)
    )
    save_goals(database, default_goals().text + extra)
    add(database, Person())
    path = tmp_path / "mange.pdf"
    export_summary(database, path, period=Y2025, as_of=AFTER_2025)
    assert len(PdfReader(path).pages) == 1


def test_formula_injection_is_neutralised(database: Database, tmp_path: Path) -> None:
    evil = '=HYPERLINK(\\"http://example.com\\",\\"klik\\")'  # as written in TOML
    text = (
        default_goals()
        .text.replace('label = "Har været i virksomhedsplacering', f'label = "{evil} Har været i virksomhedsplacering')
        .replace('name = "Integrationshandleplan 2024–26, CBA"', 'name = "@SUM(1+1)*cmd"')
    )
    save_goals(database, text)
    add(database, *[Person() for _ in range(6)])
    label = '=HYPERLINK("http://example.com","klik") Har været i virksomhedsplacering'
    export_summary(database, tmp_path / "x.csv", period=Y2025, as_of=AFTER_2025)
    rows = list(
        csv.reader(io.StringIO((tmp_path / "x.csv").read_text(encoding="utf-8-sig"), newline=""), delimiter=";")
    )
    fields = [f for r in rows for f in r]
    assert not any(f.startswith(("=", "+", "@")) for f in fields)
    assert any(f.startswith("'" + label) for f in fields) and "'@SUM(1+1)*cmd" in fields

    export_summary(database, tmp_path / "x.xlsx", period=Y2025, as_of=AFTER_2025)
    with zipfile.ZipFile(tmp_path / "x.xlsx") as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in s or "<f " in s for s in sheets)  # no formula anywhere
    wb = load_workbook(tmp_path / "x.xlsx")
    cells = [
        c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")
    ]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    # and the labels survive a round trip through merge
    for name in ("x.csv", "x.xlsx"):
        back = read_summary(tmp_path / name)
        assert back.goals[0].label.startswith(label) and back.meta.goal_set_name == "@SUM(1+1)*cmd"


def test_empty_summary_writes_in_every_format(database: Database, tmp_path: Path) -> None:
    for fmt in ExportFormat:
        write_summary(exact(database), tmp_path / f"tom.{fmt.value}", rules=rules_for(None))
    assert read_summary(tmp_path / "tom.xlsx").population.value == 0
    assert len(PdfReader(tmp_path / "tom.pdf").pages) == 1


def test_unknown_extension_is_refused(tmp_path: Path, database: Database) -> None:
    with pytest.raises(team_export.UserFacingError, match=re.escape("Filtypen «.docx»")):
        write_summary(exact(database), tmp_path / "x.docx", rules=rules_for(None))


# --- merge ------------------------------------------------------------------------------------------------------


def _caseworker(tmp_path: Path, name: str, people: list[Person], fmt: str, period: Period = Y2025) -> Path:
    database = create_database(tmp_path / f"{name}.jobraad", PASSPHRASE)
    try:
        add(database, *people)
        path = tmp_path / f"{name}.{fmt}"
        export_summary(database, path, period=period, as_of=AFTER_2025)
    finally:
        database.close()
    return path


def _team(n_praktik: int, n_fleksjob: int, n_g2: int) -> list[Person]:
    praktik = [(PlacementKind.VIRKSOMHEDSPRAKTIK, dt.date(2025, 2, 1), None)]
    return [
        *[Person(placements=praktik) for _ in range(n_praktik)],
        *[Person(closings=[(Outcome.FLEKSJOB, dt.date(2025, 5, 1), None)]) for _ in range(n_fleksjob)],
        *[Person(forloeb=full_year(G2)) for _ in range(n_g2)],
    ]


def test_merge_of_three_files(tmp_path: Path) -> None:
    a = _caseworker(tmp_path, "anne", _team(20, 5, 6), "xlsx")
    b = _caseworker(tmp_path, "bo", _team(10, 7, 2), "csv")  # gruppe 2: <5
    c = _caseworker(tmp_path, "carl", _team(15, 0, 9), "xlsx")
    merged = merge_summaries([a, b, c])
    assert merged.meta.caseworkers == 3 and len(merged.meta.summary_ids) == 3
    assert merged.population.value == 31 + 19 + 24
    goal = merged.goal(PLACEMENT_GOAL)
    assert (goal.numerator.value, goal.denominator.value) == (45, 74)
    assert goal.share.value == pytest.approx(45 / 74)
    exits = merged.goal(EXIT_GOAL)
    assert (exits.numerator.value, exits.denominator.value) == (12, 74)
    # 62 the whole year, 12 until their case closed on 1 May (120 days)
    assert merged.helaarspladser.value == pytest.approx(62 + 12 * 120 / 365, abs=1e-4)
    assert merged.table("afslutning").row("fleksjob").count.value == 12
    # Bo's 2 in gruppe 2 was shown as <5 (and his gruppe 1 hidden with it): the team figure is a range
    g2 = merged.table("gruppe").row("gruppe_2").count
    assert (g2.low, g2.high, g2.display) == (16, 19, "16–19")
    assert merged.table("gruppe").total.count.value == 74
    # written and read again, in every format
    for fmt in ExportFormat:
        write_summary(merged, tmp_path / f"team.{fmt.value}", rules=rules_for(None))
    again = read_summary(tmp_path / "team.csv")
    assert again.population.value == 74 and again.meta.caseworkers == 3
    assert again.goal(PLACEMENT_GOAL).numerator.value == 45
    assert len(PdfReader(tmp_path / "team.pdf").pages) == 1


def test_a_merged_file_merges_again_and_the_median_is_weighted(tmp_path: Path) -> None:
    def decided(weeks: int) -> Person:
        start = dt.date(2025, 1, 6)
        return Person(forloeb=[(G3, start, None)], decisions=[start + dt.timedelta(weeks=weeks)])

    a = _caseworker(tmp_path, "a", [decided(10) for _ in range(5)], "xlsx")
    b = _caseworker(tmp_path, "b", [decided(20) for _ in range(15)], "csv")
    c = _caseworker(tmp_path, "c", [decided(30) for _ in range(3)], "csv")  # hidden: left out of the median
    ab = merge_summaries([a, b])
    assert ab.decision.weeks == pytest.approx((10 * 5 + 20 * 15) / 20) and ab.decision.approximate
    assert ab.decision.display == "ca. 17,5"
    write_summary(ab, tmp_path / "ab.xlsx", rules=rules_for(None))
    abc = merge_summaries([tmp_path / "ab.xlsx", c])
    assert abc.meta.caseworkers == 3
    assert abc.decision.weeks == pytest.approx(17.5)
    assert (abc.decision.n.low, abc.decision.n.high) == (21, 24)
    with pytest.raises(MergeRefused, match=re.escape("mere end én gang: ab.xlsx og a.xlsx")):
        merge_summaries([tmp_path / "ab.xlsx", a])


def test_merge_refuses_other_periods_naming_the_files(tmp_path: Path) -> None:
    a = _caseworker(tmp_path, "anne", _team(6, 0, 0), "xlsx")
    b = _caseworker(tmp_path, "bo", _team(6, 0, 0), "csv", period=Period(dt.date(2025, 1, 1), dt.date(2025, 6, 30)))
    with pytest.raises(MergeRefused) as info:
        merge_summaries([a, b])
    message = info.value.message
    assert "forskellige perioder" in message
    assert "anne.xlsx: 01-01-2025 – 31-12-2025" in message and "bo.csv: 01-01-2025 – 30-06-2025" in message


def test_merge_refuses_other_goal_sets(tmp_path: Path) -> None:
    a = _caseworker(tmp_path, "anne", _team(6, 0, 0), "xlsx")
    database = create_database(tmp_path / "bo.jobraad", PASSPHRASE)
    save_goals(database, default_goals().text.replace("target_percent = 80", "target_percent = 75"))
    add(database, *_team(6, 0, 0))
    b = tmp_path / "bo.xlsx"
    export_summary(database, b, period=Y2025, as_of=AFTER_2025)
    database.close()
    with pytest.raises(MergeRefused) as info:
        merge_summaries([a, b])
    assert (
        "forskellige mål" in info.value.message
        and "anne.xlsx" in info.value.message
        and "bo.xlsx" in info.value.message
    )


def test_merge_refuses_the_same_file_twice_a_pdf_and_a_stranger(tmp_path: Path) -> None:
    a = _caseworker(tmp_path, "anne", _team(6, 0, 0), "csv")
    with pytest.raises(MergeRefused, match="mere end én gang"):
        merge_summaries([a, a])
    pdf = tmp_path / "anne.pdf"
    write_summary(read_summary(a), pdf, rules=rules_for(None))
    with pytest.raises(SummaryFileError, match="PDF-opgørelser kan ikke lægges sammen"):
        merge_summaries([a, pdf])
    other = tmp_path / "andet.csv"
    other.write_text("navn;alder\nx;1\n", encoding="utf-8")
    with pytest.raises(SummaryFileError, match=re.escape("«andet.csv» er ikke en teamopgørelse")):
        merge_summaries([a, other])
    with pytest.raises(SummaryFileError, match="findes ikke"):
        merge_summaries([tmp_path / "mangler.xlsx"])


# --- command line -----------------------------------------------------------------------------------------------


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)


@pytest.mark.usefixtures("cli_env")
def test_cli_export_and_merge(
    mixed_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mixed_db.close()
    out = tmp_path / "a.xlsx"
    assert (
        main(
            [
                "export",
                "--db",
                str(db_path),
                "--format",
                "xlsx",
                "--from",
                "01-01-2025",
                "--to",
                "2025-12-31",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert "Teamopgørelsen er gemt" in capsys.readouterr().out
    assert read_summary(out).population.value == 39
    csv_out = tmp_path / "b.csv"
    assert main(["export", "--db", str(db_path), "-o", str(csv_out)]) == 0  # format from the name; this year
    assert read_summary(csv_out).meta.period == calendar_year(dt.date.today().year)
    pdf_out = tmp_path / "c.pdf"
    assert main(["export", "--db", str(db_path), "--format", "pdf", "--per-citizen", "-o", str(pdf_out)]) == 0
    assert len(PdfReader(pdf_out).pages) == 1

    merged = tmp_path / "team.csv"
    a2 = tmp_path / "a2.xlsx"
    assert main(["export", "--db", str(db_path), "--from", "01-01-2025", "--to", "31-12-2025", "-o", str(a2)]) == 0
    assert main(["merge", str(out), str(a2), "-o", str(merged)]) == 0
    assert read_summary(merged).population.value == 78
    assert main(["merge", str(out), str(a2), "-o", str(tmp_path / "team.dat"), "--format", "pdf"]) == 0
    assert (tmp_path / "team.dat").read_bytes().startswith(b"%PDF")

    from db.session import open_database

    db = open_database(db_path, PASSPHRASE)
    with db.reading() as session:
        details = [e.detail for e in session.scalars(select(AuditEntry).where(AuditEntry.action == Action.EXPORT))]
    db.close()
    assert "teamopgørelse (xlsx)" in details and "teamopgørelse (csv)" in details


@pytest.mark.usefixtures("cli_env")
def test_cli_refusals_exit_2(
    mixed_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mixed_db.close()
    assert main(["export", "--db", str(db_path), "--from", "01-01-2025", "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "både fra- og til-dato" in capsys.readouterr().err
    assert (
        main(
            [
                "export",
                "--db",
                str(db_path),
                "--from",
                "31-02-2025",
                "--to",
                "01-03-2025",
                "-o",
                str(tmp_path / "x.xlsx"),
            ]
        )
        == 2
    )
    assert "findes ikke i kalenderen" in capsys.readouterr().err
    assert main(["export", "--db", str(db_path), "-o", str(tmp_path / "x.txt")]) == 2
    assert "Filtypen «.txt»" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["export", "--db", str(db_path), "--format", "docx", "-o", str(tmp_path / "x.docx")])
    assert info.value.code == 2
    capsys.readouterr()
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert main(["export", "--db", str(db_path), "--from", "01-01-2025", "--to", "31-12-2025", "-o", str(a)]) == 0
    assert main(["export", "--db", str(db_path), "--from", "01-01-2024", "--to", "31-12-2024", "-o", str(b)]) == 0
    capsys.readouterr()
    assert main(["merge", str(a), str(b), "-o", str(tmp_path / "team.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "forskellige perioder" in err and "a.xlsx" in err and "b.xlsx" in err
    assert not (tmp_path / "team.xlsx").exists()
    assert main(["merge", str(a), "-o", str(tmp_path / "team.txt")]) == 2
    assert main(["export", "--db", str(tmp_path / "mangler.jobraad"), "-o", str(tmp_path / "y.xlsx")]) == 2


@pytest.mark.usefixtures("cli_env")
def test_cli_help_is_danish(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "export" in out and "merge" in out
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    out = capsys.readouterr().out
    assert "--per-citizen" in out and "dd-mm-åååå" in out


# --- speed ------------------------------------------------------------------------------------------------------


def _statements_of_exports(database: Database, folder: Path) -> list[str]:
    """The SQL statements that exports in every format (and one with pseudonymous rows) issue."""
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        for fmt in ExportFormat:
            export_summary(database, folder / f"team.{fmt.value}", fmt, Y2025, as_of=AFTER_2025)
        export_summary(database, folder / "borgere.csv", period=Y2025, as_of=AFTER_2025, per_citizen=True)
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    return statements


def test_the_number_of_queries_does_not_grow_with_the_caseload(tmp_path: Path) -> None:
    """No query per citizen: exports of 25 citizens ask the database as often as those of 2
    (the audit log aside: the export with pseudonymous rows records an entry per citizen)."""
    praktik, loentilskud = PlacementKind.VIRKSOMHEDSPRAKTIK, PlacementKind.LOENTILSKUD

    def person() -> Person:
        return Person(
            forloeb=[(G1, dt.date(2024, 6, 1), dt.date(2025, 2, 1)), (G3, dt.date(2025, 2, 1), None)],
            closings=[(Outcome.ANDET, dt.date(2025, 3, 1), dt.date(2025, 4, 1))],
            activities=[(ActivityKind.JOBDANSK, dt.date(2025, 3, 1), None)],
            placements=[(praktik, dt.date(2025, 1, 6), None), (loentilskud, dt.date(2025, 1, 6), None)],
            hours=[(2025, 2 + i, 10.0, 5.0 + i, None) for i in range(8)],
            decisions=[dt.date(2025, 6, 1)],
            decided_goal=dt.date(2025, 6, 2),
        )

    counts = []
    for n in (2, 25):
        folder = tmp_path / str(n)
        folder.mkdir()
        database = create_database(folder / "sagsstamme.jobraad", PASSPHRASE)
        try:
            add(database, *[person() for _ in range(n)])
            statements = _statements_of_exports(database, folder)
        finally:
            database.close()
        counts.append(sum(1 for sql in statements if "audit_entry" not in sql))
    assert counts[0] == counts[1], counts


@pytest.mark.slow
def test_the_export_of_1000_citizens_takes_at_most_half_a_second(tmp_path: Path) -> None:
    database = create_database(tmp_path / "stor.jobraad", PASSPHRASE)
    try:
        generate_demo(database, citizens=1000, seed=1)
        export_summary(database, tmp_path / "opvarmning.xlsx")  # first use: imports, fonts
        for fmt in ExportFormat:
            times = []
            for i in range(3):
                start = time.perf_counter()
                s = export_summary(database, tmp_path / f"team{i}.{fmt.value}", fmt)
                times.append(time.perf_counter() - start)
            assert s.population.value == 1000
            assert min(times) <= 0.5, (fmt, times)
    finally:
        database.close()
