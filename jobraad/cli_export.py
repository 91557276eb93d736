"""Command-line commands for the team-lead summaries (registered by jobraad.cli):

    jobraad export --db STI [--format xlsx|csv|pdf] [--from DATO --to DATO] -o FIL [--force]
    jobraad merge FIL... -o FIL [--format xlsx|csv|pdf] [--force]

Without dates the period is the current calendar year; without --format the format
follows the output file's extension. Refusals (bad date, unknown format, summaries of
different periods or goals, an existing output without --force, the database, a backup or
a .jobraad file as output) exit with status 2 and a Danish message. So does the dropped
--per-citizen: rows per citizen would give away the counts the tables hide.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from db.errors import UserFacingError
from jobraad.cli import EXIT_OK, db_option, force_option, open_db

#: The values of `jobraad.team.export.ExportFormat`, here so that building the parser (also when the
#: window starts) does not import the export; a test keeps the two equal.
FORMATS = ("xlsx", "csv", "pdf")

#: Why `--per-citizen` is refused (it was dropped; see README, "Statistisk røjdkontrol").
PER_CITIZEN_REFUSED = (
    "Rækker pr. borger kan ikke længere komme med i en teamopgørelse: de ville vise de tal, som "
    "opgørelsen skjuler (fx præcis 1 førtidspension, hvor tabellen viser «<5»). "
    "Lav opgørelsen uden --per-citizen; intet er gemt."
)


def register(sub: Any) -> None:
    """Add this feature's sub-commands to the `jobraad` parser."""
    formats = list(FORMATS)
    p = sub.add_parser(
        "export",
        help="gem en anonym teamopgørelse (xlsx, csv eller pdf)",
        description="Gem en anonym opgørelse af sagsstammen til teamlederen: mål og resultater, "
        "helårspladser, grupper, afslutninger. Ingen navne eller CPR-numre; tal under 5 vises som <5.\n"
        "Uden datoer gælder indeværende kalenderår.",
    )
    db_option(p)
    p.add_argument("--format", choices=formats, help="filformat (standard: efter filnavnets endelse)")
    p.add_argument("--from", "--fra", dest="date_from", metavar="DATO", help="periodens første dag (dd-mm-åååå)")
    p.add_argument("--to", "--til", dest="date_to", metavar="DATO", help="periodens sidste dag (dd-mm-åååå)")
    p.add_argument(
        "--per-citizen",
        action="store_true",
        help=argparse.SUPPRESS,  # dropped: refused with the reason (cmd_export)
    )
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FIL", help="filen, der skal gemmes")
    force_option(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "merge",
        help="læg flere jobrådgiveres opgørelser sammen",
        description="Læg teamopgørelser (xlsx eller csv) fra flere jobrådgivere sammen til én. "
        "Opgørelserne skal dække samme periode og bygge på samme mål.",
    )
    p.add_argument("files", type=Path, nargs="+", metavar="FIL", help="opgørelser (xlsx eller csv)")
    p.add_argument("--format", choices=formats, help="filformat (standard: efter filnavnets endelse)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FIL", help="den samlede opgørelse")
    force_option(p)
    p.set_defaults(func=cmd_merge)


def cmd_export(args: argparse.Namespace) -> int:
    from jobraad.team.export import ExportFormat, export_summary, format_for_path
    from jobraad.team.model import period_from_texts

    if args.per_citizen:
        raise UserFacingError(PER_CITIZEN_REFUSED)
    fmt = ExportFormat(args.format) if args.format else format_for_path(args.output)
    period = period_from_texts(args.date_from, args.date_to)
    database = open_db(args.db)
    try:
        summary = export_summary(database, args.output, fmt, period, replace=args.force)
    finally:
        database.close()
    print(f"Teamopgørelsen er gemt: {args.output} ({summary.meta.period.label}, {summary.population.display} borgere)")
    return EXIT_OK


def cmd_merge(args: argparse.Namespace) -> int:
    from jobraad.outputs import check_output, clean_leftovers, rules_for
    from jobraad.team.export import ExportFormat, format_for_path, write_summary
    from jobraad.team.merge import merge_summaries

    fmt = ExportFormat(args.format) if args.format else format_for_path(args.output)
    clean_leftovers()
    rules = rules_for(None, inputs=args.files)  # no database here; the merged files are never replaced
    check_output(args.output, rules, replace=args.force)
    merged = merge_summaries(args.files)
    write_summary(merged, args.output, fmt, rules=rules, replace=args.force)
    print(f"{len(args.files)} opgørelser ({merged.meta.caseworkers} jobrådgivere) er lagt sammen: {args.output}")
    return EXIT_OK
