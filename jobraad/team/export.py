"""The team export: the anonymous summary of the caseload saved as XLSX, CSV or PDF, with
its entry in the audit log; and saving any summary (a merged one too) in a format."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path

from db.session import Database
from jobraad import audit
from jobraad.errors import UserFacingError
from jobraad.outputs import OutputRules, check_output, rules_for
from jobraad.team.build import build
from jobraad.team.csv_writer import write_csv
from jobraad.team.model import Period, Summary
from jobraad.team.pdf_writer import write_pdf
from jobraad.team.xlsx_writer import write_xlsx

__all__ = ["ExportFormat", "export_summary", "format_for_path", "write_summary"]


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    PDF = "pdf"


def format_for_path(path: Path | str) -> ExportFormat:
    suffix = Path(path).suffix.lower().lstrip(".")
    try:
        return ExportFormat(suffix)
    except ValueError:
        raise UserFacingError(
            f"Filtypen «.{suffix}» kendes ikke. Vælg xlsx, csv eller pdf (fx «opgørelse.xlsx»)."
            if suffix
            else "Filnavnet har ingen filtype. Vælg xlsx, csv eller pdf (fx «opgørelse.xlsx»)."
        ) from None


def write_summary(
    summary: Summary, path: Path, fmt: ExportFormat | str | None = None, *, rules: OutputRules, replace: bool = False
) -> None:
    """Save in `fmt` (default: from the file name's extension) through the one writer under
    `rules` (`outputs.rules_for`: the open database, or for a merge the files merged); an
    existing file is replaced only with `replace`. Every writer suppresses first."""
    fmt = ExportFormat(fmt) if fmt else format_for_path(path)
    writer = {ExportFormat.XLSX: write_xlsx, ExportFormat.CSV: write_csv, ExportFormat.PDF: write_pdf}[fmt]
    writer(summary, Path(path), rules=rules, replace=replace)


def export_summary(
    database: Database,
    path: Path,
    fmt: ExportFormat | str | None = None,
    period: Period | None = None,
    *,
    as_of: dt.date | None = None,
    replace: bool = False,
) -> Summary:
    """Build the anonymous summary, save it and record the export in the audit log (no
    personal data).
    An existing file is replaced only with `replace`; the database, a backup or a `.jobraad`
    file never (`OutputRefusedError`, before the summary is built)."""
    fmt = ExportFormat(fmt) if fmt else format_for_path(path)
    rules = rules_for(database)
    check_output(Path(path), rules, replace=replace)
    summary, _ = build(database, period, as_of=as_of, goals=None, anonymous=True)
    write_summary(summary, path, fmt, rules=rules, replace=replace)
    with database.transaction() as session:
        audit.record(session, audit.Action.EXPORT, None, f"teamopgørelse ({fmt.value})")
    return summary
