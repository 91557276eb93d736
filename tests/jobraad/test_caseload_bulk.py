"""The shortcuts the whole-caseload reads take (jobraad.caseload, overview,
documentation.readiness_by_citizen, placements.signals_by_citizen): each gives
what the plain, per-citizen path gives."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select
from stdnum.dk import cpr as stdnum_cpr
from stdnum.exceptions import InvalidComponent

from db.models import Citizen
from db.session import Database, create_database
from jobraad import cpr, documentation
from jobraad.caseload import caseload_rows, due_items, gc_paused, load_caseload
from jobraad.demo import generate_demo
from jobraad.overview import load_overview

TODAY = dt.date(2025, 3, 12)


# --- CPR birth dates without python-stdnum's cleaning -------------------------------------------


def _stdnum_birth_date(digits: str) -> dt.date | None:
    try:
        born: dt.date = stdnum_cpr.get_birth_date(digits)
    except InvalidComponent:
        return None
    return born


def _birth_date(digits: str) -> dt.date | None:
    try:
        return cpr.birth_date(digits)
    except InvalidComponent:
        return None


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
@example("0101000000")  # 1900
@example("0101004000")  # 7th digit 4, year < 37: 2000
@example("0101374000")  # 7th digit 4, year >= 37: 1937
@example("0101575000")  # 7th digit 5, year < 58: 2057
@example("0101585000")  # 7th digit 5, year >= 58: 1858
@example("2902004000")  # 29 February 2000
@example("2902001000")  # 29 February 1900: no such day
@example("3204621234")  # no 32nd
@example("0013621234")  # no 13th month
@example("0000000000")
def test_birth_date_of_ten_digits_is_python_stdnums(digits: str) -> None:
    assert _birth_date(digits) == _stdnum_birth_date(digits)


@given(st.text(alphabet="0123456789 -", max_size=14))
@example("010162-1233")
@example(" 0101621233 ")
def test_birth_date_of_other_text_is_python_stdnums(text: str) -> None:
    try:
        expected: object = stdnum_cpr.get_birth_date(text)
    except Exception as exc:  # what python-stdnum raises, raised the same
        expected = type(exc)
    try:
        got: object = cpr.birth_date(text)
    except Exception as exc:
        got = type(exc)
    assert got == expected


# --- the garbage collector is held back only while the caseload is read -------------------------


def test_gc_paused_switches_the_collector_back_on() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("read failed")
    assert gc.isenabled()


def test_gc_paused_leaves_a_switched_off_collector_off() -> None:
    gc.disable()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
        with gc_paused(), gc_paused():  # nested, as overlapping reads
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


# --- bulk against per citizen, on a demo caseload -----------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = create_database(Path(tmp_path_factory.mktemp("bulk")) / "demo.jobraad", "bulk-test")
    generate_demo(database, citizens=60, seed=3, today=TODAY)
    yield database
    database.close()


@pytest.mark.parametrize("today", [TODAY, TODAY - dt.timedelta(days=60), TODAY + dt.timedelta(days=45)])
def test_bulk_readiness_is_each_checklists_readiness(demo: Database, today: dt.date) -> None:
    with demo.reading() as session:
        bulk = documentation.readiness_by_citizen(session, today)
        ids = list(session.scalars(select(Citizen.id)))
    assert sorted(bulk) == sorted(ids)
    for citizen_id in ids:
        assert bulk[citizen_id] == documentation.load_checklist(demo, citizen_id, today).readiness(today), citizen_id


def test_caseload_of_some_citizens_is_their_rows_of_the_whole(demo: Database) -> None:
    rows = load_caseload(demo, TODAY)
    some = [r.citizen_id for r in rows][::3]
    with demo.reading() as session:
        part = {r.citizen_id: r for r in caseload_rows(session, TODAY, some)}
        assert part == {r.citizen_id: r for r in rows if r.citizen_id in set(some)}
        everyone = due_items(session, TODAY)
        for citizen_id in some:
            assert due_items(session, TODAY, [citizen_id]).get(citizen_id, []) == everyone.get(citizen_id, [])
    assert gc.isenabled()


def test_overview_from_given_rows_is_the_overview_read_itself(demo: Database) -> None:
    rows = load_caseload(demo, TODAY)
    assert load_overview(demo, TODAY, rows) == load_overview(demo, TODAY)
    assert gc.isenabled()
