"""Killed mid-write (SIGKILL): the file opens, passes integrity_check and holds all of
the write or none of it. A few short kills for CI; tests/benchmarks/kill_test.py runs
the long loop."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.benchmarks.kill_test import Sizes, prepare_database, run_once

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the kill test drives POSIX processes")

SMALL = Sizes(rows=400, citizens=40)


@pytest.fixture(scope="module")
def caseload(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("kill")
    return prepare_database(work, seed_citizens=20), work


@pytest.mark.parametrize(
    ("kind", "delay", "run"),
    [
        ("import", 0.12, 1),
        ("save", 0.08, 2),
        ("backup", 0.03, 3),
        ("restore", 0.05, 4),
        ("restore", 0.15, 5),
        ("rekey", 0.02, 6),
        ("rekey", 0.06, 7),
    ],
)
def test_killed_write_leaves_all_or_nothing(caseload: tuple[Path, Path], kind: str, delay: float, run: int) -> None:
    db_path, work = caseload
    result, _ = run_once(kind, db_path, work, run=run, delay=delay, sizes=SMALL)
    assert result.opened and result.intact
    assert result.outcome in ("alt", "intet"), result
    assert not result.data_lost
