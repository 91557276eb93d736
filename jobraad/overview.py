"""The Overblik: what is overdue, due this week and next week, per citizen."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from db.enums import VisitationGroup
from db.session import Database
from jobraad.caseload import CaseloadRow, caseload_rows
from jobraad.documentation import Readiness
from jobraad.goals import GoalsError, expired, expired_text, load_goals_in
from jobraad.placements import signals_by_citizen
from jobraad.progression import Signal
from jobraad.visitation import DueItem, Urgency, urgency


@dataclass(frozen=True)
class CitizenDue:
    citizen_id: int
    name: str
    group: VisitationGroup | None
    items: tuple[DueItem, ...]
    # The case's documentation readiness, the one the caseload and the file show (None: no checklist).
    readiness: Readiness | None = None


@dataclass(frozen=True)
class CitizenSignals:
    citizen_id: int
    name: str
    group: VisitationGroup | None
    signals: tuple[Signal, ...]


@dataclass(frozen=True)
class Overview:
    today: dt.date
    sections: dict[Urgency, tuple[CitizenDue, ...]]  # OVERDUE, THIS_WEEK, NEXT_WEEK
    group_counts: dict[VisitationGroup, int]
    active: int
    closed: int
    signals: tuple[CitizenSignals, ...] = ()
    # Said when the period of the goals in use has ended (`goals.expired_text`); "" otherwise.
    goals_notice: str = ""
    # The first Overblik at start (`first_overview`): the signals are still being read.
    signals_pending: bool = False

    def count(self, section: Urgency) -> int:
        return sum(len(c.items) for c in self.sections.get(section, ()))


SECTIONS = (Urgency.OVERDUE, Urgency.THIS_WEEK, Urgency.NEXT_WEEK)


def load_overview(
    database: Database, today: dt.date | None = None, rows: Sequence[CaseloadRow] | None = None
) -> Overview:
    """The Overblik; pass the caseload `rows` when they are loaded already (the window does)."""
    today = today or dt.date.today()
    with database.reading() as session:
        if rows is None:
            rows = caseload_rows(session, today)
        signals = signals_by_citizen(session, today)
        notice = goals_notice(session, today)
    return replace(_overview(today, rows, signals), goals_notice=notice)


def first_overview(today: dt.date, rows: Sequence[CaseloadRow]) -> Overview:
    """The Overblik the window shows first at start, from rows read without their readiness
    (`caseload.caseload_rows(readiness=False)`): the deadlines, without the signals, which
    `load_overview` adds (they take as long to read as the deadlines)."""
    return replace(_overview(today, rows, {}), signals_pending=True)


def goals_notice(session: Session, today: dt.date) -> str:
    """What the Overblik says about the goals: that their period has ended, or nothing. A saved
    goals file that cannot be read says nothing here (the team export names its problem)."""
    try:
        goals = load_goals_in(session, today)
    except GoalsError:
        return ""
    return expired_text(goals.name, goals.period_from, goals.period_to) if expired(goals, today) else ""


def _overview(today: dt.date, rows: Sequence[CaseloadRow], signals: Mapping[int, Sequence[Signal]]) -> Overview:
    buckets: dict[Urgency, list[CitizenDue]] = {s: [] for s in SECTIONS}
    groups: Counter[VisitationGroup] = Counter()
    active = 0
    for row in rows:
        if not row.active:
            continue
        active += 1
        group = row.group
        if group is not None:
            groups[group] += 1
        if not row.due:
            continue
        per_section: dict[Urgency, list[DueItem]] = {}
        for item in row.due:
            per_section.setdefault(urgency(item.due_on, today), []).append(item)
        name = row.name
        for section in SECTIONS:
            items = per_section.get(section)
            if items:
                readiness = row.readiness if row.readiness is not None and row.readiness.required else None
                buckets[section].append(CitizenDue(row.citizen_id, name, group, tuple(items), readiness))
    for section in SECTIONS:
        buckets[section].sort(key=lambda c: (c.items[0].due_on, c.name))
    by_id = {r.citizen_id: r for r in rows}
    flagged = sorted(
        (
            CitizenSignals(cid, by_id[cid].name, by_id[cid].group, tuple(found))
            for cid, found in signals.items()
            if cid in by_id and found
        ),
        key=lambda c: c.name,
    )
    return Overview(
        today=today,
        sections={s: tuple(v) for s, v in buckets.items()},
        group_counts={g: groups.get(g, 0) for g in VisitationGroup},
        active=active,
        closed=len(rows) - active,
        signals=tuple(flagged),
    )
