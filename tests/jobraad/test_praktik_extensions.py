"""Virksomhedspraktik under LAB § 61 as data: the rules file itself (sources, statuses, periods that
do not overlap, strict reading), each extension a recorded step with its reason, every refusal with
its Danish message and nothing saved, and the warning for a praktik past its allowed length."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import pytest
from sqlalchemy import select

from db.enums import PlacementKind
from db.models import Placement, PlacementExtension
from db.session import Database
from jobraad import audit, placements
from jobraad.documentation import STATEMENT_PLACEMENTS
from jobraad.praktik_rules import FILE_NAME, load_rules, parse_rules
from jobraad.resources import resource
from jobraad.rule_files import RuleFileError
from tests.helpers import audit_log, fields, new_audit, refused
from tests.jobraad.placing import D, K, new_citizen, praktik

START = D(2026, 3, 2)  # a Monday
AT_13 = START + dt.timedelta(weeks=13)  # 01-06-2026
AT_26 = START + dt.timedelta(weeks=26)  # 31-08-2026
AT_39 = START + dt.timedelta(weeks=39)  # 30-11-2026
TODAY = D(2026, 12, 4)


@pytest.fixture
def placement(database: Database) -> int:
    citizen = new_citizen(database)
    return placements.add_placement(database, citizen, praktik(start_date=START, planned_end=AT_13))


def _extensions(database: Database, placement_id: int) -> list[tuple[Any, ...]]:
    with database.reading() as session:
        rows = session.scalars(select(PlacementExtension).where(PlacementExtension.placement_id == placement_id))
        return [(e.decided_on, e.extended_to, e.step, e.reason) for e in rows]


def _planned_end(database: Database, placement_id: int) -> dt.date | None:
    with database.reading() as session:
        row = session.get(Placement, placement_id)
        assert row is not None
        return row.planned_end


def _extend(database: Database, placement_id: int, **changes: Any) -> placements.ExtensionView:
    values: dict[str, Any] = {"decided_on": D(2026, 5, 20), "extended_to": AT_26, "reason": "Afklaring af timetal"}
    values.update(changes)
    return placements.extend_placement(database, placement_id, today=TODAY, **values)


# --- the data ------------------------------------------------------------------------------------------


def _entries(node: Any) -> Iterator[dict[str, Any]]:
    """Every entry of every [[array]] in the file, nested ones too."""
    if isinstance(node, dict):
        for value in node.values():
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                for entry in value:
                    yield entry
                    yield from _entries(entry)
            elif isinstance(value, dict):
                yield from _entries(value)


def test_every_entry_of_the_praktik_rules_has_a_source_and_a_status() -> None:
    raw = tomllib.loads(resource("rules", FILE_NAME).read_text(encoding="utf-8"))
    entries = list(_entries(raw))

    assert len(entries) >= 3 + 6 + 4 + 4  # periods, their steps, the § 61 kinds, the statement kinds
    for entry in entries:
        assert isinstance(entry.get("source"), str) and entry["source"].strip(), entry
        assert entry.get("status") in ("bekræftet", "foreløbig"), entry


def test_the_periods_do_not_overlap_and_from_2027_the_rules_are_provisional() -> None:
    periods = load_rules().periods

    for before, after in pairwise(periods):
        assert before.valid_to is not None and before.valid_to < after.valid_from
    assert load_rules().period_on(D(2027, 1, 1)).provisional
    assert all(s.provisional for s in load_rules().period_on(D(2027, 1, 1)).steps)
    first = load_rules().period_on(D(2026, 3, 2))
    assert (first.base_weeks, first.provisional, [(s.id, s.to_weeks, s.weeks_per_step) for s in first.steps]) == (
        13,
        False,
        [("konkret_vurdering", 26, None), ("saerligt_behov", None, 13)],
    )


def test_the_employer_statement_kinds_come_from_the_rules() -> None:
    assert tuple(load_rules().statement_kinds) == STATEMENT_PLACEMENTS
    assert set(STATEMENT_PLACEMENTS) == {K.VIRKSOMHEDSPRAKTIK, K.LOENTILSKUD, K.INTERN_PRAKTIK, K.GRUPPEPRAKTIK}
    assert set(load_rules().section61_kinds) == {
        K.VIRKSOMHEDSPRAKTIK,
        K.SNUSEPRAKTIK,
        K.INTERN_PRAKTIK,
        K.GRUPPEPRAKTIK,
    }


GOOD = resource("rules", FILE_NAME).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("base_weeks = 13\n", "base_weeks = 13\nweeks = 4\n", "[[periods]] nr. 1: ukendt nøgle «weeks»;"),
        ("base_weeks = 13\n", "", "[[periods]] nr. 1: «base_weeks» mangler."),
        ("base_weeks = 13\n", 'base_weeks = "13"\n', ": «base_weeks» skal være et heltal, ikke en tekst."),
        ("valid_to = 2026-06-30", "valid_to = 2026-07-15", "[[periods]] «lov1750_2026»: perioden begynder 01-07-2026"),
        (
            'status = "bekræftet"',
            'status = "sikker"',
            "ukendt værdi «sikker» for «status»; tilladt: bekræftet, foreløbig",
        ),
        ('kind = "gruppepraktik"', 'kind = "praktik"', "ukendt værdi «praktik» for «kind»"),
        ('source = "LAB kapitel 11', 'source = "  "\nx = "', "[[section61_kinds]] nr. 1: ukendt nøgle «x»;"),
    ],
)
def test_a_wrong_rules_file_is_refused_naming_the_file_and_entry(old: str, new: str, message: str) -> None:
    assert old in GOOD
    with pytest.raises(RuleFileError) as info:
        parse_rules(GOOD.replace(old, new, 1), "praktik.toml")

    assert info.value.message.startswith("Regelfilen praktik.toml, ")
    assert message in info.value.message


def test_an_empty_source_is_refused() -> None:
    text = GOOD.replace(
        'source = "LAB kapitel 11 (virksomhedspraktik), § 61 (LBK nr. 280 af 01/03/2024)"', 'source = ""'
    )

    with pytest.raises(RuleFileError) as info:
        parse_rules(text, "praktik.toml")
    assert info.value.message.endswith("praktik.toml, [[section61_kinds]] nr. 1: «source» må ikke være tom.")


# --- extensions that the rules allow ---------------------------------------------------------------------


def test_a_konkret_vurdering_extends_13_to_26_weeks(database: Database, placement: int) -> None:
    before = len(audit_log(database))

    view = _extend(database, placement)

    assert (view.step, view.step_label, view.paragraph) == (
        "konkret_vurdering",
        "konkret vurdering",
        "LAB § 61, stk. 2, 1. pkt.",
    )
    assert _extensions(database, placement) == [(D(2026, 5, 20), AT_26, "konkret_vurdering", "Afklaring af timetal")]
    assert _planned_end(database, placement) == AT_26
    [p] = placements.list_placements(database, new_citizen_id(database, placement))
    assert p.length_text == "26 uger – 13 uger + forlænget til 26 uger (konkret vurdering, 20-05-2026)"
    assert p.length_warning is None
    citizen = new_citizen_id(database, placement)
    assert new_audit(database, before) == [(audit.Action.CHANGE, citizen, "praktik forlænget")]


def test_a_helt_saerligt_behov_extends_26_to_39_weeks(database: Database, placement: int) -> None:
    _extend(database, placement, decided_on=D(2026, 5, 20), extended_to=AT_26)
    preview = placements.extension_preview(database, placement, D(2026, 8, 10))

    view = _extend(database, placement, decided_on=D(2026, 8, 10), extended_to=AT_39, reason="Særligt behov: afklaring")

    assert (preview.step, preview.current_end, preview.latest_end, preview.earliest_decision) == (
        "saerligt_behov",
        AT_26,
        AT_39,
        AT_26 - dt.timedelta(weeks=4),
    )
    assert (view.step, view.paragraph) == ("saerligt_behov", "LAB § 61, stk. 2, 2. pkt.")
    assert [row[2] for row in _extensions(database, placement)] == ["konkret_vurdering", "saerligt_behov"]
    assert _planned_end(database, placement) == AT_39
    [p] = placements.list_placements(database, new_citizen_id(database, placement))
    # Decided 10-08-2026: the period from 1 July 2026 (lov nr. 1750) is not confirmed, so foreløbig.
    assert p.length_text == (
        "39 uger – 13 uger + forlænget til 26 uger (konkret vurdering, 20-05-2026) "
        "+ forlænget til 39 uger (helt særligt behov, 10-08-2026, foreløbig)"
    )


def new_citizen_id(database: Database, placement_id: int) -> int:
    with database.reading() as session:
        row = session.get(Placement, placement_id)
        assert row is not None
        return row.citizen_id


# --- refusals: nothing saved, Danish message, the field named ----------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reason": "  "}, "begrundelse", "Skriv begrundelsen for forlængelsen (den konkrete vurdering)."),
        (
            {"extended_to": AT_13},
            "ny slutdato",
            "Den nye slutdato skal ligge efter den nuværende (01-06-2026). En kortere praktik rettes i placeringen.",
        ),
        (
            {"extended_to": AT_26 + dt.timedelta(days=1)},
            "ny slutdato",
            "Efter en konkret vurdering kan praktikken højst forlænges til 26 uger i alt (til 31-08-2026), "
            "LAB § 61, stk. 2, 1. pkt. Forlæng først til 31-08-2026; derefter kan den forlænges med op til "
            "13 uger ad gangen ved et helt særligt behov.",
        ),
        ({"decided_on": D(2026, 3, 1)}, "besluttet", "Beslutningen ligger før praktikkens start (02-03-2026)."),
        ({"decided_on": D(2026, 12, 5)}, "besluttet", "Beslutningsdatoen ligger efter i dag."),
    ],
)
def test_a_wrong_first_extension_is_refused(
    database: Database, placement: int, changes: dict[str, Any], field: str, message: str
) -> None:
    err = refused(database, lambda: _extend(database, placement, **changes))

    assert fields(err) == [field]
    assert err.for_field(field) == message
    assert str(err).startswith("Forlængelsen er ikke gemt:")
    assert _planned_end(database, placement) == AT_13


def test_a_saerligt_behov_step_of_more_than_13_weeks_is_refused(database: Database, placement: int) -> None:
    _extend(database, placement)

    err = refused(
        database,
        lambda: _extend(database, placement, decided_on=D(2026, 8, 10), extended_to=AT_39 + dt.timedelta(days=1)),
    )

    assert err.for_field("ny slutdato") == (
        "Ved et helt særligt behov kan praktikken forlænges med højst 13 uger ad gangen (til 30-11-2026), "
        "LAB § 61, stk. 2, 2. pkt. (foreløbig)."
    )
    assert _planned_end(database, placement) == AT_26


def test_a_saerligt_behov_step_long_before_the_26_weeks_are_used_is_refused(database: Database, placement: int) -> None:
    _extend(database, placement)

    err = refused(database, lambda: _extend(database, placement, decided_on=D(2026, 6, 15), extended_to=AT_39))

    assert fields(err) == ["besluttet"]
    assert err.for_field("besluttet") == (
        "En forlængelse ved et helt særligt behov besluttes hen mod udgangen af perioden: tidligst 03-08-2026, "
        "4 uger før den nuværende slutdato 31-08-2026 (foreløbig: jobraads læsning af «hen mod udgangen»), "
        "LAB § 61, stk. 2, 2. pkt."
    )


def test_a_loentilskud_is_not_extended_under_section_61(database: Database) -> None:
    citizen = new_citizen(database)
    pid = placements.add_placement(database, citizen, praktik(kind=K.LOENTILSKUD, start_date=START, planned_end=AT_13))

    err = refused(database, lambda: _extend(database, pid))

    assert fields(err) == ["type"]
    assert "forlænges ikke efter LAB § 61" in (err.for_field("type") or "")


# --- the warning ---------------------------------------------------------------------------------------------


def test_a_praktik_past_its_allowed_length_without_an_extension_is_warned_of(database: Database) -> None:
    citizen = new_citizen(database)
    pid = placements.add_placement(
        database,
        citizen,
        praktik(start_date=START, planned_end=AT_13, end_date=D(2026, 7, 17), extension_reason="Behov for afklaring"),
    )

    [p] = placements.list_placements(database, citizen)
    assert p.length_warning == (
        "Praktikken varede 20 uger, men må efter LAB § 61, stk. 1, nr. 2 kun vare 13 uger (til 01-06-2026). "
        "Forlængelsen er ikke registreret: brug «Forlæng praktik…». Tidligere begrundelse: Behov for afklaring"
    )

    _extend(database, pid, extended_to=D(2026, 7, 17))
    [p] = placements.list_placements(database, citizen)
    assert p.length_warning is None
    assert p.length_text == "20 uger – 13 uger + forlænget til 20 uger (konkret vurdering, 20-05-2026)"


def test_an_older_placement_planned_past_13_weeks_can_still_be_edited(database: Database) -> None:
    """Placements stored before extensions were recorded keep their plan when edited otherwise."""
    citizen = new_citizen(database)
    pid = placements.add_placement(database, citizen, praktik(start_date=START, planned_end=AT_13))
    with database.transaction() as session:
        row = session.get(Placement, pid)
        assert row is not None
        row.planned_end, row.extension_reason = D(2026, 7, 17), "Forlænget efter 3-partssamtale"

    placements.update_placement(
        database,
        pid,
        praktik(
            start_date=START,
            planned_end=D(2026, 7, 17),
            extension_reason="Forlænget efter 3-partssamtale",
            result="Godt",
        ),
    )

    [p] = placements.list_placements(database, citizen)
    assert (p.result, p.planned_end) == ("Godt", D(2026, 7, 17))
    assert p.length_warning is not None and "Tidligere begrundelse: Forlænget efter 3-partssamtale" in p.length_warning


def test_after_an_extension_the_form_may_plan_up_to_the_new_end(database: Database, placement: int) -> None:
    _extend(database, placement)

    placements.update_placement(
        database, placement, praktik(start_date=START, planned_end=AT_26 - dt.timedelta(days=3))
    )
    err = refused(
        database,
        lambda: placements.update_placement(
            database, placement, praktik(start_date=START, planned_end=AT_26 + dt.timedelta(days=1))
        ),
    )

    assert fields(err) == ["planlagt slut"]
    assert PlacementKind.VIRKSOMHEDSPRAKTIK in load_rules().section61_kinds
