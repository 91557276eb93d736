"""A team summary as an XLSX workbook (XlsxWriter): a summary sheet for people, the long
table as "Data" and the metadata (never a row per citizen: see `jobraad.team.suppression`).

Numbers that are exact and shown are numeric cells (the reader takes them back as they
are); a hidden or ranged figure is the text shown ("<5", "x", "12–15"). Text is never a
formula, whatever it starts with.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from jobraad import formatting as fmt
from jobraad.outputs import OutputRules, write_output
from jobraad.team.long_table import (
    FORMULA_START,
    ILLEGAL_XML,
    DataRow,
    data_rows,
    meta_rows,
)
from jobraad.team.model import Meta, Summary
from jobraad.team.suppression import suppress

__all__ = ["write_xlsx"]

_FMT_COUNT = "#,##0"
_FMT_SHARE = "0.0%"
_FMT_DECIMAL = "#,##0.0"
_FMT_PRECISE = "#,##0.0###"

# Printing: A4 (paper 9). Its width inside the default margins holds about this many
# characters of column width upright; a sheet wider than that prints landscape.
_PAPER_A4 = 9
_PORTRAIT_CHARS = 90


class _SheetWriter:
    """Writes rows into one XlsxWriter worksheet, top down, and keeps track of column widths.
    Rows and columns are counted from 1 here, as in Excel; XlsxWriter counts from 0."""

    def __init__(self, book: _Book, name: str) -> None:
        self.book = book
        self.ws = book.workbook.add_worksheet(name)
        self.row = 1
        self.widths: dict[int, float] = defaultdict(float)
        self.fitted: dict[int, float] = {}  # the column widths set, for the page setup

    def put(
        self,
        values: Sequence[Any],
        formats: Sequence[str | None] = (),
        bold: bool = False,
        measure: bool = True,
        size: int | None = None,
    ) -> None:
        for col, value in enumerate(values, start=1):
            number_format = formats[col - 1] if col - 1 < len(formats) else None
            self.cell(self.row, col, value, number_format, bold, size)
            if measure and value is not None:
                shown = value if isinstance(value, str) else fmt.number(value, 1)
                self.widths[col] = max(self.widths[col], len(shown))
        self.row += 1

    def skip(self) -> None:
        self.row += 1

    def cell(
        self, row: int, col: int, value: Any, number_format: str | None, bold: bool, size: int | None = None
    ) -> None:
        r, c = row - 1, col - 1
        if isinstance(value, str):
            text = ILLEGAL_XML.sub("", value)
            right = col > 1 and (text[:1].isdigit() or text[:1] in "<x–c")
            style = self.book.style(bold=bold, size=size, right=right, quote=text.startswith(FORMULA_START))
            if text:
                self.ws.write_string(r, c, text, style)  # never a formula, whatever it starts with
            elif style is not None:
                self.ws.write_blank(r, c, None, style)  # an empty cell, as openpyxl left it
        elif isinstance(value, bool):
            self.ws.write_boolean(r, c, value, self.book.style(bold=bold, size=size))
        elif isinstance(value, int | float):
            self.ws.write_number(r, c, value, self.book.style(number=number_format, bold=bold, size=size))
        elif value is None:
            if bold or size:
                self.ws.write_blank(r, c, None, self.book.style(bold=bold, size=size))
        else:
            raise TypeError(f"no spreadsheet cell for {type(value).__name__}")

    def freeze(self, row: int, col: int) -> None:
        """Freeze the rows above `row` and the columns left of `col` (Excel's "Frys ruder" at that cell)."""
        self.ws.freeze_panes(row - 1, col - 1)

    def filter(self, columns: int) -> None:
        """An autofilter over the header row and the rows written below it."""
        self.ws.autofilter(0, 0, max(1, self.row - 1) - 1, columns - 1)

    def fit(self, cap: float = 90) -> None:
        for col, width in self.widths.items():
            self.fitted[col] = min(cap, max(8.0, width * 1.1 + 2))
            self.ws.set_column(col - 1, col - 1, self.fitted[col])

    def print_setup(self, title_rows: int) -> None:
        """Print a label and its numbers on one page: A4, all columns on one page wide (as
        many pages tall as it takes), landscape when the columns are wider than an upright
        page, the first `title_rows` rows repeated at the top of every page, and the sheet's
        name and page number in the footer. Call after `fit`."""
        self.ws.set_paper(_PAPER_A4)
        self.ws.fit_to_pages(1, 0)
        columns = max(self.fitted, default=0)
        width = sum(self.fitted.get(col, 8.43) for col in range(1, columns + 1))  # 8.43: Excel's default
        if width > _PORTRAIT_CHARS:
            self.ws.set_landscape()
        else:
            self.ws.set_portrait()
        self.ws.repeat_rows(0, title_rows - 1)
        self.ws.set_footer("&L&A&RSide &P af &N")


class _Book:
    """An XlsxWriter workbook built in memory (`in_memory`: no worksheet is staged as a
    temporary file in the shared temp folder, where a plaintext copy could be left behind),
    and its cell formats, one per combination."""

    def __init__(self, out: BinaryIO) -> None:
        import xlsxwriter  # type: ignore[import-untyped]  # only when an XLSX is written

        self.workbook = xlsxwriter.Workbook(out, {"in_memory": True})
        self._styles: dict[tuple[str | None, bool, int | None, bool, bool], Any] = {}

    def style(
        self,
        *,
        number: str | None = None,
        bold: bool = False,
        size: int | None = None,
        right: bool = False,
        quote: bool = False,
    ) -> Any:
        key = (number, bold, size, right, quote)
        if not any(key):
            return None
        if key not in self._styles:
            props: dict[str, Any] = {}
            if number:
                props["num_format"] = number
            if bold:
                props["bold"] = True
            if size:
                props["font_size"] = size
            if right:
                props["align"] = "right"
            if quote:
                props["quote_prefix"] = True
            self._styles[key] = self.workbook.add_format(props)
        return self._styles[key]


def _num_or_text(value: float | int | None, display: str) -> float | int | str:
    return value if value is not None else display


def _summary_sheet(w: _SheetWriter, s: Summary) -> None:
    w.put([f"Teamopgørelse – {s.meta.goal_set_name}"], bold=True, measure=False, size=14)
    w.put([s.period_line], measure=False)
    w.put([s.anonymity_line], measure=False)
    for note in s.notes:
        w.put([note], measure=False)
    w.skip()
    header_row = w.row

    w.put(["Nøgletal", "Antal", "Mål", "Andel af mål"], bold=True)
    w.put(
        [
            f"Borgere i indsatsen i perioden ({s.meta.population})",
            _num_or_text(s.population.value, s.population.display),
        ],
        ["", _FMT_COUNT],
    )
    w.put(["Heraf i målgruppen 2024", _num_or_text(s.target_group.value, s.target_group.display)], ["", _FMT_COUNT])
    hs = s.helaarspladser_share
    w.put(
        [
            "Helårspladser brugt (borgerdage / 365)",
            _num_or_text(s.helaarspladser.value, s.helaarspladser.display),
            s.helaarspladser_target if s.helaarspladser_target is not None else "ikke fastsat",
            _num_or_text(hs.value, hs.display),
        ],
        ["", _FMT_DECIMAL, _FMT_DECIMAL, _FMT_SHARE],
    )
    d = s.decision
    w.put(
        [
            "Median uger fra gruppe 3-forløbets start til afgørelse",
            d.weeks if d.weeks is not None and not d.approximate else d.display,
            None,
            f"{d.n.display} afgørelser",
        ],
        ["", _FMT_DECIMAL],
    )
    w.put(
        [
            "Gruppe 3 med forsinkede anmodninger om dokumentation",
            _num_or_text(s.overdue_requests.value, s.overdue_requests.display),
        ],
        ["", _FMT_COUNT],
    )
    w.skip()

    w.put(["Mål", "Opnået", "I alt", "Resultat", "Mål", "Status"], bold=True)
    for g in s.goals:
        share = g.share
        w.put(
            [
                g.label,
                _num_or_text(g.numerator.value, g.numerator.display),
                _num_or_text(g.denominator.value, g.denominator.display),
                _num_or_text(share.value, share.display),
                g.target if g.target is not None else "–",
                g.status,
            ],
            ["", _FMT_COUNT, _FMT_COUNT, _FMT_SHARE, _FMT_SHARE],
        )
    for t in s.tables:
        w.skip()
        w.put([t.title, "Antal", "Andel"], bold=True)
        for r in (*t.rows, t.total):
            share = t.share(r)
            w.put(
                [r.label, _num_or_text(r.count.value, r.count.display), _num_or_text(share.value, share.display)],
                ["", _FMT_COUNT, _FMT_SHARE],
                bold=r is t.total,
            )
    w.freeze(header_row, 1)
    w.fit()
    w.ws.hide_gridlines(2)  # on screen and on paper
    w.print_setup(title_rows=2)  # the title and the period; each table below has its own header


def _data_sheet(w: _SheetWriter, rows: list[DataRow]) -> None:
    w.put(["Afsnit", "Nøgle", "Tekst", "Værdi", "Nedre", "Øvre"], bold=True)
    for r in rows:
        number_format = {"share": _FMT_SHARE, "count": _FMT_COUNT, "amount": _FMT_PRECISE, "weeks": _FMT_DECIMAL}.get(
            r.kind
        )
        bound_format = _FMT_SHARE if r.kind == "share" else number_format
        w.put(
            [r.section, r.key, r.label, r.value, r.low, r.high],
            [None, None, None, number_format, bound_format, bound_format],
        )
    w.freeze(2, 1)
    w.filter(6)
    w.fit(cap=70)
    w.print_setup(title_rows=1)


def _meta_sheet(w: _SheetWriter, m: Meta) -> None:
    w.put(["Nøgle", "Værdi", "Forklaring"], bold=True)
    for key, label, value in meta_rows(m):
        w.put([key, value, label])
    w.freeze(2, 1)
    w.fit(cap=80)
    w.print_setup(title_rows=1)


def _xlsx_bytes(s: Summary) -> bytes:
    buffer = io.BytesIO()
    book = _Book(buffer)
    _summary_sheet(_SheetWriter(book, "Opsummering"), s)
    _data_sheet(_SheetWriter(book, "Data"), data_rows(s))
    _meta_sheet(_SheetWriter(book, "Metadata"), s.meta)
    book.workbook.set_properties({"title": f"Teamopgørelse {s.meta.period.label}", "author": "jobraad"})
    book.workbook.close()
    return buffer.getvalue()


def write_xlsx(summary: Summary, path: Path, *, rules: OutputRules, replace: bool = False) -> None:
    """Save the summary as XLSX (suppressed: small counts never leave as numbers), built in
    memory and written by the one writer under `rules`."""
    write_output(Path(path), _xlsx_bytes(suppress(summary)), rules, replace=replace)
