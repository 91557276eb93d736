"""Importing citizens from a spreadsheet (CSV or XLSX): every row or none.

Every row is checked before anything is written. One problem anywhere refuses
the whole file with `ImportRefused`, whose problems name the file line and the
column; the caseworker fixes the file and imports it again. Messages quote at
most the value that is wrong, never the other columns of the row.

Cell values are taken as text exactly as they stand: nothing is evaluated, and
an XLSX formula gives only the value Excel saved with it.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.enums import Aim, VisitationGroup
from db.models import Citizen
from db.session import Database
from jobraad import audit, cpr, dates, vocab
from jobraad import formatting as fmt
from jobraad.citizens import CitizenInput, add_citizen, validate
from jobraad.errors import FieldProblem, ValidationFailed

MAX_FILE_BYTES = 20 * 1024 * 1024
# An XLSX is a zip: its unpacked size is bounded too, so a small bomb cannot
# keep the worker busy for an hour.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 50_000
# Columns read from an XLSX row; a caseload sheet has about ten.
MAX_COLUMNS = 200
# Problems spelled out in the message; `ImportRefused.problems` always has all.
MAX_LISTED = 50

FILE = "fil"  # the field of a problem with the file as a whole

REQUIRED = ("cpr", "fornavn", "efternavn")
OPTIONAL = ("telefon", "email", "gruppe", "forløbsstart", "sigte", "sprog", "tolk")
COLUMNS = REQUIRED + OPTIONAL
_ALIASES = {
    "forloebsstart": "forløbsstart",
    "forlobsstart": "forløbsstart",
    "cpr-nummer": "cpr",
    "cpr-nr": "cpr",
    "cpr-nr.": "cpr",
    "e-mail": "email",
}
# Stored column widths that `citizens.validate` does not check.

_YES = frozenset({"ja", "j", "true", "1", "sand", "x"})
_NO = frozenset({"nej", "n", "false", "0", "falsk", ""})

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
_ZIP_MAGIC = b"PK\x03\x04"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]")
_CONTROL_IN_VALUE = re.compile(r"[\x00-\x1f\x7f]")
_SEP_LINE = re.compile(r"\s*sep=(.)\s*", re.IGNORECASE)
_NINE_DIGITS = re.compile(r"\d{9}")
# Whitespace and the invisible characters that copying from web pages and mails leaves behind.
_PADDING = re.compile(r"^[\s\u200b\ufeff]+|[\s\u200b\ufeff]+$")

_NOT_CSV = (
    "Filen er ikke en CSV-fil: den indeholder binære data eller tegn, der ikke kan læses. "
    "Gem regnearket som CSV (semikolonsepareret) eller som .xlsx, og prøv igen."
)
_NOT_XLSX = (
    "Filen kan ikke åbnes som Excel-regneark (.xlsx); den er måske beskadiget. "
    "Åbn og gem den igen i Excel, eller gem den som CSV."
)
_OLD_EXCEL = (
    "Filen er et gammelt Excel-regneark (.xls) eller beskyttet med adgangskode. "
    "Gem den som .xlsx uden adgangskode eller som CSV, og prøv igen."
)


@dataclass(frozen=True)
class ImportResult:
    created: int


class ImportRefused(ValidationFailed):
    """The file was refused and nothing was imported; `problems` says why, line by line."""

    SUMMARY = "Intet er importeret:"

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__(problems[:MAX_LISTED], self.SUMMARY)
        self.problems = problems
        if len(problems) > MAX_LISTED:
            self.message += f"\n  … og {len(problems) - MAX_LISTED} problemer mere."
            self.args = (self.message,)


def _refuse(message: str, line: int | None = None, field: str = FILE) -> ImportRefused:
    return ImportRefused([FieldProblem(field, message, line)])


@dataclass(frozen=True)
class _Table:
    header_line: int
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]


# --- reading -----------------------------------------------------------------


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The column headers and the non-blank rows of a CSV or XLSX file.

    Each row is (file line, {header: value}), line 1 being the file's first
    line; values are stripped text. Columns without a header are dropped if
    they are empty, else named "(kolonne N)". Raises `ImportRefused` for a file
    that cannot be read, is empty, too large, binary or has no rows.
    """
    table = _read_table(Path(path))
    return table.headers, table.rows


def _read_table(path: Path) -> _Table:
    data = _read_bytes(path)
    if data.startswith(_OLE2_MAGIC):
        raise _refuse(_OLD_EXCEL)
    # By content first: an .xlsx saved under another name is still read as one.
    if data.startswith(_ZIP_MAGIC) or path.suffix.lower() in {".xlsx", ".xlsm"}:
        records = _xlsx_records(data)
    else:
        records = _csv_records(data)
    return _tabulate(records)


def _read_bytes(path: Path) -> bytes:
    limit = MAX_FILE_BYTES
    too_large = f"Filen er for stor. Der kan højst importeres {limit / 1024 / 1024:g} MB."
    try:
        if path.stat().st_size > limit:
            raise _refuse(too_large)
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as err:
        raise _refuse(f"Filen kan ikke læses: {path.name} ({err.strerror or err}).") from None
    if len(data) > limit:
        raise _refuse(too_large)
    if not data.strip():
        raise _refuse("Filen er tom.")
    return data


def _decode(data: bytes) -> str:
    """Text of a CSV file: UTF-16 by its BOM, else UTF-8 (BOM or not), else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise _refuse(_NOT_CSV)
    # cp1252 decodes almost any bytes; binary data shows itself by NULs and
    # control characters, which text files do not have.
    if "\x00" in text or len(_CONTROL.findall(text)) * 100 > len(text):
        raise _refuse(_NOT_CSV)
    return text


def _csv_records(data: bytes) -> list[tuple[int, list[str]]]:
    text = _decode(data)
    first = next((line for line in text.splitlines() if line.strip()), "")
    sep_line = _SEP_LINE.fullmatch(first)
    if sep_line:
        # Excel's "sep=;" line: honour it, and blank it out so line numbers hold.
        delimiter = sep_line.group(1)
        text = text.replace(first, "", 1)
    else:
        # The header names have no separators in them, so the commonest one wins;
        # on a tie the semicolon, which Danish Excel writes.
        delimiter = max(";,\t", key=first.count)
    if delimiter in "\r\n\"'":
        raise _refuse(f"Linjen «sep={delimiter}» angiver ikke et brugbart skilletegn.")

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    read = 0
    try:
        for cells in reader:
            start, read = read + 1, reader.line_num
            if any(_trim(cell) for cell in cells):
                records.append((start, cells))
                _check_row_count(len(records))
    except csv.Error:
        raise _refuse(
            "Filen kan ikke læses som CSV her; måske mangler et afsluttende anførselstegn.", read + 1
        ) from None
    return records


def _check_row_count(records: int) -> None:
    if records > MAX_ROWS + 1:  # the header is a record too
        raise _refuse(f"Filen har mere end {MAX_ROWS} rækker. Del den op i mindre filer.")


def _xlsx_records(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise _refuse(_NOT_XLSX) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise _refuse("Regnearket er for stort, når det pakkes ud. Del det op i mindre filer.")

    import openpyxl  # only needed here; keeps CSV imports light

    records: list[tuple[int, list[str]]] = []
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it skips; they do not matter here.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheets = workbook.worksheets
                # The sheet Excel shows when the file is opened; never a chart sheet.
                sheet = workbook.active if workbook.active in sheets else (sheets[0] if sheets else None)
                if sheet is None:
                    raise _refuse("Regnearket har intet ark med rækker.")
                # Declared dimensions can be wrong (or huge); read the cells that exist.
                sheet.reset_dimensions()
                rows = sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
                for line, values in enumerate(rows, start=1):
                    cells = [_cell_text(v) for v in values]
                    if any(_trim(cell) for cell in cells):
                        records.append((line, cells))
                        _check_row_count(len(records))
            finally:
                workbook.close()
    except ImportRefused:
        raise
    except Exception:
        # openpyxl raises many kinds of errors for broken files (KeyError,
        # ValueError, XML errors...). Nothing but reading happens in this block.
        raise _refuse(_NOT_XLSX) from None
    return records


def _cell_text(value: object) -> str:
    """An XLSX cell as the text a user would have typed into a CSV file."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return f"{fmt.date(value)}"
        return f"{fmt.date_time(value)}"
    if isinstance(value, dt.date):
        return f"{fmt.date(value)}"
    return str(value)


def _trim(text: str) -> str:
    return _PADDING.sub("", text)


def _tabulate(records: list[tuple[int, list[str]]]) -> _Table:
    if not records:
        raise _refuse("Filen er tom.")
    header_line, header_cells = records[0]
    names = [_trim(cell) for cell in header_cells]
    while names and not names[-1]:
        names.pop()
    body = records[1:]
    if not body:
        raise _refuse("Filen har en overskriftslinje, men ingen rækker med borgere.")

    width = max(len(names), *(len(cells) for _, cells in body))
    unnamed_with_data = {
        i for _, cells in body for i, cell in enumerate(cells) if _trim(cell) and (i >= len(names) or not names[i])
    }
    columns: list[tuple[int, str]] = []
    seen: dict[str, str] = {}
    problems: list[FieldProblem] = []
    for i in range(width):
        name = names[i] if i < len(names) else ""
        if not name:
            if i not in unnamed_with_data:
                continue
            name = f"(kolonne {i + 1})"
        key = _header_key(name)
        if key in seen:
            problems.append(FieldProblem(name, "Kolonnen står mere end én gang i overskriften.", header_line))
        seen[key] = name
        columns.append((i, name))
    if problems:
        raise ImportRefused(problems)

    rows = [(line, {name: (_trim(cells[i]) if i < len(cells) else "") for i, name in columns}) for line, cells in body]
    return _Table(header_line, [name for _, name in columns], rows)


def _header_key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _column_for(header: str) -> str | None:
    key = _header_key(header)
    if key in COLUMNS:
        return key
    return _ALIASES.get(key)


# --- checking and importing ----------------------------------------------------


def _map_columns(table: _Table) -> dict[str, str]:
    """{column: header as written}, or `ImportRefused` naming unknown, repeated and missing columns."""
    mapping: dict[str, str] = {}
    problems: list[FieldProblem] = []
    line = table.header_line
    columns = [_column_for(header) for header in table.headers]
    if not any(columns) or any(cpr.is_valid(header) for header in table.headers):
        # No header line: the first line is a citizen, whose data must not be quoted back.
        raise _refuse(
            f"Linje {line} skal være kolonneoverskrifter, fx cpr;fornavn;efternavn. Kendte kolonner: "
            f"{', '.join(COLUMNS)}.",
            line,
        )
    for header, column in zip(table.headers, columns, strict=True):
        if column is None:
            if header.startswith("(kolonne "):
                problems.append(FieldProblem(header, "Kolonnen har ingen overskrift, men der står noget i den.", line))
            else:
                known = ", ".join(COLUMNS)
                problems.append(FieldProblem(header, f"Ukendt kolonne. Kendte kolonner: {known}.", line))
        elif column in mapping:
            problems.append(FieldProblem(column, "Kolonnen står mere end én gang i overskriften.", line))
        else:
            mapping[column] = header
    for column in REQUIRED:
        if column not in mapping:
            problems.append(
                FieldProblem(column, "Kolonnen mangler. Filen skal have kolonnerne cpr, fornavn og efternavn.", line)
            )
    if problems:
        raise ImportRefused(problems)
    return mapping


def _parse_row(values: dict[str, str], line: int) -> tuple[CitizenInput, list[FieldProblem]]:
    """The row as a `CitizenInput`, and the problems of the columns `validate` does not know."""
    problems: list[FieldProblem] = []
    for column, value in values.items():
        if _CONTROL_IN_VALUE.search(value):
            problems.append(FieldProblem(column, "Feltet indeholder linjeskift eller andre styretegn.", line))

    group = VisitationGroup.GRUPPE_2
    if values.get("gruppe"):
        parsed_group = vocab.parse_group(values["gruppe"])
        if parsed_group is None:
            problems.append(
                FieldProblem(
                    "gruppe", f"«{values['gruppe']}» er ikke en gruppe. Skriv 1, 2, 3, 4 eller fleksjobvisiteret.", line
                )
            )
        else:
            group = parsed_group

    start: dt.date | None = None
    if values.get("forløbsstart"):
        try:
            start = dates.parse_date(values["forløbsstart"])
        except dates.InvalidDate as err:
            problems.append(FieldProblem("forløbsstart", str(err), line))

    aim = Aim.JOB
    if values.get("sigte"):
        parsed_aim = vocab.parse_label(Aim, vocab.AIM_LABELS, values["sigte"])
        if parsed_aim is None:
            choices = ", ".join(vocab.AIM_LABELS[a].lower() for a in Aim)
            problems.append(FieldProblem("sigte", f"«{values['sigte']}» er ikke et sigte. Brug: {choices}.", line))
        else:
            aim = parsed_aim

    interpreter = values.get("tolk", "").casefold()
    if interpreter not in _YES | _NO:
        problems.append(FieldProblem("tolk", f"«{values['tolk']}» er hverken ja eller nej.", line))

    data = CitizenInput(
        first_name=values["fornavn"],
        last_name=values["efternavn"],
        cpr=values["cpr"],
        phone=values.get("telefon", ""),
        email=values.get("email", ""),
        language=values.get("sprog", ""),
        interpreter_needed=interpreter in _YES,
        aim=aim,
        group=group,
        forloeb_start=start,
    )
    return data, problems


def _cpr_problems(found: list[FieldProblem], raw: str) -> list[FieldProblem]:
    # Excel drops the leading 0 of a CPR number stored as a number (born on the 1st-9th).
    if _NINE_DIGITS.fullmatch(raw):
        hint = (
            f"CPR-nummeret «{raw}» har kun 9 cifre. Har Excel fjernet et 0 foran? "
            "Formatér kolonnen som tekst, og skriv nummeret igen."
        )
        return [FieldProblem(p.field, hint, p.line) if p.field == "cpr" else p for p in found]
    return found


def _already_stored(session: Session, numbers: Iterable[str]) -> set[str]:
    wanted = list(numbers)
    stored: set[str] = set()
    for i in range(0, len(wanted), 500):  # below SQLite's limit on bound parameters
        chunk = wanted[i : i + 500]
        stored.update(session.scalars(select(Citizen.cpr).where(Citizen.cpr.in_(chunk))))
    return stored


def _order(problem: FieldProblem) -> tuple[int, int]:
    column = COLUMNS.index(problem.field) if problem.field in COLUMNS else len(COLUMNS)
    return (problem.line or 0, column)


def import_citizens(database: Database, path: Path, progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Create a citizen, with a first forløb, for every row of a CSV or XLSX file.

    All rows or none: every row is checked first, and any problem raises
    `ImportRefused` listing all of them, with nothing written. `progress(done,
    total)` is called as rows are checked and then written; it reaches
    (total, total) only once the import is committed.
    """
    table = _read_table(Path(path))
    mapping = _map_columns(table)

    total = 2 * len(table.rows)
    step = max(1, len(table.rows) // 100)

    def report(done: int) -> None:
        if progress is not None and (done % step == 0 or done == total):
            progress(done, total)

    report(0)
    problems: list[FieldProblem] = []
    accepted: list[tuple[CitizenInput, str]] = []
    lines_of: dict[str, list[int]] = {}
    for done, (line, row) in enumerate(table.rows, start=1):
        values = {column: row[header] for column, header in mapping.items()}
        data, found = _parse_row(values, line)
        digits, checked = validate(data, line=line)
        found += _cpr_problems(checked, values["cpr"])
        if digits:
            lines = lines_of.setdefault(digits, [])
            if lines:
                found.append(
                    FieldProblem(
                        "cpr",
                        f"CPR-nummeret {fmt.cpr(digits)} står både i linje {lines[0]} og linje {line}.",
                        line,
                    )
                )
            lines.append(line)
        problems += found
        accepted.append((data, digits))
        report(done)

    with database.transaction() as session:
        # Checked in the writing transaction, so no other window can add the same
        # number in between.
        for digits in sorted(_already_stored(session, lines_of)):
            for line in lines_of[digits]:
                problems.append(FieldProblem("cpr", f"{fmt.cpr(digits)} findes allerede i sagsstammen.", line))
        if problems:
            raise ImportRefused(sorted(problems, key=_order))
        for done, (data, digits) in enumerate(accepted, start=len(accepted) + 1):
            add_citizen(session, data, digits, flush=False)
            if done < total:
                report(done)
        audit.record(session, audit.Action.IMPORT, None, f"{len(accepted)} borgere")
    report(total)
    return ImportResult(created=len(accepted))
