"""The command-line command for the calendar (registered by jobraad.cli):

    jobraad kalender --db STI -o FIL.ics [--initialer] [--paamindelse MINUTTER] [--force]

The same export as the window's "Eksportér kalender": neutral summaries by kind, the
citizen's name or (with --initialer) only initials, UIDs stable per item and unique per
database (see `jobraad.calendar_export`). Refusals exit with status 2 and a Danish message.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from jobraad.cli import EXIT_OK, db_option, force_option, open_db


def register(sub: Any) -> None:
    """Add this feature's sub-command to the `jobraad` parser."""
    p = sub.add_parser(
        "kalender",
        help="gem frister og møder som en kalenderfil (.ics) til Outlook",
        description="Gem sagsstammens frister, påmindelser og kommende møder som en .ics-fil. "
        "Hver aftale hedder kun, hvad slags den er (fx «Frist: dokumentation») og hvem; "
        "dokumenter, læger, helbred, steder og noter bliver i jobraad. "
        "Importeres en nyere fil, flyttes aftalerne i stedet for at blive dobbelte.",
    )
    db_option(p)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FIL", help="kalenderfilen, der skal gemmes")
    p.add_argument("--initialer", action="store_true", help="kun borgernes initialer, ikke deres navne")
    p.add_argument(
        "--paamindelse",
        type=int,
        metavar="MINUTTER",
        help="en påmindelse så mange minutter før hver aftale; ved en frist regnet fra arbejdsdagens "
        "start på dagen (standard: ingen)",
    )
    force_option(p)
    p.set_defaults(func=cmd_kalender)


def cmd_kalender(args: argparse.Namespace) -> int:
    from jobraad.calendar_export import export_ics

    database = open_db(args.db)
    try:
        count = export_ics(
            database,
            args.output,
            names=not args.initialer,
            reminder_minutes=args.paamindelse,
            replace=args.force,
        )
    finally:
        database.close()
    print(f"Kalenderen er gemt: {args.output} ({count} aftaler)")
    return EXIT_OK
