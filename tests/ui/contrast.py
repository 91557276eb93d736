"""Text contrast of a rendered window, measured from what the widgets actually use: each item
view's model data (DisplayRole with its ForegroundRole and BackgroundRole, else the view's
palette), each enabled label's and text browser's rich text (colours and backgrounds in its HTML,
inherited down the elements), and the widgets' stylesheets (color against background, the
`palette(role)` names resolved). Every text must reach the WCAG ratio of 4.5."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QHeaderView, QLabel, QTextEdit, QWidget

from ui.palette import MIN_CONTRAST, contrast


@dataclass(frozen=True)
class Shortfall:
    where: str
    text: str
    fg: str
    bg: str
    ratio: float

    def __str__(self) -> str:
        return f"{self.where}: «{self.text[:40]}» {self.fg} on {self.bg} = {self.ratio:.2f}"


_ROLES = {
    "window": QPalette.ColorRole.Window,
    "window-text": QPalette.ColorRole.WindowText,
    "base": QPalette.ColorRole.Base,
    "alternate-base": QPalette.ColorRole.AlternateBase,
    "text": QPalette.ColorRole.Text,
    "button": QPalette.ColorRole.Button,
    "button-text": QPalette.ColorRole.ButtonText,
    "highlight": QPalette.ColorRole.Highlight,
    "highlighted-text": QPalette.ColorRole.HighlightedText,
    "mid": QPalette.ColorRole.Mid,
    "link": QPalette.ColorRole.Link,
    "bright-text": QPalette.ColorRole.BrightText,
}


def _colour(value: str, palette: QPalette) -> QColor | None:
    value = value.strip().removesuffix("!important").strip()
    match = re.fullmatch(r"palette\(([\w-]+)\)", value)
    if match:
        return palette.color(_ROLES[match.group(1)])
    colour = QColor(value)
    return colour if colour.isValid() else None


_COLOR = re.compile(r"(?<![\w-])color\s*:\s*([^;}]+)")
_BACKGROUND = re.compile(r"(?<![\w-])background(?:-color)?\s*:\s*([^;}]+)")


def _declared(style: str, palette: QPalette) -> tuple[QColor | None, QColor | None]:
    fg = _COLOR.search(style)
    bg = _BACKGROUND.search(style)
    return (
        _colour(fg.group(1), palette) if fg else None,
        _colour(bg.group(1), palette) if bg else None,
    )


class _RichText(HTMLParser):
    """Walks rich text keeping the colour and background each piece of text is drawn with."""

    VOID = frozenset({"br", "img", "hr", "meta", "col", "input"})

    def __init__(self, fg: QColor, bg: QColor, palette: QPalette) -> None:
        super().__init__()
        self.palette = palette
        self.stack: list[tuple[str, QColor, QColor]] = [("", fg, bg)]
        self.pieces: list[tuple[str, QColor, QColor]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        _, fg, bg = self.stack[-1]
        values = dict(attrs)
        if tag == "a":
            fg = self.palette.color(QPalette.ColorRole.Link)
        if values.get("bgcolor"):
            bg = _colour(values["bgcolor"] or "", self.palette) or bg
        if values.get("color") and tag == "font":
            fg = _colour(values["color"] or "", self.palette) or fg
        style_fg, style_bg = _declared(values.get("style") or "", self.palette)
        fg, bg = style_fg or fg, style_bg or bg
        if tag not in self.VOID:
            self.stack.append((tag, fg, bg))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if data.strip() and self.stack[-1][0] not in ("style", "head", "title"):
            _, fg, bg = self.stack[-1]
            self.pieces.append((data.strip(), fg, bg))


def _rich(html: str, fg: QColor, bg: QColor, palette: QPalette) -> list[tuple[str, QColor, QColor]]:
    parser = _RichText(fg, bg, palette)
    parser.feed(html)
    return parser.pieces


def _brush_colour(value: object) -> QColor | None:
    if isinstance(value, QBrush):
        return value.color() if value.style() != Qt.BrushStyle.NoBrush else None
    if isinstance(value, QColor):
        return value
    return None


def _indexes(view: QAbstractItemView, parent: QModelIndex, limit: int) -> Iterator[QModelIndex]:
    model = view.model()
    try:
        columns = model.columnCount(parent)
    except TypeError:  # a list model: one column (its columnCount is not public)
        columns = 1
    for row in range(min(model.rowCount(parent), limit)):
        for column in range(columns):
            index = model.index(row, column, parent)
            yield index
            if column == 0 and model.rowCount(index) > 0:
                yield from _indexes(view, index, limit)


def _view_pieces(view: QAbstractItemView, limit: int) -> Iterator[tuple[str, str, QColor, QColor]]:
    pal = view.palette()
    alternating = view.alternatingRowColors()
    name = view.objectName() or type(view).__name__
    for index in _indexes(view, QModelIndex(), limit):
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if text in (None, ""):
            continue
        fg = _brush_colour(index.data(Qt.ItemDataRole.ForegroundRole)) or pal.color(QPalette.ColorRole.Text)
        backgrounds = [pal.color(QPalette.ColorRole.Base)]
        if alternating:
            backgrounds.append(pal.color(QPalette.ColorRole.AlternateBase))
        own = _brush_colour(index.data(Qt.ItemDataRole.BackgroundRole))
        for bg in [own] if own is not None else backgrounds:
            yield f"{name}[{index.row()},{index.column()}]", str(text), fg, bg


def _widget_pieces(widget: QWidget) -> Iterator[tuple[str, str, QColor, QColor]]:
    pal = widget.palette()
    name = widget.objectName() or type(widget).__name__
    sheet = widget.styleSheet()
    blocks = re.findall(r"\{([^}]*)\}", sheet) if "{" in sheet else [sheet] if sheet else []
    if isinstance(widget, QTextEdit):
        fg, bg = pal.color(QPalette.ColorRole.Text), pal.color(QPalette.ColorRole.Base)
    elif isinstance(widget, QAbstractButton):
        fg, bg = pal.color(QPalette.ColorRole.ButtonText), pal.color(QPalette.ColorRole.Button)
    else:
        fg, bg = pal.color(QPalette.ColorRole.WindowText), pal.color(QPalette.ColorRole.Window)
    for block in blocks or [""]:
        block_fg, block_bg = _declared(block, pal)
        sheet_fg, sheet_bg = block_fg or fg, block_bg or bg
        if isinstance(widget, QTextEdit):
            for text, f, b in _rich(widget.toHtml(), sheet_fg, sheet_bg, pal):
                yield name, text, f, b
        elif isinstance(widget, QLabel):
            for text, f, b in _rich(widget.text(), sheet_fg, sheet_bg, pal):
                yield name, text, f, b
        elif isinstance(widget, QAbstractButton) and widget.text():
            yield name, widget.text(), sheet_fg, sheet_bg


def shortfalls(root: QWidget, *, rows: int = 300) -> tuple[int, list[Shortfall]]:
    """(how many texts were measured, those under `MIN_CONTRAST`) in `root` and its children."""
    measured = 0
    short: list[Shortfall] = []
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if not widget.isEnabled():
            continue  # disabled controls are exempt (WCAG 1.4.3), and Qt greys them on purpose
        pieces = (
            _view_pieces(widget, rows)
            if isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView)
            else iter(())
        )
        for where, text, fg, bg in (*pieces, *_widget_pieces(widget)):
            measured += 1
            ratio = contrast(fg, bg)
            if ratio < MIN_CONTRAST:
                short.append(Shortfall(where, text, fg.name(), bg.name(), ratio))
    return measured, short
