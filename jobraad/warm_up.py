"""Work done ahead, in a thread, so that the user does not wait for it later: each step
only imports or prepares, reads no caseload and needs no database. A failure here is
ignored by the caller; it shows again, with its message, where the work is really done."""

from __future__ import annotations


def prepare_models() -> None:
    """Set up the models' mappers, which SQLAlchemy does at the first query otherwise
    (about 25 ms between the passphrase and the window)."""
    from sqlalchemy.orm import configure_mappers

    import db.models  # noqa: F401  (the mappers to set up)

    configure_mappers()


def prepare_rule_packs() -> None:
    """Read the shipped rule packs (TOML, about 50 ms), which opening a caseload
    (`documentation.record_missing_packs`) and its first read need."""
    from jobraad.rulepacks import builtin_packs

    builtin_packs()


def prepare_sorting() -> None:
    """Load ICU and its Danish collator (about 25 ms), which the caseload's first read needs
    for the names' sort keys: at start, between Enter and the rows on screen otherwise."""
    from jobraad.text import danish_sort_key

    danish_sort_key("Ærø")


def prepare_printing() -> None:
    """Import ReportLab and pypdf and read the embedded font: the first dossier or letter
    is then as quick as the next (see the benchmark's "første" row)."""
    from jobraad import dossier  # noqa: F401  (ReportLab, pypdf)
    from jobraad.pdf import register_fonts

    register_fonts()


def prepare_spreadsheets() -> None:
    """Import XlsxWriter, the team export's XLSX writer."""
    import xlsxwriter  # type: ignore[import-untyped]  # noqa: F401
