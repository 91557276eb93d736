"""A team summary as CSV for Danish Excel: semicolons, UTF-8 with BOM, CRLF. The whole file
is the long table (`jobraad.team.long_table`): metadata rows first, then the data rows.

"Værdi" is the figure as a person reads it ("76,9 %", "<5"); "Nedre" and "Øvre" are the
bounds as plain decimals with a decimal comma (`jobraad.team.numbers`, the format the
metadata declares), which the reader takes back exactly.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from jobraad import formatting as fmt
from jobraad.outputs import OutputRules, write_output
from jobraad.team.long_table import (
    FORMULA_START,
    ILLEGAL_XML,
    DataRow,
    data_rows,
    meta_rows,
)
from jobraad.team.model import Summary
from jobraad.team.numbers import format_bound
from jobraad.team.suppression import suppress

__all__ = ["CSV_HEADER", "write_csv"]

CSV_HEADER = ("Afsnit", "Nøgle", "Tekst", "Værdi", "Nedre", "Øvre")

_PLAIN_NUMBER = re.compile(r"^-?\d+(?:,\d+)?$")


def _csv_text(value: Any) -> str:
    """A CSV field Excel shows as written: text that Excel would take for a formula gets an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_bound(value)
    text = ILLEGAL_XML.sub("", str(value))
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def _csv_value(r: DataRow) -> str:
    if isinstance(r.value, str) or r.value is None:
        return _csv_text(r.value)
    if r.kind == "share":
        return fmt.percent(float(r.value), 1)
    if r.kind == "count":
        return str(int(r.value))
    return fmt.number(float(r.value))


def _csv_bytes(s: Summary) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_HEADER)
    for key, label, value in meta_rows(s.meta):
        writer.writerow(["Metadata", f"meta.{key}", _csv_text(label), _csv_text(value), "", ""])
    for r in data_rows(s):
        writer.writerow(
            [_csv_text(r.section), r.key, _csv_text(r.label), _csv_value(r), format_bound(r.low), format_bound(r.high)]
        )
    return buffer.getvalue().encode("utf-8-sig")


def write_csv(summary: Summary, path: Path, *, rules: OutputRules, replace: bool = False) -> None:
    """Save the summary as CSV for Danish Excel: semicolons, UTF-8 with BOM, CRLF (suppressed)."""
    write_output(Path(path), _csv_bytes(suppress(summary)), rules, replace=replace)
