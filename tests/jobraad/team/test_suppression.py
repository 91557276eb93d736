"""Suppression of small counts: "<5", hidden shares and medians, secondary suppression in tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.enums import Outcome, PlacementKind
from db.session import Database
from jobraad.outputs import rules_for
from jobraad.team import suppression
from jobraad.team.build import build_summary
from jobraad.team.csv_writer import write_csv
from jobraad.team.disclosure import audit
from jobraad.team.model import Amount, Count, Median, Meta, Summary, Table, TableRow, share_of
from jobraad.team.suppression import suppress
from tests.jobraad.team.caseloads import AFTER_2025, EXIT_GOAL, G3, Y2025, Person, add, exact, full_year


def test_small_counts_are_shown_as_under_5_and_zero_stays_zero() -> None:
    shown = [suppression._primary(Count.of(n)).display for n in range(7)]
    assert shown == ["0", "<5", "<5", "<5", "<5", "5", "6"]


def test_shares_from_small_counts_are_hidden() -> None:
    def share(num: int | Count, den: int | Count) -> str:
        def anonymous(c: int | Count) -> Count:
            return suppression._primary(Count.of(c) if isinstance(c, int) else c)

        return share_of(anonymous(num), anonymous(den)).display

    assert share(3, 40) == "x"
    assert share(36, 40) == "90,0 %"
    assert share(0, 40) == "0,0 %"
    assert share(0, 3) == "x"
    assert share(3, 4) == "x"
    assert share(0, 0) == "–"
    assert share(Count(2, 8), Count(40, 40)) == "x"  # a merged range that may be 1–4
    assert share(Count(20, 23), Count(40, 40)) == "50,0–57,5 %"
    # the caseworker's own, unsuppressed view shows them
    assert share_of(Count.of(3), Count.of(40)).display == "7,5 %"


def test_the_anonymous_summary_hides_small_figures(database: Database) -> None:
    add(
        database,
        *[Person(placements=[(PlacementKind.VIRKSOMHEDSPRAKTIK, dt.date(2025, 2, 1), None)]) for _ in range(9)],
        Person(forloeb=full_year(G3), decisions=[dt.date(2025, 3, 3)]),
        Person(closings=[(Outcome.FLEKSJOB, dt.date(2025, 5, 1), None)]),
    )
    s = build_summary(database, Y2025, as_of=AFTER_2025)  # anonymous by default
    assert s.meta.suppressed
    assert s.population.display == "11"
    exit_goal = s.goal(EXIT_GOAL)
    assert exit_goal.numerator.display == "<5" and exit_goal.share.display == "x"
    assert exit_goal.status == "Ikke opfyldt"  # at most 4 of 11 is under 60 %, whatever the count
    assert s.decision.display == "x" and s.decision.n.display == "<5"
    groups = s.table("gruppe")
    assert groups.row("gruppe_3").count.display == "<5"
    # The total (11) minus the other cells would give the gruppe 3 count away: one more is hidden.
    assert groups.row("gruppe_1").count.display == "x"
    assert exact(database).goal(EXIT_GOAL).numerator.value == 1


def _one_table(values: list[int], total: int | None = None) -> Summary:
    """An exact summary whose only breakdown is a table "t" of `values`, 100 citizens in all."""
    meta = Meta(
        period=Y2025,
        as_of=AFTER_2025,
        goal_set_id="g",
        goal_set_name="G",
        goal_set_hash="h",
        indsats_period=Y2025,
        population="alle borgere",
        caseworkers=1,
        summary_ids=("s",),
        created=dt.datetime(2026, 3, 1, 12, 0),
    )
    rows = tuple(TableRow(str(i), str(i), Count.of(v)) for i, v in enumerate(values))
    table = Table("t", "T", rows, TableRow("i_alt", "I alt", Count.of(sum(values) if total is None else total)))
    return Summary(
        meta,
        Count.of(100),
        Count.of(50),
        Amount(80.0, 80.0),
        None,
        (),
        (table,),
        Median(None, Count.of(0)),
        Count.of(0),
    )


def test_secondary_suppression_hides_the_smallest_cell_of_at_least_4_and_publishes_what_the_rest_tells() -> None:
    s = suppress(_one_table([2, 5, 9, 20]))
    rows = s.table("t").rows
    assert [r.count.display for r in rows] == ["<5", "x", "9", "20"]
    # 36 - 9 - 20 = 7 = "<5" + x: the x is 3–6, and the "<5" still anything 1–4
    assert (rows[1].count.low, rows[1].count.high) == (3, 6)
    assert audit(s).ranges["tabel.t.0"] == (1, 4)


def test_four_small_closings_under_a_small_total_are_hidden_with_it() -> None:
    # The example: four kinds "<5" and their total "<5" made each exactly 1.
    s = suppress(_one_table([1, 1, 0, 1, 1, 0]))
    table = s.table("t")
    assert table.total.count.display == "<5"
    assert [r.count.display for r in table.rows] == ["x"] * 6  # zeros too: a shown 0 would help pin them
    assert all((r.count.low, r.count.high) == (0, 4) for r in table.rows)
    assert audit(s).derivable == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=8))
def test_protected_tables_never_show_or_give_away_a_small_count(values: list[int]) -> None:
    protected = suppress(_one_table(values))
    for row, true in zip(protected.table("t").rows, values, strict=True):
        c = row.count
        assert c.low <= true <= c.high  # the bounds never lie
        assert not (c.exact and 1 <= c.value <= 4)  # type: ignore[operator]
    found = audit(protected)
    assert found.derivable == [], {k: found.ranges[k] for k in found.derivable}
    assert suppress(protected) == protected  # idempotent


def test_suppress_is_idempotent_and_the_writers_suppress(database: Database, tmp_path: Path) -> None:
    add(database, Person(), Person(), Person())
    raw = exact(database)
    assert raw.population.value == 3
    once = suppress(raw)
    assert suppress(once) == once
    # an exact summary given to a writer still leaves anonymous
    write_csv(raw, tmp_path / "a.csv", rules=rules_for(None))
    text = (tmp_path / "a.csv").read_text(encoding="utf-8-sig")
    assert "borgere.i_alt;Borgere i indsatsen i perioden (alle borgere);<5;1;4" in text
