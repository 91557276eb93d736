"""`jobraad merge` of hostile team summaries: a Danish message, exit status 2, nothing written, and soon.

Each hostile file is a real summary (exported, then read with openpyxl) written again by
hand with one hostile part; the same file without it merges, so what refuses each is
what is hostile in it.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import openpyxl
import pytest

from db.session import create_database
from jobraad.cli import main
from jobraad.team.export import export_summary
from tests.conftest import PASSPHRASE
from tests.jobraad import hostile_files as hostile

SPACE = hostile.shared_strings([" "])
ANSWERED_WITHIN = 10.0  # each takes about a second; room for a busy machine

Rows = list[list[object]]


@pytest.fixture(scope="module")
def summary_rows(tmp_path_factory: pytest.TempPathFactory) -> tuple[Rows, Rows]:
    """The Metadata and Data rows of a summary exported by jobraad."""
    folder = tmp_path_factory.mktemp("summary")
    database = create_database(folder / "a.jobraad", PASSPHRASE)
    try:
        export_summary(database, folder / "a.xlsx")
    finally:
        database.close()
    workbook = openpyxl.load_workbook(folder / "a.xlsx", read_only=True)
    try:
        meta, data = (
            [list(row) for row in workbook[name].iter_rows(values_only=True)] for name in ("Metadata", "Data")
        )
    finally:
        workbook.close()
    return meta, data


def summary(
    rows: tuple[Rows, Rows],
    *,
    data: Sequence[Sequence[object]] = (),
    extra: Iterable[bytes] = (),
    dimension: str | None = None,
    strings: bytes | None = SPACE,
) -> bytes:
    meta, data_rows = rows
    return hostile.workbook(
        [
            ("Data", hostile.sheet([*data_rows, *data], extra=extra, dimension=dimension)),
            ("Metadata", hostile.sheet(meta)),
        ],
        strings,
    )


HOSTILE: dict[str, tuple[Callable[[tuple[Rows, Rows]], bytes], str]] = {
    "one cell at XFD1048576": (
        lambda rows: summary(rows, extra=[hostile.FAR_CELL], dimension="A1:XFD1048576"),
        "flere end 100000 rækker",
    ),
    "a million whitespace rows": (
        lambda rows: summary(rows, extra=hostile.whitespace_rows(1_048_576)),
        "flere end 100000 rækker",
    ),
    "whitespace rows unpacking to 185 MB": (
        lambda rows: summary(rows, extra=hostile.whitespace_rows(5_600_000)),
        "fylder mere end 64 MB, når det pakkes ud",
    ),
    "a billion laughs in sharedStrings.xml": (
        lambda rows: summary(rows, data=[["Tabel", hostile.Shared(0)]], strings=hostile.entity_bomb_strings()),
        "kan ikke åbnes som Excel-regneark",
    ),
    "a harmless entity, declared all the same": (
        lambda rows: summary(rows, data=[["Tabel", hostile.Shared(0)]], strings=hostile.entity_strings("x", "y")),
        "kan ikke åbnes som Excel-regneark",
    ),
    "a sheet cut off in the middle": (
        lambda rows: hostile.workbook(
            [("Data", [hostile.sheet_start(), hostile.rows_xml(rows[1])[:-30]]), ("Metadata", hostile.sheet(rows[0]))]
        ),
        "kan ikke åbnes som Excel-regneark",
    ),
    "a zip cut off in the middle": (
        lambda rows: summary(rows)[:-200],
        "kan ikke åbnes som Excel-regneark",
    ),
}


def test_the_summary_written_by_hand_merges(
    summary_rows: tuple[Rows, Rows], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "anne.xlsx"
    path.write_bytes(summary(summary_rows, extra=hostile.whitespace_rows(1_000)))
    out = tmp_path / "team.xlsx"

    assert main(["merge", str(path), "-o", str(out)]) == 0

    assert out.exists()
    assert "er lagt sammen" in capsys.readouterr().out


@pytest.mark.parametrize("case", list(HOSTILE))
def test_merge_of_a_hostile_xlsx_is_refused_quickly_writing_nothing(
    summary_rows: tuple[Rows, Rows], tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    make, expected = HOSTILE[case]
    path = tmp_path / "bo.xlsx"
    path.write_bytes(make(summary_rows))
    out = tmp_path / "team.xlsx"

    started = time.perf_counter()
    status = main(["merge", str(path), "-o", str(out)])
    elapsed = time.perf_counter() - started

    assert status == 2
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind either
    err = capsys.readouterr().err
    assert err.startswith("jobraad: «bo.xlsx» kan ikke læses som teamopgørelse.")
    assert expected in err
    assert elapsed < ANSWERED_WITHIN, f"{case}: {elapsed:.1f} s"


@pytest.fixture
def csv_field_limit() -> Iterator[int]:
    """The csv module's own limit on a field (128 KiB), for this test; the import raises it for the process."""
    before = csv.field_size_limit(131_072)
    try:
        yield 131_072
    finally:
        csv.field_size_limit(before)


def test_merge_of_a_csv_that_csv_cannot_read_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], csv_field_limit: int
) -> None:
    path = tmp_path / "bo.csv"
    path.write_text('Afsnit;Nøgle\r\nx;"' + "y" * (csv_field_limit + 1) + '"\r\n', encoding="utf-8")
    out = tmp_path / "team.xlsx"

    assert main(["merge", str(path), "-o", str(out)]) == 2

    assert not out.exists()
    assert "«bo.csv» kan ikke læses som teamopgørelse. Linje 2 kan ikke læses som CSV." in capsys.readouterr().err
