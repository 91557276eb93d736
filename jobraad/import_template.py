"""The template the caseworker fills in for an import: a CSV file with the header line of the
columns the importer reads (`importer.COLUMNS`, required ones first), so the template and the
import cannot disagree. Semicolons and a UTF-8 byte order mark, as Danish Excel opens and saves
it ("forløbsstart" keeps its ø); no example rows, which would be imported as citizens."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import TYPE_CHECKING

from jobraad.importer import COLUMNS
from jobraad.outputs import rules_for, write_output

if TYPE_CHECKING:
    from db.session import Database

TEMPLATE_NAME = "borgere-skabelon.csv"


def template_bytes() -> bytes:
    return codecs.BOM_UTF8 + (";".join(COLUMNS) + "\r\n").encode("utf-8")


def save_template(database: Database | None, path: Path) -> None:
    """Write the template at `path`, replacing a file there (the save dialog has asked), through
    the one writer: never over the database or its backups. `UserFacingError` when refused."""
    write_output(Path(path), template_bytes(), rules_for(database), replace=True, what="Skabelonen kunne ikke gemmes")
