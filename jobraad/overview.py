"""The Overblik: what is overdue, due this week and next week, per citizen."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from sqlalchemy.orm import Session

from db.enums import VisitationGroup
from db.session import Database
from jobraad.caseload import CaseloadRow, caseload_rows
from jobraad.documentation import Readiness
from jobraad.goals import GoalsError, expired, expired_text, load_goals_in
from jobraad.placements import signals_by_citizen
from jobraad.progression import Severity, Signal
from jobraad.retention import due_for_deletion
from jobraad.text import danish_sort_key
from jobraad.visitation import DueItem, DueKind, DueTarget, Urgency, urgency


@dataclass(frozen=True, slots=True)
class DueLine:
    """A line of the Overblik: what is due, and where in the citizen's file it opens."""

    due_on: dt.date
    title: str
    kind: DueKind
    target: str  # `opens`: "forloeb:goal:<key>", "meetings:<id>", "deadlines:<id>", "documentation:<id>"


def opens(item: DueItem) -> str:
    """Where an Overblik line opens the citizen's file: the section, and the item itself where
    the line comes from one (`parse_target` reads it back). A group deadline opens its first
    missing goal in Forløb ("forloeb:goal:<goal key>"); a meeting, a reminder or an overdue
    documentation request its own row ("meetings:<meeting id>", "deadlines:<deadline id>",
    "documentation:<documentation item id>"); a line without one just the section."""
    if not item.ref:
        return str(item.target)
    if item.target is DueTarget.FORLOEB:
        return f"{item.target}:goal:{item.ref}"
    return f"{item.target}:{item.ref}"


def parse_target(target: str) -> tuple[str, str]:
    """(section, item) of a target made by `opens`: ("forloeb", "goal:<key>"), ("meetings", "<id>"),
    ("documentation", "<id>"); the item is "" when the target names only a section."""
    section, _, item = target.partition(":")
    return section, item


@dataclass(frozen=True)
class CitizenDue:
    citizen_id: int
    name: str
    group: VisitationGroup | None
    items: tuple[DueLine, ...]
    # The case's documentation readiness, the one the caseload and the file show (None: no checklist).
    readiness: Readiness | None = None


@dataclass(frozen=True)
class CitizenSignals:
    """A citizen's signals of one part of the Overblik, the most serious first."""

    citizen_id: int
    name: str
    group: VisitationGroup | None
    signals: tuple[Signal, ...]

    @property
    def severity(self) -> Severity:
        """The most serious of the signals."""
        return min((s.severity for s in self.signals), key=lambda s: s.rank)


_C = TypeVar("_C", CitizenDue, CitizenSignals)


@dataclass(frozen=True)
class Overview:
    today: dt.date
    sections: dict[Urgency, tuple[CitizenDue, ...]]  # OVERDUE, THIS_WEEK, NEXT_WEEK
    group_counts: dict[VisitationGroup, int]
    active: int
    closed: int
    #: Signals from praktik that ask the caseworker to act (alvorlig, opmærksom), the most serious
    #: citizens first; good news and documentation of the aim apart, by name.
    signals: tuple[CitizenSignals, ...] = ()
    good_news: tuple[CitizenSignals, ...] = ()
    documenting: tuple[CitizenSignals, ...] = ()
    # Said when the period of the goals in use has ended (`goals.expired_text`); "" otherwise.
    goals_notice: str = ""
    # The first Overblik at start (`first_overview`): the signals are still being read.
    signals_pending: bool = False
    # Closed cases past their retention period (`jobraad.retention.due_for_deletion`).
    deletion_due: int = 0
    _counts: dict[Urgency, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Counted as the Overblik is made (by the worker that reads it), not by the window.
        counts = {section: sum(len(c.items) for c in people) for section, people in self.sections.items()}
        object.__setattr__(self, "_counts", counts)

    def count(self, section: Urgency) -> int:
        """The deadlines in `section`."""
        return self._counts.get(section, 0)

    @property
    def overdue_citizens(self) -> int:
        """The active citizens with a deadline overdue (the caseload's status line counts them)."""
        return len(self.sections.get(Urgency.OVERDUE, ()))

    @property
    def empty(self) -> bool:
        """No citizens at all, open or closed: the Overblik says how to begin instead."""
        return self.active == 0 and self.closed == 0

    def for_groups(self, groups: Collection[VisitationGroup]) -> Overview:
        """The Overblik of the citizens in `groups` only (none given: everyone). The counts per
        group and of cases stay those of the whole caseload: they are what the chips show."""
        if not groups:
            return self
        wanted = frozenset(groups)

        def keep(people: Sequence[_C]) -> tuple[_C, ...]:
            return tuple(c for c in people if c.group in wanted)

        return replace(
            self,
            sections={s: keep(people) for s, people in self.sections.items()},
            signals=keep(self.signals),
            good_news=keep(self.good_news),
            documenting=keep(self.documenting),
        )


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
        deletion_due = len(due_for_deletion(session, today))
    return replace(_overview(today, rows, signals), goals_notice=notice, deletion_due=deletion_due)


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
                lines = tuple(DueLine(i.due_on, i.title, i.kind, opens(i)) for i in items)
                buckets[section].append(CitizenDue(row.citizen_id, name, group, lines, readiness))
    for section in SECTIONS:
        buckets[section].sort(key=lambda c: (c.items[0].due_on, danish_sort_key(c.name)))
    by_id = {r.citizen_id: r for r in rows}
    parts: dict[str, list[CitizenSignals]] = {"attention": [], "good": [], "documenting": []}
    for cid, found in signals.items():
        if cid not in by_id or not found:
            continue
        row = by_id[cid]
        ordered = sorted(found, key=lambda s: s.severity.rank)  # stable: the kinds' order within a level
        for part, wanted in (
            ("attention", [s for s in ordered if s.severity.needs_attention]),
            ("good", [s for s in ordered if s.severity is Severity.GOD_NYHED]),
            ("documenting", [s for s in ordered if s.severity is Severity.DOKUMENTATION]),
        ):
            if wanted:
                parts[part].append(CitizenSignals(cid, row.name, row.group, tuple(wanted)))
    parts["attention"].sort(key=lambda c: (c.severity.rank, danish_sort_key(c.name)))
    parts["good"].sort(key=lambda c: danish_sort_key(c.name))
    parts["documenting"].sort(key=lambda c: danish_sort_key(c.name))
    return Overview(
        today=today,
        sections={s: tuple(v) for s, v in buckets.items()},
        group_counts={g: groups.get(g, 0) for g in VisitationGroup},
        active=active,
        closed=len(rows) - active,
        signals=tuple(parts["attention"]),
        good_news=tuple(parts["good"]),
        documenting=tuple(parts["documenting"]),
    )
