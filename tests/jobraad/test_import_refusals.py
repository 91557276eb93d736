"""Import refusals that protect what is stored: text in two character sets or encoded
twice, hidden characters, fields too long, and spreadsheets built to exhaust the program."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest

from db.session import Database
from jobraad import importer, xlsx_reader
from jobraad.citizens import CitizenInput, create_citizen, validate
from jobraad.cli import PASSPHRASE_ENV, main
from jobraad.errors import ValidationFailed
from jobraad.importer import import_citizens
from tests.conftest import PASSPHRASE
from tests.jobraad import hostile_files as hostile
from tests.jobraad.importing import (
    citizens,
    count_citizens,
    cpr_for,
    refusal,
    where,
    write_csv,
    write_xlsx,
)

# --- character sets, hidden characters and long fields -------------------------------


def test_csv_mixing_utf8_and_windows_1252_lines_is_refused_naming_them(database: Database, tmp_path: Path) -> None:
    # Lines 2 and 4 were saved by Danish Excel (Windows-1252); line 3 was pasted in from a mail (UTF-8).
    path = tmp_path / "b.csv"
    path.write_bytes(
        b"cpr;fornavn;efternavn\r\n"
        + "010190-1234;Åse;Østergård\r\n".encode("cp1252")
        + "150385-2345;Søren;Ærø\r\n".encode()
        + "020280-1234;Bjørn;Ågård\r\n".encode("cp1252")
    )

    err = refusal(database, path)

    assert where(err) == [(3, importer.FILE)]
    message = err.problems[0].message
    assert "UTF-8" in message and "Windows-1252" in message and "linje 2" in message
    assert "Søren" not in str(err) and "Ã" not in str(err)


def test_csv_encoded_twice_is_refused_naming_line_and_column(database: Database, tmp_path: Path) -> None:
    # "Søren Ærø" saved as UTF-8, read as Windows-1252 and saved as UTF-8 again.
    twice = "Søren;Ærø".encode().decode("cp1252")
    assert twice == "SÃ¸ren;Ã†rÃ¸"
    path = write_csv(tmp_path / "b.csv", ["cpr;fornavn;efternavn", "150385-2345;Ib;Ås", f"010190-1234;{twice}"])

    err = refusal(database, path)

    assert where(err) == [(3, "fornavn"), (3, "efternavn")]
    assert "«Ã¸»" in err.problems[0].message and "«ø»" in err.problems[0].message
    assert "«Ã†»" in err.problems[1].message and "«Æ»" in err.problems[1].message


def test_names_that_only_look_like_double_encoding_are_imported(database: Database, tmp_path: Path) -> None:
    names = ["JOSÉ\xa0MARIA;São", "Ærø;Ågård-Øst", "Ãnh;Ñuñez", "Zoë;Łukasz"]
    path = write_csv(tmp_path / "b.csv", ["cpr;fornavn;efternavn", *(f"{cpr_for(i)};{n}" for i, n in enumerate(names))])

    assert import_citizens(database, path).created == 4

    assert {(c.first_name, c.last_name) for c in citizens(database).values()} == {tuple(n.split(";")) for n in names}


def test_xlsx_text_encoded_twice_is_refused(database: Database, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "b.xlsx",
        [["cpr", "fornavn", "efternavn", "sprog"], ["010190-1234", "Søren", "Ærø", "Dansk â€“ tegnsprog"]],
    )

    err = refusal(database, path)

    assert where(err) == [(2, "sprog")]
    assert "«â€“»" in err.problems[0].message and "«–»" in err.problems[0].message


HIDDEN = {
    "right-to-left override": "\u202e",
    "left-to-right mark": "\u200e",
    "right-to-left mark": "\u200f",
    "left-to-right embedding": "\u202a",
    "pop directional formatting": "\u202c",
    "right-to-left isolate": "\u2067",
    "pop directional isolate": "\u2069",
    "arabic letter mark": "\u061c",
    "bell": "\x07",
    "next line (C1)": "\x85",
    "line separator": "\u2028",
}


@pytest.mark.parametrize("name", list(HIDDEN))
def test_hidden_characters_in_a_name_are_refused_naming_line_and_column(
    database: Database, tmp_path: Path, name: str
) -> None:
    char = HIDDEN[name]
    # Five lines: in a shorter file, one control character makes it look binary.
    lines = ["cpr;fornavn;efternavn", "010190-1234;Søren;Ærø", f"150385-2345;Åse;Øs{char}ter", "020280-1234;Bo;Ås"]
    path = write_csv(tmp_path / "b.csv", [*lines, "030380-1234;Ib;Holm"])

    err = refusal(database, path)

    assert where(err) == [(3, "efternavn")]
    assert "som tegn nr. 3" in err.problems[0].message
    assert char not in str(err)


def test_hidden_characters_in_the_other_columns_are_refused_without_quoting(database: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "b.csv", ["cpr;fornavn;efternavn;gruppe;tolk", "010190-1234;Søren;Ærø;\u202e2 eppurg;ja\u200f"]
    )

    err = refusal(database, path)

    assert where(err) == [(2, "gruppe"), (2, "tolk")]
    assert "\u202e" not in str(err) and "eppurg" not in str(err)


def test_citizens_validate_refuses_hidden_characters_for_the_window_too(database: Database) -> None:
    # The rule of the import is the rule of the "Ny borger" and "Redigér stamdata" dialogs.
    spoofed = CitizenInput(first_name="Søren", last_name="Hansen\u202enesnaH", cpr="010190-1234", phone="12\x0034")

    with pytest.raises(ValidationFailed) as info:
        create_citizen(database, spoofed)

    assert [(p.field, p.line) for p in info.value.problems] == [("efternavn", None), ("telefon", None)]
    assert "U+202E" in info.value.problems[0].message and "tegn nr. 7" in info.value.problems[0].message
    assert count_citizens(database) == 0

    _, problems = validate(CitizenInput(first_name="Søren", last_name="Ærø", cpr="010190-1234", notes="a\u2066b"))
    assert [p.field for p in problems] == ["noter"]
    # Notes and an address have lines; a line break there is text, not a hidden character.
    _, problems = validate(
        CitizenInput(first_name="Søren", last_name="Ærø", cpr="010190-1234", address="Vej 1\n2300 S", notes="a\r\nb\tc")
    )
    assert problems == []


def test_a_10_mb_field_is_too_long_naming_line_and_column(
    database: Database,
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = write_csv(
        tmp_path / "b.csv", ["cpr;fornavn;efternavn", "010190-1234;Søren;Ærø", f"150385-2345;{'x' * 10_000_000};Ø"]
    )

    err = refusal(database, path)

    assert where(err) == [(3, "fornavn")]
    assert err.problems[0].message.startswith("Feltet er for langt: 10000000 tegn")
    assert "anførselstegn" not in err.problems[0].message
    # The same from the command line: the message and exit status 2.
    database.close()
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    assert main(["import", "--db", str(db_path), str(path)]) == 2
    assert "linje 3, fornavn: Feltet er for langt" in capsys.readouterr().err


def test_an_unclosed_quote_makes_a_field_too_long_with_a_hint(database: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "b.csv", ["cpr;fornavn;efternavn", '010190-1234;"Søren;Ærø', *(["150385-2345;Åse;Ø"] * 200)]
    )

    err = refusal(database, path)

    assert where(err) == [(2, "fornavn")]
    assert "for langt" in err.problems[0].message and "anførselstegn" in err.problems[0].message


def test_something_beyond_the_columns_read_is_refused_not_left_out(database: Database, tmp_path: Path) -> None:
    far = ";" * importer.MAX_COLUMNS
    path = write_csv(tmp_path / "b.csv", ["cpr;fornavn;efternavn", f"010190-1234;Søren;Ærø{far}hemmelig"])
    assert "kolonne 203" in refusal(database, path).problems[0].message

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["cpr", "fornavn", "efternavn"])
    sheet.append(["010190-1234", "Søren", "Ærø"])
    sheet.cell(row=2, column=importer.MAX_COLUMNS + 5, value="hemmelig")
    workbook.save(tmp_path / "b.xlsx")
    err = refusal(database, tmp_path / "b.xlsx")
    assert where(err) == [(None, importer.FILE)]
    assert "Række 2 har noget i kolonne GW" in err.problems[0].message
    assert "hemmelig" not in str(err)


# --- hostile spreadsheets ------------------------------------------------------------

CITIZEN_ROWS = [["cpr", "fornavn", "efternavn"], ["010190-1234", "Søren", "Ærø"]]
NAME_FROM_STRING_0 = [["cpr", "fornavn", "efternavn"], ["010190-1234", hostile.Shared(0), "Ærø"]]
SPACE = hostile.shared_strings([" "])
# Each is answered within a second or so; the bound leaves room for a busy machine.
ANSWERED_WITHIN = 10.0


@pytest.fixture
def rows_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The numbers of the sheet rows the bounded reader handed to the import."""
    read: list[int] = []
    real = xlsx_reader.XlsxBook.rows

    def counting(self: xlsx_reader.XlsxBook, name: str) -> Iterator[tuple[int, tuple[object, ...]]]:
        for line, values in real(self, name):
            read.append(line)
            yield line, values

    monkeypatch.setattr(xlsx_reader.XlsxBook, "rows", counting)
    return read


HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    # A million rows of a space each: an 83 KB file.
    "a million whitespace rows": (
        lambda: hostile.workbook(
            [("Ark1", hostile.sheet(CITIZEN_ROWS, extra=hostile.whitespace_rows(1_048_576)))], SPACE
        ),
        "flere end 50001 rækker",
    ),
    "a 0.4 MB file of whitespace rows unpacking to 185 MB": (
        lambda: hostile.workbook(
            [("Ark1", hostile.sheet(CITIZEN_ROWS, extra=hostile.whitespace_rows(5_600_000)))], SPACE
        ),
        "fylder mere end 64 MB, når det pakkes ud",
    ),
    "one cell at XFD1048576": (
        lambda: hostile.workbook(
            [("Ark1", hostile.sheet(CITIZEN_ROWS, extra=[hostile.FAR_CELL], dimension="A1:XFD1048576"))], SPACE
        ),
        "flere end 50001 rækker",
    ),
    "a billion laughs in sharedStrings.xml": (
        lambda: hostile.workbook([("Ark1", hostile.sheet(NAME_FROM_STRING_0))], hostile.entity_bomb_strings()),
        "kan ikke åbnes som Excel-regneark",
    ),
    "a harmless entity, declared all the same": (
        lambda: hostile.workbook(
            [("Ark1", hostile.sheet(NAME_FROM_STRING_0))], hostile.entity_strings("navn", "Søren")
        ),
        "kan ikke åbnes som Excel-regneark",
    ),
    "a sheet cut off in the middle": (
        lambda: hostile.workbook([("Ark1", [hostile.sheet_start(), hostile.rows_xml(CITIZEN_ROWS)[:-20]])]),
        "kan ikke åbnes som Excel-regneark",
    ),
    "a zip cut off in the middle": (
        lambda: hostile.workbook([("Ark1", hostile.sheet(CITIZEN_ROWS))])[:-100],
        "kan ikke åbnes som Excel-regneark",
    ),
    "a part whose CRC is wrong": (
        lambda: _corrupt_crc(hostile.workbook([("Ark1", hostile.sheet(CITIZEN_ROWS))])),
        "kan ikke åbnes som Excel-regneark",
    ),
}


def _corrupt_crc(data: bytes) -> bytes:
    """The workbook with one byte of its sheet's packed data changed."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_xlsx_is_refused_quickly_and_nothing_stored(
    stocked: Database, tmp_path: Path, rows_read: list[int], case: str
) -> None:
    make, expected = HOSTILE[case]
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(make())

    started = time.perf_counter()
    err = refusal(stocked, path)
    elapsed = time.perf_counter() - started

    assert where(err) == [(None, importer.FILE)]
    assert expected in err.problems[0].message
    assert len(rows_read) <= importer.MAX_ROWS + 1  # never the million rows the file asks for
    assert set(citizens(stocked)) == {"0202801234"}
    assert elapsed < ANSWERED_WITHIN, f"{case}: {elapsed:.1f} s"


def test_openpyxl_parses_with_defusedxml() -> None:
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


def test_a_small_sheet_made_by_hand_is_imported(database: Database, tmp_path: Path) -> None:
    # The hostile files above are made the same way: what refuses them is what is hostile in them.
    path = tmp_path / "b.xlsx"
    path.write_bytes(
        hostile.workbook([("Ark1", hostile.sheet(CITIZEN_ROWS, extra=hostile.whitespace_rows(1_000)))], SPACE)
    )

    assert import_citizens(database, path).created == 1
    assert citizens(database)["0101901234"].first_name == "Søren"
