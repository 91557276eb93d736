"""Windows sized to the screen they open on: a window asks for the size it would like and gets
at most what the screen has room for, frame and taskbar included, so its buttons are never
below the edge (1366 × 768 laptops included)."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# Room left for the window's frame and title bar, which Qt's sizes do not include, until the
# window manager has framed the window and `keep_on_screen` can measure the real frame.
FRAME_WIDTH = 16
FRAME_HEIGHT = 48


def available_geometry(near: QWidget | None = None) -> QRect | None:
    """The part of the screen `near` is on (the primary screen without it) that windows may
    use: the taskbar and panels left out. None when there is no screen."""
    screen = near.screen() if near is not None else QGuiApplication.primaryScreen()
    return None if screen is None else screen.availableGeometry()


def fit_to_screen(window: QWidget, width: int, height: int, near: QWidget | None = None) -> None:
    """Resize `window` to `width` × `height`, or less to fit the available area of the screen
    `near` is on (the primary screen without it), and centre it there. (No maximum is set:
    moved to a larger screen, the window may grow.)"""
    room = available_geometry(near)
    if room is None:
        window.resize(width, height)
        return
    size_w = min(width, room.width() - FRAME_WIDTH)
    size_h = min(height, room.height() - FRAME_HEIGHT)
    window.resize(size_w, size_h)
    window.move(
        room.x() + (room.width() - size_w) // 2, room.y() + max(0, (room.height() - size_h - FRAME_HEIGHT) // 2)
    )


def keep_on_screen(window: QWidget) -> None:
    """Once shown and framed: if the window with its real frame reaches past the available
    area (a title bar taller than `FRAME_HEIGHT`, a panel), make it smaller and move it in.
    Until a window manager has framed it (or where there is none), `fit_to_screen`'s room
    for the frame stands."""
    room = available_geometry(window)
    if room is None or window.isMaximized() or window.isFullScreen():
        return
    frame, inner = window.frameGeometry(), window.geometry()
    extra_w, extra_h = frame.width() - inner.width(), frame.height() - inner.height()
    if extra_w <= 0 and extra_h <= 0:
        return
    width = min(inner.width(), room.width() - extra_w)
    height = min(inner.height(), room.height() - extra_h)
    if (width, height) != (inner.width(), inner.height()):
        window.resize(width, height)
    x = min(max(frame.x(), room.x()), room.right() + 1 - (width + extra_w))
    y = min(max(frame.y(), room.y()), room.bottom() + 1 - (height + extra_h))
    if (x, y) != (frame.x(), frame.y()):
        window.move(x, y)
