"""Gruppe 3 in the Overblik (forelagt AND afgjort, unless the case goes past the team), and goal
periods: an ended period is said in the Overblik and the team export, and a goals file for the
next period is picked by date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from db.enums import Aim
from db.models import Citizen
from db.session import Database
from jobraad import goals
from jobraad.caseload import due_items
from jobraad.goals import GoalsError, default_goals, goals_for, shipped_goal_sets
from jobraad.overview import load_overview
from jobraad.resources import resource
from jobraad.team.build import build_summary
from jobraad.team.export import ExportFormat, export_summary
from jobraad.team.model import calendar_year
from tests.jobraad.team.caseloads import G3, Person, add

TODAY = dt.date(2026, 12, 4)
AFTER = dt.date(2027, 1, 15)
EXPIRED = (
    "Målperioden 2024–2026 (Integrationshandleplan 2024–26, CBA) er udløbet 31-12-2026; "
    "tallene er vist uden mål. Læg den nye periodes mål ind under »Mål for indsatsen«."
)
G3_TITLE = "23-ugers mål (gruppe 3)"

# --- gruppe 3 in the Overblik -----------------------------------------------------------------------


def _gruppe3_titles(database: Database, ids: list[int], today: dt.date) -> list[list[str]]:
    with database.reading() as session:
        due = due_items(session, today)
    return [[i.title for i in due.get(cid, ()) if i.title.startswith(G3_TITLE)] for cid in ids]


def test_under_a_pack_without_a_team_the_decision_alone_closes_gruppe_3(database: Database) -> None:
    """Lov 1750's samlet beskrivelse sends no case to a team: nothing can be forelagt it."""
    start = TODAY - dt.timedelta(weeks=23)
    decided = TODAY - dt.timedelta(days=3)
    recorded, unrecorded, team = add(
        database,
        Person(forloeb=[(G3, start, None)], decided_goal=decided, aim=Aim.FLEKSJOB),
        Person(forloeb=[(G3, start, None)], decided_goal=decided, aim=Aim.FLEKSJOB),
        Person(forloeb=[(G3, start, None)], decided_goal=decided, aim=Aim.FLEKSJOB),
    )
    with database.transaction() as session:
        session.get(Citizen, recorded).rule_pack = "l1750_2026"  # type: ignore[union-attr]
        session.get(Citizen, team).rule_pack = "bek47_2026"  # type: ignore[union-attr]
    # Unrecorded: today's pack (lov 1750 from 1 July 2026) has no team either.
    assert _gruppe3_titles(database, [recorded, unrecorded, team], TODAY) == [
        [],
        [],
        [f"{G3_TITLE}: mangler forelæggelse for rehabiliteringsteamet"],
    ]


def test_the_overblik_keeps_gruppe_3_open_until_forelagt_and_afgjort(database: Database) -> None:
    start = TODAY - dt.timedelta(weeks=23)  # the deadline is today: in the Overblik
    decided = TODAY - dt.timedelta(days=3)
    g3 = [(G3, start, None)]
    ids = add(
        database,
        Person(forloeb=g3, decided_goal=decided),
        Person(forloeb=g3, forelagt_goal=decided),
        Person(forloeb=g3, forelagt_goal=decided, decided_goal=decided),
        Person(forloeb=g3, decided_goal=decided, aim=Aim.REVALIDERING),
        Person(forloeb=g3, decided_goal=decided, aim=Aim.FOERTIDSPENSION, pension_without_team=True),
        Person(forloeb=g3, aim=Aim.REVALIDERING),
    )
    with database.transaction() as session:  # cases that began under a pack with a team
        for citizen in session.scalars(select(Citizen).where(Citizen.id.in_(ids))):
            citizen.rule_pack = "bek47_2026"
    assert _gruppe3_titles(database, ids, TODAY) == [
        [f"{G3_TITLE}: mangler forelæggelse for rehabiliteringsteamet"],
        [f"{G3_TITLE}: mangler afgørelse"],
        [],
        [],  # revalidering is not forelagt the team: the decision closes it
        [],  # an oplagt førtidspension, decided without the team
        [f"{G3_TITLE}: mangler afgørelse"],  # and it names only the decision as missing
    ]
    overview = load_overview(database, TODAY)
    lines = [(c.citizen_id, i.title) for section in overview.sections.values() for c in section for i in c.items]
    assert (ids[0], f"{G3_TITLE}: mangler forelæggelse for rehabiliteringsteamet") in lines


# --- goal periods -----------------------------------------------------------------------------------


def test_the_overblik_says_when_the_goal_period_has_ended(database: Database) -> None:
    assert load_overview(database, TODAY).goals_notice == ""
    assert load_overview(database, dt.date(2026, 12, 31)).goals_notice == ""
    assert load_overview(database, AFTER).goals_notice == EXPIRED


def test_the_team_export_says_so_and_shows_the_figures_without_targets(database: Database, tmp_path: Path) -> None:
    add(database, Person())
    summary = build_summary(database, as_of=AFTER, anonymous=False)
    assert summary.meta.period == calendar_year(2027)
    assert EXPIRED in summary.notes
    assert not any("uden for indsatsens periode" in n for n in summary.notes)
    assert summary.goals and all(g.target is None for g in summary.goals)

    path = tmp_path / "team.xlsx"
    export_summary(database, path, ExportFormat.XLSX, as_of=AFTER)
    texts = [row[0] for row in load_workbook(path)["Opsummering"].iter_rows(values_only=True) if row]
    assert EXPIRED in texts

    # The same year's figures, exported after it: the goals were in force, no notice.
    last_year = build_summary(database, calendar_year(2026), as_of=AFTER, anonymous=False)
    assert EXPIRED not in last_year.notes
    assert [g.target for g in last_year.goals][:2] == [pytest.approx(0.8), pytest.approx(0.6)]


def _next_period(tmp_path: Path) -> Path:
    """The shipped goals folder and a goals file for 2027."""
    folder = tmp_path / "goals"
    folder.mkdir()
    shipped = resource("goals", "ihp_2024_26_cba.toml").read_text(encoding="utf-8")
    (folder / "ihp_2024_26_cba.toml").write_text(shipped, encoding="utf-8")
    text = (
        shipped.replace('id = "ihp_2024_26_cba"', 'id = "indsats_2027"')
        .replace('name = "Integrationshandleplan 2024–26, CBA"', 'name = "Indsats 2027"')
        .replace("period_from = 2024-01-01", "period_from = 2027-01-01")
        .replace("period_to = 2026-12-31", "period_to = 2027-12-31")
        .replace("year = 2024\ntarget = 125", "year = 2027\ntarget = 140")
        .replace("target_percent = 80", "target_percent = 85")
    )
    (folder / "indsats_2027.toml").write_text(text, encoding="utf-8")
    return folder


def test_a_goals_file_for_the_next_period_is_picked_by_date(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _next_period(tmp_path)
    monkeypatch.setattr(goals, "goals_folder", lambda: folder)
    assert [g.id for g in shipped_goal_sets()] == ["ihp_2024_26_cba", "indsats_2027"]
    assert default_goals(TODAY).id == "ihp_2024_26_cba"
    assert default_goals(AFTER).id == "indsats_2027"

    add(database, Person())
    summary = build_summary(database, as_of=AFTER, anonymous=False)
    assert summary.meta.goal_set_id == "indsats_2027"
    assert not any("Målperioden" in n for n in summary.notes)
    assert summary.goals[0].target == pytest.approx(0.85)
    assert summary.helaarspladser_target == pytest.approx(140)
    assert build_summary(database, calendar_year(2026), as_of=AFTER).meta.goal_set_id == "ihp_2024_26_cba"
    assert load_overview(database, AFTER).goals_notice == ""
    assert "2027" in load_overview(database, dt.date(2028, 1, 3)).goals_notice


def test_saved_goals_win_over_the_shipped_ones_and_can_expire_too(database: Database) -> None:
    goals.save_goals(database, default_goals(TODAY).text.replace("period_to = 2026-12-31", "period_to = 2027-06-30"))
    assert load_overview(database, AFTER).goals_notice == ""
    assert "udløbet 30-06-2027" in load_overview(database, dt.date(2027, 7, 1)).goals_notice


def test_goal_files_with_overlapping_periods_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _next_period(tmp_path)
    second = folder / "indsats_2027.toml"
    second.write_text(
        second.read_text(encoding="utf-8").replace("period_from = 2027-01-01", "period_from = 2026-07-01"),
        encoding="utf-8",
    )
    monkeypatch.setattr(goals, "goals_folder", lambda: folder)
    with pytest.raises(GoalsError, match=r"overlapper målfilen ihp_2024_26_cba\.toml"):
        shipped_goal_sets()


def test_before_the_first_period_the_first_goals_are_used() -> None:
    assert goals_for(dt.date(2020, 1, 1)).id == "ihp_2024_26_cba"
