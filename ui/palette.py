"""The window's colours, derived from the palette in use (QPalette), so that the light, dark and
high-contrast modes of the system all stay readable.

A colour here is never a fixed value: a tone (danger, warning, information, good) is blended into
the palette's own base colour for a background, or made readable against it for a text, and every
text colour is checked against the background it stands on (WCAG contrast ratio at least 4.5). The
functions read the application's palette when called, so a model's data() and a label made after a
palette change both follow it. Results are cached per palette (`QPalette.cacheKey`).

Use these instead of colour literals anywhere in `ui/`:
- `background(tone)`, `text(tone)`, `muted_text()`: a brush or pen colour;
- `deadline_background(urgency)`: the rows and sections of the deadlines;
- `css(colour)`, `error_style()`, `muted_style()`, `notice_style(tone)`: stylesheets and rich text;
- `chart_colours()`: the hours chart.
"""

from __future__ import annotations

import functools
from enum import Enum
from typing import NamedTuple

from PySide6.QtGui import QColor, QGuiApplication, QPalette

from jobraad.visitation import Urgency

#: The least contrast between a text and its background (WCAG 2.1, 1.4.3, normal text).
MIN_CONTRAST = 4.5


class Tone(Enum):
    """What a colour says; its hue is blended into the palette, never used as it is."""

    DANGER = "danger"
    WARNING = "warning"
    INFO = "info"
    GOOD = "good"


# Hues (not colours on screen): each is blended into the palette's base or made readable against it.
_HUES = {
    Tone.DANGER: (214, 40, 40),
    Tone.WARNING: (230, 160, 0),
    Tone.INFO: (50, 120, 210),
    Tone.GOOD: (40, 160, 70),
}
# How much of the hue a background takes: a tint, so the palette's text stays readable on it.
_TINT = 0.3


def current() -> QPalette:
    """The application's palette (what the widgets are drawn with)."""
    return QGuiApplication.palette()


# --- contrast ------------------------------------------------------------------------------------


def luminance(colour: QColor) -> float:
    """Relative luminance (WCAG 2.1) of a colour, 0 for black to 1 for white."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def mix(a: QColor, b: QColor, share_of_b: float) -> QColor:
    """`a` with `share_of_b` of `b` blended in (0: a, 1: b), opaque."""
    t = min(max(share_of_b, 0.0), 1.0)
    return QColor.fromRgbF(
        a.redF() * (1 - t) + b.redF() * t,
        a.greenF() * (1 - t) + b.greenF() * t,
        a.blueF() * (1 - t) + b.blueF() * t,
    )


def readable(fg: QColor, *backgrounds: QColor, ratio: float = MIN_CONTRAST) -> QColor:
    """`fg`, or the nearest colour to it toward black or white (whichever the backgrounds allow)
    that has at least `ratio` contrast with every one of `backgrounds`."""
    if all(contrast(fg, bg) >= ratio for bg in backgrounds):
        return fg
    white, black = QColor(255, 255, 255), QColor(0, 0, 0)
    # Toward whichever of white and black stands out more against the least favourable background.
    by_white = min(contrast(white, bg) for bg in backgrounds)
    by_black = min(contrast(black, bg) for bg in backgrounds)
    toward = white if by_white > by_black else black
    for step in range(1, 21):
        candidate = mix(fg, toward, step / 20)
        if all(contrast(candidate, bg) >= ratio for bg in backgrounds):
            return candidate
    return toward


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether the palette draws light text on a dark base."""
    pal = palette or current()
    return luminance(pal.color(QPalette.ColorRole.Base)) < luminance(pal.color(QPalette.ColorRole.Text))


# --- colours -------------------------------------------------------------------------------------


def _hue(tone: Tone) -> QColor:
    return QColor(*_HUES[tone])


def background(tone: Tone) -> QColor:
    """A background that says `tone`: its hue tinted into the palette's base, as far as the
    palette's text stays readable on it."""
    return _background(tone, current())


def text(tone: Tone) -> QColor:
    """A text colour that says `tone`, readable on the palette's base and window colours."""
    return _text(tone, current())


def muted_text() -> QColor:
    """A quieter text colour (hints, "Ingen"), still readable on base and window."""
    return _muted(current())


def text_on(bg: QColor) -> QColor:
    """The palette's text colour, or the nearest readable one, on `bg`."""
    return readable(current().color(QPalette.ColorRole.Text), bg)


def deadline_background(urgency: Urgency) -> QColor:
    """The background of a deadline by how near it is (overdue, this week, next week); the
    palette's base for later ones."""
    tone = _DEADLINE_TONES.get(urgency)
    return background(tone) if tone is not None else current().color(QPalette.ColorRole.Base)


_DEADLINE_TONES = {Urgency.OVERDUE: Tone.DANGER, Urgency.THIS_WEEK: Tone.WARNING, Urgency.NEXT_WEEK: Tone.INFO}


@functools.lru_cache(maxsize=64)
def _cached_background(tone: Tone, key: int, base: int, textc: int) -> int:
    base_c, text_c = QColor.fromRgb(base), QColor.fromRgb(textc)
    share = _TINT
    while share > 0:
        tinted = mix(base_c, _hue(tone), share)
        if contrast(text_c, tinted) >= MIN_CONTRAST:
            return tinted.rgb()
        share -= 0.05
    return base_c.rgb()


def _background(tone: Tone, pal: QPalette) -> QColor:
    base = pal.color(QPalette.ColorRole.Base).rgb()
    fg = pal.color(QPalette.ColorRole.Text).rgb()
    return QColor.fromRgb(_cached_background(tone, pal.cacheKey(), base, fg))


@functools.lru_cache(maxsize=64)
def _cached_text(tone: Tone, key: int, base: int, window: int) -> int:
    return readable(_hue(tone), QColor.fromRgb(base), QColor.fromRgb(window)).rgb()


def _text(tone: Tone, pal: QPalette) -> QColor:
    base = pal.color(QPalette.ColorRole.Base).rgb()
    window = pal.color(QPalette.ColorRole.Window).rgb()
    return QColor.fromRgb(_cached_text(tone, pal.cacheKey(), base, window))


def _muted(pal: QPalette) -> QColor:
    base = pal.color(QPalette.ColorRole.Base)
    window = pal.color(QPalette.ColorRole.Window)
    return readable(mix(pal.color(QPalette.ColorRole.Text), base, 0.35), base, window)


# --- stylesheets and rich text -----------------------------------------------------------------------


def css(colour: QColor) -> str:
    """A colour as a stylesheet and rich text take it (#rrggbb)."""
    return colour.name()


def muted_css() -> str:
    """`muted_text()` as rich text and stylesheets take it."""
    return css(muted_text())


def tone_css(tone: Tone) -> str:
    """`text(tone)` as rich text and stylesheets take it."""
    return css(text(tone))


def error_style() -> str:
    """A label that reports an error: the danger tone as text."""
    return f"color: {css(text(Tone.DANGER))};"


def muted_style() -> str:
    """A hint or a secondary line."""
    return f"color: {css(muted_text())};"


def notice_style(tone: Tone) -> str:
    """A boxed notice: tinted background, the palette's text on it, a border in the tone."""
    bg = background(tone)
    return f"background: {css(bg)}; color: {css(text_on(bg))}; border: 1px solid {css(text(tone))}; padding: 4px 8px;"


def highlight_style(tone: Tone) -> str:
    """Rich text marked in a tone: tinted background, a text colour readable on it (end with a space)."""
    bg = background(tone)
    return f"background:{css(bg)}; color:{css(text_on(bg))};"


def chip_style() -> str:
    """A checkable chip (the Overblik's group filters): the palette's base and text, and when
    checked its highlight, with a text colour readable on it (some palettes' highlighted text is not)."""
    pal = current()
    base, fg = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)
    on = pal.color(QPalette.ColorRole.Highlight)
    on_text = readable(pal.color(QPalette.ColorRole.HighlightedText), on)
    return (
        f"QPushButton {{ border: 1px solid {css(muted_text())}; border-radius: 4px; padding: 4px 10px;"
        f" background: {css(base)}; color: {css(readable(fg, base))}; }}"
        f" QPushButton:checked {{ background: {css(on)}; color: {css(on_text)}; border: 2px solid {css(on_text)}; }}"
        f" QPushButton:focus {{ border: 2px solid {css(readable(on, base, ratio=3.0))}; }}"
    )


def span(colour: QColor, html: str) -> str:
    """Rich text in a colour (escape `html` first)."""
    return f"<span style='color:{css(colour)}'>{html}</span>"


def boxed(tone: Tone, html: str) -> str:
    """Rich text on a tinted background, with a text colour readable on it."""
    bg = background(tone)
    return f"<div style='background:{css(bg)}; color:{css(text_on(bg))}; padding:3px; margin-top:3px'>{html}</div>"


# --- the hours chart -------------------------------------------------------------------------------


class ChartColours(NamedTuple):
    planned: QColor
    attended: QColor
    trend: QColor
    sick_fill: QColor
    sick_border: QColor


def chart_colours() -> ChartColours:
    """The lines and marks of the hours chart, readable on the chart's background (the base)."""
    pal = current()
    return ChartColours(
        planned=_muted(pal),
        attended=_text(Tone.INFO, pal),
        trend=_text(Tone.WARNING, pal),
        sick_fill=pal.color(QPalette.ColorRole.Base),
        sick_border=pal.color(QPalette.ColorRole.Text),
    )
