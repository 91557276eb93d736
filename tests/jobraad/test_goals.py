"""Goals as data: the shipped seed-000 goals, the user's own goals file in the database,
and every refusal of a bad file with its line."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from db.enums import ActivityKind, Outcome, PlacementKind, VisitationGroup
from db.session import Database
from jobraad import goals as goals_module
from jobraad.errors import UserFacingError
from jobraad.goals import (
    GoalsError,
    Population,
    RuleKind,
    Window,
    default_goals,
    default_goals_text,
    goals_text,
    load_goals,
    parse_goals,
    reset_goals,
    save_goals,
    uses_default_goals,
)
from jobraad.visitation import GROUP_DEADLINES

ROOT = Path(__file__).resolve().parents[2]

# A small valid goals file; the line numbers in the refusal tests refer to it.
VALID = """\
format = 1

[indsats]
id = "test_indsats"
name = "Testindsats"
description = \"\"\"En beskrivelse med en falsk
[[goals]]
overskrift inde i teksten.\"\"\"
period_from = 2025-01-01
period_to = 2025-12-31

[[helaarspladser]]
year = 2025
target = 10

[[goals]]
id = "placering"
label = "I placering"
rule = "had_activity"
target_percent = 50
placements = ["virksomhedspraktik"]

[[goals]]
id = "afgang"
label = "Afgang til job"
rule = "exited_to"
outcomes = ["ordinaert_job"]

[[goals]]
id = "g3"
label = "Gruppe 3 afgjort"
rule = "gruppe3_decided_within_weeks"
deadline = "23_uger"
"""


def test_the_shipped_goals_are_seed_000() -> None:
    goals = default_goals()
    assert goals.name == "Integrationshandleplan 2024–26, CBA"
    assert (goals.period_from, goals.period_to) == (dt.date(2024, 1, 1), dt.date(2026, 12, 31))
    assert goals.population is Population.ALL
    assert [(t.year, t.target) for t in goals.helaarspladser] == [(2024, 125)]
    first, second, third = goals.goals
    assert first.rule is RuleKind.HAD_ACTIVITY and first.target == pytest.approx(0.80)
    assert PlacementKind.VIRKSOMHEDSPRAKTIK in first.placements and PlacementKind.LOENTILSKUD in first.placements
    assert PlacementKind.SMAAJOB not in first.placements  # going straight to a job is goal 2 (seed 003)
    assert {
        ActivityKind.JOBDANSK,
        ActivityKind.FVU,
        ActivityKind.AMU,
        ActivityKind.FORBEREDENDE_PLAN,
    } <= first.activities
    assert second.rule is RuleKind.EXITED_TO and second.target == pytest.approx(0.60)
    assert second.outcomes == {Outcome.SMAAJOB, Outcome.ORDINAERT_JOB, Outcome.FLEKSJOB, Outcome.FOERTIDSPENSION}
    assert third.rule is RuleKind.GRUPPE3_DECIDED_WITHIN_WEEKS and third.target is None
    # The weeks are the seed 001 deadline's, named by its key: the goals file has none of its own.
    assert third.deadline == "23_uger" and not re.search(r"^weeks\s*=", goals.text, re.M)
    [rule] = GROUP_DEADLINES[VisitationGroup.GRUPPE_3]
    assert (rule.key, third.weeks) == (third.deadline, rule.weeks)


def test_no_goal_is_a_literal_in_the_code() -> None:
    """The seed's figures live in the TOML file, not in the modules that count."""
    modules = [ROOT / "jobraad/goals.py", *sorted((ROOT / "jobraad/team").glob("*.py"))]
    assert len(modules) > 10  # the team package is there to be searched
    for module in modules:
        source = module.read_text(encoding="utf-8")
        code = re.sub(r'"""(?:.|\n)*?"""', "", source)  # docstrings may explain
        # 80 and 60 as plain numbers are too common (column widths, age bands) to look for.
        for figure in ("125", "0.8", "0.80", "0.6", "0.60", "23", "80.0", "60.0"):
            assert not re.search(rf"(?<![\w.]){re.escape(figure)}(?![\w.])", code), (module, figure)
        for kind in ("virksomhedspraktik", "forberedende_plan", "foertidspension", "smaajob"):
            assert kind not in code.lower(), (module, kind)


def test_helaarspladser_target_is_prorated_and_missing_years_give_none() -> None:
    goals = default_goals()
    assert goals.helaarspladser_target(dt.date(2024, 1, 1), dt.date(2024, 12, 31)) == pytest.approx(125)
    half = goals.helaarspladser_target(dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    assert half == pytest.approx(125 * 182 / 366)
    assert goals.helaarspladser_target(dt.date(2025, 1, 1), dt.date(2025, 12, 31)) is None  # "et højere niveau"
    assert goals.helaarspladser_target(dt.date(2024, 7, 1), dt.date(2025, 6, 30)) is None


def test_user_goals_override_the_shipped_ones_and_reset_returns(database: Database) -> None:
    assert uses_default_goals(database)
    assert load_goals(database) == default_goals()
    assert goals_text(database) == default_goals_text()
    saved = save_goals(database, VALID)
    assert saved.id == "test_indsats"
    assert not uses_default_goals(database)
    loaded = load_goals(database)
    assert loaded.id == "test_indsats" and [g.id for g in loaded.goals] == ["placering", "afgang", "g3"]
    assert goals_text(database) == VALID
    reset_goals(database)
    assert load_goals(database) == default_goals()


def test_hash_follows_what_is_counted_not_the_wording() -> None:
    base = parse_goals(VALID, "a.toml")
    relabelled = parse_goals(
        VALID.replace('"I placering"', '"I virksomhedsplacering"').replace("En beskrivelse", "Tekst"), "b.toml"
    )
    assert relabelled.hash == base.hash
    retargeted = parse_goals(VALID.replace("target_percent = 50", "target_percent = 55"), "c.toml")
    assert retargeted.hash != base.hash
    widened = parse_goals(VALID.replace('["ordinaert_job"]', '["ordinaert_job", "smaajob"]'), "d.toml")
    assert widened.hash != base.hash


def test_optional_keys() -> None:
    text = VALID.replace(
        'rule = "had_activity"',
        'rule = "had_activity"\npopulation = "target_group_2024"\nwindow = "started_in_period"',
    )
    goal = parse_goals(text, "x.toml").goal("placering")
    assert goal.population is Population.TARGET_GROUP_2024 and goal.window is Window.STARTED_IN_PERIOD
    assert parse_goals(VALID, "x.toml").goal("afgang").target is None


@pytest.mark.parametrize(
    ("old", "new", "line", "fragment"),
    [
        ('rule = "exited_to"', 'rule = "exited_too"', 26, "ukendt værdi «exited_too» i «rule»"),
        ("target_percent = 50", "target_percent = 150", 20, "mellem 0 og 100"),
        ("target_percent = 50", 'target_percent = "50"', 20, "skal være et tal"),
        ('outcomes = ["ordinaert_job"]', 'outcomes = ["ordinært job"]', 27, "ukendt værdi «ordinært job»"),
        ('outcomes = ["ordinaert_job"]', "outcomes = []", 27, "mindst én værdi"),
        ('deadline = "23_uger"', 'deadline = "23_uger"\nplacements = ["smaajob"]', 34, "hører ikke til reglen"),
        ('deadline = "23_uger"', 'deadline = "23_uger"\ncolour = "rød"', 34, "ukendt nøgle «colour»"),
        ('deadline = "23_uger"\n', "", 29, "«deadline» mangler"),
        ('deadline = "23_uger"', 'deadline = "52_uger"', 33, "«deadline» skal være en frist for gruppe 3"),
        ('deadline = "23_uger"', 'deadline = "23_uger"\nweeks = 23', 34, "«weeks» bruges ikke længere"),
        ('id = "afgang"', 'id = "placering"', 24, "står to gange"),
        ('id = "afgang"', 'id = "Afgang!"', 24, "små bogstaver"),
        ("period_to = 2025-12-31", "period_to = 2024-12-31", 10, "ligger før"),
        ("period_to = 2025-12-31", 'period_to = "31-12-2025"', 10, "åååå-mm-dd"),
        ("year = 2025", "year = 2025.5", 13, "heltal"),
        ('[[goals]]\nid = "g3"', '[[goals]\nid = "g3"', 29, "ikke gyldig TOML"),
        ("format = 1", "format = 2", 1, "formatet «2»"),
        ('label = "I placering"\n', "", 16, "«label» mangler"),
    ],
)
def test_a_bad_file_is_refused_naming_the_line(old: str, new: str, line: int, fragment: str) -> None:
    assert old in VALID
    with pytest.raises(GoalsError) as info:
        parse_goals(VALID.replace(old, new, 1), "mine.toml")
    err = info.value
    assert isinstance(err, UserFacingError)
    assert err.line == line, err.message
    assert f"linje {line}" in err.message and fragment in err.message
    assert "mine.toml" in err.message


def test_every_problem_is_listed() -> None:
    text = VALID.replace('rule = "exited_to"', 'rule = "nope"').replace('deadline = "23_uger"', "deadline = 23")
    with pytest.raises(GoalsError) as info:
        parse_goals(text, "x.toml")
    assert [line for line, _ in info.value.problems] == [26, 33]
    assert "Målfilen kan ikke bruges" in info.value.message


def test_a_file_without_goals_or_indsats_is_refused() -> None:
    with pytest.raises(GoalsError, match="ingen mål"):
        parse_goals("format = 1\n[indsats]\nid='a'\nname='b'\nperiod_from=2025-01-01\nperiod_to=2025-12-31\n", "x")
    with pytest.raises(GoalsError, match=r"\[indsats\] mangler"):
        parse_goals("format = 1\n", "x")


def test_saving_a_bad_file_changes_nothing(database: Database) -> None:
    save_goals(database, VALID)
    with pytest.raises(GoalsError) as info:
        save_goals(database, VALID.replace('deadline = "23_uger"', 'deadline = "uger"'))
    assert "linje 33" in info.value.message
    assert goals_text(database) == VALID


def test_a_bom_is_accepted_and_dropped(database: Database) -> None:
    save_goals(database, "\ufeff" + VALID)
    assert goals_text(database) == VALID


def test_too_big_or_binary_is_refused() -> None:
    with pytest.raises(GoalsError, match="for stor"):
        parse_goals("#" * (goals_module.MAX_GOALS_BYTES + 1), "x")
    with pytest.raises(GoalsError, match="ikke en tekstfil"):
        parse_goals("format = 1\x00", "x")
