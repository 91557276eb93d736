"""Fixtures of the team summary tests: a demo caseload, a mixed one, and the command line's passphrase."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.enums import Outcome, PlacementKind
from db.session import Database, create_database
from jobraad.cli import PASSPHRASE_ENV
from jobraad.demo import generate_demo
from tests.conftest import PASSPHRASE
from tests.jobraad.team.caseloads import G2, Person, add, full_year


@pytest.fixture
def demo_db(tmp_path: Path) -> Iterator[Database]:
    database = create_database(tmp_path / "demo.jobraad", PASSPHRASE)
    generate_demo(database, citizens=40, seed=3)
    yield database
    database.close()


@pytest.fixture
def mixed_db(database: Database) -> Database:
    praktik = [(PlacementKind.VIRKSOMHEDSPRAKTIK, dt.date(2025, 2, 1), None)]
    add(
        database,
        *[Person(placements=praktik) for _ in range(30)],
        *[Person(closings=[(Outcome.FLEKSJOB, dt.date(2025, 5, 1), None)]) for _ in range(6)],
        *[Person(forloeb=full_year(G2)) for _ in range(3)],
    )
    return database


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
