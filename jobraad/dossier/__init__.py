"""The dossier for the rehabiliteringsteam: one PDF that carries the whole case.

Cover, table of contents, the forberedende del in its sections (the caseworker's
text plus what jobraad knows), the citizen's remarks, the sundhedskoordinator's notes
and skånehensyn, the progression in each placement (the same chart and figures as the
screen), the documentation checklist with every document and what is missing, the
jobcenter's own assessment and proposal (outside the forberedende del), and the
received documents appended as bilag. Made all in memory (no temporary file), each step once:

- `gather` reads the case from the database into plain data;
- `appendices` reads the attached files (so their pages are counted before the
  layout), draws their pages and stamps, and puts the finished file together;
- `story` says what the dossier says, as plain data (sections, texts, tables);
- `layout` sets it with ReportLab: flowables, the page template, the cover, the
  contents and the page numbers.

One dossier per reader (`readers`, data in `resources/rules/dossier_readers.toml`): the team gets
everything, the employer, the citizen and the sundhedskoordinator what they need; the cover
names the recipient and what was left out.

Making a dossier is recorded in the audit log (`Action.PRINT`, "dossier (modtager: team)"), in
the same transaction that writes the file: if writing fails, nothing is logged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select

from db.models import Citizen
from db.session import Database
from jobraad import audit, cpr
from jobraad import formatting as fmt
from jobraad.dossier.appendices import assemble, draw_appendix_pages, read_appendices
from jobraad.dossier.gather import gather
from jobraad.dossier.layout import lay_out
from jobraad.dossier.readers import reader, reader_choices
from jobraad.dossier.story import compose
from jobraad.errors import UserFacingError
from jobraad.outputs import check_output, rules_for, write_output

__all__ = ["DossierInfo", "DossierOptions", "build_dossier", "find_citizen_by_cpr", "reader_choices"]


@dataclass(frozen=True)
class DossierOptions:
    """`meeting_date` None: the citizen's next rehabiliteringsteam meeting, if any. `reader`: who
    the dossier is for, a key of `reader_choices()` ("team", "virksomhed", "borger",
    "sundhedskoordinator"); an unknown key is refused with a Danish message."""

    meeting_date: dt.date | None = None
    include_appendices: bool = True
    reader: str = "team"  # who the dossier is for: a key of `readers.reader_choices()`


@dataclass(frozen=True)
class DossierInfo:
    pages: int
    appendices: int
    sections: list[str]


def find_citizen_by_cpr(database: Database, cpr_text: str) -> int:
    """The id of the citizen with this CPR number (with or without the dash).
    Raises `UserFacingError` with a Danish message if it is invalid or unknown."""
    try:
        digits = cpr.normalise(cpr_text)
    except cpr.InvalidCpr as err:
        raise UserFacingError(str(err)) from None
    with database.reading() as session:
        citizen_id = session.scalars(select(Citizen.id).where(Citizen.cpr == digits)).first()
    if citizen_id is None:
        raise UserFacingError(f"Der er ingen borger med CPR-nummer {fmt.cpr(digits)} i sagsstammen.")
    return citizen_id


def build_dossier(
    database: Database,
    citizen_id: int,
    out: BinaryIO | Path,
    *,
    today: dt.date | None = None,
    options: DossierOptions = DossierOptions(),
    progress: Callable[[int, int], None] | None = None,
    replace: bool = False,
) -> DossierInfo:
    """Make the dossier of one citizen and write it to `out` (a binary stream, or a
    path written by the one writer: an existing file is replaced only with `replace`, the
    database or a backup never). Raises `CitizenNotFound` for an unknown id,
    `OutputRefusedError` for a refused path and `UserFacingError` for an unknown reader (both
    before any work), and `StorageError` when the file cannot be written; then nothing is logged.
    The dossier holds what `options.reader` gets (`readers`), and the log says who it was for."""
    today = today or dt.date.today()
    for_reader = reader(options.reader)  # an unknown reader is refused before any work
    rules = None
    if isinstance(out, (str, Path)):
        rules = rules_for(database)
        check_output(Path(out), rules, replace=replace)
    data = gather(database, citizen_id, today, options.meeting_date, options.include_appendices, for_reader)
    appendices = read_appendices(data.appendix_files)
    steps = 3 + len(appendices)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, steps)

    step()
    document = compose(data, appendices)
    bilag = [(a.file.label, a.pages) for a in appendices]
    layout = lay_out(document, bilag, partial(draw_appendix_pages, appendices, document))
    step()
    pdf = assemble(layout, appendices, step)

    def write(fh: BinaryIO) -> None:
        fh.write(pdf)

    with database.transaction() as session:
        audit.record(session, audit.Action.PRINT, citizen_id, f"dossier (modtager: {for_reader.key})")
        # Written inside the transaction: if writing fails, the log entry rolls back.
        if isinstance(out, (str, Path)):
            assert rules is not None
            write_output(Path(out), write, rules, replace=replace)
        else:
            write(out)
    step()
    return DossierInfo(pages=len(layout.page_order), appendices=len(appendices), sections=document.sections)
