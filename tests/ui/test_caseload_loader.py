"""Reads of the caseload behind the window after saves: one more read follows a running read
only when a save came after that read began (the Overblik's busy bar then goes off at once)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pytestqt.qtbot import QtBot

from db.session import Database
from jobraad.citizens import CitizenInput, create_citizen
from tests.ui.conftest import HeldReads
from ui.caseload_loader import CaseloadLoader

TODAY = dt.date(2026, 12, 4)


def test_saves_before_the_read_began_are_in_it_and_need_no_second_read(
    qtbot: QtBot, database: Database, held_reads: HeldReads
) -> None:
    loader = CaseloadLoader(database, TODAY)
    shown: list[int] = []
    loader.loaded.connect(lambda rows, _overview, _keep: shown.append(len(rows)))
    for i in range(3):  # three saves in quick succession; the first one's read has not begun yet
        create_citizen(database, CitizenInput("Ib", f"Ek{i}", f"0{i + 1}0162-1233"))
        loader.read_in_background(quiet=True)
    assert len(held_reads.started) == 1  # one read at a time
    held_reads.run(0)  # it begins now, after all three saves
    assert shown == [3]
    assert len(held_reads.started) == 1  # no second read: the first had all three


def test_a_save_after_the_read_began_is_read_again(qtbot: QtBot, database: Database, held_reads: HeldReads) -> None:
    loader = CaseloadLoader(database, TODAY)
    shown: list[int] = []
    loader.loaded.connect(lambda rows, _overview, _keep: shown.append(len(rows)))
    create_citizen(database, CitizenInput("Ib", "Ek", "010162-1233"))
    loader.read_in_background(quiet=True)
    fn, on_done = held_reads.started[0]

    def read_then_a_save_meanwhile(progress: Any) -> Any:
        result = fn(progress)  # the read has begun (and here ended) before the next save
        create_citizen(database, CitizenInput("Åse", "Øberg", "020262-1234"))
        loader.read_in_background(quiet=True)
        return result

    on_done(read_then_a_save_meanwhile(lambda _done, _total: None))
    assert shown == [1]
    assert len(held_reads.started) == 2  # one more read, which has the second citizen
    held_reads.run(1)
    assert shown == [1, 2]
