"""The hours chart in the window breaks its lines at the same weeks as the dossier's
drawing: both draw the segments of one `ChartSeries`."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCharts import QLineSeries, QScatterSeries
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QGraphicsLineItem, QGraphicsTextItem
from pytestqt.qtbot import QtBot
from reportlab.graphics.shapes import Group, PolyLine

from db.enums import AbsenceReason
from jobraad.hours_drawing import hours_drawing
from jobraad.progression import WeekHours, chart_series
from ui.file_tabs.placements import CHART_MIN_HEIGHT
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


def _y_labels(chart: HoursChart) -> dict[str, float]:
    """The hours axis' labels as drawn: text → the scene y of the label's middle."""
    labels: dict[str, float] = {}
    for item in chart.scene().items():
        obj = item.toGraphicsObject()
        if isinstance(obj, QGraphicsTextItem) and obj.metaObject().className() == "ValueAxisLabel":
            labels[obj.toPlainText()] = item.sceneBoundingRect().center().y()
    return labels


def _gridline_ys(chart: HoursChart) -> set[float]:
    """The scene y of every horizontal line across the plot (the hours gridlines)."""
    plot = chart.chart().mapToScene(chart.chart().plotArea()).boundingRect()
    ys = set()
    for item in chart.scene().items():
        if isinstance(item, QGraphicsLineItem):
            line = item.line()
            p1, p2 = item.mapToScene(line.p1()), item.mapToScene(line.p2())
            if abs(p1.y() - p2.y()) < 0.01 and abs(p2.x() - p1.x()) >= plot.width() - 1:
                ys.add(round(p1.y(), 1))
    return ys


@pytest.mark.parametrize(
    ("attended", "expected_labels"),
    [
        ([3.0, 4.0, 5.0], ["0", "1", "2", "3", "4", "5", "6"]),
        # The case: up to 9 hours used to read 0, 2, 5, 7, 9 on gridlines at 0, 2.3, 4.6 …
        ([3.0, 6.0, 9.0], ["0", "2", "4", "6", "8", "10"]),
    ],
)
def test_hours_axis_has_whole_hour_ticks_with_each_label_on_its_gridline(
    qtbot: QtBot, attended: list[float], expected_labels: list[str]
) -> None:
    weeks = [WeekHours(2026, 10 + i, planned=a, attended=a) for i, a in enumerate(attended)]
    chart = HoursChart()
    qtbot.addWidget(chart)
    chart.resize(520, 320)
    chart.show_series(chart_series(weeks), "Timer")
    chart.show()
    qtbot.waitExposed(chart)
    first_line = next(s for s in chart.chart().series() if isinstance(s, QLineSeries))

    labels = _y_labels(chart)
    assert sorted(labels, key=int) == expected_labels
    gridlines = _gridline_ys(chart)
    for text, y in labels.items():
        # The label sits on a gridline, and the gridline is at the label's value.
        assert any(abs(y - g) <= 1 for g in gridlines), (text, y, gridlines)
        at = chart.chart().mapToPosition(QPointF(0, float(text)), first_line)
        assert abs(at.y() - y) <= 1, (text, at.y(), y)

    # A 3-hour week is drawn at the "3" tick (or halfway between 2 and 4), not near 2,5.
    three = chart.chart().mapToPosition(QPointF(0, 3.0), first_line).y()
    if "3" in labels:
        assert abs(three - labels["3"]) <= 1
    else:
        assert abs(three - (labels["2"] + labels["4"]) / 2) <= 1


def _axis_texts(chart: HoursChart) -> list[str]:
    """Every axis label as drawn (both axes)."""
    return [
        obj.toPlainText()
        for item in chart.scene().items()
        if (obj := item.toGraphicsObject()) is not None
        and isinstance(obj, QGraphicsTextItem)
        and (obj.metaObject().className() == "ValueAxisLabel" or obj.toPlainText().startswith("uge"))
    ]


def test_the_compact_chart_of_a_laptop_screen_shows_its_labels_whole(qtbot: QtBot) -> None:
    """At 1366x768 the chart below the week grid is about 600 x 130 (it gives way to the grid
    down to `CHART_MIN_HEIGHT`): QtCharts cut every label there to "…" ("uge…") until the
    labels were told never to be cut."""
    weeks = [WeekHours(2026, 26 + i, planned=11 if i < 15 else 6, attended=4 + (i % 8)) for i in range(23)]
    chart = HoursChart()
    qtbot.addWidget(chart)
    chart.setMinimumHeight(CHART_MIN_HEIGHT)
    chart.resize(600, CHART_MIN_HEIGHT)
    chart.show_series(chart_series(weeks), "Lagerhotellet – timer pr. uge")
    chart.show()
    qtbot.waitExposed(chart)
    assert chart.height() < HoursChart.COMPACT_BELOW  # the compact layout, as on the laptop
    texts = _axis_texts(chart)
    hours = sorted(int(t) for t in texts if t.isdigit())
    weeks_shown = [t for t in texts if t.startswith("uge")]
    assert not [t for t in texts if "..." in t or "…" in t], texts  # QtCharts cuts with three dots
    assert hours[0] == 0 and hours[-1] >= 11 and len(hours) >= 3, texts
    assert "uge 26" in weeks_shown and len(weeks_shown) >= 8, texts
