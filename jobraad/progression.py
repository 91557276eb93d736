"""Hours in a virksomhedsplacering, week by week: the progression figures, the
signals a caseworker acts on, and the one chart both the Qt view and the
dossier draw.

Progression in hours is the main signal of a case: rising hours suggest gruppe
2 → 1; stable low hours despite support is evidence for fleksjob or
førtidspension. The rules, decided once here so the screen and the dossier agree:

- A week is identified by its ISO year and week. "Real week distance" is the
  number of weeks between the Mondays, so 2026-W53 → 2027-W01 is one week.
- Gaps (weeks nobody logged) are unknown, not zeros: they count as time on the
  x axis of a slope, but give no point, and they are `None` in the chart.
- A sickness week (`absence_reason == SYGDOM` and no attended hours) is not a
  lack of progression: it is left out of the slopes, the stable level, the
  weeks without progression, `latest_attended` and `mean_last_4`, and of the
  trend line. It still counts in attendance (planned hours not attended).
- A week with `absence_reason == ANDET` is an ordinary point with its attended
  hours (0 for a week fully away): absence for other reasons is part of the
  picture.
- A week with nothing planned, nothing attended and no absence reason (holiday,
  workplace closed) is treated like a gap in the calculations, but is a logged
  week and is drawn.
- Several entries for the same ISO week (one per placement) are summed, as by
  `combined()`.

Pure functions on plain data: no Qt, no database session. The caller turns
`HoursEntry` rows into `WeekHours`.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, NamedTuple

from db.enums import AbsenceReason, Aim, VisitationGroup
from jobraad import formatting as fmt
from jobraad.dates import iso_monday
from jobraad.rule_files import Table, read_rule_file

__all__ = [
    "FLEKSJOB_NOTE",
    "NEW_HIGH_MARGIN",
    "RECENT_WEEKS",
    "ChartSeries",
    "Progression",
    "Segment",
    "Severity",
    "SeverityRule",
    "Signal",
    "SignalKind",
    "Thresholds",
    "WeekHours",
    "chart_series",
    "clip_to_placement",
    "combined",
    "progression",
    "progression_signals",
    "severity_rules",
    "signal_for_aim",
    "signals",
]

#: A week is a new high when it beats the previous best by at least this many
#: hours: half an hour absorbs the rounding in how employers report hours, and a
#: steady rise at the default `rising_slope` (0.5 t/uge) is progression every week.
NEW_HIGH_MARGIN = 0.5
#: "Recent" means the last four logged weeks: `slope_4`, `mean_last_4`, attendance signal.
RECENT_WEEKS = 4
_LONG_WEEKS = 8
_SLOPE_WEEKS = max(RECENT_WEEKS, _LONG_WEEKS)
# Comparisons at a threshold tolerate float noise: a slope of 0.49999999999 is 0.5.
_EPS = 1e-9


# --- data ----------------------------------------------------------------------------


class WeekHours(NamedTuple):
    """Hours in one ISO week (of one placement, or summed over several).

    The Overblik makes a hundred thousand of these from stored weeks, so making one must
    cost little: a named tuple is made in a quarter of the time of a frozen dataclass, and
    the constructor checks nothing. Hours are checked where they enter
    (`placements.save_weeks`); a week that does not exist raises `ValueError` when its
    Monday is asked for."""

    iso_year: int
    iso_week: int
    planned: float
    attended: float
    absence: float = 0.0
    absence_reason: AbsenceReason | None = None
    follow_up: bool = False
    observation: str = ""

    @property
    def monday(self) -> dt.date:
        return iso_monday(self.iso_year, self.iso_week)

    @property
    def label(self) -> str:
        """ "uge 12"."""
        return f"uge {self.iso_week}"

    @property
    def key(self) -> tuple[int, int]:
        return (self.iso_year, self.iso_week)

    @property
    def is_sick(self) -> bool:
        """Away sick the whole week: not a lack of progression."""
        return self.absence_reason == AbsenceReason.SYGDOM and self.attended <= 0

    @property
    def counts_for_progression(self) -> bool:
        """Whether this week is a point in the slopes, stable level and stall count."""
        return _counts_for_progression(self)


def _counts_for_progression(w: WeekHours) -> bool:
    """`WeekHours.counts_for_progression` as a plain function (no property calls in the
    loops over every week of a caseload): not sick, and not an empty week."""
    attended = w.attended
    reason = w.absence_reason
    if reason == AbsenceReason.SYGDOM and attended <= 0:  # is_sick
        return False
    nothing_planned = w.planned <= 0 and attended <= 0 and reason is None
    return not nothing_planned


@dataclass(frozen=True)
class Thresholds:
    """When the progression signals fire. Defaults equal those in `jobraad.settings`."""

    stall_weeks: int = 4
    rising_slope: float = 0.5
    low_hours: float = 10.0
    low_hours_weeks: int = 8
    low_attendance: float = 0.5
    stable_weeks: int = 4

    def __post_init__(self) -> None:
        for name in ("stall_weeks", "low_hours_weeks", "stable_weeks"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")

    @classmethod
    def from_settings(cls, values: Mapping[str, Any]) -> Thresholds:
        """From the settings dict (`jobraad.settings.get_settings`). A missing or
        unusable value falls back to the default, and week counts to at least 1,
        so a bad setting never stops the overview from opening."""
        keys = {
            "stall_weeks": "signal_stall_weeks",
            "rising_slope": "signal_rising_slope",
            "low_hours": "signal_low_hours",
            "low_hours_weeks": "signal_low_hours_weeks",
            "low_attendance": "signal_low_attendance",
            "stable_weeks": "stable_level_weeks",
        }
        defaults = cls()
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            default = getattr(defaults, f.name)
            raw = values.get(keys[f.name], default)
            try:
                value = float(raw)
            except (TypeError, ValueError):
                value = float(default)
            if not math.isfinite(value):
                value = float(default)
            kwargs[f.name] = max(1, round(value)) if isinstance(default, int) else value
        return cls(**kwargs)


@dataclass(frozen=True)
class Progression:
    """The figures of one series of weeks; see the module docstring for which
    weeks count. Slopes are in hours per week per week."""

    weeks_logged: int
    attendance_rate: float | None
    slope_4: float | None
    slope_8: float | None
    highest_stable: float | None
    weeks_without_progression: int
    latest_attended: float | None
    mean_last_4: float | None


#: What the stable-low signal adds: the hours document a fleksjob (printed only where that is the aim).
FLEKSJOB_NOTE = " – dokumentation til fleksjob"


class SignalKind(StrEnum):
    NO_PROGRESSION = "no_progression"
    RISING = "rising"
    STABLE_LOW = "stable_low"
    LOW_ATTENDANCE = "low_attendance"


class Severity(StrEnum):
    """How much a signal asks of the caseworker, most first; which signal has which level is data
    (`resources/rules/signal_severity.toml`, jobraad's practice)."""

    ALVORLIG = "alvorlig"
    OPMAERKSOM = "opmærksom"
    DOKUMENTATION = "dokumentation"
    GOD_NYHED = "god nyhed"

    @property
    def needs_attention(self) -> bool:
        """Whether the caseworker should act: shown at the top of the Overblik, with a warning."""
        return self in (Severity.ALVORLIG, Severity.OPMAERKSOM)

    @property
    def rank(self) -> int:
        """0 for the most serious: the order signals and citizens are listed in."""
        return list(Severity).index(self)


@dataclass(frozen=True)
class Signal:
    kind: SignalKind
    text: str
    severity: Severity = Severity.OPMAERKSOM


@dataclass(frozen=True)
class SeverityRule:
    """One entry of `signal_severity.toml`: a kind's level, from how many weeks without
    progression it is serious (None: never by weeks), the attendance (share of the planned hours
    in the last weeks) from which it is never serious (None: no such bound), and the aims it
    documents."""

    kind: SignalKind
    severity: Severity
    serious_from_weeks: int | None
    documents_aims: frozenset[Aim]
    source: str
    not_serious_from_attendance: float | None = None


SEVERITY_FILE = "signal_severity.toml"


@functools.cache
def severity_rules() -> dict[SignalKind, SeverityRule]:
    """The shipped severity of every signal kind (`resources/rules/signal_severity.toml`)."""
    top = read_rule_file(SEVERITY_FILE, required=("signals",))
    rules: dict[SignalKind, SeverityRule] = {}
    for entry in top.entries(
        "signals",
        required=("kind", "severity"),
        optional=("serious_from_weeks", "not_serious_from_attendance_percent", "documents_aims"),
    ):
        rule = _severity_rule(entry)
        if rule.kind in rules:
            entry.fail(f"«{rule.kind.value}» står der allerede.")
        rules[rule.kind] = rule
    missing = [k.value for k in SignalKind if k not in rules]
    if missing:
        top.fail(f"niveauet mangler for {', '.join(missing)}.")
    return rules


def _severity_rule(entry: Table) -> SeverityRule:
    kind = entry.choice("kind", SignalKind)
    entry.named(f"[[signals]] «{kind.value}»")
    aims: frozenset[Aim] = frozenset()
    if entry.has("documents_aims"):
        known = {a.value for a in Aim}
        unknown = [a for a in entry.texts("documents_aims") if a not in known]
        if unknown:
            entry.fail(f"ukendt sigte «{unknown[0]}» i «documents_aims»; tilladt: {', '.join(sorted(known))}.")
        aims = frozenset(Aim(a) for a in entry.texts("documents_aims"))
    return SeverityRule(
        kind=kind,
        severity=entry.choice("severity", Severity),
        serious_from_weeks=entry.integer("serious_from_weeks", 1, 520) if entry.has("serious_from_weeks") else None,
        documents_aims=aims,
        source=entry.source,
        not_serious_from_attendance=(
            entry.integer("not_serious_from_attendance_percent", 1, 100) / 100
            if entry.has("not_serious_from_attendance_percent")
            else None
        ),
    )


def _severity(kind: SignalKind, weeks_without_progression: int, recent_attendance: float | None) -> Severity:
    """A signal's level before the case's aim is known (`signal_for_aim` reads it with the aim):
    serious after many weeks without progression, unless the citizen attends the hours planned."""
    rule = severity_rules()[kind]
    at_plan = (
        rule.not_serious_from_attendance is not None
        and recent_attendance is not None
        and recent_attendance >= rule.not_serious_from_attendance - _EPS
    )
    if rule.serious_from_weeks is not None and weeks_without_progression >= rule.serious_from_weeks and not at_plan:
        return Severity.ALVORLIG
    return rule.severity


def signal_for_aim(signal: Signal, aim: Aim) -> Signal:
    """A signal as the case's aim reads it: the pointer to fleksjob only where fleksjob is the aim,
    and a signal that documents the aim (`documents_aims` in the severity rules) no warning."""
    text = signal.text
    if signal.kind is SignalKind.STABLE_LOW and aim is not Aim.FLEKSJOB:
        text = text.removesuffix(FLEKSJOB_NOTE)
    severity = signal.severity
    if aim in severity_rules()[signal.kind].documents_aims:
        severity = Severity.DOKUMENTATION
    if (text, severity) == (signal.text, signal.severity):
        return signal
    return Signal(signal.kind, text, severity)


#: Neighbouring weeks that a chart joins with one line: (the week's index in the series, hours).
Segment = list[tuple[int, float]]


def _segments(values: Sequence[float | None]) -> list[Segment]:
    """The stretches of `values` without a `None`."""
    segments: list[Segment] = []
    current: Segment = []
    for i, v in enumerate(values):
        if v is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append((i, v))
    if current:
        segments.append(current)
    return segments


@dataclass(frozen=True)
class ChartSeries:
    """What a chart of hours shows, one entry per ISO week from the first logged
    week to the last, gaps included (as `None`).

    The screen's chart and the dossier's draw the lines this gives them
    (`planned_segments`, `attended_segments`, `trend_segments`) and mark the weeks
    of `attended_points` and `sick_points`, so both break their lines at the same weeks."""

    labels: list[str]
    weeks: list[tuple[int, int]]
    planned: list[float | None]
    attended: list[float | None]
    trend: list[float | None]
    #: True for a sickness week (left out of the trend).
    sick: list[bool] = field(default_factory=list)

    def _is_sick(self, i: int) -> bool:
        return i < len(self.sick) and self.sick[i]

    def planned_segments(self) -> list[Segment]:
        """Planned hours: a gap breaks the line."""
        return _segments(self.planned)

    def attended_segments(self) -> list[Segment]:
        """Attended hours: a gap or a sickness week breaks the line, so that neither
        reads as a drop in hours."""
        return _segments([None if self._is_sick(i) else v for i, v in enumerate(self.attended)])

    def trend_segments(self) -> list[Segment]:
        """The trend: one straight segment across the series, or none."""
        return _segments(self.trend)

    def attended_points(self) -> list[tuple[int, float]]:
        """The weeks marked as attended hours: logged, and not a sickness week."""
        return [(i, v) for i, v in enumerate(self.attended) if v is not None and not self._is_sick(i)]

    def sick_points(self) -> list[tuple[int, float]]:
        """The sickness weeks, marked apart, at their attended hours (none: 0)."""
        return [(i, v) for i, v in enumerate(self.attended) if v is not None and self._is_sick(i)]

    def hours_axis(self) -> HoursAxis:
        """The hours axis both charts draw: from 0 to a round top above every value shown
        (planned, attended, trend; 5 % headroom, so a line at the top value does not run along
        the frame), with a tick at every `step` whole hours."""
        values = [v for v in (*self.planned, *self.attended, *self.trend) if v is not None]
        return HoursAxis.around(1.05 * max([*values, 0.0]))


class HoursAxis(NamedTuple):
    """An hours axis with whole-hour ticks: 0, step, 2·step … top (about 3–6 ticks), so a
    gridline's label is exactly the value it sits at (a 3-hour week is drawn at the "3" tick)."""

    top: float
    step: float

    @classmethod
    def around(cls, vmax: float) -> HoursAxis:
        """The smallest round axis from 0 that holds `vmax` (at least 4 hours)."""
        vmax = max(vmax, 4.0)
        step = 100.0
        for candidate in (1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0):
            if vmax / candidate <= 6:
                step = candidate
                break
        return cls(math.ceil(vmax / step - _EPS) * step, step)

    @property
    def ticks(self) -> list[float]:
        """The tick values from 0 to the top."""
        return [i * self.step for i in range(round(self.top / self.step) + 1)]


# --- preparing weeks -----------------------------------------------------------------


@functools.lru_cache(maxsize=4096, typed=True)
def _week_index(year: int, week: int) -> int:
    """A running week number: consecutive ISO weeks differ by exactly 1."""
    return iso_monday(year, week).toordinal() // 7


def _merge(same_week: Sequence[WeekHours]) -> WeekHours:
    if len(same_week) == 1:
        return same_week[0]
    reasons = {w.absence_reason for w in same_week}
    reason = (
        AbsenceReason.SYGDOM
        if AbsenceReason.SYGDOM in reasons
        else AbsenceReason.ANDET
        if AbsenceReason.ANDET in reasons
        else None
    )
    observations = list(dict.fromkeys(w.observation.strip() for w in same_week if w.observation.strip()))
    first = same_week[0]
    return WeekHours(
        iso_year=first.iso_year,
        iso_week=first.iso_week,
        planned=sum(w.planned for w in same_week),
        attended=sum(w.attended for w in same_week),
        absence=sum(w.absence for w in same_week),
        absence_reason=reason,
        follow_up=any(w.follow_up for w in same_week),
        observation="; ".join(observations),
    )


_KEY = operator.attrgetter("iso_year", "iso_week")  # WeekHours.key, without the property call


def _normalise(weeks: Iterable[WeekHours]) -> list[WeekHours]:
    """Sorted by week, one entry per ISO week (entries of the same week summed)."""
    weeks = list(weeks)
    keys = list(map(_KEY, weeks))
    if all(map(operator.lt, keys, keys[1:])):  # each week after the one before
        return weeks  # already one per week, in order (one placement's clipped weeks): nothing to merge
    by_key: dict[tuple[int, int], list[WeekHours]] = {}
    for w in weeks:
        by_key.setdefault(w.key, []).append(w)
    return [_merge(by_key[k]) for k in sorted(by_key)]


def clip_to_placement(weeks: Sequence[WeekHours], start: dt.date, end: dt.date | None) -> list[WeekHours]:
    """The weeks that overlap the placement's period [start, end] (end None: still
    running), sorted by (year, week). A week that only partly overlaps is kept:
    a placement starting on a Wednesday has hours in that week."""
    # A week overlaps [start, end] when its Sunday is on or after start and its Monday on
    # or before end, that is when it is neither before start's ISO week nor after end's:
    # compared as (ISO year, week), with no dates worked out per week.
    first = start.isocalendar()[:2]
    if end is None:
        kept = [w for w in weeks if _KEY(w) >= first]
    else:
        last = end.isocalendar()[:2]
        kept = [w for w in weeks if first <= _KEY(w) <= last]
    return sorted(kept, key=_KEY)


def combined(weeks_by_placement: Sequence[Sequence[WeekHours]]) -> list[WeekHours]:
    """All placements' weeks as one series: planned, attended and absence hours
    summed per ISO week. The reason is SYGDOM if any placement reports sickness
    that week, else ANDET if any reports other absence; follow-up if any; the
    observations joined with "; "."""
    return _normalise(w for weeks in weeks_by_placement for w in weeks)


# --- figures -------------------------------------------------------------------------


def _slope(points: Sequence[tuple[int, float]]) -> float | None:
    """Least-squares slope of y on x; None with fewer than two points."""
    if len(points) < 2:
        return None
    n = len(points)
    # Lists rather than generators in sum(): the same terms in the same order, a little faster.
    mean_x = sum([x for x, _ in points]) / n
    mean_y = sum([y for _, y in points]) / n
    sxx = sum([(x - mean_x) ** 2 for x, _ in points])
    sxy = sum([(x - mean_x) * (y - mean_y) for x, y in points])
    return sxy / sxx


def _fit(points: Sequence[tuple[int, float]]) -> tuple[float, float] | None:
    """(intercept, slope) of the least-squares line; None with fewer than two points."""
    slope = _slope(points)
    if slope is None:
        return None
    n = len(points)
    mean_x = sum([x for x, _ in points]) / n
    mean_y = sum([y for _, y in points]) / n
    return mean_y - slope * mean_x, slope


def _points(weeks: Sequence[WeekHours]) -> list[tuple[int, float]]:
    return [(_week_index(w.iso_year, w.iso_week), w.attended) for w in weeks if _counts_for_progression(w)]


def _highest_stable(values: Sequence[float], window: int) -> float | None:
    if len(values) < window:
        return None
    return max([min(values[i : i + window]) for i in range(len(values) - window + 1)])


def _weeks_without_progression(values: Sequence[float]) -> int:
    """Counted back from the latest week to the last new high. The first week is
    the baseline, not progression: four flat weeks from the start are four weeks
    without progression."""
    since_high = 0
    best: float | None = None
    for v in values:
        if best is None:
            since_high += 1
            best = v
            continue
        if v >= best + NEW_HIGH_MARGIN - _EPS:
            since_high = 0
        else:
            since_high += 1
        if v > best:  # max(best, v)
            best = v
    return since_high


def _attendance(weeks: Sequence[WeekHours]) -> float | None:
    with_plan = [w for w in weeks if w.planned > 0]
    if not with_plan:
        return None
    return sum([w.attended for w in with_plan]) / sum([w.planned for w in with_plan])


def progression(weeks: Sequence[WeekHours], thresholds: Thresholds = Thresholds()) -> Progression:
    """The figures of a series of weeks (one placement, or `combined()`).

    - `weeks_logged`: distinct ISO weeks given, sickness and empty weeks included.
    - `attendance_rate`: attended / planned over the weeks with planned hours,
      sickness weeks included; None if nothing was planned.
    - `slope_4` / `slope_8`: least-squares slope over the last 4 / 8 progression
      weeks, x being the real week number (a gap widens the distance).
    - `highest_stable`: the highest level held in `thresholds.stable_weeks`
      consecutive progression weeks (the best window's minimum); gaps and
      sickness weeks do not break a run.
    - `weeks_without_progression`: progression weeks since the last new high
      (at least `NEW_HIGH_MARGIN` above every earlier week).
    - `latest_attended` / `mean_last_4`: the latest / mean of the last 4
      progression weeks.
    """
    return _progression(_normalise(weeks), thresholds)


def _progression(
    ordered: Sequence[WeekHours], thresholds: Thresholds, progress: Sequence[WeekHours] | None = None
) -> Progression:
    """`progression()` of weeks already normalised; `progress`: those of them that
    count for progression, when the caller has them."""
    if progress is None:
        progress = list(filter(_counts_for_progression, ordered))
    # Only the last weeks are points of a slope.
    points = [(_week_index(w.iso_year, w.iso_week), w.attended) for w in progress[-_SLOPE_WEEKS:]]
    values = [w.attended for w in progress]
    recent = values[-RECENT_WEEKS:]
    return Progression(
        weeks_logged=len(ordered),
        attendance_rate=_attendance(ordered),
        slope_4=_slope(points[-RECENT_WEEKS:]),
        slope_8=_slope(points[-_LONG_WEEKS:]),
        highest_stable=_highest_stable(values, thresholds.stable_weeks),
        weeks_without_progression=_weeks_without_progression(values),
        latest_attended=values[-1] if values else None,
        mean_last_4=sum(recent) / len(recent) if recent else None,
    )


# --- signals -------------------------------------------------------------------------


def signals(
    p: Progression,
    weeks: Sequence[WeekHours],
    thresholds: Thresholds,
    group: VisitationGroup | None = None,
) -> list[Signal]:
    """The signals to show, in the order of `SignalKind`. At a threshold:

    - NO_PROGRESSION when `weeks_without_progression >= stall_weeks`.
    - RISING when `slope_4 >= rising_slope`, or `slope_8 >= rising_slope` while
      the last four weeks are not falling (`slope_4 >= 0`): eight rising weeks
      followed by a drop are not "rising". For gruppe 2 the text suggests 2 → 1.
    - STABLE_LOW when the last `low_hours_weeks` progression weeks all have
      attended strictly under `low_hours` and `|slope_8|` is strictly under
      `rising_slope`.
    - LOW_ATTENDANCE when attended / planned over the last 4 logged weeks
      (sickness included) is strictly under `low_attendance`.
    """
    ordered = _normalise(weeks)
    return _signals(p, ordered, list(filter(_counts_for_progression, ordered)), thresholds, group)


def progression_signals(
    weeks: Sequence[WeekHours], thresholds: Thresholds, group: VisitationGroup | None = None
) -> list[Signal]:
    """`signals(progression(weeks, thresholds), weeks, thresholds, group)`, sorting the
    weeks and picking those that count once instead of twice (the Overblik does this
    for every placement)."""
    ordered = _normalise(weeks)
    progress = list(filter(_counts_for_progression, ordered))
    return _signals(_progression(ordered, thresholds, progress), ordered, progress, thresholds, group)


def _signals(
    p: Progression,
    ordered: Sequence[WeekHours],
    progress: Sequence[WeekHours],
    thresholds: Thresholds,
    group: VisitationGroup | None,
) -> list[Signal]:
    """`signals()` of weeks already normalised; `progress`: those that count for progression."""
    found: list[Signal] = []
    recent_rate = _attendance(ordered[-RECENT_WEEKS:])

    if p.weeks_without_progression >= thresholds.stall_weeks:
        found.append(
            Signal(
                SignalKind.NO_PROGRESSION,
                f"Ingen progression i {p.weeks_without_progression} uger",
                _severity(SignalKind.NO_PROGRESSION, p.weeks_without_progression, recent_rate),
            )
        )

    rising_at = thresholds.rising_slope - _EPS
    rise: float | None = None
    if p.slope_4 is not None and p.slope_4 >= rising_at:
        rise = p.slope_4
    elif p.slope_8 is not None and p.slope_8 >= rising_at and (p.slope_4 is None or p.slope_4 >= -_EPS):
        rise = p.slope_8
    if rise is not None:
        per_week = fmt.hours_change(rise)
        if group == VisitationGroup.GRUPPE_2:
            text = f"Timerne stiger ({per_week}) – overvej gruppe 2 → 1"
        else:
            text = f"Timerne stiger ({per_week})"
        found.append(
            Signal(SignalKind.RISING, text, _severity(SignalKind.RISING, p.weeks_without_progression, recent_rate))
        )

    n_low = thresholds.low_hours_weeks
    last = [w.attended for w in progress[-n_low:]]
    flat = p.slope_8 is None or abs(p.slope_8) < thresholds.rising_slope - _EPS
    if len(last) == n_low and all(v < thresholds.low_hours - _EPS for v in last) and flat:
        found.append(
            Signal(
                SignalKind.STABLE_LOW,
                f"Stabilt lavt timetal trods støtte (under {fmt.hours(thresholds.low_hours)} t/uge i {n_low} uger)"
                + FLEKSJOB_NOTE,
                _severity(SignalKind.STABLE_LOW, p.weeks_without_progression, recent_rate),
            )
        )

    if recent_rate is not None and recent_rate < thresholds.low_attendance - _EPS:
        found.append(
            Signal(
                SignalKind.LOW_ATTENDANCE,
                f"Fremmøde under {fmt.percent(thresholds.low_attendance)}"
                f" ({fmt.percent(recent_rate)} de seneste {RECENT_WEEKS} uger)",
                _severity(SignalKind.LOW_ATTENDANCE, p.weeks_without_progression, recent_rate),
            )
        )
    return found


# --- chart ---------------------------------------------------------------------------


def chart_series(weeks: Sequence[WeekHours]) -> ChartSeries:
    """The series for a chart of hours, for the Qt view and the dossier alike.

    Every ISO week from the first to the last given week is present; weeks that
    were not logged have `None` planned and attended. `trend` is the
    least-squares line through the progression weeks (sickness and empty weeks
    left out), evaluated at every week, or all `None` with fewer than two points.
    """
    ordered = _normalise(weeks)
    if not ordered:
        return ChartSeries(labels=[], weeks=[], planned=[], attended=[], trend=[], sick=[])
    by_key = {w.key: w for w in ordered}
    fit = _fit(_points(ordered))
    first = ordered[0].monday
    last = ordered[-1].monday
    labels: list[str] = []
    keys: list[tuple[int, int]] = []
    planned: list[float | None] = []
    attended: list[float | None] = []
    trend: list[float | None] = []
    sick: list[bool] = []
    monday = first
    while monday <= last:
        iso = monday.isocalendar()
        key = (iso.year, iso.week)
        w = by_key.get(key)
        keys.append(key)
        labels.append(f"uge {iso.week}")
        planned.append(None if w is None else w.planned)
        attended.append(None if w is None else w.attended)
        sick.append(w is not None and w.is_sick)
        trend.append(None if fit is None else fit[0] + fit[1] * _week_index(*key))
        monday += dt.timedelta(days=7)
    return ChartSeries(labels=labels, weeks=keys, planned=planned, attended=attended, trend=trend, sick=sick)
