"""The breakdown tables of a team summary: the population by visitation group, aim, closing,
age band, hours trend, and gruppe 3's documentation readiness.

Documentation readiness: gruppe 3 citizens active on the last day counted, by the
checklist's readiness today (the checklist has no history).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping

from sqlalchemy.orm import Session

from db.enums import Outcome, VisitationGroup
from jobraad.documentation import readiness_by_citizen
from jobraad.team.model import Count, Table, TableRow
from jobraad.team.population import Caseload
from jobraad.vocab import AIM_LABELS, GROUP_LABELS, OUTCOME_LABELS

__all__ = [
    "AGE_BANDS",
    "HOURS_TRENDS",
    "NO_GROUP",
    "NO_GROUP_LABEL",
    "READINESS_ROWS",
    "age_band",
    "breakdown_tables",
    "exits",
    "readiness_states",
]

# (key, label, lowest age, highest age)
AGE_BANDS: tuple[tuple[str, str, int, int | None], ...] = (
    ("under_30", "Under 30 år", 0, 29),
    ("30_44", "30–44 år", 30, 44),
    ("45_54", "45–54 år", 45, 54),
    ("55_59", "55–59 år", 55, 59),
    ("60_64", "60–64 år", 60, 64),
    ("65_plus", "65 år og derover", 65, None),
)
HOURS_TRENDS: tuple[tuple[str, str], ...] = (
    ("stigende", "Stigende timetal"),
    ("uaendret", "Uændret timetal"),
    ("faldende", "Faldende timetal"),
)
READINESS_ROWS: tuple[tuple[str, str], ...] = (
    ("klar", "Klar (alle krævede punkter er på plads)"),
    ("mangler", "Mangler dokumentation"),
    ("ingen_krav", "Ingen krav (sigtet har ingen tjekliste)"),
)
NO_GROUP = "uden_gruppe"
NO_GROUP_LABEL = "Uden gruppe"


def age_band(age: int) -> tuple[str, str]:
    """(key, label) of the age band of `age`."""
    for key, label, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return key, label
    return AGE_BANDS[0][0], AGE_BANDS[0][1]


def exits(caseload: Caseload, base: set[int]) -> dict[int, Outcome]:
    """The outcome of each citizen of `base` whose case was closed in the period (the last closing)."""
    found: dict[int, Outcome] = {}
    start, cutoff = caseload.period.start, caseload.cutoff
    for cid in base:
        closed_inside = [c for c in caseload.closings.get(cid, ()) if start <= c[0] <= cutoff]
        if closed_inside:
            found[cid] = closed_inside[-1][2]
    return found


def readiness_states(
    session: Session, as_of: dt.date, caseload: Caseload, base_ids: list[int]
) -> tuple[dict[int, str], int]:
    """The readiness row (a key of `READINESS_ROWS`) of each gruppe 3 citizen active on the last
    day counted, and how many of them have an overdue request: the checklist's own rules, in bulk."""
    people = caseload.people
    g3_active = [
        cid
        for cid in base_ids
        if people[cid].group is VisitationGroup.GRUPPE_3 and people[cid].last_day == caseload.cutoff
    ]
    readiness = readiness_by_citizen(session, as_of, g3_active)
    states: dict[int, str] = {}
    overdue = 0
    for cid in g3_active:
        r = readiness[cid]
        states[cid] = "klar" if r.ready else "ingen_krav" if r.required == 0 else "mangler"
        overdue += r.overdue > 0
    return states, overdue


def breakdown_tables(
    caseload: Caseload,
    base: set[int],
    exited: Mapping[int, Outcome],
    trends: Mapping[int, str],
    ready_states: Mapping[int, str],
) -> tuple[Table, ...]:
    """The tables of the summary, each with its total, in the order they are shown."""
    group_counts: dict[str, int] = defaultdict(int)
    aim_counts: dict[str, int] = defaultdict(int)
    age_counts: dict[str, int] = defaultdict(int)
    for cid in base:
        p = caseload.people[cid]
        group_counts[p.group.value if p.group else NO_GROUP] += 1
        aim_counts[p.aim.value] += 1
        age_counts[age_band(p.age)[0]] += 1
    tables = (
        _table(
            "gruppe",
            "Visitationsgruppe",
            [(g.value, GROUP_LABELS[g]) for g in VisitationGroup] + [(NO_GROUP, NO_GROUP_LABEL)],
            group_counts,
            "I alt",
        ),
        _table("sigte", "Sigte", [(a.value, label) for a, label in AIM_LABELS.items()], aim_counts, "I alt"),
        _table(
            "afslutning",
            "Afslutninger i perioden",
            [(o.value, label) for o, label in OUTCOME_LABELS.items()],
            _tally(exited.values()),
            "Afsluttet i alt",
        ),
        _table("alder", "Alder", [(k, label) for k, label, _, _ in AGE_BANDS], age_counts, "I alt"),
        _table(
            "timer", "Timer i virksomhedsplacering", list(HOURS_TRENDS), _tally(trends.values()), "Med timer i perioden"
        ),
        _table(
            "dokumentation",
            "Gruppe 3: dokumentation til rehabiliteringsteamet",
            list(READINESS_ROWS),
            _tally(ready_states.values()),
            "Aktive i gruppe 3",
        ),
    )
    assert sum(r.count.low for r in tables[0].rows) == len(base)
    return tables


def _tally(keys: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for key in keys:
        counts[str(key)] += 1
    return counts


def _table(key: str, title: str, rows: list[tuple[str, str]], counts: dict[str, int], total_label: str) -> Table:
    cells = tuple(TableRow(k, label, Count.of(counts.get(k, 0))) for k, label in rows)
    return Table(key, title, cells, TableRow("i_alt", total_label, Count.of(sum(counts.get(k, 0) for k, _ in rows))))
