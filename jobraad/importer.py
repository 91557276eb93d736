"""Importing citizens from a spreadsheet (CSV or XLSX): every row or none.

Every row is checked before anything is written. One problem anywhere refuses
the whole file with `ImportRefused`, whose problems name the file line and the
column; the caseworker fixes the file and imports it again. Messages quote at
most the value that is wrong, never the other columns of the row.

Cell values are taken as text exactly as they stand: nothing is evaluated, and
an XLSX formula gives only the value Excel saved with it. Text is stored as the
file says or not at all: a CSV file that mixes two character sets, or text that
was encoded twice ("SÃ¸ren" for "Søren"), is refused naming the lines, as is a
value with control or bidi formatting characters (the rule of `citizens.validate`).

A file is read within bounds (size, rows, columns, cells, field length; an XLSX
file through `xlsx_reader`), so a hostile or broken file is refused in about the
time a small one takes to read.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.enums import Aim, VisitationGroup
from db.models import Citizen
from db.session import Database
from jobraad import audit, cpr, dates, vocab
from jobraad import formatting as fmt
from jobraad.citizens import CitizenInput, add_citizens, hidden_character_problem, validate
from jobraad.errors import FieldProblem, ValidationFailed

MAX_FILE_BYTES = 20 * 1024 * 1024
# An XLSX is a zip: its unpacked size is bounded too, so a small bomb cannot
# keep the worker busy for an hour. 50,000 rows of ten columns, as Excel or
# openpyxl write them, unpack to about 30 MB.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_ROWS = 50_000
# Columns read from a row; a caseload sheet has about ten. Something further out
# refuses the file: it would be left out.
MAX_COLUMNS = 200
# Cells of an XLSX sheet, blank ones included (openpyxl makes a row as wide as its last cell):
# 50,000 rows of 20 columns.
MAX_CELLS = 1_000_000
# The longest value of any cell; the widest stored column takes 200 characters.
MAX_FIELD_CHARS = 1_000
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
_LINE_END = re.compile(rb"\r\n|\r|\n")  # as the csv module counts lines
# How UTF-8 looks when it is read as Windows-1252: the lead byte of a 2- or 3-byte
# sequence (Ã, Â, Å, â ...) followed by the characters of continuation bytes.
# "Søren" saved as UTF-8 and read as Windows-1252 is "SÃ¸ren"; names never have
# these pairs. (Windows maps the five bytes cp1252 leaves undefined to U+0081 etc.)
# A no-break space after a capital letter ("JOSÉ\xa0MARIA") is let be, except after
# Â and Ã, where it is the mojibake of a no-break space and of à.
_CONTINUATION = "".join(
    chr(b) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([b]).decode("cp1252") for b in range(0x80, 0xC0)
)
_MOJIBAKE = re.compile(
    f"[\u00c2-\u00df][{_CONTINUATION.replace(chr(0xA0), '')}]"
    f"|[\u00c2\u00c3]\u00a0"
    f"|[\u00e0-\u00ef][{_CONTINUATION}]{{2}}"
)
_SEP_LINE = re.compile(r"\s*sep=(.)\s*", re.IGNORECASE)
_NINE_DIGITS = re.compile(r"\d{9}")
# Whitespace and the invisible characters that copying from web pages and mails leaves behind.
_PADDING = re.compile(r"^[\s\u200b\ufeff]+|[\s\u200b\ufeff]+$")

# The csv module refuses a field longer than its limit (128 KiB) with a message about
# quotes, and the limit is the module's, for the whole process. It is raised once, here,
# when the importer is loaded (never switched back and forth while a worker reads): no
# field can be longer than an accepted file, and `_tabulate` says which field is too long.
if csv.field_size_limit() < MAX_FILE_BYTES:
    csv.field_size_limit(MAX_FILE_BYTES)

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
    """Text of a CSV file: UTF-16 by its BOM, else UTF-8 (BOM or not), else Windows-1252.

    A file whose lines are partly UTF-8 and partly Windows-1252 (lines added in
    another program) is refused: read either way, some of its letters would be wrong.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        if encoding == "cp1252":
            _refuse_mixed_encodings(data)
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


def _refuse_mixed_encodings(data: bytes) -> None:
    """Refuse a file, not UTF-8 as a whole, that has lines of UTF-8 with letters beyond ASCII.

    Names the lines of the smaller group: those are the ones that came from elsewhere.
    """
    utf8: list[int] = []
    ansi: list[int] = []
    for line, raw in enumerate(_LINE_END.split(data), start=1):
        if raw.isascii():
            continue
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            ansi.append(line)
        else:
            utf8.append(line)
    if not utf8 or not ansi:
        return
    utf8_name, ansi_name = "UTF-8", "Windows-1252 (ANSI)"
    if len(utf8) < len(ansi):
        odd, odd_name, usual, usual_name = utf8, utf8_name, ansi, ansi_name
    else:
        odd, odd_name, usual, usual_name = ansi, ansi_name, utf8, utf8_name
    others = f"linje {usual[0]}" if len(usual) == 1 else f"{len(usual)} andre linjer, fx linje {usual[0]},"
    message = (
        f"Linjen er gemt med tegnsættet {odd_name}, men {others} er gemt med {usual_name}. Filen blander to "
        "tegnsæt, så nogle bogstaver ville blive forkerte. Gem hele filen i ét tegnsæt, fx som «CSV UTF-8», "
        "og prøv igen."
    )
    raise ImportRefused([FieldProblem(FILE, message, line) for line in odd])


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
                if len(cells) > MAX_COLUMNS:
                    cells = _within_columns(cells, start)
                records.append((start, cells))
                _check_row_count(len(records))
    except csv.Error:
        raise _refuse("Filen kan ikke læses som CSV her; måske mangler et anførselstegn.", read + 1) from None
    return records


def _within_columns(cells: Sequence[str], line: int) -> list[str]:
    """The first `MAX_COLUMNS` cells; refused if there is something further out."""
    for i in range(MAX_COLUMNS, len(cells)):
        if _trim(cells[i]):
            raise _refuse(
                f"Der står noget i kolonne {i + 1}, men der læses højst {MAX_COLUMNS} kolonner. "
                "Slet det, der står længere ude, og prøv igen.",
                line,
            )
    return list(cells[:MAX_COLUMNS])


def _check_row_count(records: int) -> None:
    if records > MAX_ROWS + 1:  # the header is a record too
        raise _refuse(f"Filen har mere end {MAX_ROWS} rækker. Del den op i mindre filer.")


def _xlsx_records(data: bytes) -> list[tuple[int, list[str]]]:
    from jobraad import xlsx_reader  # only needed here; keeps CSV imports light

    limits = xlsx_reader.Limits(
        unpacked_bytes=MAX_UNPACKED_BYTES, rows=MAX_ROWS + 1, columns=MAX_COLUMNS, cells=MAX_CELLS
    )
    records: list[tuple[int, list[str]]] = []
    try:
        with xlsx_reader.open_xlsx(data, limits) as book:
            sheet = book.shown_sheet
            if sheet is None:
                raise _refuse("Regnearket har intet ark med rækker.")
            for line, values in book.rows(sheet):
                cells = [_cell_text(v) for v in values]
                if any(_trim(cell) for cell in cells):
                    records.append((line, cells))
                    _check_row_count(len(records))
    except xlsx_reader.XlsxUnreadable:
        raise _refuse(_NOT_XLSX) from None
    except xlsx_reader.XlsxTooLarge as err:
        raise _refuse(err.message) from None
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
    if text.isascii():  # most cells, and much faster
        return text.strip()
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
    _check_cells(records, names)

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


def _check_cells(records: list[tuple[int, list[str]]], names: list[str]) -> None:
    """Refuse a file with a field that is too long or whose text was encoded twice, naming each."""
    problems: list[FieldProblem] = []
    header_line = records[0][0]
    for line, cells in records:
        for i, cell in enumerate(cells):
            if cell.isascii() and len(cell) <= MAX_FIELD_CHARS:
                continue
            named = line != header_line and i < len(names) and names[i]
            column = names[i] if named else f"(kolonne {i + 1})"
            if len(cell) > MAX_FIELD_CHARS:
                problems.append(FieldProblem(column, _too_long(cell), line))
                continue
            found = _MOJIBAKE.search(cell)
            if found is not None:
                problems.append(FieldProblem(column, _encoded_twice(found.group()), line))
    if problems:
        raise ImportRefused(problems)


def _too_long(cell: str) -> str:
    message = f"Feltet er for langt: {len(cell)} tegn, hvor der højst kan stå {MAX_FIELD_CHARS}."
    if "\n" in cell or "\r" in cell:
        message += " Måske mangler et afsluttende anførselstegn, så resten af filen er kommet med i feltet."
    return message


def _encoded_twice(sequence: str) -> str:
    raw = bytes(ord(c) if ord(c) < 0x100 else c.encode("cp1252")[0] for c in sequence)
    meant = raw.decode("utf-8", errors="replace")
    return (
        f"Der står «{sequence}», hvor der nok skulle stå «{meant}»: teksten er blevet kodet om to gange "
        "(UTF-8 læst som Windows-1252). Ret filen i det program, den kommer fra, eller gem den igen som "
        "«CSV UTF-8», og prøv igen."
    )


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
    # The other columns are text of a `CitizenInput`, which `validate` checks.
    for column in ("gruppe", "forløbsstart", "sigte", "tolk"):
        problem = hidden_character_problem(column, values.get(column, ""), line)
        if problem is not None:
            problems.append(problem)
            values = {**values, column: ""}  # not parsed: its message would quote the text

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

    def report(done: int, *, now: bool = False) -> None:
        if progress is not None and (now or done % step == 0 or done == total):
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
        chunk = 10 * step  # about ten steps of the bar while writing
        for start in range(0, len(accepted), chunk):
            add_citizens(session, accepted[start : start + chunk])
            done = len(accepted) + min(start + chunk, len(accepted))
            if done < total:
                report(done, now=True)
        audit.record(session, audit.Action.IMPORT, None, f"{len(accepted)} borgere")
    report(total)
    return ImportResult(created=len(accepted))
