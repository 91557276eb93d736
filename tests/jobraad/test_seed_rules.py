"""The seeds' rules as data: seed 001's groups (goals, deadlines, cases not forelagt the team)
and seed 000's 2024 target group, each entry with its source and status, read strictly."""

from __future__ import annotations

import ast
import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from db.enums import Aim, VisitationGroup
from jobraad import goals, seed_rules, visitation
from jobraad.resources import resource
from jobraad.rule_files import RuleFileError
from jobraad.seed_rules import (
    GROUPS_FILE,
    TARGET_GROUP_FILE,
    groups_data,
    parse_groups,
    parse_target_groups,
    target_group_2024,
)

SEED_001 = "Seed 001"
SEED_001_DATE = dt.date(2016, 2, 17)


def _text(name: str) -> str:
    return resource("rules", name).read_text(encoding="utf-8")


def _entries(data: Any) -> list[dict[str, Any]]:
    """Every [[array]] entry of a TOML document, however deep."""
    found: list[dict[str, Any]] = []
    if isinstance(data, dict):
        for value in data.values():
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                found.extend(value)
            found.extend(_entries(value))
    elif isinstance(data, list):
        for value in data:
            found.extend(_entries(value))
    return found


@pytest.mark.parametrize("name", [GROUPS_FILE, TARGET_GROUP_FILE])
def test_every_entry_has_a_source_and_a_status(name: str) -> None:
    entries = _entries(tomllib.loads(_text(name)))
    assert entries
    for entry in entries:
        assert isinstance(entry.get("source"), str) and entry["source"].strip(), entry
        assert entry.get("status") in ("bekræftet", "foreløbig"), entry


def test_the_groups_are_dated_from_seed_001_and_quote_its_sections() -> None:
    data = groups_data()
    for group, rules in data.groups.items():
        assert rules.valid_from == SEED_001_DATE, group
        assert rules.source.startswith(SEED_001), group
        for rule in rules.deadlines:
            assert rule.source.startswith(SEED_001) and "»" in rule.source, (group, rule.key)
    g3 = data.groups[VisitationGroup.GRUPPE_3]
    assert "»Gruppe 3: Borgere, der skal afklares til en af de særlige ordninger" in g3.source
    [deadline] = g3.deadlines
    seed = "inden for 23 uger har fået forelagt og behandlet deres sag på rehabiliteringsteam og modtaget en afgørelse"
    assert seed in deadline.quote


def test_the_gruppe_3_exceptions_are_data_with_their_paragraphs() -> None:
    by_key = {w.key: w for w in groups_data().without_team}
    assert by_key["revalidering"].aim is Aim.REVALIDERING
    assert "BEK nr. 2408 af 13/12/2021 § 1, stk. 4" in by_key["revalidering"].source
    assert "Sager om revalidering skal ikke forelægges rehabiliteringsteamet" in by_key["revalidering"].source
    assert by_key["oplagt_foertidspension"].citizen_flag is seed_rules.CitizenFlag.PENSION_WITHOUT_TEAM
    assert "§ 18, stk. 2" in by_key["oplagt_foertidspension"].source


def test_the_2024_target_group_is_seed_000s_criteria() -> None:
    target = target_group_2024()
    assert (target.age_min, target.age_max, target.support_years_min, target.support_years_window) == (55, 64, 8, 10)
    assert "afsnit »Målgruppen«" in target.source and "Ledighed de seneste 8 ud af 10 år" in target.source
    assert goals.POPULATION_LABELS[goals.Population.TARGET_GROUP_2024] == (
        "målgruppen 2024 (55–64 år, forsørget 8 af de seneste 10 år)"
    )


@pytest.mark.parametrize("module", [visitation, goals])
def test_no_week_or_age_numbers_are_left_in_the_code(module: Any) -> None:
    """The weeks of seed 001 and the ages and years of seed 000 are data: no such literal
    in the code (docstrings and comments aside)."""
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    numbers = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and type(n.value) is int}
    assert not numbers & {13, 23, 26, 52, 55, 64}, numbers
    strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assert not [s for s in strings if re.search(r"\b(13|23|26|52)[- ]uge", s)]


# --- strict reading ---------------------------------------------------------------------------


def _refused(text: str) -> RuleFileError:
    with pytest.raises(RuleFileError) as caught:
        parse_groups(text)
    return caught.value


def test_an_unknown_key_refuses_the_file_naming_it() -> None:
    text = _text(GROUPS_FILE).replace("weeks = 23\n", "weeks = 23\nuger = 23\n")
    error = _refused(text)
    assert str(error).startswith(
        f"Regelfilen {GROUPS_FILE}, [[groups]] «gruppe_3», [[groups.deadlines]] nr. 1: ukendt nøgle «uger»"
    )


def test_a_missing_source_or_status_refuses_the_file() -> None:
    text = _text(GROUPS_FILE)
    first_source = re.search(
        r'^source = "Seed 001, afsnit »Udmøntning af aftalens mål for gruppe 1«: »Et CV«"\n', text, re.M
    )
    assert first_source is not None
    error = _refused(text.replace(first_source.group(0), "", 1))
    assert "[[groups]] «gruppe_1», [[groups.goals]] nr. 1: «source» mangler." in str(error)
    error = _refused(text.replace('status = "bekræftet"', 'status = "måske"', 1))
    assert "ukendt værdi «måske» for «status»; tilladt: bekræftet, foreløbig" in str(error)


def test_a_wrong_type_or_an_unknown_goal_refuses_the_file() -> None:
    text = _text(GROUPS_FILE)
    assert "«weeks» skal være et heltal" in str(_refused(text.replace("weeks = 23", 'weeks = "23"')))
    error = _refused(text.replace('closed_by_without_team = ["rehab_afgjort"]', 'closed_by_without_team = ["afgjort"]'))
    assert "«afgjort» i «closed_by_without_team» er ikke et mål i gruppen" in str(error)
    assert "«valid_from» skal være en dato" in str(
        _refused(text.replace("valid_from = 2016-02-17", 'valid_from = "2016"', 1))
    )
    error = _refused(
        text.replace('aim = "revalidering"', 'aim = "revalidering"\ncitizen_flag = "pension_without_team"')
    )
    assert "præcis én af dem" in str(error)


def test_a_bad_target_group_file_is_refused() -> None:
    text = _text(TARGET_GROUP_FILE)
    with pytest.raises(RuleFileError, match="«age_max» er mindre end «age_min»"):
        parse_target_groups(text.replace("age_max = 64", "age_max = 50"))
    with pytest.raises(RuleFileError, match="ukendt nøgle «alder»"):
        parse_target_groups(text.replace("age_min = 55", "age_min = 55\nalder = 60"))


def test_a_group_outside_its_period_has_no_deadlines() -> None:
    # Seed 001 is dated 17-02-2016: a forløb started before it has none of its deadlines.
    assert visitation.group_deadlines(VisitationGroup.GRUPPE_1, dt.date(2016, 2, 16), {}) == []
    assert len(visitation.group_deadlines(VisitationGroup.GRUPPE_1, SEED_001_DATE, {})) == 2
