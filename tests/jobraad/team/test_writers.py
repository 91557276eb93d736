"""The three formats read back as a user's tools would (openpyxl, Danish Excel's CSV, pypdf),
formula injection neutralised."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from db.session import Database
from jobraad.errors import UserFacingError
from jobraad.goals import default_goals, save_goals
from jobraad.outputs import rules_for
from jobraad.team.export import ExportFormat, export_summary, write_summary
from jobraad.team.reader import read_summary
from tests.jobraad.team.caseloads import AFTER_2025, Y2025, Person, add, exact


def test_xlsx_read_back_with_openpyxl(mixed_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "team.xlsx"
    s = export_summary(mixed_db, path, ExportFormat.XLSX, Y2025, as_of=AFTER_2025)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Opsummering", "Data", "Metadata"]
    summary = wb["Opsummering"]
    assert summary["A1"].value.startswith("Teamopgørelse")
    assert summary.freeze_panes is not None and summary.freeze_panes != "A1"
    cells = {row[0].value: row[1:] for row in summary.iter_rows() if row[0].value}
    assert cells["Borgere i indsatsen i perioden (alle borgere)"][0].value == 39
    goal = default_goals().goals[0]
    opnaaet, i_alt, resultat, maal, status = cells[goal.label][:5]
    assert (opnaaet.value, i_alt.value) == (30, 39)
    assert resultat.value == pytest.approx(30 / 39) and resultat.number_format == "0.0%"
    assert maal.value == pytest.approx(0.8) and maal.number_format == "0.0%"
    assert opnaaet.number_format == "#,##0" and status.value == "Ikke opfyldt"
    assert cells["Ledig fleksjobvisiteret"][0].value == 0
    assert cells["Gruppe 2"][0].value == "<5"  # stored as text, shown as written
    # column widths fit: the label column is at least as wide as most labels
    assert summary.column_dimensions["A"].width >= 40

    data = wb["Data"]
    assert data.freeze_panes == "A2"
    header = [c.value for c in data[1]]
    assert header == ["Afsnit", "Nøgle", "Tekst", "Værdi", "Nedre", "Øvre"]
    rows = {r[1]: r for r in data.iter_rows(min_row=2, values_only=True)}
    assert rows["borgere.i_alt"][3:] == (39, 39, 39)
    assert rows["tabel.gruppe.gruppe_2"][3:] == ("<5", 1, 4)
    assert rows[f"maal.{goal.id}.resultat"][3] == pytest.approx(30 / 39)
    for col in "ABCD":
        assert data.column_dimensions[col].width >= 8

    meta = {r[0]: r[1] for r in wb["Metadata"].iter_rows(min_row=2, values_only=True)}
    assert meta["format"] == "jobraad-teamopgoerelse" and meta["format_version"] == "1"
    assert (meta["periode_fra"], meta["periode_til"]) == ("2025-01-01", "2025-12-31")
    assert meta["maalsaet_id"] == default_goals().id and meta["maalsaet_hash"] == default_goals().hash
    assert meta["jobraadgivere"] == "1" and meta["opgoerelse_id"] == s.meta.summary_ids[0]


def test_csv_read_back_as_danish_excel_would(mixed_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "team.csv"
    export_summary(mixed_db, path, ExportFormat.CSV, Y2025, as_of=AFTER_2025)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM tells Excel it is UTF-8
    assert b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n")
    text = raw.decode("utf-8-sig")
    text.encode("cp1252")  # every character also exists in Windows-1252: nothing turns into '?'
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0] == ["Afsnit", "Nøgle", "Tekst", "Værdi", "Nedre", "Øvre"]
    assert all(len(r) == 6 for r in rows)
    by_key = {r[1]: r for r in rows[1:]}
    assert by_key["meta.format"][3] == "jobraad-teamopgoerelse"
    assert by_key["borgere.i_alt"][3:] == ["39", "39", "39"]
    goal = default_goals().goals[0]
    assert by_key[f"maal.{goal.id}.resultat"][3] == "76,9 %"  # Danish decimal comma
    assert by_key[f"maal.{goal.id}.resultat"][4].startswith("0,769")
    assert by_key["tabel.gruppe.gruppe_2"][3:] == ["<5", "1", "4"]
    helaarspladser = by_key["helaarspladser.brugt"]
    assert "." not in helaarspladser[4] and "," in helaarspladser[4]


def test_pdf_is_one_page_in_the_embedded_font(mixed_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "team.pdf"
    export_summary(mixed_db, path, ExportFormat.PDF, Y2025, as_of=AFTER_2025)
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Teamopgørelse" in text and "Integrationshandleplan 2024–26, CBA" in text
    for goal in default_goals().goals:
        assert goal.label[:40] in text.replace("\n", " ")
    assert "76,9 %" in text and "<5" in text
    assert b"Helvetica" not in path.read_bytes()
    assert "CBA" in (reader.metadata.title or "") or "Teamopgørelse" in (reader.metadata.title or "")


def test_the_pdf_stays_on_one_page_with_many_long_goals(database: Database, tmp_path: Path) -> None:
    goal = default_goals().text.split("[[goals]]")[1]
    extra = "".join(
        "\n[[goals]]"
        + goal.replace('id = "placering_opkvalificering_plan"', f'id = "ekstra_{i}"').replace(
            'label = "', 'label = "Et meget langt mål, der fylder godt på siden: '
        )
        for i in range(8)
    )
    save_goals(database, default_goals().text + extra)
    add(database, Person())
    path = tmp_path / "mange.pdf"
    export_summary(database, path, period=Y2025, as_of=AFTER_2025)
    assert len(PdfReader(path).pages) == 1


def test_formula_injection_is_neutralised(database: Database, tmp_path: Path) -> None:
    evil = '=HYPERLINK(\\"http://example.com\\",\\"klik\\")'  # as written in TOML
    text = (
        default_goals()
        .text.replace('label = "Har været i virksomhedsplacering', f'label = "{evil} Har været i virksomhedsplacering')
        .replace('name = "Integrationshandleplan 2024–26, CBA"', 'name = "@SUM(1+1)*cmd"')
    )
    save_goals(database, text)
    add(database, *[Person() for _ in range(6)])
    label = '=HYPERLINK("http://example.com","klik") Har været i virksomhedsplacering'
    export_summary(database, tmp_path / "x.csv", period=Y2025, as_of=AFTER_2025)
    rows = list(
        csv.reader(io.StringIO((tmp_path / "x.csv").read_text(encoding="utf-8-sig"), newline=""), delimiter=";")
    )
    fields = [f for r in rows for f in r]
    assert not any(f.startswith(("=", "+", "@")) for f in fields)
    assert any(f.startswith("'" + label) for f in fields) and "'@SUM(1+1)*cmd" in fields

    export_summary(database, tmp_path / "x.xlsx", period=Y2025, as_of=AFTER_2025)
    with zipfile.ZipFile(tmp_path / "x.xlsx") as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in s or "<f " in s for s in sheets)  # no formula anywhere
    wb = load_workbook(tmp_path / "x.xlsx")
    cells = [
        c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")
    ]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    # and the labels survive a round trip through merge
    for name in ("x.csv", "x.xlsx"):
        back = read_summary(tmp_path / name)
        assert back.goals[0].label.startswith(label) and back.meta.goal_set_name == "@SUM(1+1)*cmd"


def test_empty_summary_writes_in_every_format(database: Database, tmp_path: Path) -> None:
    for fmt in ExportFormat:
        write_summary(exact(database), tmp_path / f"tom.{fmt.value}", rules=rules_for(None))
    assert read_summary(tmp_path / "tom.xlsx").population.value == 0
    assert len(PdfReader(tmp_path / "tom.pdf").pages) == 1


def test_unknown_extension_is_refused(tmp_path: Path, database: Database) -> None:
    with pytest.raises(UserFacingError, match=re.escape("Filtypen «.docx»")):
        write_summary(exact(database), tmp_path / "x.docx", rules=rules_for(None))
