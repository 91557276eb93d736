"""The dossier's hours chart has whole-hour ticks, each label on its gridline, and a week's
hours drawn at the height its label names (the same axis as the window's chart)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from reportlab.graphics.shapes import Circle, Group, Line, String

from jobraad import formatting as fmt
from jobraad.hours_drawing import hours_drawing
from jobraad.progression import HoursAxis, WeekHours, chart_series


def _shapes(node: Group, kind: type) -> list[Any]:
    found: list[Any] = []
    for item in node.contents:
        if isinstance(item, kind):
            found.append(item)
        if isinstance(item, Group):
            found.extend(_shapes(item, kind))
    return found


@pytest.mark.parametrize(
    ("attended", "expected"),
    [
        ([3.0, 4.0, 5.0], ["0", "1", "2", "3", "4", "5", "6"]),
        ([3.0, 6.0, 9.0], ["0", "2", "4", "6", "8", "10"]),
        ([3.0, 12.5, 30.0], ["0", "10", "20", "30", "40"]),
    ],
)
def test_hours_axis_labels_sit_on_gridlines_at_whole_hours(attended: list[float], expected: list[str]) -> None:
    series = chart_series([WeekHours(2026, 10 + i, planned=a, attended=a) for i, a in enumerate(attended)])
    drawing = hours_drawing(series)
    plot_left = min(line.x1 for line in _shapes(drawing, Line) if line.y1 == line.y2 and line.x2 - line.x1 > 300)
    labels = {s.text: s.y + 2.5 for s in _shapes(drawing, String) if s.textAnchor == "end" and s.x < plot_left}
    assert list(labels) == expected
    gridlines = {round(line.y1, 3) for line in _shapes(drawing, Line) if line.y1 == line.y2 and line.x1 == plot_left}
    # Each label's middle is its gridline (the 0 label sits on the axis line itself).
    assert {round(y, 3) for y in labels.values()} == gridlines
    # Equal steps: the labels are evenly spaced, so the label names the height.
    gaps = [b - a for a, b in itertools.pairwise(labels.values())]
    assert max(gaps) == pytest.approx(min(gaps))
    # The 3-hour week's marker is drawn at 3 on this scale: on the "3" gridline, or halfway
    # between "2" and "4", or at 3/10 of the way from 0 to 10.
    # (3 hours is the lowest week, so its marker is the lowest circle; the legend's is at the top.)
    marker = min(_shapes(drawing, Circle), key=lambda c: c.cy)
    step = float(expected[1])
    below = labels[fmt.hours(0)]
    per_hour = (labels[expected[1]] - below) / step
    assert marker.cy == pytest.approx(below + 3 * per_hour)
    if "3" in labels:
        assert marker.cy == pytest.approx(labels["3"])


def test_axis_steps_are_whole_hours() -> None:
    assert HoursAxis.around(3.0) == (4.0, 1.0)
    assert HoursAxis.around(5.9) == (6.0, 1.0)
    assert HoursAxis.around(9.45) == (10.0, 2.0)
    assert HoursAxis.around(37.0) == (40.0, 10.0)
    assert HoursAxis.around(37.0).ticks == [0.0, 10.0, 20.0, 30.0, 40.0]
