"""Caseload summaries for the team lead: the figures of a period measured against the
goals of an indsats (`jobraad.goals`), written as XLSX, CSV or a one-page PDF, and
merged across caseworkers.

What is counted (the seeds leave these open; decided once here):

- A citizen is *in the indsats* from the start of their first forløb (or the day
  they were created, if they have none) until their case is closed; a reopening
  starts a new stretch. The closing day itself is not counted. A period that has
  not ended is counted up to the export day (`as_of`): no future days are counted.
- The *population* of the summary is every citizen in the indsats on at least one
  day of the period, narrowed by the indsats' `population` ("all" or
  "target_group_2024": 55–64 years old and on public support 8 of the last 10 years,
  both on the citizen's first day in the period). A goal may name its own population.
- *Helårspladser* = the population's citizen-days in the period / 365 (so a full
  leap year gives 366/365). The target of the period is each year's target in
  proportion to the part of the year inside the period.
- Group = the visitation group on the citizen's last day in the period; age band and
  target group use the first. Aim is the citizen's aim now (it has no history).
- had_activity: an activity (with a start date) or a placement of the listed kinds
  that ran on some day of the period ("in_period") or started in it ("started_in_period").
- exited_to: a closing in the period with one of the outcomes, or a listed placement
  kind (småjob) under the same window. Reopened closings still count.
- gruppe3_decided_within_weeks: each gruppe 3 forløb whose deadline (start + weeks)
  falls in the period (up to the export day) is judged once; it counts as met when
  decided on or before the deadline. Decided = the goal "afgørelse truffet" of the
  forløb, or a rehabiliteringsteam meeting's `decided_on` inside the forløb. A forløb
  that ended, or whose case was closed, before its deadline without a decision is
  not judged.
- Median weeks to a decision: gruppe 3 forløb decided in the period, from forløb start.
- Hours: all placements' weeks inside the period, summed per ISO week as
  `jobraad.progression.combined` does; weeks that count for progression (no sickness
  weeks, no empty weeks). With n >= 2 such weeks, the mean of the last k = min(4, n // 2)
  weeks against the first k: "stigende" when up by at least `NEW_HIGH_MARGIN` hours,
  "faldende" when down by as much, else "uændret".
- Documentation readiness: gruppe 3 citizens active on the last day counted, by the
  checklist's readiness today (the checklist has no history).

Anonymity (the summary is anonymous by default; see `suppress`):

- No names, CPR numbers or free text: only counts, shares and the labels of the
  goals file and the vocabularies.
- A count of 1–4 is shown as "<5" (0 stays 0). A share is hidden ("x") when its
  numerator or denominator is 1–4 (or could be). A median or helårspladser figure is
  hidden when the number of citizens behind it is 1–4.
- Tables whose total is shown get secondary suppression: when a hidden cell could be
  worked out from the total and the other cells, another cell is hidden as well ("x"),
  preferably one of at least 8. Relations *between* tables (a goal's numerator that is
  the sum of some outcome types) are not audited.
- Every figure carries bounds (low, high): exact figures have low == high; a hidden
  count has [1, 4] (or [5, total] for a secondary one). The bounds are what the
  published figures already tell, never more; merge adds them up, so a team total is
  exact where every part was shown and a range ("12–15") where it was not.
- `--per-citizen` adds a row per citizen with a pseudonymous id: HMAC-SHA256 of the
  citizen's database id under a random key kept in the database (Setting
  "pseudonym_key", created on first use). Never CPR, name or free text; the id is
  stable across exports from the same database. Merge leaves these rows out.

Files: the machine-readable part is a long table (section, key, text, value, low,
high) – the "Data" sheet of the XLSX and the whole CSV – plus metadata (format
version, period, goal-set id and hash, caseworker count, summary ids). A merged
median is the mean of the parts' medians weighted by their number of decisions (a
part whose count is hidden is left out): an approximation, marked "ca.".
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import json
import math
import re
import secrets
import statistics
import uuid
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from itertools import chain, groupby
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Connection, and_, case, or_, select
from sqlalchemy.orm import Session

from db.enums import AbsenceReason, MeetingKind, VisitationGroup
from db.models import (
    Activity,
    CaseOutcome,
    Citizen,
    Forloeb,
    GoalProgress,
    HoursEntry,
    Meeting,
    Placement,
    Setting,
)
from db.session import Database
from jobraad import __version__, audit, cpr
from jobraad import formatting as fmt
from jobraad.dates import InvalidDate, parse_date
from jobraad.documentation import readiness_by_citizen
from jobraad.errors import UserFacingError
from jobraad.goals import POPULATION_LABELS, Goal, GoalSet, Population, RuleKind, Window, load_goals_in
from jobraad.outputs import OutputRules, check_output, rules_for, write_output
from jobraad.progression import NEW_HIGH_MARGIN, RECENT_WEEKS
from jobraad.visitation import GROUP_DEADLINES, in_target_group_2024
from jobraad.vocab import AIM_LABELS, GROUP_LABELS, OUTCOME_LABELS

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "PSEUDONYM_SETTING",
    "SMALL_MAX",
    "Amount",
    "CitizenRow",
    "Count",
    "ExportFormat",
    "GoalResult",
    "Median",
    "MergeRefused",
    "Meta",
    "Period",
    "Share",
    "Summary",
    "SummaryFileError",
    "Table",
    "TableRow",
    "build_summary",
    "calendar_year",
    "export_summary",
    "format_for_path",
    "merge",
    "merge_summaries",
    "period_from_texts",
    "pseudonym",
    "read_summary",
    "suppress",
    "write_csv",
    "write_pdf",
    "write_summary",
    "write_xlsx",
]

FORMAT_NAME = "jobraad-teamopgoerelse"
FORMAT_VERSION = 1
#: Counts from 1 to SMALL_MAX are hidden ("<5").
SMALL_MAX = 4
#: A secondary suppression prefers a cell at least this big, so neither hidden cell can be narrowed much.
_SECONDARY_PREFERRED = 2 * SMALL_MAX
HELAARSPLADS_DAYS = 365
PSEUDONYM_SETTING = "pseudonym_key"

SMALL = "small"  # Count.hidden: a count of 1–4
HIDDEN = "secondary"  # Count.hidden: hidden so that a small count cannot be worked out

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
    ("klar", "Klar til rehabiliteringsteamet"),
    ("mangler", "Mangler dokumentation"),
    ("ingen_krav", "Ingen krav (sigtet har ingen tjekliste)"),
)
NO_GROUP = "uden_gruppe"

# The goals that close gruppe 3's deadline (seed 001): reaching one is the decision.
_DECIDED_GOAL_KEYS = frozenset().union(*(rule.closed_by for rule in GROUP_DEADLINES[VisitationGroup.GRUPPE_3]))

_EPS = 1e-9


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    PDF = "pdf"


class SummaryFileError(UserFacingError):
    """A file that should hold a summary cannot be read as one."""


class MergeRefused(UserFacingError):
    """Summaries that cannot be merged (another period, other goals, the same file twice)."""


# --- the period ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("period ends before it starts")

    @property
    def label(self) -> str:
        return f"{fmt.date(self.start)} – {fmt.date(self.end)}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def calendar_year(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))


def period_from_texts(from_text: str | None, to_text: str | None, today: dt.date | None = None) -> Period:
    """The period the user typed (dd-mm-åååå or ISO), or the current calendar year when
    neither date is given. Raises `UserFacingError` with a Danish message."""
    today = today or dt.date.today()
    if not from_text and not to_text:
        return calendar_year(today.year)
    if not from_text or not to_text:
        raise UserFacingError("Angiv både fra- og til-dato (eller ingen af dem for indeværende kalenderår).")
    try:
        start, end = parse_date(from_text), parse_date(to_text)
    except InvalidDate as err:
        raise UserFacingError(str(err)) from None
    if end < start:
        raise UserFacingError(f"Perioden slutter ({fmt.date(end)}) før den begynder ({fmt.date(start)}).")
    return Period(start, end)


# --- figures ------------------------------------------------------------------------------------


def _number(x: float, decimals: int = 1) -> str:
    """Danish: decimal comma, thousands point."""
    text = f"{x:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _percent(x: float) -> str:
    return f"{_number(100 * x)} %"


@dataclass(frozen=True)
class Count:
    """A number of citizens, or bounds on it: exact when `low == high` and not hidden."""

    low: int
    high: int
    hidden: str = ""  # "", SMALL or HIDDEN

    @staticmethod
    def of(n: int) -> Count:
        return Count(n, n)

    @property
    def exact(self) -> bool:
        return self.low == self.high and not self.hidden

    @property
    def value(self) -> int | None:
        return self.low if self.exact else None

    @property
    def could_be_small(self) -> bool:
        """Might be 1–4: then nothing derived from it may be shown."""
        if self.hidden == SMALL:
            return True
        return self.low <= SMALL_MAX and self.high >= 1

    def __add__(self, other: Count) -> Count:
        return Count(self.low + other.low, self.high + other.high)

    @property
    def display(self) -> str:
        if self.hidden == SMALL:
            return f"<{SMALL_MAX + 1}"
        if self.hidden:
            return "x"
        if self.low == self.high:
            return _number(self.low, 0)
        return f"{_number(self.low, 0)}–{_number(self.high, 0)}"


@dataclass(frozen=True)
class Share:
    """A share 0–1, or bounds on it; None when there is no denominator."""

    low: float | None
    high: float | None
    hidden: bool = False

    @property
    def value(self) -> float | None:
        if self.hidden or self.low is None or self.high is None or abs(self.high - self.low) > _EPS:
            return None
        return self.low

    @property
    def display(self) -> str:
        if self.low is None or self.high is None:
            return "–"
        if self.hidden:
            return "x"
        if abs(self.high - self.low) <= _EPS:
            return _percent(self.low)
        return f"{_number(100 * self.low)}–{_percent(self.high)}"


def share_of(numerator: Count, denominator: Count) -> Share:
    if denominator.high == 0:
        return Share(None, None)
    low = numerator.low / denominator.high
    high = min(1.0, numerator.high / denominator.low) if denominator.low > 0 else 1.0
    # Exact small counts are hidden by `suppress` (then `hidden` is set); here also a range
    # that may hold one (after a merge). An unsuppressed summary shows its shares.
    hidden = any(c.hidden or (c.low != c.high and c.could_be_small) for c in (numerator, denominator))
    return Share(low, max(low, high), hidden)


@dataclass(frozen=True)
class Amount:
    """Helårspladser (a sum of citizen-days / 365), or bounds on it."""

    low: float
    high: float
    hidden: bool = False

    @property
    def value(self) -> float | None:
        return self.low if not self.hidden and abs(self.high - self.low) <= _EPS else None

    @property
    def display(self) -> str:
        if self.hidden:
            return "x"
        if abs(self.high - self.low) <= _EPS:
            return _number(self.low)
        return f"{_number(self.low)}–{_number(self.high)}"


@dataclass(frozen=True)
class Median:
    """Median weeks from the start of a gruppe 3 forløb to its decision, over `n` decisions."""

    weeks: float | None
    n: Count
    approximate: bool = False
    hidden: bool = False

    @property
    def display(self) -> str:
        if self.hidden:
            return "x"
        if self.weeks is None:
            return "–"
        return ("ca. " if self.approximate else "") + _number(self.weeks)


@dataclass(frozen=True)
class TableRow:
    key: str
    label: str
    count: Count


@dataclass(frozen=True)
class Table:
    """A breakdown of citizens (by group, aim, ...); `total` is the sum of the rows."""

    key: str
    title: str
    rows: tuple[TableRow, ...]
    total: TableRow

    def share(self, row: TableRow) -> Share:
        if row is self.total or row.key == self.total.key:
            whole = self.total.count
            if whole.high == 0:
                return Share(None, None)
            return Share(1.0, 1.0, bool(whole.hidden) or (whole.low != whole.high and whole.could_be_small))
        return share_of(row.count, self.total.count)

    def row(self, key: str) -> TableRow:
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)


@dataclass(frozen=True)
class GoalResult:
    goal_id: str
    label: str
    rule: str
    target: float | None
    numerator: Count
    denominator: Count
    population: str  # Danish description of who is counted

    @property
    def share(self) -> Share:
        return share_of(self.numerator, self.denominator)

    @property
    def met(self) -> bool | None:
        """True / False when it can be told from what is shown; None without a target or answer."""
        share = self.share
        if self.target is None or share.low is None or share.high is None:
            return None
        if share.low >= self.target - _EPS:
            return True
        if share.high < self.target - _EPS:
            return False
        return None

    @property
    def status(self) -> str:
        if self.target is None:
            return "Intet mål"
        if self.share.low is None:
            return "Ingen at måle på"
        met = self.met
        return "Opfyldt" if met else "Ikke opfyldt" if met is False else "Kan ikke afgøres"


@dataclass(frozen=True)
class CitizenRow:
    """One citizen in the per-citizen data (only with the explicit option): no CPR, name or free text."""

    pseudonym: str
    group: str
    aim: str
    age_band: str
    target_group: bool
    days_in_period: int
    goals: tuple[bool | None, ...]  # per goal of the summary; None: not counted by it
    outcome: str
    weeks_to_decision: float | None
    hours_trend: str
    documentation: str


@dataclass(frozen=True)
class Meta:
    period: Period
    as_of: dt.date
    goal_set_id: str
    goal_set_name: str
    goal_set_hash: str
    indsats_period: Period
    population: str
    caseworkers: int
    summary_ids: tuple[str, ...]
    created: dt.datetime
    per_citizen: bool = False
    suppressed: bool = False
    format_version: int = FORMAT_VERSION
    program_version: str = __version__


@dataclass(frozen=True)
class Summary:
    meta: Meta
    population: Count
    target_group: Count
    helaarspladser: Amount
    helaarspladser_target: float | None
    goals: tuple[GoalResult, ...]
    tables: tuple[Table, ...]
    decision: Median
    overdue_requests: Count
    citizens: tuple[CitizenRow, ...] = field(default=(), repr=False)

    def table(self, key: str) -> Table:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(key)

    def goal(self, goal_id: str) -> GoalResult:
        for g in self.goals:
            if g.goal_id == goal_id:
                return g
        raise KeyError(goal_id)

    @property
    def helaarspladser_share(self) -> Share:
        """Helårspladser used as a share of the period's target (may exceed 100 %)."""
        target = self.helaarspladser_target
        if not target:
            return Share(None, None)
        return Share(self.helaarspladser.low / target, self.helaarspladser.high / target, self.helaarspladser.hidden)

    @property
    def notes(self) -> tuple[str, ...]:
        m = self.meta
        out = []
        if m.period.end > m.as_of:
            out.append(f"Perioden er ikke slut: tallene er opgjort pr. {fmt.date(m.as_of)}.")
        if m.period.start < m.indsats_period.start or m.period.end > m.indsats_period.end:
            out.append(f"Perioden ligger (delvis) uden for indsatsens periode {m.indsats_period.label}.")
        if m.caseworkers > 1:
            out.append(f"Lagt sammen af {m.caseworkers} jobrådgiveres opgørelser.")
        return tuple(out)


# --- building -----------------------------------------------------------------------------------


@dataclass
class _Person:
    id: int
    born: dt.date
    support_years: int
    aim: Any
    spans: list[tuple[dt.date, dt.date | None]]  # [start, end) in the indsats
    days: int = 0
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    age: int = 0
    target_group: bool = False
    group: VisitationGroup | None = None
    rule_pack: str = ""


def _spans(first: dt.date, closings: Sequence[tuple[dt.date, dt.date | None]]) -> list[tuple[dt.date, dt.date | None]]:
    """[start, end) stretches in the indsats: from `first` to each closing, again from each reopening."""
    spans: list[tuple[dt.date, dt.date | None]] = []
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


def _overlap(
    spans: Iterable[tuple[dt.date, dt.date | None]], start: dt.date, last: dt.date
) -> list[tuple[dt.date, dt.date]]:
    """The parts of `spans` inside [start, last], as inclusive (first, last) days."""
    out = []
    for a, b in spans:
        first = max(a, start)
        end = last if b is None else min(b - dt.timedelta(days=1), last)
        if first <= end:
            out.append((first, end))
    return out


def _active_on(spans: Iterable[tuple[dt.date, dt.date | None]], day: dt.date) -> bool:
    return any(a <= day and (b is None or day < b) for a, b in spans)


def _age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _age_band(age: int) -> tuple[str, str]:
    for key, label, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return key, label
    return AGE_BANDS[0][0], AGE_BANDS[0][1]


def _runs(start: dt.date, end: dt.date | None, period_start: dt.date, cutoff: dt.date, window: Window) -> bool:
    if window is Window.STARTED_IN_PERIOD:
        return period_start <= start <= cutoff
    return start <= cutoff and (end is None or end >= period_start)


def pseudonym(key: bytes, citizen_id: int) -> str:
    """The pseudonymous id of a citizen: derived from the database id under a secret key, never the CPR."""
    digest = hmac.new(key, f"jobraad-borger:{citizen_id}".encode("ascii"), hashlib.sha256).hexdigest()
    return f"B-{digest[:12]}"


def _pseudonym_key(session: Session) -> bytes:
    row = session.get(Setting, PSEUDONYM_SETTING)
    if row is not None:
        return bytes.fromhex(json.loads(row.value))
    key = secrets.token_bytes(32)
    session.add(Setting(key=PSEUDONYM_SETTING, value=json.dumps(key.hex())))
    session.flush()
    return key


def _counted_weeks(weeks: dict[int, list[float]]) -> list[float]:
    """The attended hours of the weeks that count, in week order.

    `weeks` maps an ISO week (`_iso_key`) to [planned, attended, sick, other absence]
    summed over the placements; a week counts as `WeekHours.counts_for_progression` would."""
    values = []
    for key in sorted(weeks):
        planned, attended, sick, other = weeks[key]
        if sick and attended <= 0:
            continue  # away sick: not a lack of progression
        if planned <= 0 and attended <= 0 and not sick and not other:
            continue  # nothing planned (holiday): a gap
        values.append(attended)
    return values


def _hours_trend(values: Sequence[float]) -> str | None:
    """'stigende' / 'uaendret' / 'faldende' from the attended hours of the weeks that count
    (in week order), or None with fewer than two."""
    if len(values) < 2:
        return None
    k = min(RECENT_WEEKS, len(values) // 2)
    first = sum(values[:k]) / k
    last = sum(values[-k:]) / k
    if last >= first + NEW_HIGH_MARGIN - _EPS:
        return "stigende"
    if last <= first - NEW_HIGH_MARGIN + _EPS:
        return "faldende"
    return "uaendret"


def _iso_key(day: dt.date) -> int:
    """The ISO week of a day as year * 100 + week: the keys sort as the weeks do."""
    iso = day.isocalendar()
    return iso.year * 100 + iso.week


# (placement id, citizen id, kind, start, end or planned end) of the placements started by the cutoff
_PlacementRow = tuple[int, int, Any, dt.date, dt.date | None]
_SICK, _OTHER_ABSENCE = 2, 1  # the absence of an hours entry, as the query gives it (else 0)


def _rows(conn: Connection, stmt: Any) -> Iterator[Any]:
    """The rows of a query, fetched from the driver a thousand at a time (a call per row makes the
    bigger queries about a tenth slower)."""
    return chain.from_iterable(conn.execute(stmt).partitions(1000))


def _hours_trends(
    conn: Connection, placements: Iterable[_PlacementRow], who: set[int], start: dt.date, cutoff: dt.date
) -> dict[int, str]:
    """The hours trend of each citizen of `who` that has one, from the ISO weeks between the week
    of `start` and the week of `cutoff` that overlap a placement, each summed over the placements.

    A week overlaps [a, b] exactly when its key (`_iso_key`) lies between the keys of the weeks
    of a and b, so a placement's weeks are a slice of its entries in week order. When no two
    placements of a citizen share a week (nearly always), each week is a single entry and SQL can
    tell whether it counts: one query gives the attended hours of those entries, in the order
    of the (placement, year, week) index. The citizens whose placements share a week get all
    their entries in a second query, summed week by week in the order they were saved."""
    first, last = _iso_key(start), _iso_key(cutoff)
    windows: dict[int, tuple[int, int]] = {}
    owner: dict[int, int] = {}
    of_citizen: dict[int, list[int]] = defaultdict(list)
    for pid, cid, _, p_start, p_end in placements:
        if cid in who:
            low = max(first, _iso_key(p_start))
            high = last if p_end is None else min(last, _iso_key(p_end))
            if low <= high:
                windows[pid] = (low, high)
                owner[pid] = cid
                of_citizen[cid].append(pid)
    if not windows:
        return {}
    shared = set()  # citizens with placements whose weeks overlap
    for cid, pids in of_citizen.items():
        if len(pids) > 1:
            spans = sorted(windows[pid] for pid in pids)
            if any(spans[i + 1][0] <= spans[i][1] for i in range(len(spans) - 1)):
                shared.add(cid)
    # Week 53 of a year that has 52 is no week: such an entry is left out.
    no_week = set()
    for year in range(first // 100, last // 100 + 1):
        try:
            dt.date.fromisocalendar(year, 53, 1)
        except ValueError:
            no_week.add(year * 100 + 53)

    key = HoursEntry.iso_year * 100 + HoursEntry.iso_week
    in_period = and_(HoursEntry.iso_week >= 1, HoursEntry.iso_week <= 53, key >= first, key <= last)
    absence = case(
        (HoursEntry.absence_reason == AbsenceReason.SYGDOM, _SICK),
        (HoursEntry.absence_reason.is_not(None), _OTHER_ABSENCE),
        else_=0,
    )
    planned, attended = HoursEntry.planned_hours, HoursEntry.attended_hours
    # A week of one entry counts as in `_counted_weeks` (its planned and attended hours are the entry's).
    counts = and_(or_(absence != _SICK, attended > 0), or_(planned > 0, attended > 0, absence != 0))

    # Per placement of a citizen whose placements share no week: the attended hours of the weeks that count.
    values_of: dict[int, list[float]] = {}
    by_key = itemgetter(1)
    for pid, group in groupby(
        _rows(
            conn,
            select(HoursEntry.placement_id, key, attended)
            .where(in_period, counts)
            .order_by(HoursEntry.placement_id, HoursEntry.iso_year, HoursEntry.iso_week),
        ),
        key=itemgetter(0),
    ):
        window = windows.get(pid)
        if window is None or owner[pid] in shared:
            continue
        rows = list(group)
        low, high = window
        rows = rows[bisect_left(rows, low, key=by_key) : bisect_right(rows, high, key=by_key)]
        values_of[pid] = [0.0 + hours for _, week, hours in rows if week not in no_week]

    # The citizens whose placements share a week: [planned, attended, sick, other absence] per week.
    weeks_of: dict[int, dict[int, list[float]]] = defaultdict(dict)
    shared_places = [pid for pid in windows if owner[pid] in shared]
    if shared_places:
        for pid, week_key, planned_hours, attended_hours, why in _rows(
            conn,
            select(HoursEntry.placement_id, key, planned, attended, absence)
            .where(in_period, HoursEntry.placement_id.in_(shared_places))
            .order_by(HoursEntry.id),
        ):
            low, high = windows[pid]
            if week_key < low or week_key > high or week_key in no_week:
                continue
            week = weeks_of[owner[pid]].setdefault(week_key, [0.0, 0.0, 0.0, 0.0])
            week[0] += planned_hours
            week[1] += attended_hours
            if why == _SICK:
                week[2] = 1.0
            elif why:
                week[3] = 1.0

    trends: dict[int, str] = {}
    for cid, pids in of_citizen.items():
        if cid in shared:
            values = _counted_weeks(weeks_of.get(cid, {}))
        elif len(pids) == 1:
            values = values_of.get(pids[0], [])
        else:
            values = [v for pid in sorted(pids, key=windows.__getitem__) for v in values_of.get(pid, ())]
        trend = _hours_trend(values)
        if trend is not None:
            trends[cid] = trend
    return trends


def _reached_ids(
    conn: Connection,
    goal: Goal,
    placements: Iterable[_PlacementRow],
    closings: dict[int, list[tuple[dt.date, dt.date | None, Any]]],
    start: dt.date,
    cutoff: dt.date,
) -> set[int]:
    """The citizens a had_activity or exited_to goal counts as reached (whoever they are): by a
    placement of the listed kinds in the window, else by an activity (one query) or a closing."""
    reached: set[int] = set()
    if goal.placements:
        reached.update(
            cid
            for _, cid, kind, p_start, p_end in placements
            if kind in goal.placements and _runs(p_start, p_end, start, cutoff, goal.window)
        )
    if goal.rule is RuleKind.HAD_ACTIVITY:
        if goal.activities:
            stmt = (
                select(Activity.citizen_id)
                .distinct()
                .where(
                    Activity.kind.in_(sorted(goal.activities)),
                    Activity.start_date.is_not(None),
                    Activity.start_date <= cutoff,
                )
            )
            if goal.window is Window.STARTED_IN_PERIOD:
                stmt = stmt.where(Activity.start_date >= start)
            else:
                stmt = stmt.where(or_(Activity.end_date.is_(None), Activity.end_date >= start))
            reached.update(conn.scalars(stmt))
    else:
        reached.update(
            cid
            for cid, rows in closings.items()
            if any(start <= closed_on <= cutoff and outcome in goal.outcomes for closed_on, _, outcome in rows)
        )
    return reached


def _summary_in(
    session: Session, goals: GoalSet, period: Period, as_of: dt.date, per_citizen: bool
) -> tuple[Summary, list[int]]:
    """The exact (not yet suppressed) summary, and the ids of the citizens in it.

    A fixed number of queries whatever the size of the caseload, each of only the columns
    needed (and, where SQL can tell, only the rows)."""
    cutoff = min(period.end, as_of)
    # Core rows straight from the connection (in the session's transaction): no ORM layer per row.
    conn = session.connection()

    forloeb: dict[int, list[tuple[int, VisitationGroup, dt.date, dt.date | None]]] = defaultdict(list)
    for cid, fid, group, start, end in _rows(
        conn,
        select(Forloeb.citizen_id, Forloeb.id, Forloeb.group, Forloeb.start_date, Forloeb.end_date).order_by(
            Forloeb.start_date, Forloeb.id
        ),
    ):
        forloeb[cid].append((fid, group, start, end))
    closings: dict[int, list[tuple[dt.date, dt.date | None, Any]]] = defaultdict(list)
    for cid, outcome, closed_on, reopened_on in _rows(
        conn,
        select(CaseOutcome.citizen_id, CaseOutcome.outcome, CaseOutcome.closed_on, CaseOutcome.reopened_on).order_by(
            CaseOutcome.closed_on, CaseOutcome.id
        ),
    ):
        closings[cid].append((closed_on, reopened_on, outcome))

    people: dict[int, _Person] = {}
    for cid, digits, support_years, aim, rule_pack, created_at in _rows(
        conn,
        select(
            Citizen.id, Citizen.cpr, Citizen.support_years_last10, Citizen.aim, Citizen.rule_pack, Citizen.created_at
        ),
    ):
        own = forloeb.get(cid, [])
        first = own[0][2] if own else created_at.date()
        closed = closings.get(cid)
        spans: list[tuple[dt.date, dt.date | None]] = (
            _spans(first, [(c[0], c[1]) for c in closed]) if closed else [(first, None)]
        )
        inside = _overlap(spans, period.start, cutoff)
        if not inside:
            continue
        p = _Person(cid, cpr.birth_date(digits), support_years, aim, spans, rule_pack=rule_pack)
        p.days = sum((b - a).days + 1 for a, b in inside)
        p.first_day, p.last_day = inside[0][0], inside[-1][1]
        p.age = _age_on(p.born, p.first_day)
        p.target_group = in_target_group_2024(p.age, max(0, min(10, support_years)))
        current = [f for f in own if f[2] <= p.last_day]
        p.group = current[-1][1] if current else None
        people[cid] = p

    member_sets: dict[Population, set[int]] = {}

    def members(population: Population) -> set[int]:
        found = member_sets.get(population)
        if found is None:
            if population is Population.TARGET_GROUP_2024:
                found = {cid for cid, p in people.items() if p.target_group}
            else:
                found = set(people)
            member_sets[population] = found
        return found

    base = members(goals.population)
    base_ids = sorted(base)

    # Placements of the citizens started by the cutoff.
    placements: list[_PlacementRow] = []
    for pid, cid, kind, start, planned_end, end_date in _rows(
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
        if cid not in people:
            continue
        if start <= cutoff:
            placements.append((pid, cid, kind, start, end_date or planned_end))

    # Decisions of gruppe 3 forløb.
    decided_goal: dict[int, dt.date] = {}
    for fid, reached in _rows(
        conn,
        select(GoalProgress.forloeb_id, GoalProgress.reached_on).where(GoalProgress.goal_key.in_(_DECIDED_GOAL_KEYS)),
    ):
        decided_goal[fid] = min(reached, decided_goal.get(fid, reached))
    meetings: dict[int, list[dt.date]] = defaultdict(list)
    for cid, decided_on in _rows(
        conn,
        select(Meeting.citizen_id, Meeting.decided_on).where(
            Meeting.kind == MeetingKind.REHABILITERINGSTEAM, Meeting.decided_on.is_not(None)
        ),
    ):
        if decided_on is not None:
            meetings[cid].append(decided_on)

    def decision(cid: int, fid: int, start: dt.date, end: dt.date | None) -> dt.date | None:
        days = [d for d in meetings.get(cid, ()) if d >= start and (end is None or d <= end)]
        g = decided_goal.get(fid)
        if g is not None and g >= start:
            days.append(g)
        return min(days) if days else None

    # --- goals
    # The gruppe 3 forløb of the citizens, each citizen's in order, and when each was decided.
    gruppe3 = [
        (cid, fid, start, end, decision(cid, fid, start, end))
        for cid, own in forloeb.items()
        if cid in people
        for fid, group, start, end in own
        if group is VisitationGroup.GRUPPE_3
    ]
    goal_results: list[GoalResult] = []
    per_goal: list[dict[int, bool]] = []
    for goal in goals.goals:
        population = goal.population or goals.population
        who = members(population)
        met: dict[int, bool] = {}
        if goal.rule is RuleKind.GRUPPE3_DECIDED_WITHIN_WEEKS:
            num = den = 0
            assert goal.weeks is not None
            for cid, _, start, end, decided in gruppe3:
                if cid not in who:
                    continue
                deadline = start + dt.timedelta(days=7 * goal.weeks)
                if not period.start <= deadline <= cutoff:
                    continue
                in_time = decided is not None and decided <= deadline
                if not in_time:
                    ended_before = end is not None and end < deadline
                    if ended_before or not _active_on(people[cid].spans, deadline):
                        continue
                den += 1
                num += in_time
                met[cid] = met.get(cid, True) and in_time
            goal_results.append(_goal_result(goal, num, den, population))
        else:
            reached = _reached_ids(conn, goal, placements, closings, period.start, cutoff)
            if per_citizen:
                met = {cid: cid in reached for cid in who}
            goal_results.append(_goal_result(goal, len(who & reached), len(who), population))
        per_goal.append(met)

    # --- helårspladser
    days = sum(people[cid].days for cid in base)
    helaarspladser = days / HELAARSPLADS_DAYS

    # --- breakdowns
    group_counts: dict[str, int] = defaultdict(int)
    aim_counts: dict[str, int] = defaultdict(int)
    age_counts: dict[str, int] = defaultdict(int)
    for cid in base:
        p = people[cid]
        group_counts[p.group.value if p.group else NO_GROUP] += 1
        aim_counts[p.aim.value] += 1
        age_counts[_age_band(p.age)[0]] += 1
    exits: dict[int, Any] = {}
    for cid in base:
        closed_inside = [c for c in closings.get(cid, ()) if period.start <= c[0] <= cutoff]
        if closed_inside:
            exits[cid] = closed_inside[-1][2]
    exit_counts: dict[str, int] = defaultdict(int)
    for outcome_kind in exits.values():
        exit_counts[outcome_kind.value] += 1

    # Median weeks to a decision
    decision_weeks: dict[int, float] = {}
    weeks_list: list[float] = []
    for cid, _, start, _, decided in gruppe3:
        if cid in base and decided is not None and period.start <= decided <= cutoff:
            weeks = (decided - start).days / 7
            weeks_list.append(weeks)
            decision_weeks[cid] = weeks
    median = Median(statistics.median(weeks_list) if weeks_list else None, Count.of(len(weeks_list)))

    # Hours
    trends = _hours_trends(conn, placements, base, period.start, cutoff)
    trend_counts: dict[str, int] = defaultdict(int)
    for trend in trends.values():
        trend_counts[trend] += 1

    # Documentation readiness of gruppe 3
    g3_active = [
        cid for cid in base_ids if people[cid].group is VisitationGroup.GRUPPE_3 and people[cid].last_day == cutoff
    ]
    readiness = readiness_by_citizen(session, as_of, g3_active)  # the checklist's own rules, in bulk
    ready_state: dict[int, str] = {}
    overdue = 0
    for cid in g3_active:
        r = readiness[cid]
        ready_state[cid] = "klar" if r.ready else "ingen_krav" if r.required == 0 else "mangler"
        overdue += r.overdue > 0
    ready_counts: dict[str, int] = defaultdict(int)
    for state in ready_state.values():
        ready_counts[state] += 1

    n = len(base)
    tables = (
        _table(
            "gruppe",
            "Visitationsgruppe",
            [(g.value, GROUP_LABELS[g]) for g in VisitationGroup] + [(NO_GROUP, "Uden gruppe")],
            group_counts,
            "I alt",
        ),
        _table("sigte", "Sigte", [(a.value, label) for a, label in AIM_LABELS.items()], aim_counts, "I alt"),
        _table(
            "afslutning",
            "Afslutninger i perioden",
            [(o.value, label) for o, label in OUTCOME_LABELS.items()],
            exit_counts,
            "Afsluttet i alt",
        ),
        _table("alder", "Alder", [(k, label) for k, label, _, _ in AGE_BANDS], age_counts, "I alt"),
        _table("timer", "Timer i virksomhedsplacering", list(HOURS_TRENDS), trend_counts, "Med timer i perioden"),
        _table(
            "dokumentation",
            "Gruppe 3: dokumentation til rehabiliteringsteamet",
            list(READINESS_ROWS),
            ready_counts,
            "Aktive i gruppe 3",
        ),
    )
    assert sum(r.count.low for r in tables[0].rows) == n

    meta = Meta(
        period=period,
        as_of=as_of,
        goal_set_id=goals.id,
        goal_set_name=goals.name,
        goal_set_hash=goals.hash,
        indsats_period=Period(goals.period_from, goals.period_to),
        population=POPULATION_LABELS[goals.population],
        caseworkers=1,
        summary_ids=(uuid.uuid4().hex,),
        created=dt.datetime.now().replace(microsecond=0),
        per_citizen=per_citizen,
    )
    citizens: tuple[CitizenRow, ...] = ()
    if per_citizen:
        secret = _pseudonym_key(session)
        rows = []
        for cid in base_ids:
            p = people[cid]
            rows.append(
                CitizenRow(
                    pseudonym=pseudonym(secret, cid),
                    group=GROUP_LABELS[p.group] if p.group else "Uden gruppe",
                    aim=AIM_LABELS[p.aim],
                    age_band=_age_band(p.age)[1],
                    target_group=p.target_group,
                    days_in_period=p.days,
                    goals=tuple(outcome.get(cid) for outcome in per_goal),
                    outcome=OUTCOME_LABELS[exits[cid]] if cid in exits else "",
                    weeks_to_decision=decision_weeks.get(cid),
                    hours_trend=dict(HOURS_TRENDS)[trends[cid]] if cid in trends else "",
                    documentation=dict(READINESS_ROWS)[ready_state[cid]] if cid in ready_state else "",
                )
            )
        citizens = tuple(sorted(rows, key=lambda r: r.pseudonym))  # never in name order
    summary = Summary(
        meta=meta,
        population=Count.of(n),
        target_group=Count.of(sum(1 for cid in base if people[cid].target_group)),
        helaarspladser=Amount(helaarspladser, helaarspladser),
        helaarspladser_target=goals.helaarspladser_target(period.start, period.end),
        goals=tuple(goal_results),
        tables=tables,
        decision=median,
        overdue_requests=Count.of(overdue),
        citizens=citizens,
    )
    return summary, base_ids


def _population_text(population: Population) -> str:
    return POPULATION_LABELS[population]


def _goal_result(goal: Goal, num: int, den: int, population: Population) -> GoalResult:
    return GoalResult(
        goal_id=goal.id,
        label=goal.label,
        rule=goal.rule.value,
        target=goal.target,
        numerator=Count.of(num),
        denominator=Count.of(den),
        population="gruppe 3-forløb med frist i perioden"
        if goal.rule is RuleKind.GRUPPE3_DECIDED_WITHIN_WEEKS
        else _population_text(population),
    )


def _table(key: str, title: str, rows: list[tuple[str, str]], counts: dict[str, int], total_label: str) -> Table:
    cells = tuple(TableRow(k, label, Count.of(counts.get(k, 0))) for k, label in rows)
    return Table(key, title, cells, TableRow("i_alt", total_label, Count.of(sum(counts.get(k, 0) for k, _ in rows))))


def build_summary(
    database: Database,
    period: Period | None = None,
    *,
    as_of: dt.date | None = None,
    per_citizen: bool = False,
    goals: GoalSet | None = None,
    anonymous: bool = True,
) -> Summary:
    """The summary of `period` (default: the current calendar year) against the user's goals
    (or `goals`). Anonymous (`suppress`ed) unless `anonymous=False`, which gives the exact
    figures for the caseworker's own screen; the writers suppress in any case. With
    `per_citizen` the pseudonymous rows are included (and the pseudonym key made if needed)."""
    return _build(database, period, as_of=as_of, per_citizen=per_citizen, goals=goals, anonymous=anonymous)[0]


def _build(
    database: Database,
    period: Period | None,
    *,
    as_of: dt.date | None,
    per_citizen: bool,
    goals: GoalSet | None,
    anonymous: bool,
) -> tuple[Summary, list[int]]:
    as_of = as_of or dt.date.today()
    period = period or calendar_year(as_of.year)
    opener = database.transaction if per_citizen else database.reading
    with opener() as session:
        goal_set = goals or load_goals_in(session)
        summary, ids = _summary_in(session, goal_set, period, as_of, per_citizen)
    return (suppress(summary) if anonymous else summary), ids


# --- suppression --------------------------------------------------------------------------------


def _primary(c: Count) -> Count:
    if c.hidden:
        return c
    if c.high >= 1 and c.high <= SMALL_MAX:
        return Count(0 if c.low == 0 else 1, SMALL_MAX, SMALL)
    return c


def _tightened(cells: Sequence[Count], total: int) -> list[tuple[int, int]]:
    """What the total and the other cells tell about each cell."""
    bounds = [(c.low, c.high) for c in cells]
    for _ in range(3):
        low_sum = sum(b[0] for b in bounds)
        high_sum = sum(b[1] for b in bounds)
        bounds = [(max(lo, total - (high_sum - hi)), min(hi, total - (low_sum - lo))) for lo, hi in bounds]
    return bounds


def _protect(table: Table) -> Table:
    total = _primary(table.total.count)
    cells = [_primary(r.count) for r in table.rows]
    if total.exact:
        t = total.low
        for _ in range(len(cells) + 1):
            bounds = _tightened(cells, t)
            changed = False
            for i, c in enumerate(cells):
                if not c.hidden and (c.low, c.high) != bounds[i] and bounds[i][0] <= bounds[i][1]:
                    cells[i] = _primary(Count(*bounds[i]))
                    changed = True
            pinned = any(c.hidden and bounds[i][0] == bounds[i][1] for i, c in enumerate(cells))
            if not pinned:
                if changed:
                    continue
                break
            candidates = [i for i, c in enumerate(cells) if not c.hidden and c.high > 0]
            if not candidates:
                break  # nothing left to hide: the total itself tells (documented limit)
            big = [i for i in candidates if cells[i].low >= _SECONDARY_PREFERRED]
            pick = min(big, key=lambda i: cells[i].low) if big else max(candidates, key=lambda i: cells[i].low)
            c = cells[pick]
            cells[pick] = Count(min(c.low, SMALL_MAX + 1), t, HIDDEN)
    rows = tuple(replace(r, count=c) for r, c in zip(table.rows, cells, strict=True))
    return replace(table, rows=rows, total=replace(table.total, count=total))


def suppress(summary: Summary) -> Summary:
    """The anonymous summary: small counts hidden, shares / medians / helårspladser behind
    them hidden, secondary suppression in tables (see the module docstring). Idempotent."""
    population = _primary(summary.population)
    amount = summary.helaarspladser
    if population.could_be_small and not amount.hidden:
        span = (min(summary.meta.period.end, summary.meta.as_of) - summary.meta.period.start).days + 1
        amount = Amount(1 / HELAARSPLADS_DAYS, SMALL_MAX * max(1, span) / HELAARSPLADS_DAYS, True)
    decision = summary.decision
    n = _primary(decision.n)
    if n.could_be_small or n.hidden:
        decision = Median(None, n, decision.approximate, hidden=True)
    else:
        decision = replace(decision, n=n)
    return replace(
        summary,
        population=population,
        target_group=_primary(summary.target_group),
        helaarspladser=amount,
        goals=tuple(
            replace(g, numerator=_primary(g.numerator), denominator=_primary(g.denominator)) for g in summary.goals
        ),
        tables=tuple(_protect(t) for t in summary.tables),
        decision=decision,
        overdue_requests=_primary(summary.overdue_requests),
        meta=replace(summary.meta, suppressed=True),
    )


# --- the long table (Data sheet, CSV) -----------------------------------------------------------


@dataclass(frozen=True)
class DataRow:
    section: str
    key: str
    label: str
    value: int | float | str | None  # a number when exact and shown, else the text shown
    low: float | None
    high: float | None
    kind: str = "count"  # count | share | amount | weeks | text


def _count_row(section: str, key: str, label: str, c: Count) -> DataRow:
    return DataRow(section, key, label, c.value if c.value is not None else c.display, c.low, c.high)


def _meta_rows(m: Meta) -> list[tuple[str, str, str]]:
    """(key, Danish explanation, value)."""
    return [
        ("format", "Filformat", FORMAT_NAME),
        ("format_version", "Formatversion", str(m.format_version)),
        ("periode_fra", "Periodens første dag", m.period.start.isoformat()),
        ("periode_til", "Periodens sidste dag", m.period.end.isoformat()),
        ("opgjort_pr", "Opgjort pr.", m.as_of.isoformat()),
        ("maalsaet_id", "Målsæt (indsats) id", m.goal_set_id),
        ("maalsaet_navn", "Indsats", m.goal_set_name),
        ("maalsaet_hash", "Målsættets kontrolsum (hvad målene tæller)", m.goal_set_hash),
        ("indsats_fra", "Indsatsens første dag", m.indsats_period.start.isoformat()),
        ("indsats_til", "Indsatsens sidste dag", m.indsats_period.end.isoformat()),
        ("population", "Hvem tælles", m.population),
        ("jobraadgivere", "Antal jobrådgivere", str(m.caseworkers)),
        ("opgoerelse_id", "Opgørelsens id (flere ved sammenlægning)", " ".join(m.summary_ids)),
        ("dannet", "Dannet", m.created.isoformat(timespec="seconds")),
        ("jobraad_version", "jobraad-version", m.program_version),
        ("undertrykkelse", "Tal under 5 vises som <5", f"1-{SMALL_MAX}"),
        ("per_borger", "Med pseudonymiserede borgerdata", "ja" if m.per_citizen else "nej"),
    ]


def _data_rows(s: Summary) -> list[DataRow]:
    rows = [
        _count_row("Borgere", "borgere.i_alt", f"Borgere i indsatsen i perioden ({s.meta.population})", s.population),
        _count_row("Borgere", "borgere.maalgruppe_2024", "Heraf i målgruppen 2024", s.target_group),
    ]
    a = s.helaarspladser
    rows.append(
        DataRow(
            "Helårspladser",
            "helaarspladser.brugt",
            "Helårspladser brugt (borgerdage i perioden / 365)",
            a.value if a.value is not None else a.display,
            a.low,
            a.high,
            "amount",
        )
    )
    target = s.helaarspladser_target
    rows.append(
        DataRow(
            "Helårspladser",
            "helaarspladser.maal",
            "Mål for helårspladser i perioden",
            target if target is not None else "ikke fastsat",
            target,
            target,
            "amount",
        )
    )
    for g in s.goals:
        sec = "Mål"
        rows.append(DataRow(sec, f"maal.{g.goal_id}.regel", g.label, g.rule, None, None, "text"))
        rows.append(
            DataRow(sec, f"maal.{g.goal_id}.population", f"{g.label}: hvem tælles", g.population, None, None, "text")
        )
        rows.append(_count_row(sec, f"maal.{g.goal_id}.taeller", f"{g.label}: opnået", g.numerator))
        rows.append(_count_row(sec, f"maal.{g.goal_id}.naevner", f"{g.label}: i alt", g.denominator))
        share = g.share
        rows.append(
            DataRow(
                sec,
                f"maal.{g.goal_id}.resultat",
                f"{g.label}: resultat",
                share.value if share.value is not None else share.display,
                None if share.hidden else share.low,
                None if share.hidden else share.high,
                "share",
            )
        )
        rows.append(
            DataRow(
                sec,
                f"maal.{g.goal_id}.maal",
                f"{g.label}: mål",
                g.target if g.target is not None else "intet mål",
                g.target,
                g.target,
                "share",
            )
        )
        rows.append(DataRow(sec, f"maal.{g.goal_id}.status", f"{g.label}: status", g.status, None, None, "text"))
    for t in s.tables:
        for r in (*t.rows, t.total):
            rows.append(_count_row(t.title, f"tabel.{t.key}.{r.key}", r.label, r.count))
    d = s.decision
    sec = "Rehabiliteringsteam"
    rows.append(
        DataRow(
            sec,
            "afgoerelse.median_uger",
            "Median uger fra gruppe 3-forløbets start til afgørelse",
            d.weeks if d.weeks is not None and not d.approximate else d.display,
            d.weeks,
            d.weeks,
            "weeks",
        )
    )
    rows.append(
        DataRow(
            sec,
            "afgoerelse.median_tilnaermet",
            "Medianen er tilnærmet (sammenlagt)",
            "ja" if d.approximate else "nej",
            None,
            None,
            "text",
        )
    )
    rows.append(_count_row(sec, "afgoerelse.antal", "Afgørelser i perioden (gruppe 3)", d.n))
    rows.append(
        _count_row(
            "Dokumentation", "dokumentation.forsinkede", "Gruppe 3 med forsinkede anmodninger", s.overdue_requests
        )
    )
    return rows


CITIZEN_COLUMNS = (
    "Pseudonym",
    "Gruppe",
    "Sigte",
    "Aldersgruppe",
    "Målgruppe 2024",
    "Dage i perioden",
    "Afslutning",
    "Uger til afgørelse",
    "Timetal",
    "Dokumentation",
)


def _citizen_header(s: Summary) -> list[str]:
    return [*CITIZEN_COLUMNS[:6], *(f"Mål: {g.label}" for g in s.goals), *CITIZEN_COLUMNS[6:]]


def _citizen_values(s: Summary, r: CitizenRow) -> list[Any]:
    def yes_no(v: bool | None) -> str:
        return "" if v is None else "ja" if v else "nej"

    return [
        r.pseudonym,
        r.group,
        r.aim,
        r.age_band,
        yes_no(r.target_group),
        r.days_in_period,
        *(yes_no(v) for v in r.goals),
        r.outcome,
        round(r.weeks_to_decision, 1) if r.weeks_to_decision is not None else "",
        r.hours_trend,
        r.documentation,
    ]


# --- neutralising text for spreadsheets ---------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_PLAIN_NUMBER = re.compile(r"^-?\d+(?:,\d+)?$")


def _csv_text(value: Any) -> str:
    """A CSV field Excel shows as written: text that Excel would take for a formula gets an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _csv_number(value)
    text = _ILLEGAL_XML.sub("", str(value))
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def _csv_number(x: float | None) -> str:
    if x is None:
        return ""
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.6f}".rstrip("0").rstrip(".").replace(".", ",")


# --- XLSX ---------------------------------------------------------------------------------------

_FMT_COUNT = "#,##0"
_FMT_SHARE = "0.0%"
_FMT_DECIMAL = "#,##0.0"
_FMT_PRECISE = "#,##0.0###"


class _SheetWriter:
    """Writes rows into one XlsxWriter worksheet, top down, and keeps track of column widths.
    Rows and columns are counted from 1 here, as in Excel; XlsxWriter counts from 0."""

    def __init__(self, book: _Book, name: str) -> None:
        self.book = book
        self.ws = book.workbook.add_worksheet(name)
        self.row = 1
        self.widths: dict[int, float] = defaultdict(float)

    def put(
        self,
        values: Sequence[Any],
        formats: Sequence[str | None] = (),
        bold: bool = False,
        measure: bool = True,
        size: int | None = None,
    ) -> None:
        for col, value in enumerate(values, start=1):
            fmt = formats[col - 1] if col - 1 < len(formats) else None
            self.cell(self.row, col, value, fmt, bold, size)
            if measure and value is not None:
                shown = value if isinstance(value, str) else _number(value, 1)
                self.widths[col] = max(self.widths[col], len(shown))
        self.row += 1

    def skip(self) -> None:
        self.row += 1

    def cell(self, row: int, col: int, value: Any, fmt: str | None, bold: bool, size: int | None = None) -> None:
        r, c = row - 1, col - 1
        if isinstance(value, str):
            text = _ILLEGAL_XML.sub("", value)
            right = col > 1 and (text[:1].isdigit() or text[:1] in "<x–c")
            style = self.book.style(bold=bold, size=size, right=right, quote=text.startswith(_FORMULA_START))
            if text:
                self.ws.write_string(r, c, text, style)  # never a formula, whatever it starts with
            elif style is not None:
                self.ws.write_blank(r, c, None, style)  # an empty cell, as openpyxl left it
        elif isinstance(value, bool):
            self.ws.write_boolean(r, c, value, self.book.style(bold=bold, size=size))
        elif isinstance(value, int | float):
            self.ws.write_number(r, c, value, self.book.style(number=fmt, bold=bold, size=size))
        elif value is None:
            if bold or size:
                self.ws.write_blank(r, c, None, self.book.style(bold=bold, size=size))
        else:
            raise TypeError(f"no spreadsheet cell for {type(value).__name__}")

    def freeze(self, row: int, col: int) -> None:
        """Freeze the rows above `row` and the columns left of `col` (Excel's "Frys ruder" at that cell)."""
        self.ws.freeze_panes(row - 1, col - 1)

    def filter(self, columns: int) -> None:
        """An autofilter over the header row and the rows written below it."""
        self.ws.autofilter(0, 0, max(1, self.row - 1) - 1, columns - 1)

    def fit(self, cap: float = 90) -> None:
        for col, width in self.widths.items():
            self.ws.set_column(col - 1, col - 1, min(cap, max(8.0, width * 1.1 + 2)))


class _Book:
    """An XlsxWriter workbook built in memory (`in_memory`: no worksheet is staged as a
    temporary file in the shared temp folder, where a plaintext copy could be left behind),
    and its cell formats, one per combination."""

    def __init__(self, out: BinaryIO) -> None:
        import xlsxwriter  # type: ignore[import-untyped]  # only when an XLSX is written

        self.workbook = xlsxwriter.Workbook(out, {"in_memory": True})
        self._styles: dict[tuple[str | None, bool, int | None, bool, bool], Any] = {}

    def style(
        self,
        *,
        number: str | None = None,
        bold: bool = False,
        size: int | None = None,
        right: bool = False,
        quote: bool = False,
    ) -> Any:
        key = (number, bold, size, right, quote)
        if not any(key):
            return None
        if key not in self._styles:
            props: dict[str, Any] = {}
            if number:
                props["num_format"] = number
            if bold:
                props["bold"] = True
            if size:
                props["font_size"] = size
            if right:
                props["align"] = "right"
            if quote:
                props["quote_prefix"] = True
            self._styles[key] = self.workbook.add_format(props)
        return self._styles[key]


def _num_or_text(value: float | int | None, display: str) -> float | int | str:
    return value if value is not None else display


def _summary_sheet(w: _SheetWriter, s: Summary) -> None:
    w.put([f"Teamopgørelse – {s.meta.goal_set_name}"], bold=True, measure=False, size=14)
    w.put([_period_line(s)], measure=False)
    w.put([_anonymity_line(s)], measure=False)
    for note in s.notes:
        w.put([note], measure=False)
    w.skip()
    header_row = w.row

    w.put(["Nøgletal", "Antal", "Mål", "Andel af mål"], bold=True)
    w.put(
        [
            f"Borgere i indsatsen i perioden ({s.meta.population})",
            _num_or_text(s.population.value, s.population.display),
        ],
        ["", _FMT_COUNT],
    )
    w.put(["Heraf i målgruppen 2024", _num_or_text(s.target_group.value, s.target_group.display)], ["", _FMT_COUNT])
    hs = s.helaarspladser_share
    w.put(
        [
            "Helårspladser brugt (borgerdage / 365)",
            _num_or_text(s.helaarspladser.value, s.helaarspladser.display),
            s.helaarspladser_target if s.helaarspladser_target is not None else "ikke fastsat",
            _num_or_text(hs.value, hs.display),
        ],
        ["", _FMT_DECIMAL, _FMT_DECIMAL, _FMT_SHARE],
    )
    d = s.decision
    w.put(
        [
            "Median uger fra gruppe 3-forløbets start til afgørelse",
            d.weeks if d.weeks is not None and not d.approximate else d.display,
            None,
            f"{d.n.display} afgørelser",
        ],
        ["", _FMT_DECIMAL],
    )
    w.put(
        [
            "Gruppe 3 med forsinkede anmodninger om dokumentation",
            _num_or_text(s.overdue_requests.value, s.overdue_requests.display),
        ],
        ["", _FMT_COUNT],
    )
    w.skip()

    w.put(["Mål", "Opnået", "I alt", "Resultat", "Mål", "Status"], bold=True)
    for g in s.goals:
        share = g.share
        w.put(
            [
                g.label,
                _num_or_text(g.numerator.value, g.numerator.display),
                _num_or_text(g.denominator.value, g.denominator.display),
                _num_or_text(share.value, share.display),
                g.target if g.target is not None else "–",
                g.status,
            ],
            ["", _FMT_COUNT, _FMT_COUNT, _FMT_SHARE, _FMT_SHARE],
        )
    for t in s.tables:
        w.skip()
        w.put([t.title, "Antal", "Andel"], bold=True)
        for r in (*t.rows, t.total):
            share = t.share(r)
            w.put(
                [r.label, _num_or_text(r.count.value, r.count.display), _num_or_text(share.value, share.display)],
                ["", _FMT_COUNT, _FMT_SHARE],
                bold=r is t.total,
            )
    w.freeze(header_row, 1)
    w.fit()
    w.ws.hide_gridlines(2)  # on screen and on paper


def _data_sheet(w: _SheetWriter, rows: list[DataRow]) -> None:
    w.put(["Afsnit", "Nøgle", "Tekst", "Værdi", "Nedre", "Øvre"], bold=True)
    for r in rows:
        fmt = {"share": _FMT_SHARE, "count": _FMT_COUNT, "amount": _FMT_PRECISE, "weeks": _FMT_DECIMAL}.get(r.kind)
        bound_fmt = _FMT_SHARE if r.kind == "share" else fmt
        w.put([r.section, r.key, r.label, r.value, r.low, r.high], [None, None, None, fmt, bound_fmt, bound_fmt])
    w.freeze(2, 1)
    w.filter(6)
    w.fit(cap=70)


def _citizen_sheet(w: _SheetWriter, s: Summary) -> None:
    header = _citizen_header(s)
    w.put(header, bold=True)
    for r in s.citizens:
        w.put(_citizen_values(s, r), measure=False)
    w.freeze(2, 2)
    w.filter(len(header))
    for col, title in enumerate(header, start=1):
        w.widths[col] = max(min(len(title), 30), 14)
    w.fit(cap=40)


def _meta_sheet(w: _SheetWriter, m: Meta) -> None:
    w.put(["Nøgle", "Værdi", "Forklaring"], bold=True)
    for key, label, value in _meta_rows(m):
        w.put([key, value, label])
    w.freeze(2, 1)
    w.fit(cap=80)


def _xlsx_bytes(s: Summary) -> bytes:
    buffer = io.BytesIO()
    book = _Book(buffer)
    _summary_sheet(_SheetWriter(book, "Opsummering"), s)
    _data_sheet(_SheetWriter(book, "Data"), _data_rows(s))
    if s.citizens:
        _citizen_sheet(_SheetWriter(book, "Borgere"), s)
    _meta_sheet(_SheetWriter(book, "Metadata"), s.meta)
    book.workbook.set_properties({"title": f"Teamopgørelse {s.meta.period.label}", "author": "jobraad"})
    book.workbook.close()
    return buffer.getvalue()


def write_xlsx(summary: Summary, path: Path, *, rules: OutputRules, replace: bool = False) -> None:
    """Save the summary as XLSX (suppressed: small counts never leave as numbers), built in
    memory and written by the one writer under `rules`."""
    write_output(Path(path), _xlsx_bytes(suppress(summary)), rules, replace=replace)


# --- CSV ----------------------------------------------------------------------------------------

CSV_HEADER = ("Afsnit", "Nøgle", "Tekst", "Værdi", "Nedre", "Øvre")


def _csv_value(r: DataRow) -> str:
    if isinstance(r.value, str) or r.value is None:
        return _csv_text(r.value)
    if r.kind == "share":
        return _percent(float(r.value))
    if r.kind == "count":
        return str(int(r.value))
    return _number(float(r.value))


def _csv_bytes(s: Summary) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_HEADER)
    for key, label, value in _meta_rows(s.meta):
        writer.writerow(["Metadata", f"meta.{key}", _csv_text(label), _csv_text(value), "", ""])
    for r in _data_rows(s):
        writer.writerow(
            [_csv_text(r.section), r.key, _csv_text(r.label), _csv_value(r), _csv_number(r.low), _csv_number(r.high)]
        )
    if s.citizens:
        header = _citizen_header(s)
        for c in s.citizens:
            for title, value in zip(header[1:], _citizen_values(s, c)[1:], strict=True):
                writer.writerow(["Borgere", f"borger.{c.pseudonym}", _csv_text(title), _csv_text(value), "", ""])
    return buffer.getvalue().encode("utf-8-sig")


def write_csv(summary: Summary, path: Path, *, rules: OutputRules, replace: bool = False) -> None:
    """Save the summary as CSV for Danish Excel: semicolons, UTF-8 with BOM, CRLF (suppressed)."""
    write_output(Path(path), _csv_bytes(suppress(summary)), rules, replace=replace)


# --- PDF ----------------------------------------------------------------------------------------


def _period_line(s: Summary) -> str:
    m = s.meta
    who = "1 jobrådgiver" if m.caseworkers == 1 else f"{m.caseworkers} jobrådgivere"
    return f"Periode {m.period.label} · opgjort pr. {fmt.date(m.as_of)} · {who}"


def _anonymity_line(s: Summary) -> str:
    return (
        f"Anonym opgørelse: ingen navne eller CPR-numre. <{SMALL_MAX + 1} = 1–{SMALL_MAX} borgere; "
        "x = skjult, så et lille tal ikke kan regnes ud."
    )


def _goal_chart(s: Summary, width: float) -> Any:
    """Horizontal bars per goal: the target (outlined) and the result (filled), 0–100 %."""
    from reportlab.graphics.shapes import Drawing, Line, String
    from reportlab.lib.colors import Color, black, white
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from jobraad.pdf import FONT, FONT_BOLD, rect, register_fonts

    register_fonts()
    grey = Color(0.55, 0.55, 0.55)
    dark = Color(0.15, 0.3, 0.55)
    light = Color(0.75, 0.82, 0.92)
    label_h, bar_h, gap = 11.0, 9.0, 9.0
    per_goal = label_h + 2 * bar_h + 2 + gap
    top_pad, bottom_pad = 16.0, 16.0
    height = top_pad + bottom_pad + per_goal * max(1, len(s.goals))
    d = Drawing(width, height)
    # Otherwise the renderer starts in Helvetica, and the PDF lists it as a page font.
    d.initialFontName = FONT  # type: ignore[attr-defined]  # real, not in types-reportlab
    d.initialFontSize = 7.5  # type: ignore[attr-defined]
    x0, x1 = 58.0, width - 50.0
    scale = x1 - x0

    def x_of(share: float) -> float:
        return x0 + scale * max(0.0, min(1.0, share))

    def text(x: float, y: float, value: str, size: float = 7.5) -> None:
        # On a white ground, so the dotted grid never runs through the words.
        d.add(rect(x - 1, y - 2, stringWidth(value, FONT, size) + 2, size + 2, fill=white, stroke=None))
        d.add(String(x, y, value, fontName=FONT, fontSize=size))

    # legend
    d.add(rect(x0, height - 10, 10, 6, fill=white, stroke=black, stroke_width=0.7))
    d.add(String(x0 + 14, height - 10, "Mål", fontName=FONT, fontSize=7.5))
    d.add(rect(x0 + 50, height - 10, 10, 6, fill=dark, stroke=None))
    d.add(String(x0 + 64, height - 10, "Resultat", fontName=FONT, fontSize=7.5))
    if any(
        not g.share.hidden
        and g.share.low is not None
        and g.share.high is not None
        and g.share.high - g.share.low > _EPS
        for g in s.goals
    ):
        d.add(rect(x0 + 115, height - 10, 10, 6, fill=light, stroke=None))
        d.add(String(x0 + 129, height - 10, "Usikkert (interval ved sammenlægning)", fontName=FONT, fontSize=7.5))
    # scale
    for pct in (0, 25, 50, 75, 100):
        x = x_of(pct / 100)
        d.add(Line(x, bottom_pad - 2, x, bottom_pad, strokeColor=black, strokeWidth=0.5))
        d.add(String(x, bottom_pad - 11, f"{pct} %", fontName=FONT, fontSize=7, textAnchor="middle"))
    d.add(Line(x0, bottom_pad, x1, bottom_pad, strokeColor=black, strokeWidth=0.5))
    y = height - top_pad
    for g in s.goals:
        y -= label_h
        label = g.label
        while stringWidth(label, FONT_BOLD, 8) > width - 4 and len(label) > 4:
            label = label.removesuffix("…")[:-1].rstrip() + "…"
        d.add(String(0, y + 2, label, fontName=FONT_BOLD, fontSize=8))
        # grid behind the two bars only, so it never runs through a label
        for pct in (0, 25, 50, 75, 100):
            x = x_of(pct / 100)
            d.add(Line(x, y - 2 * bar_h - 3, x, y, strokeColor=grey, strokeWidth=0.3, strokeDashArray=[1, 2]))
        # target
        y -= bar_h
        d.add(String(0, y + 2, "Mål", fontName=FONT, fontSize=7.5))
        if g.target is not None:
            d.add(rect(x0, y + 1, x_of(g.target) - x0, bar_h - 2, fill=white, stroke=black, stroke_width=0.7))
            text(x_of(g.target) + 3, y + 2, _percent(g.target))
        else:
            text(x0 + 2, y + 2, "intet mål")
        # result
        y -= bar_h + 2
        d.add(String(0, y + 2, "Resultat", fontName=FONT, fontSize=7.5))
        share = g.share
        if share.low is None or share.high is None:
            text(x0 + 2, y + 2, "ingen at måle på")
        elif share.hidden:
            text(x0 + 2, y + 2, f"x (skjult: tal under {SMALL_MAX + 1})")
        else:
            if share.high - share.low > _EPS:
                d.add(
                    rect(x_of(share.low), y + 1, x_of(share.high) - x_of(share.low), bar_h - 2, fill=light, stroke=None)
                )
            if share.low > 0:
                d.add(rect(x0, y + 1, x_of(share.low) - x0, bar_h - 2, fill=dark, stroke=None))
            text(x_of(share.high) + 3, y + 2, share.display)  # the status is in the table below
        y -= gap
    return d


def _pdf_table(
    title: str, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], total_last: bool
) -> Any:
    from reportlab.platypus import Paragraph
    from reportlab.platypus import Table as PdfTable  # not this module's `Table`

    from jobraad.pdf import escape, styles, table_style

    st = styles()
    cell = st["cell"]
    cell.fontSize, cell.leading = 7.5, 9
    bold = st["cell_bold"]
    bold.fontSize, bold.leading = 7.5, 9
    cell_r, bold_r = _right(cell), _right(bold)
    data = [[Paragraph(escape(title), bold), *(Paragraph(escape(h), bold_r) for h in header[1:])]]
    for row in rows:
        data.append([Paragraph(escape(str(v)), cell if i == 0 else cell_r) for i, v in enumerate(row)])
    commands: list[tuple[Any, ...]] = [
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, "black"),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    if total_last:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.4, "black"))
    table = PdfTable(data, colWidths=list(widths), hAlign="LEFT")
    table.setStyle(table_style(*commands))
    return table


def _right(style: Any) -> Any:
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle("right", parent=style, alignment=TA_RIGHT)


def _pdf_build(s: Summary, out: BinaryIO) -> None:
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepInFrame, Paragraph, Spacer
    from reportlab.platypus import Table as PdfTable  # not this module's `Table`

    from jobraad.pdf import MARGINS, PAGE_SIZE, escape, make_footer, new_document, styles, table_style

    st = styles()
    doc = new_document(
        out,
        title=f"Teamopgørelse {s.meta.period.label}",
        footer=make_footer(f"Anonym teamopgørelse · jobraad {s.meta.program_version} · {s.meta.goal_set_name}"),
    )
    width = PAGE_SIZE[0] - MARGINS.left - MARGINS.right
    height = PAGE_SIZE[1] - MARGINS.top - MARGINS.bottom
    small = st["small"]
    story: list[Any] = [
        Paragraph("Teamopgørelse", st["title"]),
        Paragraph(escape(s.meta.goal_set_name), st["h1"]),
        Paragraph(escape(_period_line(s)), st["body"]),
    ]
    for note in s.notes:
        story.append(Paragraph(escape(note), small))

    hs = s.helaarspladser_share
    target = s.helaarspladser_target
    key_rows = [
        [f"Borgere i indsatsen i perioden ({s.meta.population})", s.population.display, ""],
        ["Heraf i målgruppen 2024", s.target_group.display, ""],
        [
            "Helårspladser brugt (borgerdage / 365)",
            s.helaarspladser.display,
            f"mål {_number(target)} · {hs.display} af målet" if target is not None else "mål ikke fastsat",
        ],
        [
            "Median uger fra gruppe 3-forløbets start til afgørelse",
            s.decision.display,
            f"{s.decision.n.display} afgørelser",
        ],
        ["Gruppe 3 med forsinkede anmodninger om dokumentation", s.overdue_requests.display, ""],
    ]
    story.append(Spacer(1, 2 * mm))
    story.append(_pdf_table("Nøgletal", ["", "", ""], key_rows, [width * 0.58, width * 0.12, width * 0.30], False))
    story.append(Spacer(1, 3 * mm))
    story.append(Paragraph("Mål og resultat", st["h2"]))
    story.append(_goal_chart(s, width))
    goal_rows = [
        [
            g.label,
            g.numerator.display,
            g.denominator.display,
            g.share.display,
            _percent(g.target) if g.target is not None else "–",
            g.status,
        ]
        for g in s.goals
    ]
    story.append(
        _pdf_table(
            "Mål",
            ["", "Opnået", "I alt", "Resultat", "Mål", "Status"],
            goal_rows,
            [width * 0.42, width * 0.09, width * 0.09, width * 0.14, width * 0.08, width * 0.18],
            False,
        )
    )
    story.append(Spacer(1, 3 * mm))

    def breakdown(t: Table) -> Any:
        rows = [[r.label, r.count.display, t.share(r).display] for r in (*t.rows, t.total)]
        col = (width - 6 * mm) / 2
        return _pdf_table(t.title, ["", "Antal", "Andel"], rows, [col * 0.55, col * 0.17, col * 0.28], True)

    tables = list(s.tables)
    grid = [
        [breakdown(tables[i]), breakdown(tables[i + 1]) if i + 1 < len(tables) else ""]
        for i in range(0, len(tables), 2)
    ]
    layout = PdfTable(grid, colWidths=[width / 2, width / 2], hAlign="LEFT")
    layout.setStyle(
        table_style(
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3 * mm),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm),
        )
    )
    story.append(layout)
    story.append(Paragraph(escape(_anonymity_line(s)), small))
    # One page, whatever the number of goals: shrink to fit rather than spill over.
    doc.build([KeepInFrame(width, height - 2, story, mode="shrink")])


def write_pdf(summary: Summary, path: Path, *, rules: OutputRules, replace: bool = False) -> None:
    """Save a one-page PDF: key figures, a bar chart of goals against results, the breakdowns."""
    suppressed = suppress(summary)
    write_output(Path(path), lambda fh: _pdf_build(suppressed, fh), rules, replace=replace)


def format_for_path(path: Path | str) -> ExportFormat:
    suffix = Path(path).suffix.lower().lstrip(".")
    try:
        return ExportFormat(suffix)
    except ValueError:
        raise UserFacingError(
            f"Filtypen «.{suffix}» kendes ikke. Vælg xlsx, csv eller pdf (fx «opgørelse.xlsx»)."
            if suffix
            else "Filnavnet har ingen filtype. Vælg xlsx, csv eller pdf (fx «opgørelse.xlsx»)."
        ) from None


def write_summary(
    summary: Summary, path: Path, fmt: ExportFormat | str | None = None, *, rules: OutputRules, replace: bool = False
) -> None:
    """Save in `fmt` (default: from the file name's extension) through the one writer under
    `rules` (`outputs.rules_for`: the open database, or for a merge the files merged); an
    existing file is replaced only with `replace`."""
    fmt = ExportFormat(fmt) if fmt else format_for_path(path)
    writer = {ExportFormat.XLSX: write_xlsx, ExportFormat.CSV: write_csv, ExportFormat.PDF: write_pdf}[fmt]
    writer(summary, Path(path), rules=rules, replace=replace)


# --- the export, with its audit entry -----------------------------------------------------------


def export_summary(
    database: Database,
    path: Path,
    fmt: ExportFormat | str | None = None,
    period: Period | None = None,
    *,
    per_citizen: bool = False,
    as_of: dt.date | None = None,
    replace: bool = False,
) -> Summary:
    """Build the anonymous summary, save it and record the export in the audit log (no
    personal data; with `per_citizen` also one entry per citizen whose pseudonymous row left).
    An existing file is replaced only with `replace`; the database, a backup or a `.jobraad`
    file never (`OutputRefusedError`, before the summary is built)."""
    fmt = ExportFormat(fmt) if fmt else format_for_path(path)
    rules = rules_for(database)
    check_output(Path(path), rules, replace=replace)
    summary, ids = _build(database, period, as_of=as_of, per_citizen=per_citizen, goals=None, anonymous=True)
    write_summary(summary, path, fmt, rules=rules, replace=replace)
    with database.transaction() as session:
        audit.record(session, audit.Action.EXPORT, None, f"teamopgørelse ({fmt.value})")
        if per_citizen:
            for cid in ids:
                audit.record(session, audit.Action.EXPORT, cid, "teamopgørelse med pseudonymiserede borgerdata")
    return summary


# --- reading ------------------------------------------------------------------------------------


def _parse_number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().removeprefix("'").replace(".", "").replace(",", ".")
    try:
        x = float(text)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _not_summary(name: str, why: str) -> SummaryFileError:
    return SummaryFileError(f"«{name}» er ikke en teamopgørelse fra jobraad ({why}).")


# A summary read back comes from outside (another caseworker's laptop, a mail): it is
# read within the bounds of the import of citizens. A summary is a few hundred rows;
# its per-citizen sheet, which merge does not read, has a row per citizen.
_SUMMARY_MAX_BYTES = 20 * 1024 * 1024
_SUMMARY_MAX_UNPACKED = 64 * 1024 * 1024
_SUMMARY_MAX_ROWS = 100_000
_SUMMARY_MAX_CELLS = 1_000_000


def _unreadable(name: str, why: str) -> SummaryFileError:
    return SummaryFileError(f"«{name}» kan ikke læses som teamopgørelse. {why}")


def _read_rows(path: Path) -> tuple[dict[str, str], list[tuple[str, str, str, Any, Any, Any]]]:
    name = path.name
    limit = _SUMMARY_MAX_BYTES
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise SummaryFileError(f"Filen findes ikke: {name}") from None
    except OSError as err:
        raise SummaryFileError(f"Filen «{name}» kan ikke læses ({err.strerror or err}).") from None
    if len(data) > limit:
        raise _unreadable(name, f"Filen fylder mere end {limit // 1024 // 1024} MB; det gør en teamopgørelse ikke.")
    if data.startswith(b"%PDF"):
        raise SummaryFileError(
            f"«{name}» er en PDF. PDF-opgørelser kan ikke lægges sammen; brug XLSX- eller CSV-filen."
        )
    if data.startswith(b"PK"):
        return _read_xlsx(data, name)
    return _read_csv(data, name)


def _read_xlsx(data: bytes, name: str) -> tuple[dict[str, str], list[tuple[str, str, str, Any, Any, Any]]]:
    from jobraad.xlsx_reader import Limits, XlsxRefused, open_xlsx

    # Data has six columns and Metadata two; anything further out is not read.
    limits = Limits(_SUMMARY_MAX_UNPACKED, _SUMMARY_MAX_ROWS, columns=6, cells=_SUMMARY_MAX_CELLS, refuse_wider=False)
    meta: dict[str, str] = {}
    rows: list[tuple[str, str, str, Any, Any, Any]] = []
    try:
        with open_xlsx(data, limits) as book:
            if "Metadata" not in book.sheet_names or "Data" not in book.sheet_names:
                raise _not_summary(name, "arkene «Data» og «Metadata» mangler")
            for line, row in book.rows("Metadata"):
                if line > 1 and row and row[0] is not None:
                    meta[str(row[0]).strip()] = "" if len(row) < 2 or row[1] is None else str(row[1]).strip()
            for line, row in book.rows("Data"):
                cells = [*row, None, None, None, None, None, None][:6]
                if line == 1 or cells[1] is None:
                    continue
                rows.append((str(cells[0] or ""), str(cells[1]), str(cells[2] or ""), cells[3], cells[4], cells[5]))
    except XlsxRefused as err:
        raise _unreadable(name, err.message) from None
    return meta, rows


def _read_csv(data: bytes, name: str) -> tuple[dict[str, str], list[tuple[str, str, str, Any, Any, Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # saved again by Excel as "CSV (semikolonsepareret)"
    meta: dict[str, str] = {}
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        for cells in reader:
            if reader.line_num > _SUMMARY_MAX_ROWS:
                raise _unreadable(name, f"Filen har flere end {_SUMMARY_MAX_ROWS} linjer.")
            cells = [*cells[:6], "", "", "", "", "", ""][:6]
            key = cells[1].strip()
            if key.startswith("meta."):
                meta[key.removeprefix("meta.")] = _unquote(cells[3]).strip()
            elif key and key != "Nøgle" and not key.startswith("borger."):
                rows.append((_unquote(cells[0]), key, _unquote(cells[2]), _unquote(cells[3]), cells[4], cells[5]))
    except csv.Error:
        raise _unreadable(name, f"Linje {reader.line_num} kan ikke læses som CSV.") from None
    if not meta:
        raise _not_summary(name, "metadata mangler")
    return meta, rows


def _unquote(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text


def _date(meta: dict[str, str], key: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(meta[key][:10])
    except (KeyError, ValueError):
        raise _not_summary(name, f"metadata «{key}» mangler eller er ugyldig") from None


def read_summary(path: Path | str) -> Summary:
    """Read a summary saved as XLSX or CSV (by this or another caseworker's jobraad)."""
    path = Path(path)
    name = path.name
    meta, rows = _read_rows(path)
    if meta.get("format") != FORMAT_NAME:
        raise _not_summary(name, "filformatet er ukendt")
    try:
        version = int(meta.get("format_version", ""))
    except ValueError:
        raise _not_summary(name, "formatversionen mangler") from None
    if version != FORMAT_VERSION:
        raise SummaryFileError(
            f"«{name}» er lavet af en anden udgave af jobraad (formatversion {version}; denne læser {FORMAT_VERSION})."
            " Lav opgørelsen igen med samme udgave."
        )
    try:
        caseworkers = int(meta.get("jobraadgivere", "1"))
        m = Meta(
            period=Period(_date(meta, "periode_fra", name), _date(meta, "periode_til", name)),
            as_of=_date(meta, "opgjort_pr", name),
            goal_set_id=meta.get("maalsaet_id", ""),
            goal_set_name=meta.get("maalsaet_navn", ""),
            goal_set_hash=meta.get("maalsaet_hash", ""),
            indsats_period=Period(_date(meta, "indsats_fra", name), _date(meta, "indsats_til", name)),
            population=meta.get("population", ""),
            caseworkers=caseworkers,
            summary_ids=tuple(meta.get("opgoerelse_id", "").split()),
            created=dt.datetime.fromisoformat(meta["dannet"]) if meta.get("dannet") else dt.datetime.now(),
            per_citizen=False,
            suppressed=True,
            format_version=version,
            program_version=meta.get("jobraad_version", ""),
        )
    except ValueError:
        raise _not_summary(name, "metadata er ugyldige") from None
    if not m.goal_set_id or not m.goal_set_hash or not m.summary_ids:
        raise _not_summary(name, "målsæt eller id mangler i metadata")
    return _summary_from_rows(m, rows, name)


def _summary_from_rows(m: Meta, rows: list[tuple[str, str, str, Any, Any, Any]], name: str) -> Summary:
    by_key = {key: (section, label, value, low, high) for section, key, label, value, low, high in rows}

    def count(key: str) -> Count:
        if key not in by_key:
            raise _not_summary(name, f"tallet «{key}» mangler")
        _, _, value, low, high = by_key[key]
        lo, hi = _parse_number(low), _parse_number(high)
        if lo is None or hi is None or lo < 0 or hi < lo:
            raise _not_summary(name, f"tallet «{key}» er ugyldigt")
        text = str(value).strip() if value is not None else ""
        hidden = SMALL if text.startswith("<") else HIDDEN if text == "x" else ""
        return Count(round(lo), round(hi), hidden)

    def number(key: str) -> tuple[float | None, float | None]:
        if key not in by_key:
            raise _not_summary(name, f"tallet «{key}» mangler")
        _, _, _, low, high = by_key[key]
        return _parse_number(low), _parse_number(high)

    def text(key: str) -> str:
        return str(by_key[key][2] or "") if key in by_key else ""

    population = count("borgere.i_alt")
    lo, hi = number("helaarspladser.brugt")
    if lo is None or hi is None:
        raise _not_summary(name, "helårspladser mangler")
    amount = Amount(lo, hi, str(by_key["helaarspladser.brugt"][2]).strip() == "x")
    target = number("helaarspladser.maal")[0]

    goals = []
    for key in by_key:
        if key.startswith("maal.") and key.endswith(".regel"):
            goal_id = key[len("maal.") : -len(".regel")]
            t = number(f"maal.{goal_id}.maal")[0]
            goals.append(
                GoalResult(
                    goal_id=goal_id,
                    label=by_key[key][1],
                    rule=text(key),
                    target=t,
                    numerator=count(f"maal.{goal_id}.taeller"),
                    denominator=count(f"maal.{goal_id}.naevner"),
                    population=text(f"maal.{goal_id}.population"),
                )
            )
    found: dict[str, dict[str, Any]] = {}
    for key, (section, label, _value, _low, _high) in by_key.items():
        if not key.startswith("tabel."):
            continue
        parts = key.split(".", 2)
        if len(parts) != 3:
            continue
        spec = found.setdefault(parts[1], {"title": section, "rows": [], "total": None})
        row = TableRow(parts[2], label, count(key))
        if parts[2] == "i_alt":
            spec["total"] = row
        else:
            spec["rows"].append(row)
    table_list = []
    for key, spec in found.items():
        if spec["total"] is None:
            raise _not_summary(name, f"tabellen «{key}» har ingen total")
        table_list.append(Table(key, spec["title"], tuple(spec["rows"]), spec["total"]))
    weeks = number("afgoerelse.median_uger")[0]
    n = count("afgoerelse.antal")
    approximate = text("afgoerelse.median_tilnaermet") == "ja"
    decision = Median(weeks, n, approximate, hidden=str(by_key["afgoerelse.median_uger"][2]).strip() == "x")
    return Summary(
        meta=m,
        population=population,
        target_group=count("borgere.maalgruppe_2024"),
        helaarspladser=amount,
        helaarspladser_target=target,
        goals=tuple(goals),
        tables=tuple(table_list),
        decision=decision,
        overdue_requests=count("dokumentation.forsinkede"),
    )


# --- merging ------------------------------------------------------------------------------------


def _sum(counts: Iterable[Count]) -> Count:
    total = Count(0, 0)
    for c in counts:
        total = total + c
    return total


def merge_summaries(paths: Sequence[Path | str]) -> Summary:
    """One team summary from several caseworkers' files (XLSX or CSV). Refuses, naming the
    files, summaries of different periods or goal sets, or the same summary twice."""
    if not paths:
        raise MergeRefused("Vælg mindst én opgørelse at lægge sammen.")
    named = [(Path(p).name, read_summary(p)) for p in paths]
    return merge(named)


def merge(named: Sequence[tuple[str, Summary]]) -> Summary:
    """`merge_summaries` on summaries already read; `named` pairs a file name with each."""
    periods = {(s.meta.period.start, s.meta.period.end) for _, s in named}
    if len(periods) > 1:
        lines = "\n".join(f"  • {n}: {s.meta.period.label}" for n, s in named)
        raise MergeRefused(
            "Opgørelserne dækker forskellige perioder og kan ikke lægges sammen:\n"
            f"{lines}\nLav opgørelserne igen for samme periode."
        )
    sets = {(s.meta.goal_set_id, s.meta.goal_set_hash) for _, s in named}
    if len(sets) > 1:
        lines = "\n".join(
            f"  • {n}: {s.meta.goal_set_name} ({s.meta.goal_set_id}, kontrolsum {s.meta.goal_set_hash})"
            for n, s in named
        )
        raise MergeRefused(
            "Opgørelserne bygger på forskellige mål og kan ikke lægges sammen:\n"
            f"{lines}\nBrug de samme mål hos alle jobrådgivere, og lav opgørelserne igen."
        )
    seen: dict[str, str] = {}
    for n, s in named:
        for sid in s.meta.summary_ids:
            if sid in seen:
                raise MergeRefused(
                    f"Den samme opgørelse er med mere end én gang: {seen[sid]} og {n}. Fjern den ene, og prøv igen."
                )
            seen[sid] = n
    summaries = [s for _, s in named]
    first = summaries[0]
    for n, s in named[1:]:
        if [g.goal_id for g in s.goals] != [g.goal_id for g in first.goals] or [t.key for t in s.tables] != [
            t.key for t in first.tables
        ]:
            raise MergeRefused(
                f"{n} har ikke de samme mål og tabeller som {named[0][0]}, selv om målsættet er det samme. "
                "Er filen rettet i hånden? Lav opgørelsen igen."
            )

    goals = []
    for g in first.goals:
        parts = [s.goal(g.goal_id) for s in summaries]
        goals.append(
            replace(g, numerator=_sum(p.numerator for p in parts), denominator=_sum(p.denominator for p in parts))
        )
    tables = []
    for t in first.tables:
        keys: dict[str, str] = {}
        for s in summaries:
            for r in s.table(t.key).rows:
                keys.setdefault(r.key, r.label)
        rows = []
        for key, label in keys.items():
            cells = []
            for s in summaries:
                try:
                    cells.append(s.table(t.key).row(key).count)
                except KeyError:
                    cells.append(Count(0, 0))
            rows.append(TableRow(key, label, _sum(cells)))
        total = _sum(s.table(t.key).total.count for s in summaries)
        tables.append(Table(t.key, t.title, tuple(rows), replace(t.total, count=total)))

    weighted = [(s.decision.weeks, s.decision.n.value) for s in summaries]
    usable = [(w, n) for w, n in weighted if w is not None and n]
    weeks = sum(w * n for w, n in usable) / sum(n for _, n in usable) if usable else None
    decision_n = _sum(s.decision.n for s in summaries)
    approximate = len(summaries) > 1 or any(s.decision.approximate for s in summaries)
    amount = Amount(sum(s.helaarspladser.low for s in summaries), sum(s.helaarspladser.high for s in summaries))

    meta = replace(
        first.meta,
        as_of=max(s.meta.as_of for s in summaries),
        caseworkers=sum(s.meta.caseworkers for s in summaries),
        summary_ids=tuple(sorted(seen)),
        created=dt.datetime.now().replace(microsecond=0),
        per_citizen=False,
        program_version=__version__,
    )
    merged = Summary(
        meta=meta,
        population=_sum(s.population for s in summaries),
        target_group=_sum(s.target_group for s in summaries),
        helaarspladser=amount,
        helaarspladser_target=first.helaarspladser_target,
        goals=tuple(goals),
        tables=tuple(tables),
        decision=Median(weeks, decision_n, approximate and weeks is not None),
        overdue_requests=_sum(s.overdue_requests for s in summaries),
    )
    return suppress(merged)
