"""Who a team summary counts, read from the caseload in a fixed number of queries.

- A citizen is *in the indsats* from the start of their first forløb (or the day they
  were created, if they have none) until their case is closed; a reopening starts a new
  stretch. The closing day itself is not counted. A period that has not ended is counted
  up to the export day (`as_of`, giving the cutoff): no future days are counted.
- The *population* of the summary is every citizen in the indsats on at least one day of
  the period, narrowed by the indsats' `population` ("all" or "target_group_2024": seed 000's
  criteria, resources/rules/seed000_target_group.toml, on the citizen's first day in the
  period; the years on public support from the benefit periods where the citizen has any, as
  the caseload counts them: `jobraad.support_years`). A goal may name its own population.
- *Helårspladser* = the population's citizen-days in the period / 365 (so a full leap
  year gives 366/365).
- Group = the visitation group on the citizen's last day in the period; age band and
  target group use the first. Aim is the citizen's aim now (it has no history).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from db.enums import Aim, Outcome, PlacementKind, VisitationGroup
from db.models import CaseOutcome, Citizen, Forloeb, Placement
from jobraad import bulk, cpr
from jobraad.goals import Population
from jobraad.rulepacks import packs_without_team
from jobraad.seed_rules import target_group_2024
from jobraad.support_years import counting_periods, years_on
from jobraad.team.model import Period
from jobraad.visitation import in_target_group_2024

__all__ = ["Caseload", "Closing", "ForloebRow", "Person", "PlacementRow", "active_on", "read_caseload"]

# [start, end) of a stretch in the indsats; end None: still in it
Span = tuple[dt.date, dt.date | None]
# (forløb id, group, start, end) of a citizen's forløb, in order of start
ForloebRow = tuple[int, VisitationGroup, dt.date, dt.date | None]
# (closed on, reopened on, outcome) of a closing of a citizen's case, in order of closing
Closing = tuple[dt.date, dt.date | None, Outcome]
# (placement id, citizen id, kind, start, end or planned end) of the placements started by the cutoff
PlacementRow = tuple[int, int, PlacementKind, dt.date, dt.date | None]


@dataclass(frozen=True, slots=True)
class Person:
    """A citizen in the indsats on at least one day of the period (up to the cutoff)."""

    id: int
    aim: Aim
    spans: list[Span]
    days: int  # days in the indsats in the period
    first_day: dt.date  # first and last of those days
    last_day: dt.date
    age: int  # on the first day
    target_group: bool  # on the first day
    pension_without_team: bool  # an oplagt førtidspension case, decided without the team
    pack_has_team: bool  # the case's recorded pack sends cases to a rehabiliteringsteam
    group: VisitationGroup | None  # on the last day


@dataclass
class Caseload:
    """What a summary reads about the caseload: the citizens in the indsats in the period
    (`people`), and the forløb, closings and placements of every citizen."""

    period: Period
    cutoff: dt.date  # the last day counted: the period's end, or the export day if earlier
    people: dict[int, Person]
    forloeb: dict[int, list[ForloebRow]]
    closings: dict[int, list[Closing]]
    placements: list[PlacementRow]  # those of `people`, started by the cutoff
    _members: dict[Population, set[int]] = field(default_factory=dict, init=False, repr=False)

    def members(self, population: Population) -> set[int]:
        """The ids of the people `population` counts."""
        found = self._members.get(population)
        if found is None:
            if population is Population.TARGET_GROUP_2024:
                found = {cid for cid, p in self.people.items() if p.target_group}
            else:
                found = set(self.people)
            self._members[population] = found
        return found


def read_caseload(conn: Connection, period: Period, cutoff: dt.date) -> Caseload:
    """Four queries, each of only the columns needed, whatever the size of the caseload."""
    forloeb: dict[int, list[ForloebRow]] = defaultdict(list)
    for cid, fid, group, start, end in bulk.rows(
        conn,
        select(Forloeb.citizen_id, Forloeb.id, Forloeb.group, Forloeb.start_date, Forloeb.end_date).order_by(
            Forloeb.start_date, Forloeb.id
        ),
    ):
        forloeb[cid].append((fid, group, start, end))
    closings: dict[int, list[Closing]] = defaultdict(list)
    for cid, outcome, closed_on, reopened_on in bulk.rows(
        conn,
        select(CaseOutcome.citizen_id, CaseOutcome.outcome, CaseOutcome.closed_on, CaseOutcome.reopened_on).order_by(
            CaseOutcome.closed_on, CaseOutcome.id
        ),
    ):
        closings[cid].append((closed_on, reopened_on, outcome))

    people: dict[int, Person] = {}
    window = target_group_2024().support_years_window
    no_team = packs_without_team()
    periods = counting_periods(conn)  # years on support from the benefit periods where there are any
    for cid, digits, support_years, aim, created_at, pension_without_team, rule_pack in bulk.rows(
        conn,
        select(
            Citizen.id,
            Citizen.cpr,
            Citizen.support_years_last10,
            Citizen.aim,
            Citizen.created_at,
            Citizen.pension_without_team,
            Citizen.rule_pack,
        ),
    ):
        own = forloeb.get(cid, [])
        closed = closings.get(cid)
        first = own[0][2] if own else created_at.date()
        spans: list[Span] = _spans(first, [(c[0], c[1]) for c in closed]) if closed else [(first, None)]
        inside = _overlap(spans, period.start, cutoff)
        if not inside:
            continue
        first_day, last_day = inside[0][0], inside[-1][1]
        age = cpr.age_on(digits, first_day)
        current = [f for f in own if f[2] <= last_day]
        people[cid] = Person(
            id=cid,
            aim=aim,
            spans=spans,
            days=sum((b - a).days + 1 for a, b in inside),
            first_day=first_day,
            last_day=last_day,
            age=age,
            target_group=in_target_group_2024(
                age,
                years_on(periods[cid], first_day) if cid in periods else max(0, min(window, support_years)),
            ),
            pension_without_team=bool(pension_without_team),
            pack_has_team=rule_pack not in no_team,
            group=current[-1][1] if current else None,
        )

    placements: list[PlacementRow] = []
    for pid, cid, kind, start, planned_end, end_date in bulk.rows(
        conn,
        select(
            Placement.id,
            Placement.citizen_id,
            Placement.kind,
            Placement.start_date,
            Placement.planned_end,
            Placement.end_date,
        ),
    ):
        if cid in people and start <= cutoff:
            placements.append((pid, cid, kind, start, end_date or planned_end))
    return Caseload(period, cutoff, people, forloeb, closings, placements)


def _spans(first: dt.date, closings: Sequence[tuple[dt.date, dt.date | None]]) -> list[Span]:
    """[start, end) stretches in the indsats: from `first` to each closing, again from each reopening."""
    spans: list[Span] = []
    open_from: dt.date | None = first
    for closed_on, reopened_on in sorted(closings, key=lambda c: c[0]):
        if open_from is not None and closed_on >= open_from:
            if closed_on > open_from:
                spans.append((open_from, closed_on))
            open_from = reopened_on
        elif open_from is None and reopened_on is not None:
            open_from = reopened_on
    if open_from is not None:
        spans.append((open_from, None))
    return spans


def _overlap(spans: Iterable[Span], start: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The parts of `spans` inside [start, last], as inclusive (first, last) days."""
    out = []
    for a, b in spans:
        first = max(a, start)
        end = last if b is None else min(b - dt.timedelta(days=1), last)
        if first <= end:
            out.append((first, end))
    return out


def active_on(spans: Iterable[Span], day: dt.date) -> bool:
    return any(a <= day and (b is None or day < b) for a, b in spans)
