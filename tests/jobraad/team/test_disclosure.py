"""The disclosure audit of what a team summary file publishes, and suppression that passes it:
from 50 random demo caseloads (5–500 citizens, three periods each), every export written as
CSV or XLSX and read back with the program's own reader, and merges of them, no figure
hidden as "<5" or "x" can be narrowed to fewer than 4 values."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from db.session import create_database
from jobraad.demo import generate_demo
from jobraad.outputs import rules_for
from jobraad.team.build import build_summary
from jobraad.team.disclosure import audit, variables
from jobraad.team.export import write_summary
from jobraad.team.merge import merge_summaries
from jobraad.team.model import HIDDEN, SMALL, Period, Summary
from jobraad.team.reader import read_summary
from tests.conftest import PASSPHRASE

TODAY = dt.date(2026, 11, 25)
PERIODS = (
    Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
    Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
)
_rng = random.Random(18)
#: 50 caseloads, log-uniform 5–500 citizens, each with its own demo seed.
CASELOADS = [(round(5 * 100 ** _rng.random()), _rng.randint(1, 10_000)) for _ in range(50)]
CHUNKS = [CASELOADS[i : i + 10] for i in range(0, 50, 10)]


def _derivable(s: Summary) -> list[str]:
    found = audit(s)
    return [f"{k} {s.meta.period.label}: {found.published[k].display} → {found.ranges[k]}" for k in found.derivable]


@pytest.mark.slow
@pytest.mark.parametrize("chunk", range(len(CHUNKS)))
def test_no_hidden_figure_can_be_worked_out_from_an_export_or_a_merge(tmp_path: Path, chunk: int) -> None:
    files: dict[Period, list[Path]] = {p: [] for p in PERIODS}
    hidden = 0
    for i, (citizens, seed) in enumerate(CHUNKS[chunk]):
        database = create_database(tmp_path / f"c{i}.jobraad", PASSPHRASE)
        try:
            generate_demo(database, citizens=citizens, seed=seed, today=TODAY)
            for j, period in enumerate(PERIODS):
                path = tmp_path / f"c{i}-{j}.{'xlsx' if (i + j) % 3 == 0 else 'csv'}"
                write_summary(build_summary(database, period, as_of=TODAY), path, rules=rules_for(database))
                published = read_summary(path)
                assert _derivable(published) == [], (citizens, seed)
                hidden += sum(bool(c.hidden) for c in variables(published).values())
                files[period].append(path)
        finally:
            database.close()
    assert hidden > 0  # the caseloads do have small figures to protect
    for j, paths in enumerate(files.values()):
        for k in range(0, len(paths) - 2, 3):
            for group in (paths[k : k + 2], paths[k : k + 3]):
                out = tmp_path / f"merged-{j}-{k}-{len(group)}.{'csv' if k % 2 else 'xlsx'}"
                write_summary(merge_summaries(group), out, rules=rules_for(None))
                assert _derivable(read_summary(out)) == [], [p.name for p in group]


def test_the_caseloads_span_5_to_500_citizens() -> None:
    sizes = [n for n, _ in CASELOADS]
    assert len(sizes) == 50 and min(sizes) < 10 and max(sizes) > 300 and min(sizes) >= 5 and max(sizes) <= 500


def test_a_hidden_figure_publishes_no_more_than_the_rest_of_the_file_tells(tmp_path: Path) -> None:
    database = create_database(tmp_path / "d.jobraad", PASSPHRASE)
    try:
        generate_demo(database, citizens=40, seed=1, today=TODAY)
        s = build_summary(database, PERIODS[1], as_of=TODAY)
    finally:
        database.close()
    found = audit(s)
    secondary = [k for k, c in found.published.items() if c.hidden == HIDDEN]
    assert secondary and not found.derivable
    for k in secondary:  # published bounds = what the audit finds from the other figures
        assert (found.published[k].low, found.published[k].high) == found.ranges[k]
    assert any(c.hidden == SMALL for c in found.published.values())
