"""Start the demo caseload in a program of its own, next to the open one: the empty Overblik's
"Prøv demoen" (the demo's throwaway file never mixes with the caseworker's own)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QProcess
from PySide6.QtWidgets import QMessageBox, QWidget


def demo_command() -> tuple[str, list[str]]:
    """The program and arguments that start jobraad on the demo (frozen build or Python)."""
    if getattr(sys, "frozen", False):
        return sys.executable, ["--demo"]
    return sys.executable, ["-m", "ui.main", "--demo"]


def start_demo(parent: QWidget | None = None) -> bool:
    """Start the demo beside this window; says so in Danish when it cannot be started."""
    program, arguments = demo_command()
    started, _pid = QProcess.startDetached(program, arguments)
    if not started:
        QMessageBox.warning(parent, "Demo", "Demoen kunne ikke startes. Prøv at starte jobraad med --demo.")
    return bool(started)
