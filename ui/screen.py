"""Windows sized to the screen they open on: a preview or viewer asks for the size it would
like and gets at most what the screen has room for, frame and taskbar included, so its
buttons are never below the edge (1366 × 768 laptops included)."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# Room left for the window's frame and title bar, which Qt's sizes do not include.
FRAME_WIDTH = 16
FRAME_HEIGHT = 48


def fit_to_screen(window: QWidget, width: int, height: int, near: QWidget | None = None) -> None:
    """Resize `window` to `width` × `height`, or less to fit the available area of the screen
    `near` is on (the primary screen without it), and centre it there."""
    screen = near.screen() if near is not None else QGuiApplication.primaryScreen()
    if screen is None:
        window.resize(width, height)
        return
    room = screen.availableGeometry()
    size_w = min(width, room.width() - FRAME_WIDTH)
    size_h = min(height, room.height() - FRAME_HEIGHT)
    window.resize(size_w, size_h)
    window.move(
        room.x() + (room.width() - size_w) // 2, room.y() + max(0, (room.height() - size_h - FRAME_HEIGHT) // 2)
    )
