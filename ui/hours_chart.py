"""The hours chart in the citizen's file (QtCharts): the lines and marks of the same
`ChartSeries` the dossier's ReportLab drawing draws (`jobraad.hours_drawing`)."""

from __future__ import annotations

from PySide6.QtCharts import QCategoryAxis, QChart, QChartView, QLineSeries, QScatterSeries, QValueAxis
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QBrush, QPainter, QPalette, QPen, QResizeEvent
from PySide6.QtWidgets import QWidget

from jobraad.progression import ChartSeries
from ui import palette


class HoursChart(QChartView):
    """planned (dashed), attended (solid with points), trend (dotted); drawn in the palette's
    colours (QtCharts' own theme is light whatever the palette)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)
        self.points_shown = 0
        self.show_series(None)

    #: Below this height the title and legend give their room to the lines (on a 1366x768
    #: laptop the week grid above takes most of the height); the title stays as the tooltip.
    COMPACT_BELOW = 240

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_to_height()

    def _fit_to_height(self) -> None:
        chart = self.chart()
        compact = self.height() < self.COMPACT_BELOW
        chart.legend().setVisible(not compact)
        chart.setTitle("" if compact else self.toolTip())
        margin = 2 if compact else 10
        chart.setMargins(QMargins(margin, margin, margin, margin))

    def show_series(self, series: ChartSeries | None, title: str = "") -> None:
        chart = QChart()
        chart.setTitle(title)
        self.setToolTip(title)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setMargins(chart.margins())
        _paint(chart)
        self.points_shown = 0
        if series is None or not series.labels:
            chart.setTitle(title or "Ingen timer registreret")
            self.setToolTip(title or "Ingen timer registreret")
            self.setChart(chart)
            self._fit_to_height()
            return
        colours = palette.chart_colours()
        styles = (
            ("Planlagt", series.planned_segments(), QPen(colours.planned, 2, Qt.PenStyle.DashLine)),
            ("Fremmøde", series.attended_segments(), QPen(colours.attended, 3, Qt.PenStyle.SolidLine)),
            ("Tendens", series.trend_segments(), QPen(colours.trend, 2, Qt.PenStyle.DotLine)),
        )
        all_series: list[QLineSeries | QScatterSeries] = []
        for name, segments, pen in styles:
            for i, segment in enumerate(segments):
                line = QLineSeries()
                line.setName(name)
                line.setPen(pen)
                line.append([QPointF(x, y) for x, y in segment])
                chart.addSeries(line)
                all_series.append(line)
                if i > 0:
                    chart.legend().markers(line)[0].setVisible(False)
        points = QScatterSeries()
        points.setName("Uger med fremmøde")
        points.setMarkerSize(7)
        points.setColor(colours.attended)
        for x, y in series.attended_points():
            points.append(x, y)
        self.points_shown = points.count()
        chart.addSeries(points)
        chart.legend().markers(points)[0].setVisible(False)
        all_series.append(points)
        sick = series.sick_points()
        if sick:
            sick_points = QScatterSeries()
            sick_points.setName("Sygdom")
            sick_points.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeRectangle)
            sick_points.setMarkerSize(9)
            sick_points.setColor(colours.sick_fill)
            sick_points.setBorderColor(colours.sick_border)
            for x, y in sick:
                sick_points.append(x, y)
            chart.addSeries(sick_points)
            all_series.append(sick_points)

        x_axis = QCategoryAxis()
        x_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        step = max(1, len(series.labels) // 8)
        for i, label in enumerate(series.labels):
            if i % step == 0:
                x_axis.append(label, i)
        x_axis.setRange(-0.5, len(series.labels) - 0.5)
        # Whole-hour ticks (the same axis as the dossier's drawing): the range is a whole number
        # of steps, so the fixed ticks fall on 0, step, 2·step … and each label is its gridline's value.
        hours = series.hours_axis()
        y_axis = QValueAxis()
        y_axis.setRange(0, hours.top)
        y_axis.setTickCount(len(hours.ticks))
        y_axis.setMinorTickCount(0)
        y_axis.setLabelFormat("%.0f")
        y_axis.setTitleText("Timer")
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        for s in all_series:
            s.attachAxis(x_axis)
            s.attachAxis(y_axis)
        for axis in (x_axis, y_axis):
            _paint_axis(axis)
            # QtCharts cuts a label it finds short of room to "…", and in the compact chart of a
            # 1366x768 laptop that was every label ("uge…"): the labels above are spaced to fit.
            axis.setTruncateLabels(False)
        self.setChart(chart)
        self._fit_to_height()


def _paint(chart: QChart) -> None:
    """The chart's background, title and legend in the palette's base and text colours."""
    pal = palette.current()
    chart.setBackgroundBrush(QBrush(pal.color(QPalette.ColorRole.Base)))
    chart.setTitleBrush(QBrush(pal.color(QPalette.ColorRole.Text)))
    chart.legend().setLabelColor(pal.color(QPalette.ColorRole.Text))


def _paint_axis(axis: QCategoryAxis | QValueAxis) -> None:
    pal = palette.current()
    fg = pal.color(QPalette.ColorRole.Text)
    axis.setLabelsColor(fg)
    axis.setTitleBrush(QBrush(fg))
    axis.setLinePenColor(palette.muted_text())
    axis.setGridLineColor(palette.mix(pal.color(QPalette.ColorRole.Base), fg, 0.2))
