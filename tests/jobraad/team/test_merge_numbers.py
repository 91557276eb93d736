"""Merge reads numbers exactly: jobraad's own files by their declared number format, numeric
XLSX cells as numbers, a CSV saved again with "." decimals correctly, and a file it cannot
read for certain not at all, naming the cell (issue 18)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from db.enums import Outcome, PlacementKind
from db.session import create_database
from jobraad.cli import main
from jobraad.team.export import export_summary
from jobraad.team.merge import merge_summaries
from jobraad.team.model import Summary
from jobraad.team.numbers import NumberRefused, format_bound, read_bounds
from jobraad.team.reader import SummaryFileError, read_summary
from tests.conftest import PASSPHRASE
from tests.jobraad.team.caseloads import AFTER_2025, EXIT_GOAL, PLACEMENT_GOAL, Y2025, Person, add

# 20 in praktik the whole year, 7 whose case closed on 1 May (120 days): 20 + 7 * 120/365 helårspladser
_PRAKTIK = [(PlacementKind.VIRKSOMHEDSPRAKTIK, dt.date(2025, 2, 1), None)]
_HELAARSPLADSER = 20 + 7 * 120 / 365


def _export(tmp_path: Path, name: str, praktik: int = 20, closed: int = 7) -> tuple[Path, Path, Summary]:
    """One caseworker's summary saved as CSV and as XLSX, and the summary as built."""
    database = create_database(tmp_path / f"{name}.jobraad", PASSPHRASE)
    try:
        add(
            database,
            *[Person(placements=_PRAKTIK) for _ in range(praktik)],
            *[Person(closings=[(Outcome.FLEKSJOB, dt.date(2025, 5, 1), None)]) for _ in range(closed)],
        )
        csv_path, xlsx_path = tmp_path / f"{name}.csv", tmp_path / f"{name}.xlsx"
        built = export_summary(database, csv_path, period=Y2025, as_of=AFTER_2025)
        export_summary(database, xlsx_path, period=Y2025, as_of=AFTER_2025)
    finally:
        database.close()
    return csv_path, xlsx_path, built


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline=""), delimiter=";"))


def _resave(source: Path, target: Path, bound: Callable[[str, str], str], *, declared: bool = True) -> Path:
    """`source` as another program saves it again: each bound (columns E and F) rewritten by
    `bound(key, text)`; without `declared`, the number format's metadata row left out."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in _rows(source):
        if row[1] == "meta.talformat" and not declared:
            continue
        if not row[1].startswith("meta.") and row[1] != "Nøgle":
            row = [*row[:4], bound(row[1], row[4]), bound(row[1], row[5])]
        writer.writerow(row)
    target.write_text(out.getvalue(), encoding="utf-8")
    return target


def _point_decimals(_key: str, text: str) -> str:
    """What LibreOffice or Excel in an English locale write: "." as decimal sign, in the
    General format (at most ten significant digits)."""
    return f"{float(text.replace(',', '.')):.10g}" if text else ""


def test_jobraads_own_csv_and_xlsx_read_back_exactly(tmp_path: Path) -> None:
    csv_path, xlsx_path, built = _export(tmp_path, "anne")
    rows = {r[1]: r for r in _rows(csv_path)}
    assert rows["meta.talformat"][3] == "da-DK"  # the declared number format
    bound = rows["helaarspladser.brugt"][4]
    assert "." not in bound and float(bound.replace(",", ".")) == _HELAARSPLADSER  # every digit it takes
    assert built.helaarspladser.value == pytest.approx(_HELAARSPLADSER, abs=1e-12)
    # The CSV holds every digit; an XLSX cell holds 16 significant digits (XlsxWriter, and
    # Excel shows 15): exact to the last of them.
    for path, rel in ((csv_path, 0.0), (xlsx_path, 1e-15)):
        again = read_summary(path)
        assert again.helaarspladser.low == pytest.approx(built.helaarspladser.low, rel=rel, abs=0)
        assert again.helaarspladser.high == pytest.approx(built.helaarspladser.high, rel=rel, abs=0)
        for goal in built.goals:
            read = again.goal(goal.goal_id)
            assert read.target == goal.target
            assert (read.numerator, read.denominator) == (goal.numerator, goal.denominator)
        assert again.population == built.population


def test_a_bound_is_never_written_in_the_form_of_a_thousands_group() -> None:
    assert format_bound(1.234) == "1,2340"  # not "1,234", which English Excel reads as 1234
    assert format_bound(51.06301369863014) == "51,06301369863014"
    assert format_bound(0.8) == "0,8" and format_bound(62.0) == "62" and format_bound(None) == ""
    assert format_bound(1e-7) == "0,0000001"  # never "1e-07"
    for x in (1.234, 0.1 + 0.2, 20 + 7 * 120 / 365, 123456.789):
        assert read_bounds([("A1", format_bound(x))], "da-DK") == [x]


def test_xlsx_numeric_cells_are_read_as_numbers(tmp_path: Path) -> None:
    _, xlsx_path, built = _export(tmp_path, "anne")
    book = load_workbook(xlsx_path)
    data = book["Data"]
    row = next(r for r in data.iter_rows(min_row=2) if r[1].value == "helaarspladser.brugt")
    assert row[4].data_type == "n" and row[4].value == pytest.approx(built.helaarspladser.low, rel=1e-15, abs=0)
    # the same bound typed in again as text with a decimal point (a cell in English Excel):
    # read as the number it shows, not as 51 million
    row[4].value = row[5].value = f"{built.helaarspladser.low:.6f}"
    book.save(tmp_path / "rettet.xlsx")
    again = read_summary(tmp_path / "rettet.xlsx")
    assert again.helaarspladser.low == pytest.approx(_HELAARSPLADSER, abs=1e-6)


def test_a_csv_saved_again_with_point_decimals_merges_as_the_original(tmp_path: Path) -> None:
    a, _, _ = _export(tmp_path, "anne")
    b, _, _ = _export(tmp_path, "bo", praktik=25, closed=9)
    resaved = _resave(b, tmp_path / "bo-libreoffice.csv", _point_decimals)
    text = resaved.read_text(encoding="utf-8")
    assert "0.8;0.8" in text and "meta.talformat;" in text  # still declares da-DK, but is not
    original = merge_summaries([a, b])
    merged = merge_summaries([a, resaved])
    expected = _HELAARSPLADSER + 25 + 9 * 120 / 365
    assert original.helaarspladser.value == pytest.approx(expected, abs=1e-9)
    assert merged.helaarspladser.value == pytest.approx(expected, abs=1e-6)  # not 2.560.299,45
    assert merged.population == original.population
    for goal_id in (PLACEMENT_GOAL, EXIT_GOAL):
        assert merged.goal(goal_id).target == original.goal(goal_id).target
    # and without the declaration (a file from before it, saved again): read the same way
    undeclared = _resave(b, tmp_path / "bo-uden.csv", _point_decimals, declared=False)
    assert merge_summaries([a, undeclared]).helaarspladser.value == pytest.approx(expected, abs=1e-6)


def test_a_file_with_both_decimal_signs_is_refused_naming_the_cell(tmp_path: Path) -> None:
    a, _, _ = _export(tmp_path, "anne")

    def one_cell_retyped(key: str, text: str) -> str:
        return _point_decimals(key, text) if key == "helaarspladser.brugt" else text

    mixed = _resave(a, tmp_path / "blandet.csv", one_cell_retyped)
    lines = {r[1]: i for i, r in enumerate(_rows(mixed), start=1)}
    with pytest.raises(SummaryFileError) as info:
        merge_summaries([mixed])
    message = info.value.message
    # the first cell with a decimal comma after the retyped one is named, and the retyped one with it
    resultat = lines[f"maal.{PLACEMENT_GOAL}.resultat"]
    assert message.startswith(f"«blandet.csv», linje {resultat}, kolonne E (Nedre): «0,74074")
    assert f"(linje {lines['helaarspladser.brugt']}, kolonne E (Nedre)) har punktum som decimaltegn" in message
    assert "blander talformater" in message and "ikke lagt sammen" in message


def test_an_ambiguous_file_is_refused_naming_the_cell(tmp_path: Path) -> None:
    a, _, _ = _export(tmp_path, "anne")

    # No declaration, and the one number with decimals is "27.123": 27,123 or 27123?
    def ambiguous(key: str, text: str) -> str:
        if key == "helaarspladser.brugt":
            return "27.123"
        return text if not text or text.isdigit() else ""

    path = _resave(a, tmp_path / "tvetydig.csv", ambiguous, declared=False)
    line = next(i for i, r in enumerate(_rows(path), start=1) if r[1] == "helaarspladser.brugt")
    with pytest.raises(SummaryFileError) as info:
        read_summary(path)
    assert info.value.message.startswith(
        f"«tvetydig.csv», linje {line}, kolonne E (Nedre): «27.123» kan betyde både 27,123 og 27123"
    )
    # The same with the declaration: jobraad never writes a point, so the file was changed
    # after it was saved and the declaration cannot settle it either.
    path = _resave(a, tmp_path / "tvetydig2.csv", ambiguous)
    line = next(i for i, r in enumerate(_rows(path), start=1) if r[1] == "helaarspladser.brugt")
    with pytest.raises(SummaryFileError, match=re.escape(f"linje {line}, kolonne E (Nedre): «27.123»")):
        read_summary(path)


def test_a_number_read_a_thousand_times_too_large_is_refused(tmp_path: Path) -> None:
    """English Excel reads an older file's "27,123" as 27123 and saves "27123": every bound
    still looks like jobraad's own, but no 27 citizens fill 27.123 helårspladser in a year."""
    a, _, _ = _export(tmp_path, "anne")

    def thousands(key: str, text: str) -> str:
        return "27123" if key == "helaarspladser.brugt" else text

    path = _resave(a, tmp_path / "excel.csv", thousands)
    line = next(i for i, r in enumerate(_rows(path), start=1) if r[1] == "helaarspladser.brugt")
    with pytest.raises(SummaryFileError) as info:
        read_summary(path)
    message = info.value.message
    assert message.startswith(
        f"«excel.csv», linje {line}, kolonne E (Nedre) («helaarspladser.brugt»): 27.123,00 helårspladser er flere"
    )
    assert "27 borgere" in message and "365 dage" in message


@pytest.mark.usefixtures("cli_env")
def test_cli_merge_refuses_an_ambiguous_file_with_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, _, _ = _export(tmp_path, "anne")
    b, _, _ = _export(tmp_path, "bo")
    path = _resave(b, tmp_path / "bo-rettet.csv", lambda k, t: "1.234" if k == "helaarspladser.brugt" else t)
    assert main(["merge", str(a), str(path), "-o", str(tmp_path / "team.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "«bo-rettet.csv», linje" in err and "kolonne E (Nedre)" in err
    assert not (tmp_path / "team.xlsx").exists()
    resaved = _resave(b, tmp_path / "bo-libreoffice.csv", _point_decimals)
    assert main(["merge", str(a), str(resaved), "-o", str(tmp_path / "team.csv")]) == 0
    assert read_summary(tmp_path / "team.csv").helaarspladser.value == pytest.approx(2 * _HELAARSPLADSER, abs=1e-6)


@pytest.mark.parametrize(
    ("texts", "declared", "expected"),
    [
        (["1,5", "2", "1,234"], "da-DK", [1.5, 2.0, 1.234]),  # declared and written as declared
        (["1.5", "2", "1.234"], "da-DK", [1.5, 2.0, 1.234]),  # saved again: "1.5" shows the point
        (["0,769", "1.234"], None, [0.769, 1234.0]),  # "0,769" shows the comma: "1.234" is 1234
        (["1.234,5", "1.234"], None, [1234.5, 1234.0]),
        (["1,234.5", "1,234"], None, [1234.5, 1234.0]),
        (["1.234.567", "2,5"], None, [1234567.0, 2.5]),
        (["12", "", None, 3.25], None, [12.0, None, None, 3.25]),  # integers and numeric cells need no clue
    ],
)
def test_bounds_are_read_by_the_declaration_or_the_whole_file(
    texts: list[object], declared: str | None, expected: list[float | None]
) -> None:
    cells = [(f"celle {i}", t) for i, t in enumerate(texts)]
    assert read_bounds(cells, declared) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("texts", "where", "why"),
    [
        (["2", "1.234"], "celle 1", "kan betyde både 1,234 og 1234"),
        (["1,5", "2.5"], "celle 1", "blander talformater"),
        (["1,5", "1.234,5", "1,234.5"], "celle 2", "blander talformater"),
        (["1.23.4"], "celle 0", "kan ikke læses som et tal"),
        (["12 %"], "celle 0", "kan ikke læses som et tal"),
        (["1e5"], "celle 0", "kan ikke læses som et tal"),
    ],
)
def test_bounds_that_cannot_be_read_for_certain_are_refused(texts: list[object], where: str, why: str) -> None:
    with pytest.raises(NumberRefused) as info:
        read_bounds([(f"celle {i}", t) for i, t in enumerate(texts)], "da-DK")
    assert info.value.where == where and why in info.value.message
