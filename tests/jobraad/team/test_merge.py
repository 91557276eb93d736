"""Merging several caseworkers' summaries: sums and ranges, the weighted median, refusals."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from db.enums import Outcome, PlacementKind
from db.session import create_database
from jobraad.goals import default_goals, save_goals
from jobraad.outputs import rules_for
from jobraad.team.export import ExportFormat, export_summary, write_summary
from jobraad.team.merge import MergeRefused, merge_summaries
from jobraad.team.model import Period
from jobraad.team.reader import SummaryFileError, read_summary
from tests.conftest import PASSPHRASE
from tests.jobraad.team.caseloads import AFTER_2025, EXIT_GOAL, G2, G3, PLACEMENT_GOAL, Y2025, Person, add, full_year


def _caseworker(tmp_path: Path, name: str, people: list[Person], fmt: str, period: Period = Y2025) -> Path:
    database = create_database(tmp_path / f"{name}.jobraad", PASSPHRASE)
    try:
        add(database, *people)
        path = tmp_path / f"{name}.{fmt}"
        export_summary(database, path, period=period, as_of=AFTER_2025)
    finally:
        database.close()
    return path


def _team(n_praktik: int, n_fleksjob: int, n_g2: int) -> list[Person]:
    praktik = [(PlacementKind.VIRKSOMHEDSPRAKTIK, dt.date(2025, 2, 1), None)]
    return [
        *[Person(placements=praktik) for _ in range(n_praktik)],
        *[Person(closings=[(Outcome.FLEKSJOB, dt.date(2025, 5, 1), None)]) for _ in range(n_fleksjob)],
        *[Person(forloeb=full_year(G2)) for _ in range(n_g2)],
    ]


def test_merge_of_three_files(tmp_path: Path) -> None:
    a = _caseworker(tmp_path, "anne", _team(20, 5, 6), "xlsx")
    b = _caseworker(tmp_path, "bo", _team(10, 7, 2), "csv")  # gruppe 2: <5
    c = _caseworker(tmp_path, "carl", _team(15, 0, 9), "xlsx")
    merged = merge_summaries([a, b, c])
    assert merged.meta.caseworkers == 3 and len(merged.meta.summary_ids) == 3
    assert merged.population.value == 31 + 19 + 24
    goal = merged.goal(PLACEMENT_GOAL)
    assert (goal.numerator.value, goal.denominator.value) == (45, 74)
    assert goal.share.value == pytest.approx(45 / 74)
    exits = merged.goal(EXIT_GOAL)
    assert (exits.numerator.value, exits.denominator.value) == (12, 74)
    # 62 the whole year, 12 until their case closed on 1 May (120 days)
    assert merged.helaarspladser.value == pytest.approx(62 + 12 * 120 / 365, abs=1e-4)
    assert merged.table("afslutning").row("fleksjob").count.value == 12
    # Bo's 2 in gruppe 2 was shown as <5 (and his gruppe 1 hidden with it): the team figure is a range
    g2 = merged.table("gruppe").row("gruppe_2").count
    assert (g2.low, g2.high, g2.display) == (16, 19, "16–19")
    assert merged.table("gruppe").total.count.value == 74
    # written and read again, in every format
    for fmt in ExportFormat:
        write_summary(merged, tmp_path / f"team.{fmt.value}", rules=rules_for(None))
    again = read_summary(tmp_path / "team.csv")
    assert again.population.value == 74 and again.meta.caseworkers == 3
    assert again.goal(PLACEMENT_GOAL).numerator.value == 45
    assert len(PdfReader(tmp_path / "team.pdf").pages) == 1


def test_a_merged_file_merges_again_and_the_median_is_weighted(tmp_path: Path) -> None:
    def decided(weeks: int) -> Person:
        start = dt.date(2025, 1, 6)
        return Person(forloeb=[(G3, start, None)], decisions=[start + dt.timedelta(weeks=weeks)])

    a = _caseworker(tmp_path, "a", [decided(10) for _ in range(5)], "xlsx")
    b = _caseworker(tmp_path, "b", [decided(20) for _ in range(15)], "csv")
    c = _caseworker(tmp_path, "c", [decided(30) for _ in range(3)], "csv")  # hidden: left out of the median
    ab = merge_summaries([a, b])
    assert ab.decision.weeks == pytest.approx((10 * 5 + 20 * 15) / 20) and ab.decision.approximate
    assert ab.decision.display == "ca. 17,5"
    write_summary(ab, tmp_path / "ab.xlsx", rules=rules_for(None))
    abc = merge_summaries([tmp_path / "ab.xlsx", c])
    assert abc.meta.caseworkers == 3
    assert abc.decision.weeks == pytest.approx(17.5)
    assert (abc.decision.n.low, abc.decision.n.high) == (21, 24)
    with pytest.raises(MergeRefused, match=re.escape("mere end én gang: ab.xlsx og a.xlsx")):
        merge_summaries([tmp_path / "ab.xlsx", a])


def test_merge_refuses_other_periods_naming_the_files(tmp_path: Path) -> None:
    a = _caseworker(tmp_path, "anne", _team(6, 0, 0), "xlsx")
    b = _caseworker(tmp_path, "bo", _team(6, 0, 0), "csv", period=Period(dt.date(2025, 1, 1), dt.date(2025, 6, 30)))
    with pytest.raises(MergeRefused) as info:
        merge_summaries([a, b])
    message = info.value.message
    assert "forskellige perioder" in message
    assert "anne.xlsx: 01-01-2025 – 31-12-2025" in message and "bo.csv: 01-01-2025 – 30-06-2025" in message


def test_merge_refuses_other_goal_sets(tmp_path: Path) -> None:
    a = _caseworker(tmp_path, "anne", _team(6, 0, 0), "xlsx")
    database = create_database(tmp_path / "bo.jobraad", PASSPHRASE)
    save_goals(database, default_goals().text.replace("target_percent = 80", "target_percent = 75"))
    add(database, *_team(6, 0, 0))
    b = tmp_path / "bo.xlsx"
    export_summary(database, b, period=Y2025, as_of=AFTER_2025)
    database.close()
    with pytest.raises(MergeRefused) as info:
        merge_summaries([a, b])
    assert (
        "forskellige mål" in info.value.message
        and "anne.xlsx" in info.value.message
        and "bo.xlsx" in info.value.message
    )


def test_merge_refuses_the_same_file_twice_a_pdf_and_a_stranger(tmp_path: Path) -> None:
    a = _caseworker(tmp_path, "anne", _team(6, 0, 0), "csv")
    with pytest.raises(MergeRefused, match="mere end én gang"):
        merge_summaries([a, a])
    pdf = tmp_path / "anne.pdf"
    write_summary(read_summary(a), pdf, rules=rules_for(None))
    with pytest.raises(SummaryFileError, match="PDF-opgørelser kan ikke lægges sammen"):
        merge_summaries([a, pdf])
    other = tmp_path / "andet.csv"
    other.write_text("navn;alder\nx;1\n", encoding="utf-8")
    with pytest.raises(SummaryFileError, match=re.escape("«andet.csv» er ikke en teamopgørelse")):
        merge_summaries([a, other])
    with pytest.raises(SummaryFileError, match="findes ikke"):
        merge_summaries([tmp_path / "mangler.xlsx"])
