"""The whole-caseload reads (jobraad.caseload, overview, documentation.readiness_by_citizen)
asked about some citizens give those citizens' part of the whole."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Citizen
from db.session import Database, create_database
from jobraad import documentation
from jobraad.caseload import caseload_rows, due_items, load_caseload
from jobraad.demo import generate_demo
from jobraad.overview import load_overview

TODAY = dt.date(2025, 3, 12)


# --- bulk against per citizen, on a demo caseload -----------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = create_database(Path(tmp_path_factory.mktemp("bulk")) / "demo.jobraad", "bulk-test")
    generate_demo(database, citizens=60, seed=3, today=TODAY)
    yield database
    database.close()


@pytest.mark.parametrize("today", [TODAY, TODAY - dt.timedelta(days=60), TODAY + dt.timedelta(days=45)])
def test_readiness_of_each_citizen_is_theirs_of_the_whole(demo: Database, today: dt.date) -> None:
    with demo.reading() as session:
        whole = documentation.readiness_by_citizen(session, today)
        ids = list(session.scalars(select(Citizen.id)))
        assert sorted(whole) == sorted(ids)
        for citizen_id in ids[::7]:
            assert documentation.readiness_by_citizen(session, today, [citizen_id]) == {citizen_id: whole[citizen_id]}
    assert all(documentation.load_checklist(demo, cid, today).readiness == whole[cid] for cid in ids[::7])


def test_caseload_of_some_citizens_is_their_rows_of_the_whole(demo: Database) -> None:
    rows = load_caseload(demo, TODAY)
    some = [r.citizen_id for r in rows][::3]
    with demo.reading() as session:
        part = {r.citizen_id: r for r in caseload_rows(session, TODAY, some)}
        assert part == {r.citizen_id: r for r in rows if r.citizen_id in set(some)}
        everyone = due_items(session, TODAY)
        for citizen_id in some:
            assert due_items(session, TODAY, [citizen_id]).get(citizen_id, ()) == everyone.get(citizen_id, ())


def test_overview_from_given_rows_is_the_overview_read_itself(demo: Database) -> None:
    rows = load_caseload(demo, TODAY)
    assert load_overview(demo, TODAY, rows) == load_overview(demo, TODAY)
