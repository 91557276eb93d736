"""Importing citizens from CSV and XLSX: what is stored, and every refusal with its line and column."""

from __future__ import annotations

import datetime as dt
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.enums import Aim, VisitationGroup
from db.models import AuditEntry, Citizen, Forloeb
from db.session import Database
from jobraad import audit, importer
from jobraad.citizens import CitizenInput
from jobraad.importer import ImportRefused, ImportResult, import_citizens, read_rows
from tests.jobraad.importing import (
    HEADER,
    STORED_CPR,
    citizens,
    count_citizens,
    cpr_for,
    refusal,
    where,
    write_csv,
    write_xlsx,
)

# --- good files ------------------------------------------------------------------


def test_semicolon_csv_stores_every_column(database: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "borgere.csv",
        [
            HEADER,
            "010190-1234;Søren;Ærø;+45 12 34 56 78;soeren@example.dk;1;01-02-2024;Uddannelse;arabisk;ja",
            "150385-2345;Åse;Østergård;;;fleksjobvisiteret;2024-03-15;førtidspension;;nej",
        ],
    )

    result = import_citizens(database, path)

    assert result == ImportResult(created=2)
    stored = citizens(database)
    assert set(stored) == {"0101901234", "1503852345"}
    soeren = stored["0101901234"]
    assert (soeren.first_name, soeren.last_name) == ("Søren", "Ærø")
    assert (soeren.phone, soeren.email) == ("+45 12 34 56 78", "soeren@example.dk")
    assert (soeren.aim, soeren.language, soeren.interpreter_needed) == (Aim.UDDANNELSE, "arabisk", True)
    assert [(f.group, f.start_date, f.end_date) for f in soeren.forloeb] == [
        (VisitationGroup.GRUPPE_1, dt.date(2024, 2, 1), None)
    ]
    aase = stored["1503852345"]
    assert (aase.first_name, aase.last_name, aase.phone, aase.email) == ("Åse", "Østergård", "", "")
    assert (aase.aim, aase.interpreter_needed) == (Aim.FOERTIDSPENSION, False)
    assert [(f.group, f.start_date) for f in aase.forloeb] == [
        (VisitationGroup.FLEKSJOBVISITERET, dt.date(2024, 3, 15))
    ]


def test_import_is_audited_once_without_personal_data(database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "b.csv", ["cpr;fornavn;efternavn", "010190-1234;Søren;Ærø", "150385-2345;Åse;Ø"])

    import_citizens(database, path)

    with database.reading() as session:
        entries = [
            (e.action, e.citizen_id, e.detail) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]
        assert audit.verify_chain(session).ok
    assert entries == [(audit.Action.IMPORT, None, "2 borgere")]


def test_comma_separated_csv(database: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "b.csv",
        ["cpr,fornavn,efternavn,gruppe", '010190-1234,"Hansen, Søren",Ærø,3', "150385-2345,Åse,Ø,4"],
    )

    assert import_citizens(database, path).created == 2

    stored = citizens(database)
    assert stored["0101901234"].first_name == "Hansen, Søren"
    assert stored["0101901234"].forloeb[0].group == VisitationGroup.GRUPPE_3
    assert stored["1503852345"].forloeb[0].group == VisitationGroup.GRUPPE_4


def test_utf8_with_bom_and_loose_headers(database: Database, tmp_path: Path) -> None:
    # Header names in any case, with spaces around them, and forløbsstart spelled without ø.
    path = write_csv(
        tmp_path / "b.csv",
        [" CPR ; Fornavn ;EFTERNAVN; Forloebsstart ", "010190-1234;Søren;Ærø;05.06.2023"],
        encoding="utf-8-sig",
    )

    assert import_citizens(database, path).created == 1

    soeren = citizens(database)["0101901234"]
    assert (soeren.first_name, soeren.last_name) == ("Søren", "Ærø")
    assert soeren.forloeb[0].start_date == dt.date(2023, 6, 5)


def test_windows_1252_from_danish_excel(database: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "b.csv",
        ["cpr;fornavn;efternavn;sprog", "010190-1234;Søren Æble;Åkjær-Østergård;Dansk – tegnsprog"],
        encoding="cp1252",
    )
    assert "Ø".encode("cp1252") in path.read_bytes()  # really one byte per letter

    assert import_citizens(database, path).created == 1

    soeren = citizens(database)["0101901234"]
    assert (soeren.first_name, soeren.last_name, soeren.language) == (
        "Søren Æble",
        "Åkjær-Østergård",
        "Dansk – tegnsprog",
    )


def test_excel_unicode_text_utf16_with_tabs(database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "b.txt", ["cpr\tfornavn\tefternavn", "010190-1234\tSøren\tÆrø"], encoding="utf-16")

    assert import_citizens(database, path).created == 1
    assert citizens(database)["0101901234"].last_name == "Ærø"


def test_excel_sep_line_is_honoured_and_counted(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "b.csv", ["sep=,", "cpr,fornavn,efternavn", "010190-1234,Søren,Ærø"])

    headers, rows = read_rows(path)

    assert headers == ["cpr", "fornavn", "efternavn"]
    assert rows == [(3, {"cpr": "010190-1234", "fornavn": "Søren", "efternavn": "Ærø"})]


def test_line_numbers_count_blank_lines_and_quoted_line_breaks(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "b.csv",
        [
            "cpr;fornavn;efternavn",
            "",
            "010190-1234;Søren;Ærø",
            '150385-2345;"Åse',
            'Marie";Ø',
            ";;",
            "020280-1234;Ib;Ås",
        ],
        newline="\n",
    )

    _, rows = read_rows(path)

    assert [line for line, _ in rows] == [3, 4, 7]
    assert rows[1][1]["fornavn"] == "Åse\nMarie"


def test_line_break_inside_a_value_is_refused(database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "b.csv", ["cpr;fornavn;efternavn", '010190-1234;"Søren', 'Peter";Ærø'])

    assert where(refusal(database, path)) == [(2, "fornavn")]


def test_invisible_characters_around_values_are_trimmed(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "b.csv", ["cpr;fornavn;efternavn", "010190-1234\u200b;\ufeffSøren;\xa0Ærø "])

    _, rows = read_rows(path)

    assert rows == [(2, {"cpr": "010190-1234", "fornavn": "Søren", "efternavn": "Ærø"})]


def test_empty_trailing_columns_and_blank_rows_are_ignored(database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "b.csv", ["cpr;fornavn;efternavn;;", "010190-1234;Søren;Ærø;;", ";;;;", ""])

    headers, rows = read_rows(path)
    assert headers == ["cpr", "fornavn", "efternavn"]
    assert len(rows) == 1
    assert import_citizens(database, path).created == 1


def test_optional_columns_may_be_left_out(database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "b.csv", ["efternavn;cpr;fornavn", "Ærø;0101901234;Søren"])

    import_citizens(database, path)

    soeren = citizens(database)["0101901234"]
    assert (soeren.aim, soeren.interpreter_needed, soeren.language) == (Aim.JOB, False, "")
    assert [(f.group, f.start_date) for f in soeren.forloeb] == [(VisitationGroup.GRUPPE_2, dt.date.today())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ja", True),
        ("JA", True),
        ("j", True),
        ("true", True),
        ("1", True),
        ("SAND", True),
        ("nej", False),
        ("n", False),
        ("False", False),
        ("0", False),
        ("", False),
    ],
)
def test_tolk_values(database: Database, tmp_path: Path, text: str, expected: bool) -> None:
    path = write_csv(tmp_path / "b.csv", ["cpr;fornavn;efternavn;tolk", f"010190-1234;Søren;Ærø;{text}"])

    import_citizens(database, path)

    assert citizens(database)["0101901234"].interpreter_needed is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", VisitationGroup.GRUPPE_1),
        ("Gruppe 2", VisitationGroup.GRUPPE_2),
        ("gruppe 3", VisitationGroup.GRUPPE_3),
        ("4", VisitationGroup.GRUPPE_4),
        ("fleksjobvisiteret", VisitationGroup.FLEKSJOBVISITERET),
        ("Ledig fleksjobvisiteret", VisitationGroup.FLEKSJOBVISITERET),
    ],
)
def test_group_values(database: Database, tmp_path: Path, text: str, expected: VisitationGroup) -> None:
    path = write_csv(tmp_path / "b.csv", ["cpr;fornavn;efternavn;gruppe", f"010190-1234;Søren;Ærø;{text}"])

    import_citizens(database, path)

    assert citizens(database)["0101901234"].forloeb[0].group == expected


def test_formula_like_text_is_stored_as_it_is(database: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "b.csv",
        ["cpr;fornavn;efternavn;telefon;sprog", "010190-1234;=cmd|' /C calc'!A0;@SUM(A1);+45 70 10 20 30;-2+3"],
    )

    import_citizens(database, path)

    soeren = citizens(database)["0101901234"]
    assert (soeren.first_name, soeren.last_name, soeren.phone, soeren.language) == (
        "=cmd|' /C calc'!A0",
        "@SUM(A1)",
        "+45 70 10 20 30",
        "-2+3",
    )


# --- XLSX ------------------------------------------------------------------------


def test_xlsx_with_typed_cells(database: Database, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "borgere.xlsx",
        [
            ["CPR", "Fornavn", "Efternavn", "Telefon", "Gruppe", "Forløbsstart", "Sigte", "Tolk"],
            ["010190-1234", "Søren", "Ærø", 12345678, 1, dt.datetime(2024, 2, 1), "fleksjob", True],
            [None, None, None, None, None, None, None, None],
            ["150385-2345", "Åse", "Ø", None, "gruppe 4", "15-03-2024", None, False],
        ],
    )

    assert import_citizens(database, path).created == 2

    stored = citizens(database)
    soeren = stored["0101901234"]
    assert (soeren.first_name, soeren.phone, soeren.aim, soeren.interpreter_needed) == (
        "Søren",
        "12345678",
        Aim.FLEKSJOB,
        True,
    )
    assert [(f.group, f.start_date) for f in soeren.forloeb] == [(VisitationGroup.GRUPPE_1, dt.date(2024, 2, 1))]
    aase = stored["1503852345"]
    assert [(f.group, f.start_date) for f in aase.forloeb] == [(VisitationGroup.GRUPPE_4, dt.date(2024, 3, 15))]
    assert aase.interpreter_needed is False


def test_xlsx_lines_are_sheet_rows(database: Database, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "b.xlsx",
        [[], ["cpr", "fornavn", "efternavn"], ["010190-1234", "Søren", "Ærø"], [], ["310299-1234", "Ib", "Ås"]],
    )

    assert where(refusal(database, path)) == [(5, "cpr")]


def test_xlsx_formulas_are_never_evaluated(database: Database, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["cpr", "fornavn", "efternavn", "sprog"])
    sheet.append(["010190-1234", "Søren", "Ærø", "=1+1"])  # a real formula, no saved value
    sheet["B2"].value = '=HYPERLINK("http://x")'
    sheet["B2"].data_type = "s"  # text that merely looks like a formula
    path = tmp_path / "b.xlsx"
    workbook.save(path)

    import_citizens(database, path)

    soeren = citizens(database)["0101901234"]
    assert soeren.first_name == '=HYPERLINK("http://x")'
    assert soeren.language == ""  # not "2", and not the formula


def test_xlsx_cpr_stored_as_number_gets_a_hint(database: Database, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "b.xlsx", [["cpr", "fornavn", "efternavn"], [101901234, "Søren", "Ærø"]])

    err = refusal(database, path)

    assert where(err) == [(2, "cpr")]
    assert "9 cifre" in err.problems[0].message


def test_xlsx_content_under_another_name_is_read_as_xlsx(database: Database, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "b.xlsx", [["cpr", "fornavn", "efternavn"], ["010190-1234", "Søren", "Ærø"]])
    renamed = path.rename(tmp_path / "b.csv")

    assert import_citizens(database, renamed).created == 1


# --- refusals: rows and columns -----------------------------------------------------

GOOD = "010190-1234;Søren;Ærø;;;;;;;"
BAD_ROWS: dict[str, tuple[list[str], list[tuple[int, str]]]] = {
    "cpr with no such date": ([GOOD, "310299-1234;Ib;Ås;;;;;;;"], [(3, "cpr")]),
    "cpr too short": (["01019-1234;Ib;Ås;;;;;;;"], [(2, "cpr")]),
    "cpr missing": ([";Ib;Ås;;;;;;;"], [(2, "cpr")]),
    "empty first name": ([GOOD, "150385-2345;  ;Ås;;;;;;;"], [(3, "fornavn")]),
    "empty last name": (["150385-2345;Ib;;;;;;;;"], [(2, "efternavn")]),
    "no such date": (["150385-2345;Ib;Ås;;;;31-02-2024;;;"], [(2, "forløbsstart")]),
    "not a date": (["150385-2345;Ib;Ås;;;;i morgen;;;"], [(2, "forløbsstart")]),
    "unknown group": (["150385-2345;Ib;Ås;;;gruppe 7;;;;"], [(2, "gruppe")]),
    "unknown aim": (["150385-2345;Ib;Ås;;;;;pension;;"], [(2, "sigte")]),
    "tolk maybe": (["150385-2345;Ib;Ås;;;;;;;måske"], [(2, "tolk")]),
    "bad e-mail": (["150385-2345;Ib;Ås;;ib(at)example.dk;;;;;"], [(2, "email")]),
    "bad phone": (["150385-2345;Ib;Ås;ring til mor;;;;;;"], [(2, "telefon")]),
    "language too long": ([f"150385-2345;Ib;Ås;;;;;;{'x' * 61};"], [(2, "sprog")]),
    "same cpr twice": ([GOOD, "150385-2345;Ib;Ås;;;;;;;", "0101901234;Anden;Person;;;;;;;"], [(4, "cpr")]),
    "several rows, several columns": (
        ["310299-1234;;Ås;;;9;;;;", GOOD, "150385-2345;Ib;Ås;;;;31-02-2024;;;nok"],
        [(2, "cpr"), (2, "fornavn"), (2, "gruppe"), (4, "forløbsstart"), (4, "tolk")],
    ),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_bad_rows_refuse_the_whole_file(stocked: Database, tmp_path: Path, case: str) -> None:
    rows, expected = BAD_ROWS[case]
    path = write_csv(tmp_path / "b.csv", [HEADER, *rows])

    err = refusal(stocked, path)

    assert where(err) == expected
    assert set(citizens(stocked)) == {"0202801234"}


def test_same_cpr_twice_names_both_lines(database: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "b.csv", ["cpr;fornavn;efternavn", "010190-1234;A;B", "150385-2345;C;D", "0101901234;E;F"]
    )

    err = refusal(database, path)

    assert where(err) == [(4, "cpr")]
    assert "linje 2" in err.problems[0].message
    assert "linje 4" in err.problems[0].message


def test_cpr_already_in_the_caseload(stocked: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "b.csv", ["cpr;fornavn;efternavn", "010190-1234;Søren;Ærø", f"{STORED_CPR};Ny;Navn"])

    err = refusal(stocked, path)

    assert where(err) == [(3, "cpr")]
    assert "findes allerede i sagsstammen" in err.problems[0].message
    with stocked.reading() as session:
        assert session.scalar(select(func.count()).select_from(Forloeb)) == 1
        assert [c.first_name for c in session.scalars(select(Citizen))] == ["Eksisterende"]


def test_messages_never_quote_other_columns(stocked: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "b.csv",
        [
            "cpr;fornavn;efternavn;telefon;sprog",
            "310299-1234;Hemmeligsen;Skjultesen;11223344;somali",
            f"{STORED_CPR};Fortroligsen;Diskretsen;;",
            "010190-1234;Privatsen;Lukketsen;;",
            "010190-1234;Anonymsen;Ukendtsen;nummer;",
        ],
    )

    message = str(refusal(stocked, path))

    for secret in ("Hemmeligsen", "Skjultesen", "11223344", "somali", "Fortroligsen", "Privatsen", "Anonymsen"):
        assert secret not in message
    assert "310299-1234" in message  # the faulty value itself may be quoted
    assert "nummer" in message


def test_missing_required_column(database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "b.csv", ["cpr;fornavn;telefon", "010190-1234;Søren;12345678"])

    err = refusal(database, path)

    assert where(err) == [(1, "efternavn")]
    assert "mangler" in err.problems[0].message


def test_unknown_column_is_named_with_the_known_ones(database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "b.csv", ["cpr;fornavn;efternavn;Skostørrelse", "010190-1234;Søren;Ærø;44"])

    err = refusal(database, path)

    assert where(err) == [(1, "Skostørrelse")]
    assert "cpr, fornavn, efternavn, telefon, email, gruppe, forløbsstart, sigte, sprog, tolk" in str(err)


@pytest.mark.parametrize(
    "first_line",
    ["010190-1234;Søren;Ærø", "Søren;Ærø;010190-1234;cpr", "Hansen;Søren;Ærø"],
)
def test_file_without_header_line_quotes_no_data(database: Database, tmp_path: Path, first_line: str) -> None:
    path = write_csv(tmp_path / "b.csv", [first_line, "150385-2345;Åse;Ø"])

    err = refusal(database, path)

    assert where(err) == [(1, importer.FILE)]
    assert "kolonneoverskrifter" in str(err)
    for secret in ("010190-1234", "Søren", "Ærø", "Hansen", "Åse"):
        assert secret not in str(err)


def test_column_given_twice(database: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "b.csv", ["cpr;fornavn;efternavn;forløbsstart;forloebsstart", "010190-1234;S;Æ;01-01-2024;"]
    )

    assert where(refusal(database, path)) == [(1, "forløbsstart")]


def test_value_in_a_column_without_header(database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "b.csv", ["cpr;fornavn;efternavn", "010190-1234;Søren;Ærø;hov"])

    assert where(refusal(database, path)) == [(1, "(kolonne 4)")]


def test_long_lists_are_cut_in_the_message_not_in_problems(database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "b.csv", ["cpr;fornavn;efternavn", *(f"{cpr_for(i)};;X" for i in range(60))])

    err = refusal(database, path)

    assert len(err.problems) == 60
    assert str(err).count("•") == importer.MAX_LISTED
    assert str(err).endswith("… og 10 problemer mere.")


# --- refusals: the file as a whole -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("tom.csv", b"", "Filen er tom."),
        ("blank.csv", b"  \r\n\r\n", "Filen er tom."),
        ("bom.csv", b"\xef\xbb\xbf\r\n", "Filen er tom."),
        ("kun-overskrift.csv", b"cpr;fornavn;efternavn\r\n\r\n", "ingen rækker med borgere"),
        ("billede.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "Filen er ikke en CSV-fil"),
        ("nul.csv", b"cpr;fornavn;efternavn\r\n0101901234;S\x00ren;X\r\n", "Filen er ikke en CSV-fil"),
        ("ulaeselig.csv", b"cpr;fornavn;efternavn\r\n0101901234;\x81\x8d\x8f;X\r\n", "Filen er ikke en CSV-fil"),
        ("styretegn.txt", bytes(range(1, 9)) * 10, "Filen er ikke en CSV-fil"),
        ("gammel.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "gammelt Excel-regneark"),
        ("beskadiget.xlsx", b"PK\x03\x04" + b"ikke et regneark" * 10, "kan ikke åbnes som Excel-regneark"),
        ("tekst.xlsx", b"cpr;fornavn;efternavn\r\n", "kan ikke åbnes som Excel-regneark"),
    ],
)
def test_unusable_files(stocked: Database, tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    err = refusal(stocked, path)

    assert [p.field for p in err.problems] == [importer.FILE]
    assert expected in err.problems[0].message
    assert str(err).startswith("Intet er importeret:\n")


def test_zip_that_is_no_workbook(database: Database, tmp_path: Path) -> None:

    path = tmp_path / "b.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hej.txt", "ikke et regneark")

    assert "kan ikke åbnes som Excel-regneark" in refusal(database, path).problems[0].message


def test_too_large_file_is_refused_before_parsing(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "b.csv", ["cpr;fornavn;efternavn", "010190-1234;Søren;Ærø"])
    monkeypatch.setattr(importer, "MAX_FILE_BYTES", 20)

    def no_parsing(*_: object) -> None:
        raise AssertionError("parsed a file that is too large")

    monkeypatch.setattr(importer, "_csv_records", no_parsing)

    err = refusal(database, path)

    assert "for stor" in err.problems[0].message


def test_too_many_rows(database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "MAX_ROWS", 2)
    path = write_csv(tmp_path / "b.csv", ["cpr;fornavn;efternavn", *(f"{cpr_for(i)};A;B" for i in range(3))])

    assert "mere end 2 rækker" in refusal(database, path).problems[0].message


def test_missing_file(database: Database, tmp_path: Path) -> None:
    err = refusal(database, tmp_path / "findes-ikke.csv")

    assert "kan ikke læses" in err.problems[0].message


def test_a_failure_while_writing_leaves_nothing_behind(
    stocked: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "b.csv", ["cpr;fornavn;efternavn", *(f"{cpr_for(i)};A;B" for i in range(5))])
    real_add = importer.add_citizens

    def failing_add(session: Session, rows: Sequence[tuple[CitizenInput, str]]) -> list[int]:
        real_add(session, rows[:3])  # three are written, then the disk is full
        raise OSError("disk full")

    monkeypatch.setattr(importer, "add_citizens", failing_add)

    with pytest.raises(OSError):
        import_citizens(stocked, path)

    assert set(citizens(stocked)) == {"0202801234"}
    with stocked.reading() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "import")) == 0


# --- progress and speed --------------------------------------------------------------


def test_progress_rises_to_total_after_commit(database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "b.csv", ["cpr;fornavn;efternavn", *(f"{cpr_for(i)};A;B" for i in range(250))])
    calls: list[tuple[int, int]] = []

    import_citizens(database, path, progress=lambda done, total: calls.append((done, total)))

    assert calls[0] == (0, 500)
    assert calls[-1] == (500, 500)
    assert calls.count((500, 500)) == 1
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert {total for _, total in calls} == {500}
    assert len(calls) > 10  # the bar moves while checking and while writing


def test_progress_never_completes_on_refusal(database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "b.csv", ["cpr;fornavn;efternavn", "010190-1234;A;B", "310299-1234;C;D"])
    calls: list[tuple[int, int]] = []

    with pytest.raises(ImportRefused):
        import_citizens(database, path, progress=lambda done, total: calls.append((done, total)))

    assert calls
    assert all(done < total for done, total in calls)


@pytest.mark.slow
def test_a_thousand_rows_import_quickly(database: Database, tmp_path: Path) -> None:
    lines = [HEADER]
    lines += [
        f"{cpr_for(i)};Fornavn{i};Efternavn{i};12345678;a{i}@example.dk;{i % 4 + 1};01-02-2024;job;;nej"
        for i in range(1000)
    ]
    path = write_csv(tmp_path / "b.csv", lines)

    started = time.perf_counter()
    result = import_citizens(database, path)
    elapsed = time.perf_counter() - started

    assert result.created == 1000
    assert count_citizens(database) == 1000
    with database.reading() as session:
        assert session.scalar(select(func.count()).select_from(Forloeb)) == 1000
    assert elapsed < 5, f"1000 rows took {elapsed:.1f} s"


# --- fuzzing ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def write_fuzz(folder: Path, content: bytes, suffix: str) -> Path:
    path = folder / f"fuzz{suffix}"
    path.write_bytes(content)
    return path


_cell = st.one_of(
    st.builds(cpr_for, st.integers(0, 9999)),
    st.sampled_from(
        ["Søren", "Åse", "", "ja", "1", "gruppe 3", "31-02-2024", "01-02-2024", "=1+1", '"', "310299-1234"]
    ),
    st.text(st.characters(categories=["L", "N", "P", "S", "Zs"], include_characters=';,"\r\n\t'), max_size=8),
)
_header = st.one_of(
    st.permutations(["cpr", "fornavn", "efternavn"]),
    st.lists(
        st.sampled_from(["cpr", "fornavn", "efternavn", "gruppe", "tolk", "forløbsstart", "Navn", ""]), max_size=6
    ),
)
_csv_like = st.builds(
    lambda header, rows, sep, encoding: "\r\n".join(sep.join(r) for r in [header, *rows]).encode(encoding, "replace"),
    _header,
    st.lists(st.lists(_cell, min_size=3, max_size=6), min_size=1, max_size=5),
    st.sampled_from([";", ","]),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
_fuzz_file = st.one_of(
    st.tuples(st.binary(max_size=1000), st.sampled_from([".csv", ".txt", ".xlsx"])),
    st.tuples(st.text(max_size=500).map(str.encode), st.just(".csv")),
    st.tuples(_csv_like, st.sampled_from([".csv", ".txt"])),
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fuzz_file=_fuzz_file)
def test_fuzzed_files_are_imported_or_refused(database: Database, fuzz_dir: Path, fuzz_file: tuple[bytes, str]) -> None:
    path = write_fuzz(fuzz_dir, *fuzz_file)
    before = count_citizens(database)
    try:
        result = import_citizens(database, path)
    except ImportRefused as err:
        event("refused, file" if err.problems[0].field == importer.FILE else "refused, rows or columns")
        assert err.problems
        assert str(err).startswith("Intet er importeret:")
        assert count_citizens(database) == before
    else:
        event("imported")
        assert result.created > 0
        assert count_citizens(database) == before + result.created
