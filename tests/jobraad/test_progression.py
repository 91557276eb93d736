"""Hours progression: the figures (gaps, ISO-year boundary, sickness), the
signals on both sides of every threshold, the chart series, and the drawing as
it prints (read back with pypdf, and rendered to a picture)."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Circle, Drawing, Group, PolyLine, Rect, String
from reportlab.platypus import Paragraph

from db.enums import AbsenceReason, VisitationGroup
from jobraad import pdf
from jobraad.hours_drawing import hours_drawing
from jobraad.progression import (
    NEW_HIGH_MARGIN,
    ChartSeries,
    Progression,
    Signal,
    SignalKind,
    Thresholds,
    WeekHours,
    chart_series,
    clip_to_placement,
    combined,
    progression,
    progression_signals,
    signals,
)
from jobraad.settings import SPECS

SICK = AbsenceReason.SYGDOM
OTHER = AbsenceReason.ANDET
DEFAULT = Thresholds()


def wk(year: int, week: int, attended: float, planned: float = 10.0, **kw: Any) -> WeekHours:
    return WeekHours(year, week, planned=planned, attended=attended, **kw)


def run(attended: list[float], start: tuple[int, int] = (2026, 10), planned: float = 10.0) -> list[WeekHours]:
    """Consecutive ISO weeks from `start`, one per value."""
    monday = dt.date.fromisocalendar(*start, 1)
    weeks = []
    for i, hours in enumerate(attended):
        iso = (monday + dt.timedelta(weeks=i)).isocalendar()
        weeks.append(wk(iso.year, iso.week, hours, planned))
    return weeks


def kinds(found: list[Signal]) -> list[SignalKind]:
    return [s.kind for s in found]


def signals_for(weeks: list[WeekHours], thresholds: Thresholds = DEFAULT, **kw: Any) -> list[Signal]:
    return signals(progression(weeks, thresholds), weeks, thresholds, **kw)


def only(found: list[Signal], kind: SignalKind) -> Signal:
    matching = [s for s in found if s.kind == kind]
    assert len(matching) == 1, found
    return matching[0]


# --- WeekHours, Thresholds -----------------------------------------------------------


def test_week_monday_and_label() -> None:
    w = wk(2026, 12, 5)
    assert w.monday == dt.date(2026, 3, 16)
    assert w.label == "uge 12"
    assert wk(2026, 53, 0).monday == dt.date(2026, 12, 28)  # 2026 has 53 ISO weeks


def test_week_that_does_not_exist_has_no_monday_and_no_progression() -> None:
    week = wk(2025, 53, 0)  # 2025 has 52; hours are checked where they are typed (placements.save_weeks)
    with pytest.raises(ValueError, match="no ISO week 2025-W53"):
        _ = week.monday
    with pytest.raises(ValueError, match="no ISO week 2025-W53"):
        progression([wk(2025, 52, 4), week])
    with pytest.raises(ValueError, match="no ISO week 2025-W53"):
        chart_series([week])


def test_a_week_is_a_value() -> None:
    week = wk(2026, 12, 5, observation="god uge")
    assert week == wk(2026, 12, 5, observation="god uge") and hash(week) == hash(wk(2026, 12, 5, observation="god uge"))
    assert week != wk(2026, 12, 5)
    with pytest.raises(AttributeError):
        week.attended = 6  # type: ignore[misc]
    assert repr(week).startswith("WeekHours(iso_year=2026, iso_week=12, planned=10.0, attended=5")


def test_thresholds_from_setting_defaults_equal_class_defaults() -> None:
    values = {key: spec.default for key, spec in SPECS.items()}
    assert Thresholds.from_settings(values) == Thresholds()


def test_thresholds_from_settings_reads_every_key() -> None:
    t = Thresholds.from_settings(
        {
            "signal_stall_weeks": 6,
            "signal_rising_slope": 1.0,
            "signal_low_hours": 12,
            "signal_low_hours_weeks": 10,
            "signal_low_attendance": 0.6,
            "stable_level_weeks": 3,
        }
    )
    assert t == Thresholds(
        stall_weeks=6, rising_slope=1.0, low_hours=12.0, low_hours_weeks=10, low_attendance=0.6, stable_weeks=3
    )
    assert isinstance(t.stall_weeks, int)
    assert isinstance(t.low_hours, float)


def test_thresholds_from_bad_settings_fall_back() -> None:
    t = Thresholds.from_settings({"signal_stall_weeks": 0, "signal_low_hours": "mange", "stable_level_weeks": None})
    assert t.stall_weeks == 1
    assert t.low_hours == DEFAULT.low_hours
    assert t.stable_weeks == DEFAULT.stable_weeks
    assert Thresholds.from_settings({}) == DEFAULT
    with pytest.raises(ValueError):
        Thresholds(stable_weeks=0)


# --- figures -------------------------------------------------------------------------


def test_no_weeks() -> None:
    p = progression([])
    assert p == Progression(
        weeks_logged=0,
        attendance_rate=None,
        slope_4=None,
        slope_8=None,
        highest_stable=None,
        weeks_without_progression=0,
        latest_attended=None,
        mean_last_4=None,
    )
    assert signals(p, [], DEFAULT, VisitationGroup.GRUPPE_2) == []
    assert chart_series([]) == ChartSeries(labels=[], weeks=[], planned=[], attended=[], trend=[], sick=[])


def test_one_week() -> None:
    weeks = [wk(2026, 12, 6, planned=8)]
    p = progression(weeks)
    assert p.weeks_logged == 1
    assert p.attendance_rate == pytest.approx(0.75)
    assert p.slope_4 is None and p.slope_8 is None
    assert p.highest_stable is None  # fewer weeks than stable_weeks
    assert progression(weeks, Thresholds(stable_weeks=1)).highest_stable == 6
    assert p.weeks_without_progression == 1  # the first week is the baseline
    assert p.latest_attended == 6
    assert p.mean_last_4 == 6
    assert signals(p, weeks, DEFAULT) == []
    series = chart_series(weeks)
    assert series.labels == ["uge 12"]
    assert series.trend == [None]


def test_figures_worked_by_hand() -> None:
    weeks = [
        wk(2026, 10, 4),
        wk(2026, 11, 6),
        # uge 12: not logged
        wk(2026, 13, 8),
        wk(2026, 14, 0, absence=10, absence_reason=SICK),
        wk(2026, 15, 10),
        wk(2026, 16, 0, planned=0),  # nothing planned: logged, but no point
    ]
    p = progression(list(reversed(weeks)))
    # Points (10, 4), (11, 6), (13, 8), (15, 10): mean x 12.25, mean y 7;
    # Sxy = 2.25·3 + 1.25·1 + 0.75·1 + 2.75·3 = 17, Sxx = 5.0625 + 1.5625 + 0.5625 + 7.5625 = 14.75.
    assert p == Progression(
        weeks_logged=6,
        attendance_rate=pytest.approx(28 / 50),  # the sick week planned 10 and attended 0
        slope_4=pytest.approx(17 / 14.75),
        slope_8=pytest.approx(17 / 14.75),
        highest_stable=4,  # the only four-week run is 4, 6, 8, 10
        weeks_without_progression=0,  # each point at least NEW_HIGH_MARGIN above the one before
        latest_attended=10,
        mean_last_4=7,
    )
    assert progression(weeks, Thresholds(stable_weeks=2)).highest_stable == 8  # runs: 4–6, 6–8, 8–10
    flat = progression([*weeks, wk(2026, 17, 10.4), wk(2026, 18, 9)])  # 10.4 is no new high over 10
    assert flat.weeks_without_progression == 2
    assert flat.latest_attended == 9 and flat.mean_last_4 == pytest.approx((8 + 10 + 10.4 + 9) / 4)


def test_slope_uses_real_week_distance_across_a_gap() -> None:
    # 5 h in uge 10, nothing logged in uge 11–13, 9 h in uge 14: 1 h/week, not 4.
    weeks = [wk(2026, 10, 5), wk(2026, 14, 9)]
    p = progression(weeks)
    assert p.slope_4 == pytest.approx(1.0)
    assert p.slope_8 == pytest.approx(1.0)
    assert p.weeks_logged == 2


def test_gap_is_not_zero_in_the_chart() -> None:
    series = chart_series([wk(2026, 10, 5, planned=6), wk(2026, 14, 9, planned=12)])
    assert series.labels == ["uge 10", "uge 11", "uge 12", "uge 13", "uge 14"]
    assert series.weeks == [(2026, w) for w in range(10, 15)]
    assert series.planned == [6, None, None, None, 12]
    assert series.attended == [5, None, None, None, 9]
    assert series.trend == pytest.approx([5, 6, 7, 8, 9])


def test_iso_year_boundary_2026_w53() -> None:
    weeks = [wk(2026, 52, 8), wk(2026, 53, 9), wk(2027, 1, 10)]
    p = progression(weeks)
    assert p.slope_4 == pytest.approx(1.0)
    series = chart_series(weeks)
    assert series.labels == ["uge 52", "uge 53", "uge 1"]
    assert series.weeks == [(2026, 52), (2026, 53), (2027, 1)]
    # Across the boundary with a gap: 2026-W53 → 2027-W02 is two weeks.
    gap = [wk(2026, 53, 10), wk(2027, 2, 12)]
    assert progression(gap).slope_4 == pytest.approx(1.0)
    assert chart_series(gap).labels == ["uge 53", "uge 1", "uge 2"]
    assert chart_series(gap).attended == [10, None, 12]


def test_input_order_does_not_matter() -> None:
    weeks = run([4, 6, 8, 7, 9])
    assert progression(list(reversed(weeks))) == progression(weeks)
    assert chart_series(list(reversed(weeks))) == chart_series(weeks)


def test_sickness_week_is_left_out_of_progression_but_counts_in_attendance() -> None:
    weeks = [wk(2026, 10, 8), wk(2026, 11, 9), wk(2026, 12, 0, absence=10, absence_reason=SICK), wk(2026, 13, 11)]
    p = progression(weeks)
    # Points (10, 8), (11, 9), (13, 11): a straight line of 1 h/week.
    assert p.slope_4 == pytest.approx(1.0)
    assert p.weeks_without_progression == 0  # uge 13 is a new high; the sick week neither counts nor resets
    assert p.latest_attended == 11
    assert p.mean_last_4 == pytest.approx(28 / 3)
    assert p.weeks_logged == 4
    assert p.attendance_rate == pytest.approx(28 / 40)
    series = chart_series(weeks)
    assert series.attended == [8, 9, 0, 11]  # drawn as it was
    assert series.sick == [False, False, True, False]
    assert series.trend == pytest.approx([8, 9, 10, 11])  # the trend ignores it


def test_sickness_as_latest_week_keeps_the_level() -> None:
    weeks = [*run([10, 10, 10]), wk(2026, 13, 0, absence_reason=SICK)]
    p = progression(weeks)
    assert p.latest_attended == 10
    assert p.weeks_without_progression == 3
    assert SignalKind.NO_PROGRESSION not in kinds(signals(p, weeks, DEFAULT))


def test_other_absence_counts_as_zero() -> None:
    weeks = [wk(2026, 10, 8), wk(2026, 11, 9), wk(2026, 12, 0, absence=10, absence_reason=OTHER), wk(2026, 13, 11)]
    p = progression(weeks)
    # Points 8, 9, 0, 11 at x 0..3: Sxy = -1.5 - 1 - 3.5 + 6 = 0. Left out, it would be 1 h/week.
    assert p.slope_4 == pytest.approx(0.0)
    assert p.latest_attended == 11
    assert p.mean_last_4 == pytest.approx(7.0)


def test_partly_sick_week_with_hours_counts() -> None:
    weeks = [wk(2026, 10, 8), wk(2026, 11, 4, absence=6, absence_reason=SICK)]
    p = progression(weeks)
    assert p.slope_4 == pytest.approx(-4.0)
    assert chart_series(weeks).sick == [False, False]


def test_week_with_nothing_planned_is_like_a_gap() -> None:
    weeks = [wk(2026, 10, 8), wk(2026, 11, 0, planned=0), wk(2026, 12, 10)]
    p = progression(weeks)
    assert p.slope_4 == pytest.approx(1.0)
    assert p.weeks_logged == 3
    assert p.attendance_rate == pytest.approx(18 / 20)
    assert chart_series(weeks).attended == [8, 0, 10]


def test_clip_to_placement() -> None:
    # The placement runs Wednesday 18-03-2026 (uge 12) to Tuesday 07-04-2026 (uge 15).
    weeks = [wk(2026, 15, 4), wk(2026, 11, 1), wk(2026, 16, 5), wk(2026, 12, 2), wk(2026, 13, 3)]
    clipped = clip_to_placement(weeks, dt.date(2026, 3, 18), dt.date(2026, 4, 7))
    assert [w.key for w in clipped] == [(2026, 12), (2026, 13), (2026, 15)]
    still_running = clip_to_placement(weeks, dt.date(2026, 3, 18), None)
    assert [w.key for w in still_running] == [(2026, 12), (2026, 13), (2026, 15), (2026, 16)]
    # A placement starting on a Sunday keeps that week; one ending on a Monday keeps that week.
    edge = clip_to_placement(weeks, dt.date(2026, 3, 15), dt.date(2026, 3, 23))
    assert [w.key for w in edge] == [(2026, 11), (2026, 12), (2026, 13)]


@pytest.mark.parametrize(
    ("attended", "stable_weeks", "expected"),
    [
        # windows of 4: min 5, 7, 7, 7, 6 → 7
        ([5, 8, 9, 7, 10, 12, 11, 6], 4, 7),
        # windows of 3: 5, 7, 7, 7, 10, 6 → 10
        ([5, 8, 9, 7, 10, 12, 11, 6], 3, 10),
        ([3, 4, 5, 6], 4, 3),
        ([3, 4, 5], 4, None),
        ([9, 9.5, 2, 9, 9.5, 9], 3, 9),
    ],
)
def test_highest_stable(attended: list[float], stable_weeks: int, expected: float | None) -> None:
    p = progression(run(attended), Thresholds(stable_weeks=stable_weeks))
    assert p.highest_stable == expected


def test_highest_stable_skips_gaps_and_sickness() -> None:
    weeks = [wk(2026, 10, 12), wk(2026, 11, 0, absence_reason=SICK), wk(2026, 14, 13), wk(2026, 15, 12)]
    assert progression(weeks, Thresholds(stable_weeks=3)).highest_stable == 12


@pytest.mark.parametrize(
    ("attended", "expected"),
    [
        ([10, 10, 10, 10], 4),
        ([5, 10, 10, 10], 2),
        ([5, 10], 0),
        ([10, 10 + NEW_HIGH_MARGIN - 0.1], 2),  # not enough to be a new high
        ([10, 10 + NEW_HIGH_MARGIN], 0),  # exactly the margin is a new high
        ([10, 12, 11, 11], 2),
        ([10, 12, 8, 11.9, 12.4], 3),
    ],
)
def test_weeks_without_progression(attended: list[float], expected: int) -> None:
    assert progression(run(attended)).weeks_without_progression == expected


def test_rising_by_the_default_slope_is_progression_every_week() -> None:
    p = progression(run([10, 10.5, 11, 11.5]))
    assert p.weeks_without_progression == 0
    assert p.slope_4 == pytest.approx(0.5)


def test_slopes_use_the_last_4_and_8_weeks() -> None:
    p = progression(run([20, 0, 1, 2, 3, 4, 5, 6, 7, 7, 7, 7]))
    assert p.slope_4 == pytest.approx(0.0)
    # Last eight: 3, 4, 5, 6, 7, 7, 7, 7 → Sxy = 25, Sxx = 42.
    assert p.slope_8 == pytest.approx(25 / 42)
    assert p.mean_last_4 == 7
    assert p.attendance_rate == pytest.approx(sum([20, 0, 1, 2, 3, 4, 5, 6, 7, 7, 7, 7]) / 120)


# --- signals -------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "fires"), [(3, False), (4, True), (5, True)])
def test_no_progression_signal_at_stall_weeks(n: int, fires: bool) -> None:
    found = signals_for(run([12] * n))
    assert (SignalKind.NO_PROGRESSION in kinds(found)) is fires
    if fires:
        assert only(found, SignalKind.NO_PROGRESSION).text == f"Ingen progression i {n} uger"


def test_no_progression_signal_follows_the_setting() -> None:
    assert SignalKind.NO_PROGRESSION not in kinds(signals_for(run([12] * 5), Thresholds(stall_weeks=6)))
    assert SignalKind.NO_PROGRESSION in kinds(signals_for(run([12] * 6), Thresholds(stall_weeks=6)))


@pytest.mark.parametrize(("step", "fires"), [(0.4, False), (0.5, True), (0.6, True)])
def test_rising_signal_at_rising_slope(step: float, fires: bool) -> None:
    weeks = run([10 + step * i for i in range(4)])
    found = signals_for(weeks, group=VisitationGroup.GRUPPE_2)
    assert (SignalKind.RISING in kinds(found)) is fires
    if fires:
        text = only(found, SignalKind.RISING).text
        assert text.startswith("Timerne stiger")
        assert text.endswith("overvej gruppe 2 → 1")
        assert f"+{step:.1f}".replace(".", ",") + " t/uge" in text


@pytest.mark.parametrize("group", [VisitationGroup.GRUPPE_1, VisitationGroup.GRUPPE_3, None])
def test_rising_signal_for_other_groups_says_the_rate(group: VisitationGroup | None) -> None:
    found = signals_for(run([10, 11, 12, 13]), group=group)
    assert only(found, SignalKind.RISING).text == "Timerne stiger (+1,0 t/uge)"


def test_rising_over_8_weeks_counts_unless_the_last_4_fall() -> None:
    # Eight weeks rising 0.75 h/week on average, the last four flat: slope_4 = 0.
    flat_end = run([4, 6, 8, 10, 10, 10, 10, 10])
    p = progression(flat_end)
    assert p.slope_4 == pytest.approx(0.0)
    assert p.slope_8 is not None and p.slope_8 >= 0.5
    assert only(signals(p, flat_end, DEFAULT), SignalKind.RISING).text.startswith("Timerne stiger (+")
    # The same climb, then a drop over the last four weeks: not rising.
    falling_end = run([4, 6, 8, 12, 12, 11, 10, 9])
    q = progression(falling_end)
    assert q.slope_8 is not None and q.slope_8 >= 0.5
    assert q.slope_4 is not None and q.slope_4 < 0
    assert SignalKind.RISING not in kinds(signals(q, falling_end, DEFAULT))


@pytest.mark.parametrize(("hours", "fires"), [(9.9, True), (10.0, False), (10.1, False)])
def test_stable_low_signal_at_low_hours(hours: float, fires: bool) -> None:
    found = signals_for(run([hours] * 8))
    assert (SignalKind.STABLE_LOW in kinds(found)) is fires
    if fires:
        text = only(found, SignalKind.STABLE_LOW).text
        assert text.startswith("Stabilt lavt timetal trods støtte")
        assert text.endswith("dokumentation til fleksjob")


@pytest.mark.parametrize(("n", "fires"), [(7, False), (8, True), (9, True)])
def test_stable_low_signal_needs_low_hours_weeks(n: int, fires: bool) -> None:
    assert (SignalKind.STABLE_LOW in kinds(signals_for(run([6] * n)))) is fires


@pytest.mark.parametrize(("step", "fires"), [(0.4, True), (0.5, False), (0.6, False), (-0.5, False), (-0.4, True)])
def test_stable_low_signal_needs_a_flat_slope(step: float, fires: bool) -> None:
    weeks = run([5 + step * i for i in range(8)])
    assert all(w.attended < 10 for w in weeks)
    assert (SignalKind.STABLE_LOW in kinds(signals_for(weeks))) is fires


def test_stable_low_signal_ignores_sickness_weeks_and_earlier_high_weeks() -> None:
    before = run([20, 6, 6, 6, 6])  # uge 10–14
    sick = wk(2026, 15, 0, absence_reason=SICK)
    after = run([6, 6, 6, 6], start=(2026, 16))
    assert SignalKind.STABLE_LOW in kinds(signals_for([*before, sick, *after]))
    # Seven low weeks: the 20 hours of uge 10 are among the last eight.
    assert SignalKind.STABLE_LOW not in kinds(signals_for([*before[:1], *before[2:], sick, *after]))


@pytest.mark.parametrize(("attended_total", "fires"), [(19, True), (20, False), (21, False)])
def test_low_attendance_signal_at_threshold(attended_total: float, fires: bool) -> None:
    # Last four weeks: 40 planned hours; earlier weeks do not count.
    weeks = run([0, 0, 0, 10, attended_total - 10, 0, 0])
    found = signals_for(weeks)
    assert (SignalKind.LOW_ATTENDANCE in kinds(found)) is fires
    if fires:
        assert only(found, SignalKind.LOW_ATTENDANCE).text == "Fremmøde under 50 % (47,5 % de seneste 4 uger)"


def test_low_attendance_text_uses_the_threshold() -> None:
    weeks = run([4, 4, 4, 4])
    text = only(signals_for(weeks, Thresholds(low_attendance=0.455)), SignalKind.LOW_ATTENDANCE).text
    assert text.startswith("Fremmøde under 45,5 % (40 %")


def test_low_attendance_counts_sickness_but_not_weeks_without_plan() -> None:
    one_sick = [*run([10, 10, 10]), wk(2026, 13, 0, absence_reason=SICK)]
    assert SignalKind.LOW_ATTENDANCE not in kinds(signals_for(one_sick))  # 30 / 40
    two_sick = [*run([10, 9]), wk(2026, 12, 0, absence_reason=SICK), wk(2026, 13, 0, absence_reason=SICK)]
    assert SignalKind.LOW_ATTENDANCE in kinds(signals_for(two_sick))  # 19 / 40, not 19 / 20
    nothing_planned = run([0, 0, 0, 0], planned=0)
    assert signals_for(nothing_planned) == []


def test_several_signals_together_in_enum_order() -> None:
    weeks = run([3, 3, 3, 3, 3, 3, 3, 3])
    assert kinds(signals_for(weeks)) == [SignalKind.NO_PROGRESSION, SignalKind.STABLE_LOW, SignalKind.LOW_ATTENDANCE]


# --- combined ------------------------------------------------------------------------


def test_combined_sums_per_iso_week() -> None:
    first = [wk(2026, 10, 4, planned=5), wk(2026, 11, 5, planned=5, observation="God dag"), wk(2026, 12, 6)]
    second = [
        wk(2026, 11, 3, planned=4, follow_up=True, observation="Træt"),
        wk(2026, 12, 0, planned=4, absence=4, absence_reason=SICK),
        wk(2026, 14, 7, planned=8),
    ]
    merged = combined([first, second])
    assert [w.key for w in merged] == [(2026, 10), (2026, 11), (2026, 12), (2026, 14)]
    w11 = merged[1]
    assert (w11.planned, w11.attended, w11.follow_up, w11.observation) == (9, 8, True, "God dag; Træt")
    w12 = merged[2]
    assert (w12.planned, w12.attended, w12.absence, w12.absence_reason) == (14, 6, 4, SICK)
    assert combined([first, []]) == first
    assert combined([]) == []
    # Summed attended hours in uge 12 are 6, so the week still counts for progression.
    assert progression(merged).latest_attended == 7
    assert progression(merged).slope_4 is not None


# --- chart ---------------------------------------------------------------------------


def test_chart_series_lengths_and_point_counts() -> None:
    weeks = [*run([4, 5, 6], start=(2026, 10)), *run([8, 9], start=(2026, 16))]
    series = chart_series(weeks)
    n = 8  # uge 10–17
    for values in (series.labels, series.weeks, series.planned, series.attended, series.trend, series.sick):
        assert len(values) == n
    assert sum(v is not None for v in series.attended) == 5
    assert sum(v is not None for v in series.planned) == 5
    assert all(v is not None for v in series.trend)
    assert series.labels[0] == "uge 10" and series.labels[-1] == "uge 17"
    # The least-squares line through (0, 4), (1, 5), (2, 6), (6, 8), (7, 9):
    # mean x 3.2, mean y 6.4, Sxy 25.6, Sxx 38.8.
    slope = 25.6 / 38.8
    assert series.trend == pytest.approx([6.4 + slope * (x - 3.2) for x in range(8)])


def test_chart_lines_break_at_gaps_and_sickness_weeks() -> None:
    weeks = [
        wk(2026, 10, 4, planned=6),
        wk(2026, 11, 5, planned=6),
        wk(2026, 12, 0, planned=6, absence=6, absence_reason=SICK),
        wk(2026, 13, 6, planned=8),
        # uge 14: not logged
        wk(2026, 15, 7, planned=8),
    ]
    series = chart_series(weeks)
    assert series.planned_segments() == [[(0, 6), (1, 6), (2, 6), (3, 8)], [(5, 8)]]
    assert series.attended_segments() == [[(0, 4), (1, 5)], [(3, 6)], [(5, 7)]]
    assert series.attended_points() == [(0, 4), (1, 5), (3, 6), (5, 7)]
    assert series.sick_points() == [(2, 0)]
    # The trend through (10, 4), (11, 5), (13, 6), (15, 7), evaluated at every week: one segment.
    (trend,) = series.trend_segments()
    assert [i for i, _ in trend] == list(range(6))
    assert [v for _, v in trend] == pytest.approx(series.trend)
    assert chart_series([]).planned_segments() == chart_series([]).trend_segments() == []
    assert chart_series([wk(2026, 10, 4)]).trend_segments() == []  # one point makes no line


def _strings(node: Any) -> list[String]:
    found: list[String] = []
    for item in node.contents:
        if isinstance(item, String):
            found.append(item)
        elif isinstance(item, Group):
            found.extend(_strings(item))
    return found


def _shapes(node: Any, kind: type) -> list[Any]:
    found: list[Any] = []
    for item in node.contents:
        if isinstance(item, kind):
            found.append(item)
        if isinstance(item, Group):
            found.extend(_shapes(item, kind))
    return found


def _pdf_of(drawing: Drawing, path: Path) -> str:
    """The text of the drawing rendered on its own; its only fonts are the embedded ones."""
    renderPDF.drawToFile(drawing, str(path))
    reader = PdfReader(path)
    fonts: Any = reader.pages[0]["/Resources"]["/Font"]
    names = {str(ref.get_object()["/BaseFont"]) for ref in fonts.values()}
    assert names and all("DejaVuSans" in name for name in names), names
    return "\n".join(page.extract_text() for page in reader.pages)


def test_drawing_prints_legend_and_week_labels(tmp_path: Path) -> None:
    drawing = hours_drawing(chart_series(run([4, 5, 6, 7, 8], start=(2026, 12))), title="Timer i praktik")
    text = _pdf_of(drawing, tmp_path / "timer.pdf")
    for expected in ("Timer i praktik", "Planlagt", "Fremmøde", "Tendens", "uge 12", "uge 16", "timer pr. uge"):
        assert expected in text
    assert "Sygdom" not in text
    assert all(s.fontName in (pdf.FONT, pdf.FONT_BOLD) for s in _strings(drawing))


def test_drawing_marks_sickness_and_breaks_lines_at_gaps() -> None:
    weeks = [*run([4, 5]), wk(2026, 12, 0, absence_reason=SICK), wk(2026, 13, 6), wk(2026, 15, 7)]
    drawing = hours_drawing(chart_series(weeks))
    assert "Sygdom" in [s.text for s in _strings(drawing)]
    # Attended line: runs (10, 11) and (13) and (15) → one polyline of two points,
    # planned steps: (10–13) and (15) → two polylines.
    polylines = _shapes(drawing, PolyLine)
    assert len(polylines) == 3
    # 5 markers for attended weeks (one of them a square) + the legend's circle and square.
    assert len(_shapes(drawing, Circle)) == 4 + 1
    assert len([r for r in _shapes(drawing, Rect) if r.width < 10]) == 1 + 1


def test_week_labels_do_not_overlap_on_a_long_series() -> None:
    series = chart_series(run([float(i % 17) for i in range(60)], start=(2026, 30)))
    drawing = hours_drawing(series)
    labels = [s for s in _strings(drawing) if s.text.startswith("uge ")]
    assert 5 <= len(labels) < 60
    widths = [s.getBounds() for s in labels]
    for (_x0, _y0, right, _y1), (left, *_rest) in itertools.pairwise(widths):
        assert right < left
    assert "2027" in [s.text for s in _strings(drawing)]  # the new ISO year is named


def test_empty_drawing_renders(tmp_path: Path) -> None:
    drawing = hours_drawing(chart_series([]), title="Timer")
    assert (drawing.width, drawing.height) == (440, 180)
    text = _pdf_of(drawing, tmp_path / "tom.pdf")
    assert "Ingen timer registreret" in text
    assert "Planlagt" not in text


def test_drawing_in_a_document_uses_only_the_embedded_font(tmp_path: Path) -> None:
    out = io.BytesIO()
    doc = pdf.new_document(out, title="Timer")
    story = [
        Paragraph("Timer i virksomhedspraktik", pdf.styles()["h1"]),
        hours_drawing(chart_series([*run([2, 3, 4, 6], start=(2026, 52)), wk(2027, 3, 7)])),
    ]
    doc.build(story)
    reader = PdfReader(io.BytesIO(out.getvalue()))
    text = reader.pages[0].extract_text()
    assert "uge 53" in text and "uge 1" in text and "Fremmøde" in text
    fonts: Any = reader.pages[0]["/Resources"]["/Font"]
    names = {str(ref.get_object()["/BaseFont"]) for ref in fonts.values()}
    assert names and all("DejaVuSans" in name for name in names), names


def test_twenty_weeks_render_to_a_picture(tmp_path: Path) -> None:
    attended = [4, 5, 5, 6, 0, 7, 8, 8, 9, 10, 11, 12, 12, 13, 14, 15, 15, 16, 18, 18]
    weeks = [
        wk(w.iso_year, w.iso_week, w.attended, planned=6 if i < 6 else 10 if i < 12 else 15 if i < 16 else 20)
        for i, w in enumerate(run([float(a) for a in attended], start=(2026, 12)))
        if i != 10
    ]
    weeks[4] = wk(2026, 16, 0, planned=6, absence=6, absence_reason=SICK)
    drawing = hours_drawing(chart_series(weeks), title="Timer i virksomhedspraktik")
    target = tmp_path / "timer.png"
    try:
        from reportlab.graphics import renderPM

        renderPM.drawToFile(drawing, str(target), fmt="PNG", dpi=80)
    except Exception:
        pdftoppm = shutil.which("pdftoppm")
        if pdftoppm is None:
            pytest.skip("neither a renderPM backend nor pdftoppm is available")
        renderPDF.drawToFile(drawing, str(tmp_path / "timer.pdf"))
        subprocess.run(
            [pdftoppm, "-png", "-r", "80", "-singlefile", str(tmp_path / "timer.pdf"), str(target)[:-4]], check=True
        )
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- progression_signals: the Overblik's way to ask for both ------------------------------------

_reasons = st.sampled_from([None, SICK, OTHER])
_hours = st.sampled_from([0.0, 0.5, 2.0, 7.5, 10.0, 12.25, 20.0]) | st.floats(0, 80, allow_nan=False)
# Weeks over seven years, or a few around new year 2027 (so that weeks repeat and cross
# the year boundary after week 53 of 2026).
_iso_weeks = (
    st.dates(dt.date(2019, 12, 23), dt.date(2027, 1, 10)) | st.dates(dt.date(2026, 12, 7), dt.date(2027, 1, 17))
).map(lambda d: d.isocalendar())
_week = st.builds(
    lambda iso, **kw: wk(iso.year, iso.week, **kw),
    _iso_weeks,  # 2020 and 2026 have a week 53
    attended=_hours,
    planned=_hours,
    absence=_hours,
    absence_reason=_reasons,
    follow_up=st.booleans(),
    observation=st.sampled_from(["", "god uge", " træt "]),
)
_thresholds = st.builds(
    Thresholds,
    stall_weeks=st.integers(1, 6),
    rising_slope=st.sampled_from([0.25, 0.5, 1.0]),
    low_hours=st.sampled_from([5.0, 10.0, 15.0]),
    low_hours_weeks=st.integers(1, 8),
    low_attendance=st.sampled_from([0.3, 0.5, 0.8]),
    stable_weeks=st.integers(1, 6),
)


@given(st.lists(_week, max_size=16), _thresholds, st.sampled_from([None, *VisitationGroup]))
def test_progression_signals_are_the_signals_of_the_progression(
    weeks: list[WeekHours], thresholds: Thresholds, group: VisitationGroup | None
) -> None:
    expected = signals(progression(weeks, thresholds), weeks, thresholds, group)
    assert progression_signals(weeks, thresholds, group) == expected


def test_the_pointer_to_fleksjob_is_kept_only_in_a_fleksjob_case() -> None:
    from db.enums import Aim
    from jobraad.progression import Signal, signal_for_aim

    signal = Signal(SignalKind.STABLE_LOW, "Stabilt lavt timetal i 8 uger trods støtte – dokumentation til fleksjob")
    assert signal_for_aim(signal, Aim.FLEKSJOB).text.endswith("dokumentation til fleksjob")
    assert signal_for_aim(signal, Aim.FOERTIDSPENSION).text == "Stabilt lavt timetal i 8 uger trods støtte"
