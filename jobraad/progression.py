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
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Rect, String
from reportlab.lib.colors import Color, black, white
from reportlab.pdfbase.pdfmetrics import stringWidth

from db.enums import AbsenceReason, VisitationGroup
from jobraad.pdf import FONT, FONT_BOLD, register_fonts

__all__ = [
    "NEW_HIGH_MARGIN",
    "RECENT_WEEKS",
    "ChartSeries",
    "Progression",
    "Signal",
    "SignalKind",
    "Thresholds",
    "WeekHours",
    "chart_series",
    "clip_to_placement",
    "combined",
    "hours_drawing",
    "progression",
    "signals",
]

#: A week is a new high when it beats the previous best by at least this many
#: hours: half an hour absorbs the rounding in how employers report hours, and a
#: steady rise at the default `rising_slope` (0.5 t/uge) is progression every week.
NEW_HIGH_MARGIN = 0.5
#: "Recent" means the last four logged weeks: `slope_4`, `mean_last_4`, attendance signal.
RECENT_WEEKS = 4
_LONG_WEEKS = 8
# Comparisons at a threshold tolerate float noise: a slope of 0.49999999999 is 0.5.
_EPS = 1e-9


# --- data ----------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekHours:
    """Hours in one ISO week (of one placement, or summed over several)."""

    iso_year: int
    iso_week: int
    planned: float
    attended: float
    absence: float = 0.0
    absence_reason: AbsenceReason | None = None
    follow_up: bool = False
    observation: str = ""

    def __post_init__(self) -> None:
        try:
            dt.date.fromisocalendar(self.iso_year, self.iso_week, 1)
        except ValueError:
            raise ValueError(f"no ISO week {self.iso_year}-W{self.iso_week:02d}") from None

    @property
    def monday(self) -> dt.date:
        return dt.date.fromisocalendar(self.iso_year, self.iso_week, 1)

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
        if self.is_sick:
            return False
        nothing_planned = self.planned <= 0 and self.attended <= 0 and self.absence_reason is None
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


class SignalKind(StrEnum):
    NO_PROGRESSION = "no_progression"
    RISING = "rising"
    STABLE_LOW = "stable_low"
    LOW_ATTENDANCE = "low_attendance"


@dataclass(frozen=True)
class Signal:
    kind: SignalKind
    text: str


@dataclass(frozen=True)
class ChartSeries:
    """What a chart of hours shows, one entry per ISO week from the first logged
    week to the last, gaps included (as `None`)."""

    labels: list[str]
    weeks: list[tuple[int, int]]
    planned: list[float | None]
    attended: list[float | None]
    trend: list[float | None]
    #: True for a sickness week (left out of the trend); an addition for the drawing.
    sick: list[bool] = field(default_factory=list)


# --- preparing weeks -----------------------------------------------------------------


def _week_index(year: int, week: int) -> int:
    """A running week number: consecutive ISO weeks differ by exactly 1."""
    return dt.date.fromisocalendar(year, week, 1).toordinal() // 7


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


def _normalise(weeks: Iterable[WeekHours]) -> list[WeekHours]:
    """Sorted by week, one entry per ISO week (entries of the same week summed)."""
    by_key: dict[tuple[int, int], list[WeekHours]] = {}
    for w in weeks:
        by_key.setdefault(w.key, []).append(w)
    return [_merge(by_key[k]) for k in sorted(by_key)]


def clip_to_placement(weeks: Sequence[WeekHours], start: dt.date, end: dt.date | None) -> list[WeekHours]:
    """The weeks that overlap the placement's period [start, end] (end None: still
    running), sorted by (year, week). A week that only partly overlaps is kept:
    a placement starting on a Wednesday has hours in that week."""
    kept = []
    for w in weeks:
        monday = w.monday
        sunday = monday + dt.timedelta(days=6)
        if sunday < start or (end is not None and monday > end):
            continue
        kept.append(w)
    return sorted(kept, key=lambda w: w.key)


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
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    return sxy / sxx


def _fit(points: Sequence[tuple[int, float]]) -> tuple[float, float] | None:
    """(intercept, slope) of the least-squares line; None with fewer than two points."""
    slope = _slope(points)
    if slope is None:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    return mean_y - slope * mean_x, slope


def _points(weeks: Sequence[WeekHours]) -> list[tuple[int, float]]:
    return [(_week_index(*w.key), w.attended) for w in weeks if w.counts_for_progression]


def _highest_stable(values: Sequence[float], window: int) -> float | None:
    if len(values) < window:
        return None
    return max(min(values[i : i + window]) for i in range(len(values) - window + 1))


def _weeks_without_progression(values: Sequence[float]) -> int:
    """Counted back from the latest week to the last new high. The first week is
    the baseline, not progression: four flat weeks from the start are four weeks
    without progression."""
    since_high = 0
    best: float | None = None
    for v in values:
        if best is not None and v >= best + NEW_HIGH_MARGIN - _EPS:
            since_high = 0
        else:
            since_high += 1
        best = v if best is None else max(best, v)
    return since_high


def _attendance(weeks: Sequence[WeekHours]) -> float | None:
    with_plan = [w for w in weeks if w.planned > 0]
    if not with_plan:
        return None
    return sum(w.attended for w in with_plan) / sum(w.planned for w in with_plan)


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
    ordered = _normalise(weeks)
    points = _points(ordered)
    values = [y for _, y in points]
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


def _number(x: float, decimals: int = 1) -> str:
    """Danish decimal comma."""
    return f"{x:.{decimals}f}".replace(".", ",")


def _percent(share: float) -> str:
    pct = share * 100
    if abs(pct - round(pct)) < 1e-6:
        return f"{round(pct)} %"
    return f"{_number(pct)} %"


def _hours(x: float) -> str:
    return str(round(x)) if abs(x - round(x)) < 1e-6 else _number(x)


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
    found: list[Signal] = []

    if p.weeks_without_progression >= thresholds.stall_weeks:
        found.append(Signal(SignalKind.NO_PROGRESSION, f"Ingen progression i {p.weeks_without_progression} uger"))

    rising_at = thresholds.rising_slope - _EPS
    rise: float | None = None
    if p.slope_4 is not None and p.slope_4 >= rising_at:
        rise = p.slope_4
    elif p.slope_8 is not None and p.slope_8 >= rising_at and (p.slope_4 is None or p.slope_4 >= -_EPS):
        rise = p.slope_8
    if rise is not None:
        per_week = f"+{_number(rise)} t/uge"
        if group == VisitationGroup.GRUPPE_2:
            text = f"Timerne stiger ({per_week}) – overvej gruppe 2 → 1"
        else:
            text = f"Timerne stiger ({per_week})"
        found.append(Signal(SignalKind.RISING, text))

    values = [w.attended for w in ordered if w.counts_for_progression]
    n_low = thresholds.low_hours_weeks
    last = values[-n_low:]
    flat = p.slope_8 is None or abs(p.slope_8) < thresholds.rising_slope - _EPS
    if len(last) == n_low and all(v < thresholds.low_hours - _EPS for v in last) and flat:
        found.append(
            Signal(
                SignalKind.STABLE_LOW,
                f"Stabilt lavt timetal trods støtte (under {_hours(thresholds.low_hours)} t/uge i {n_low} uger)"
                " – dokumentation til fleksjob",
            )
        )

    recent_rate = _attendance(ordered[-RECENT_WEEKS:])
    if recent_rate is not None and recent_rate < thresholds.low_attendance - _EPS:
        found.append(
            Signal(
                SignalKind.LOW_ATTENDANCE,
                f"Fremmøde under {_percent(thresholds.low_attendance)}"
                f" ({_percent(round(recent_rate, 3))} de seneste {RECENT_WEEKS} uger)",
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


_PLANNED_COLOUR = Color(0.45, 0.45, 0.45)
_ATTENDED_COLOUR = Color(0.05, 0.22, 0.50)
_TREND_COLOUR = Color(0.78, 0.33, 0.0)
_GRID_COLOUR = Color(0.86, 0.86, 0.86)
_TEXT_COLOUR = Color(0.2, 0.2, 0.2)
_PLANNED_DASH = [5, 3]
_TREND_DASH = [1.2, 2.4]
_LABEL_SIZE = 7.0
_LEGEND_SIZE = 8.0


def _axis_top(vmax: float) -> tuple[float, float]:
    """A round top for the hours axis and its tick step (about 3–6 ticks)."""
    vmax = max(vmax, 4.0)
    for step in (1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0):
        if vmax / step <= 6:
            break
    return math.ceil(vmax / step - _EPS) * step, step


def _runs(values: Sequence[float | None]) -> list[list[int]]:
    """Indices of the stretches without `None`."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, v in enumerate(values):
        if v is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(i)
    if current:
        runs.append(current)
    return runs


def hours_drawing(series: ChartSeries, width: float = 440, height: float = 180, title: str = "") -> Drawing:
    """The hours chart as a ReportLab drawing for the dossier: planned hours
    dashed, attended hours solid with markers, the trend dotted, sickness weeks
    as open squares. Line styles, not only colours, tell the lines apart, so it
    reads in black and white. All text in the embedded font."""
    register_fonts()
    drawing = Drawing(width, height)
    # Otherwise the renderer starts in Helvetica, and the PDF lists it as a page font.
    drawing.initialFontName = FONT
    drawing.initialFontSize = _LEGEND_SIZE
    top = height
    if title:
        drawing.add(String(0, height - 10, title, fontName=FONT_BOLD, fontSize=10, fillColor=black))
        top -= 16

    n = len(series.weeks)
    if n == 0:
        drawing.add(Rect(0.5, 0.5, width - 1, top - 1, strokeColor=_GRID_COLOUR, fillColor=None, strokeWidth=0.8))
        drawing.add(
            String(
                width / 2,
                top / 2 - 4,
                "Ingen timer registreret",
                fontName=FONT,
                fontSize=10,
                fillColor=_TEXT_COLOUR,
                textAnchor="middle",
            )
        )
        return drawing

    sick = series.sick if len(series.sick) == n else [False] * n

    # Legend in one row above the plot.
    legend_y = top - 8
    items: list[tuple[str, str]] = [("planned", "Planlagt"), ("attended", "Fremmøde"), ("trend", "Tendens")]
    if any(sick):
        items.append(("sick", "Sygdom"))
    x = 30.0
    for kind, text in items:
        if kind == "planned":
            drawing.add(_line(x, legend_y + 3, x + 20, legend_y + 3, _PLANNED_COLOUR, 1.2, _PLANNED_DASH))
        elif kind == "attended":
            drawing.add(_line(x, legend_y + 3, x + 20, legend_y + 3, _ATTENDED_COLOUR, 1.8))
            drawing.add(Circle(x + 10, legend_y + 3, 2.4, fillColor=_ATTENDED_COLOUR, strokeColor=_ATTENDED_COLOUR))
        elif kind == "trend":
            drawing.add(_line(x, legend_y + 3, x + 20, legend_y + 3, _TREND_COLOUR, 1.4, _TREND_DASH))
        else:
            drawing.add(_sick_marker(x + 16, legend_y + 3))
        drawing.add(String(x + 24, legend_y, text, fontName=FONT, fontSize=_LEGEND_SIZE, fillColor=black))
        x += 24 + stringWidth(text, FONT, _LEGEND_SIZE) + 14

    plot_left, plot_right = 34.0, width - 8.0
    plot_bottom, plot_top = 30.0, legend_y - 12
    plot_w, plot_h = plot_right - plot_left, plot_top - plot_bottom

    numbers = [v for v in (*series.planned, *series.attended) if v is not None]
    trend_values = [v for v in series.trend if v is not None]
    # 5 % headroom, so a line at the top value does not run along the frame.
    y_top, y_step = _axis_top(1.05 * max([*numbers, *trend_values, 0.0]))

    def y_of(v: float) -> float:
        return plot_bottom + plot_h * v / y_top

    def x_of(i: int) -> float:
        return plot_left + plot_w * (i + 0.5) / n

    # Hours axis: grid, ticks, title.
    tick = 0.0
    while tick <= y_top + _EPS:
        y = y_of(tick)
        if tick > 0:
            drawing.add(Line(plot_left, y, plot_right, y, strokeColor=_GRID_COLOUR, strokeWidth=0.5))
        drawing.add(String(plot_left - 4, y - 2.5, _hours(tick), fontName=FONT, fontSize=_LABEL_SIZE, textAnchor="end"))
        tick += y_step
    axis_title = Group(String(0, 0, "timer pr. uge", fontName=FONT, fontSize=_LABEL_SIZE, textAnchor="middle"))
    axis_title.translate(7, plot_bottom + plot_h / 2)
    axis_title.rotate(90)
    drawing.add(axis_title)
    drawing.add(Line(plot_left, plot_bottom, plot_right, plot_bottom, strokeColor=black, strokeWidth=0.7))
    drawing.add(Line(plot_left, plot_bottom, plot_left, plot_top, strokeColor=black, strokeWidth=0.7))

    # Week labels: every `every` weeks, so that neighbours never touch.
    label_w = max(stringWidth(label, FONT, _LABEL_SIZE) for label in series.labels) + 6
    every = max(1, math.ceil(label_w / (plot_w / n)))
    for i in range(0, n, every):
        drawing.add(Line(x_of(i), plot_bottom, x_of(i), plot_bottom - 3, strokeColor=black, strokeWidth=0.6))
        drawing.add(
            String(
                x_of(i), plot_bottom - 11, series.labels[i], fontName=FONT, fontSize=_LABEL_SIZE, textAnchor="middle"
            )
        )
    # The ISO year under the first week and wherever a new year starts.
    last_year_x = -1e9
    year_w = stringWidth("0000", FONT, _LABEL_SIZE - 0.5) + 6
    for i, (year, _week) in enumerate(series.weeks):
        if (i == 0 or year != series.weeks[i - 1][0]) and x_of(i) - last_year_x >= year_w:
            drawing.add(
                String(
                    x_of(i),
                    plot_bottom - 20,
                    str(year),
                    fontName=FONT,
                    fontSize=_LABEL_SIZE - 0.5,
                    fillColor=_TEXT_COLOUR,
                    textAnchor="middle",
                )
            )
            last_year_x = x_of(i)

    # Trend first, so the data lie on top of it. It is a straight line: draw it
    # between its ends, cut where it would go below zero.
    trend_idx = [i for i, v in enumerate(series.trend) if v is not None]
    if len(trend_idx) >= 2:
        i0, i1 = trend_idx[0], trend_idx[-1]
        segment = _clip_at_zero(x_of(i0), series.trend[i0] or 0.0, x_of(i1), series.trend[i1] or 0.0)
        if segment is not None:
            (xa, va), (xb, vb) = segment
            drawing.add(_line(xa, y_of(va), xb, y_of(vb), _TREND_COLOUR, 1.4, _TREND_DASH))

    # Planned hours are a plan per week: a step across each week's width.
    half = plot_w / n / 2
    for run in _runs(series.planned):
        steps = []
        for i in run:
            y = y_of(series.planned[i] or 0.0)
            steps += [(x_of(i) - half, y), (x_of(i) + half, y)]
        drawing.add(_polyline(steps, _PLANNED_COLOUR, 1.2, _PLANNED_DASH))
    # Attended hours: the line joins neighbouring weeks only; a gap or a sickness
    # week breaks it, so neither reads as a drop in hours.
    attended_points: list[float | None] = [None if sick[i] else v for i, v in enumerate(series.attended)]
    for run in _runs(attended_points):
        if len(run) > 1:
            points = [(x_of(i), y_of(attended_points[i] or 0.0)) for i in run]
            drawing.add(_polyline(points, _ATTENDED_COLOUR, 1.8))
    radius = min(2.4, plot_w / n / 3)
    for i, v in enumerate(series.attended):
        if v is None:
            continue
        if sick[i]:
            drawing.add(_sick_marker(x_of(i), y_of(v), radius + 0.2))
        else:
            drawing.add(
                Circle(x_of(i), y_of(v), radius, fillColor=_ATTENDED_COLOUR, strokeColor=white, strokeWidth=0.5)
            )
    return drawing


def _line(
    x0: float, y0: float, x1: float, y1: float, colour: Color, width: float, dash: list[float] | None = None
) -> Line:
    return Line(x0, y0, x1, y1, strokeColor=colour, strokeWidth=width, strokeDashArray=dash, strokeLineCap=1)


def _polyline(
    points: Sequence[tuple[float, float]], colour: Color, width: float, dash: list[float] | None = None
) -> PolyLine:
    flat = [c for point in points for c in point]
    return PolyLine(flat, strokeColor=colour, strokeWidth=width, strokeDashArray=dash, strokeLineJoin=1)


def _sick_marker(x: float, y: float, half: float = 2.6) -> Rect:
    return Rect(x - half, y - half, 2 * half, 2 * half, fillColor=white, strokeColor=black, strokeWidth=1.0)


def _clip_at_zero(x0: float, v0: float, x1: float, v1: float) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The part of the segment from (x0, v0) to (x1, v1) with v >= 0."""
    if v0 < 0 and v1 < 0:
        return None
    if v0 >= 0 and v1 >= 0:
        return (x0, v0), (x1, v1)
    x_zero = x0 + (x1 - x0) * (0 - v0) / (v1 - v0)
    return ((x_zero, 0.0), (x1, v1)) if v0 < 0 else ((x0, v0), (x_zero, 0.0))
