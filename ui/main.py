"""The `jobraad` console script: the command line, with the desktop program as its
default command. Qt is imported only when the window is actually started."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from jobraad import cli

NO_DISPLAY = (
    "jobraad: der er ingen skærm at vise vinduet på (hverken DISPLAY eller WAYLAND_DISPLAY er sat). "
    "Start jobraad fra skrivebordet, eller brug kommandolinjen: ./run --help"
)


def _no_display() -> bool:
    """Linux with no X11 or Wayland display and no Qt platform chosen: Qt would abort in English."""
    env = os.environ
    return (
        sys.platform.startswith("linux")
        and not env.get("DISPLAY")
        and not env.get("WAYLAND_DISPLAY")
        and not env.get("QT_QPA_PLATFORM")
    )


def _start_gui(db_path: Path | None, demo: bool) -> int:
    if _no_display():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    from ui.app import run_app

    return run_app(db_path=db_path, demo=demo)


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, start_gui=_start_gui)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
