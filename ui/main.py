"""The `jobraad` console script: the command line, with the desktop program as its
default command. Qt is imported only when the window is actually started."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from jobraad import cli


def _start_gui(db_path: Path | None, demo: bool) -> int:
    from ui.app import run_app

    return run_app(db_path=db_path, demo=demo)


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, start_gui=_start_gui)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
