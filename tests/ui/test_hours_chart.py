"""The hours chart in the window breaks its lines at the same weeks as the dossier's
drawing: both draw the segments of one `ChartSeries`."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCharts import QLineSeries, QScatterSeries
from pytestqt.qtbot import QtBot
from reportlab.graphics.shapes import Group, PolyLine

from db.enums import AbsenceReason
from jobraad.hours_drawing import hours_drawing
from jobraad.progression import WeekHours, chart_series
from ui.hours_chart import HoursChart


def _polylines(node: Group) -> int:
    return sum(
        isinstance(item, PolyLine) + (_polylines(item) if isinstance(item, Group) else 0) for item in node.contents
    )


def test_window_and_dossier_break_the_lines_at_the_same_weeks(qtbot: QtBot) -> None:
    weeks = [
        WeekHours(2026, 10, planned=6, attended=4),
        WeekHours(2026, 11, planned=6, attended=5),
        WeekHours(2026, 12, planned=6, attended=0, absence=6, absence_reason=AbsenceReason.SYGDOM),
        WeekHours(2026, 13, planned=8, attended=6),
        WeekHours(2026, 14, planned=8, attended=7),
        # uge 15: not logged
        WeekHours(2026, 16, planned=8, attended=8),
    ]
    series = chart_series(weeks)
    chart = HoursChart()
    qtbot.addWidget(chart)
    chart.show_series(series, "Timer")

    lines = Counter(s.name() for s in chart.chart().series() if isinstance(s, QLineSeries))
    # Planned: uge 10–14, uge 16. Attended: uge 10–11, 13–14, 16 (sickness and the gap break it). Trend: one.
    assert lines == {"Planlagt": 2, "Fremmøde": 3, "Tendens": 1}
    sick = [s for s in chart.chart().series() if isinstance(s, QScatterSeries) and s.name() == "Sygdom"]
    assert [(p.x(), p.y()) for p in sick[0].points()] == [(2, 0)]
    assert chart.points_shown == 5

    # The dossier draws the same: 2 planned steps, the attended lines of more than one week
    # (uge 10–11, 13–14; uge 16 alone is its marker), and the trend as a plain line.
    assert _polylines(hours_drawing(series)) == 2 + 2
