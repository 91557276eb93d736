"""Reading a team summary back from its XLSX or CSV file (this or another caseworker's), for merge.

A summary read back comes from outside (another caseworker's laptop, a mail): it is read
within the bounds of the import of citizens, and only its long table and metadata are
read (`jobraad.team.long_table`), never its per-citizen rows. Its numbers are read exactly
or not at all (`jobraad.team.numbers`): a numeric XLSX cell as the number it is, a bound
written as text by the file's declared number format or, in a file saved again by another
program, by the file as a whole; a cell that cannot be read for certain, or a helårspladser
figure no caseload can reach, is refused with the file, line and column named.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

from jobraad import formatting as fmt
from jobraad.errors import UserFacingError
from jobraad.team.long_table import FORMULA_START
from jobraad.team.model import (
    FORMAT_NAME,
    FORMAT_VERSION,
    HELAARSPLADS_DAYS,
    HIDDEN,
    SMALL,
    Amount,
    Count,
    GoalResult,
    Median,
    Meta,
    Period,
    Summary,
    Table,
    TableRow,
)
from jobraad.team.numbers import NUMBER_FORMAT_KEY, NumberRefused, read_bounds

__all__ = ["SummaryFileError", "read_summary"]


class SummaryFileError(UserFacingError):
    """A file that should hold a summary cannot be read as one."""


def _not_summary(name: str, why: str) -> SummaryFileError:
    return SummaryFileError(f"«{name}» er ikke en teamopgørelse fra jobraad ({why}).")


# A summary is a few hundred rows; its per-citizen sheet, which is not read, has a row per citizen.
_SUMMARY_MAX_BYTES = 20 * 1024 * 1024
_SUMMARY_MAX_UNPACKED = 64 * 1024 * 1024
_SUMMARY_MAX_ROWS = 100_000
_SUMMARY_MAX_CELLS = 1_000_000


def _unreadable(name: str, why: str) -> SummaryFileError:
    return SummaryFileError(f"«{name}» kan ikke læses som teamopgørelse. {why}")


# A data row as read: section, key, text, value, low, high (the bounds as numbers after
# `_read_bounds`), and the row's place in the file ("linje 12" or "arket «Data», række 12").
_Row = tuple[str, str, str, Any, Any, Any, str]


def _read_rows(path: Path) -> tuple[dict[str, str], list[_Row]]:
    name = path.name
    limit = _SUMMARY_MAX_BYTES
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise SummaryFileError(f"Filen findes ikke: {name}") from None
    except OSError as err:
        raise SummaryFileError(f"Filen «{name}» kan ikke læses ({err.strerror or err}).") from None
    if len(data) > limit:
        raise _unreadable(name, f"Filen fylder mere end {limit // 1024 // 1024} MB; det gør en teamopgørelse ikke.")
    if data.startswith(b"%PDF"):
        raise SummaryFileError(
            f"«{name}» er en PDF. PDF-opgørelser kan ikke lægges sammen; brug XLSX- eller CSV-filen."
        )
    if data.startswith(b"PK"):
        return _read_xlsx(data, name)
    return _read_csv(data, name)


def _read_xlsx(data: bytes, name: str) -> tuple[dict[str, str], list[_Row]]:
    from jobraad.xlsx_reader import Limits, XlsxRefused, open_xlsx

    # Data has six columns and Metadata two; anything further out is not read.
    limits = Limits(_SUMMARY_MAX_UNPACKED, _SUMMARY_MAX_ROWS, columns=6, cells=_SUMMARY_MAX_CELLS, refuse_wider=False)
    meta: dict[str, str] = {}
    rows: list[_Row] = []
    try:
        with open_xlsx(data, limits) as book:
            if "Metadata" not in book.sheet_names or "Data" not in book.sheet_names:
                raise _not_summary(name, "arkene «Data» og «Metadata» mangler")
            for line, row in book.rows("Metadata"):
                if line > 1 and row and row[0] is not None:
                    meta[str(row[0]).strip()] = "" if len(row) < 2 or row[1] is None else str(row[1]).strip()
            for line, row in book.rows("Data"):
                cells = [*row, None, None, None, None, None, None][:6]
                if line == 1 or cells[1] is None:
                    continue
                section, key, label = str(cells[0] or ""), str(cells[1]), str(cells[2] or "")
                rows.append((section, key, label, cells[3], cells[4], cells[5], f"arket «Data», række {line}"))
    except XlsxRefused as err:
        raise _unreadable(name, err.message) from None
    return meta, rows


def _read_csv(data: bytes, name: str) -> tuple[dict[str, str], list[_Row]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # saved again by Excel as "CSV (semikolonsepareret)"
    meta: dict[str, str] = {}
    rows: list[_Row] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        for cells in reader:
            if reader.line_num > _SUMMARY_MAX_ROWS:
                raise _unreadable(name, f"Filen har flere end {_SUMMARY_MAX_ROWS} linjer.")
            cells = [*cells[:6], "", "", "", "", "", ""][:6]
            key = cells[1].strip()
            if key.startswith("meta."):
                meta[key.removeprefix("meta.")] = _unquote(cells[3]).strip()
            elif key and key != "Nøgle" and not key.startswith("borger."):
                section, label, value = _unquote(cells[0]), _unquote(cells[2]), _unquote(cells[3])
                rows.append((section, key, label, value, cells[4], cells[5], f"linje {reader.line_num}"))
    except csv.Error:
        raise _unreadable(name, f"Linje {reader.line_num} kan ikke læses som CSV.") from None
    if not meta:
        raise _not_summary(name, "metadata mangler")
    return meta, rows


def _unquote(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def _date(meta: dict[str, str], key: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(meta[key][:10])
    except (KeyError, ValueError):
        raise _not_summary(name, f"metadata «{key}» mangler eller er ugyldig") from None


def read_summary(path: Path | str) -> Summary:
    """Read a summary saved as XLSX or CSV (by this or another caseworker's jobraad)."""
    path = Path(path)
    name = path.name
    meta, rows = _read_rows(path)
    if meta.get("format") != FORMAT_NAME:
        raise _not_summary(name, "filformatet er ukendt")
    try:
        version = int(meta.get("format_version", ""))
    except ValueError:
        raise _not_summary(name, "formatversionen mangler") from None
    if version != FORMAT_VERSION:
        raise SummaryFileError(
            f"«{name}» er lavet af en anden udgave af jobraad (formatversion {version}; denne læser {FORMAT_VERSION})."
            " Lav opgørelsen igen med samme udgave."
        )
    try:
        caseworkers = int(meta.get("jobraadgivere", "1"))
        m = Meta(
            period=Period(_date(meta, "periode_fra", name), _date(meta, "periode_til", name)),
            as_of=_date(meta, "opgjort_pr", name),
            goal_set_id=meta.get("maalsaet_id", ""),
            goal_set_name=meta.get("maalsaet_navn", ""),
            goal_set_hash=meta.get("maalsaet_hash", ""),
            indsats_period=Period(_date(meta, "indsats_fra", name), _date(meta, "indsats_til", name)),
            population=meta.get("population", ""),
            caseworkers=caseworkers,
            summary_ids=tuple(meta.get("opgoerelse_id", "").split()),
            created=dt.datetime.fromisoformat(meta["dannet"]) if meta.get("dannet") else dt.datetime.now(),
            per_citizen=False,
            suppressed=True,
            format_version=version,
            program_version=meta.get("jobraad_version", ""),
        )
    except ValueError:
        raise _not_summary(name, "metadata er ugyldige") from None
    if not m.goal_set_id or not m.goal_set_hash or not m.summary_ids:
        raise _not_summary(name, "målsæt eller id mangler i metadata")
    return _summary_from_rows(m, _read_bounds(rows, meta.get(NUMBER_FORMAT_KEY), name), name)


_LOW, _HIGH = "kolonne E (Nedre)", "kolonne F (Øvre)"


def _read_bounds(rows: list[_Row], declared: str | None, name: str) -> list[_Row]:
    """The rows with their bounds (columns E and F) read as numbers, by the file's declared
    number format or, in a file saved again by another program, by the file as a whole."""
    cells: list[tuple[str, object]] = []
    for *_, low, high, place in rows:
        cells += [(f"{place}, {_LOW}", low), (f"{place}, {_HIGH}", high)]
    try:
        bounds = read_bounds(cells, declared)
    except NumberRefused as err:
        raise SummaryFileError(
            f"«{name}», {err.where}: {err.message}. Tallene er ikke lagt sammen. "
            "Brug filen, som jobraad gemte den, eller lav opgørelsen igen."
        ) from None
    return [(*row[:4], bounds[2 * i], bounds[2 * i + 1], row[6]) for i, row in enumerate(rows)]


def _summary_from_rows(m: Meta, rows: list[_Row], name: str) -> Summary:
    by_key = {key: (section, label, value, low, high) for section, key, label, value, low, high, _ in rows}
    places = {row[1]: row[6] for row in rows}

    def impossible(key: str, column: str, why: str) -> SummaryFileError:
        return SummaryFileError(
            f"«{name}», {places[key]}, {column} («{key}»): {why}. Er tallene ændret, efter jobraad gemte filen? "
            "Tallene er ikke lagt sammen; lav opgørelsen igen."
        )

    def count(key: str) -> Count:
        if key not in by_key:
            raise _not_summary(name, f"tallet «{key}» mangler")
        _, _, value, lo, hi = by_key[key]
        if lo is None or hi is None or lo < 0 or hi < lo:
            raise _not_summary(name, f"tallet «{key}» er ugyldigt")
        if not (float(lo).is_integer() and float(hi).is_integer()):
            raise impossible(key, _LOW if not float(lo).is_integer() else _HIGH, "et antal er ikke et helt tal")
        text = str(value).strip() if value is not None else ""
        hidden = SMALL if text.startswith("<") else HIDDEN if text == "x" else ""
        return Count(round(lo), round(hi), hidden)

    def number(key: str) -> tuple[float | None, float | None]:
        if key not in by_key:
            raise _not_summary(name, f"tallet «{key}» mangler")
        _, _, _, low, high = by_key[key]
        return low, high

    def text(key: str) -> str:
        return str(by_key[key][2] or "") if key in by_key else ""

    population = count("borgere.i_alt")
    lo, hi = number("helaarspladser.brugt")
    if lo is None or hi is None:
        raise _not_summary(name, "helårspladser mangler")
    # A citizen fills at most one helårsplads over a year: more than that is a number misread.
    most = population.high * m.period.days / HELAARSPLADS_DAYS
    if lo < 0 or hi < lo or hi > most + 1e-6:
        raise impossible(
            "helaarspladser.brugt",
            _LOW if lo > most + 1e-6 or lo < 0 else _HIGH,
            f"{fmt.number(hi, 2)} helårspladser er flere, end {population.high} borgere kan nå på "
            f"{m.period.days} dage (højst {fmt.number(most, 2)})",
        )
    amount = Amount(lo, hi, str(by_key["helaarspladser.brugt"][2]).strip() == "x")
    target = number("helaarspladser.maal")[0]

    goals = []
    for key in by_key:
        if key.startswith("maal.") and key.endswith(".regel"):
            goal_id = key[len("maal.") : -len(".regel")]
            t = number(f"maal.{goal_id}.maal")[0]
            if t is not None and not 0 <= t <= 1:
                raise impossible(
                    f"maal.{goal_id}.maal", _LOW, f"målet {fmt.number(t * 100, 1)} % er ikke mellem 0 og 100 %"
                )
            goals.append(
                GoalResult(
                    goal_id=goal_id,
                    label=by_key[key][1],
                    rule=text(key),
                    target=t,
                    numerator=count(f"maal.{goal_id}.taeller"),
                    denominator=count(f"maal.{goal_id}.naevner"),
                    population=text(f"maal.{goal_id}.population"),
                )
            )
    found: dict[str, dict[str, Any]] = {}
    for key, (section, label, _value, _low, _high) in by_key.items():
        if not key.startswith("tabel."):
            continue
        parts = key.split(".", 2)
        if len(parts) != 3:
            continue
        spec = found.setdefault(parts[1], {"title": section, "rows": [], "total": None})
        row = TableRow(parts[2], label, count(key))
        if parts[2] == "i_alt":
            spec["total"] = row
        else:
            spec["rows"].append(row)
    table_list = []
    for key, spec in found.items():
        if spec["total"] is None:
            raise _not_summary(name, f"tabellen «{key}» har ingen total")
        table_list.append(Table(key, spec["title"], tuple(spec["rows"]), spec["total"]))
    weeks = number("afgoerelse.median_uger")[0]
    n = count("afgoerelse.antal")
    approximate = text("afgoerelse.median_tilnaermet") == "ja"
    decision = Median(weeks, n, approximate, hidden=str(by_key["afgoerelse.median_uger"][2]).strip() == "x")
    return Summary(
        meta=m,
        population=population,
        target_group=count("borgere.maalgruppe_2024"),
        helaarspladser=amount,
        helaarspladser_target=target,
        goals=tuple(goals),
        tables=tuple(table_list),
        decision=decision,
        overdue_requests=count("dokumentation.forsinkede"),
    )
