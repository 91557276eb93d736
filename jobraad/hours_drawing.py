"""The hours chart as a ReportLab drawing, for the dossier.

It draws the lines and marks of the same `ChartSeries` as the chart on screen
(`ui/hours_chart.py`).
Kept apart from `jobraad.progression` so that computing progression (at start,
for every citizen) does not import ReportLab."""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Rect, String
from reportlab.lib.colors import Color, black, white
from reportlab.pdfbase.pdfmetrics import stringWidth

from jobraad import formatting as fmt
from jobraad.pdf import FONT, FONT_BOLD, rect, register_fonts
from jobraad.progression import ChartSeries

_PLANNED_COLOUR = Color(0.45, 0.45, 0.45)
_ATTENDED_COLOUR = Color(0.05, 0.22, 0.50)
_TREND_COLOUR = Color(0.78, 0.33, 0.0)
_GRID_COLOUR = Color(0.86, 0.86, 0.86)
_TEXT_COLOUR = Color(0.2, 0.2, 0.2)
_PLANNED_DASH = [5, 3]
_TREND_DASH = [1.2, 2.4]
_LABEL_SIZE = 7.0
_LEGEND_SIZE = 8.0


def hours_drawing(series: ChartSeries, width: float = 440, height: float = 180, title: str = "") -> Drawing:
    """The hours chart as a ReportLab drawing for the dossier: planned hours
    dashed, attended hours solid with markers, the trend dotted, sickness weeks
    as open squares. Line styles, not only colours, tell the lines apart, so it
    reads in black and white. All text in the embedded font."""
    register_fonts()
    drawing = Drawing(width, height)
    # Otherwise the renderer starts in Helvetica, and the PDF lists it as a page font.
    drawing.initialFontName = FONT  # type: ignore[attr-defined]  # real, not in types-reportlab
    drawing.initialFontSize = _LEGEND_SIZE  # type: ignore[attr-defined]
    top = height
    if title:
        drawing.add(String(0, height - 10, title, fontName=FONT_BOLD, fontSize=10, fillColor=black))
        top -= 16

    n = len(series.weeks)
    if n == 0:
        drawing.add(rect(0.5, 0.5, width - 1, top - 1, fill=None, stroke=_GRID_COLOUR, stroke_width=0.8))
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

    sick_points = series.sick_points()

    # Legend in one row above the plot.
    legend_y = top - 8
    items: list[tuple[str, str]] = [("planned", "Planlagt"), ("attended", "Fremmøde"), ("trend", "Tendens")]
    if sick_points:
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

    axis = series.hours_axis()
    y_top = axis.top

    def y_of(v: float) -> float:
        return plot_bottom + plot_h * v / y_top

    def x_of(i: int) -> float:
        return plot_left + plot_w * (i + 0.5) / n

    # Hours axis: grid, ticks, title.
    for tick in axis.ticks:
        y = y_of(tick)
        if tick > 0:
            drawing.add(Line(plot_left, y, plot_right, y, strokeColor=_GRID_COLOUR, strokeWidth=0.5))
        drawing.add(
            String(plot_left - 4, y - 2.5, fmt.hours(tick), fontName=FONT, fontSize=_LABEL_SIZE, textAnchor="end")
        )
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
    for trend in series.trend_segments():
        if len(trend) >= 2:
            (i0, v0), (i1, v1) = trend[0], trend[-1]
            segment = _clip_at_zero(x_of(i0), v0, x_of(i1), v1)
            if segment is not None:
                (xa, va), (xb, vb) = segment
                drawing.add(_line(xa, y_of(va), xb, y_of(vb), _TREND_COLOUR, 1.4, _TREND_DASH))

    # Planned hours are a plan per week: a step across each week's width.
    half = plot_w / n / 2
    for planned in series.planned_segments():
        steps = []
        for i, v in planned:
            steps += [(x_of(i) - half, y_of(v)), (x_of(i) + half, y_of(v))]
        drawing.add(_polyline(steps, _PLANNED_COLOUR, 1.2, _PLANNED_DASH))
    # A week alone between gaps or sickness weeks is its marker, no line.
    for attended in series.attended_segments():
        if len(attended) > 1:
            drawing.add(_polyline([(x_of(i), y_of(v)) for i, v in attended], _ATTENDED_COLOUR, 1.8))
    radius = min(2.4, plot_w / n / 3)
    for i, v in series.attended_points():
        drawing.add(Circle(x_of(i), y_of(v), radius, fillColor=_ATTENDED_COLOUR, strokeColor=white, strokeWidth=0.5))
    for i, v in sick_points:
        drawing.add(_sick_marker(x_of(i), y_of(v), radius + 0.2))
    return drawing


def _line(x0: float, y0: float, x1: float, y1: float, colour: Color, width: float, dash: Sequence[float] = ()) -> Line:
    line = Line(x0, y0, x1, y1, strokeColor=colour, strokeWidth=width, strokeLineCap=1)
    if dash:
        line.strokeDashArray = dash
    return line


def _polyline(
    points: Sequence[tuple[float, float]], colour: Color, width: float, dash: Sequence[float] = ()
) -> PolyLine:
    flat = [c for point in points for c in point]
    line = PolyLine(flat, strokeColor=colour, strokeWidth=width, strokeLineJoin=1)
    if dash:
        line.strokeDashArray = dash
    return line


def _sick_marker(x: float, y: float, half: float = 2.6) -> Rect:
    return rect(x - half, y - half, 2 * half, 2 * half, fill=white, stroke=black, stroke_width=1.0)


def _clip_at_zero(x0: float, v0: float, x1: float, v1: float) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The part of the segment from (x0, v0) to (x1, v1) with v >= 0."""
    if v0 < 0 and v1 < 0:
        return None
    if v0 >= 0 and v1 >= 0:
        return (x0, v0), (x1, v1)
    x_zero = x0 + (x1 - x0) * (0 - v0) / (v1 - v0)
    return ((x_zero, 0.0), (x1, v1)) if v0 < 0 else ((x0, v0), (x_zero, 0.0))
