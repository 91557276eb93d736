"""Command-line command for the citizen's own plan (registered by jobraad.cli).

jobraad plan CPR --db STI -o FIL.pdf [--force]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from jobraad.errors import UserFacingError


def register(sub: Any) -> None:
    """Add this feature's sub-command to the `jobraad` parser."""
    from jobraad.cli import db_option, force_option

    p = sub.add_parser(
        "plan",
        help="lav borgerens egen plan (Min plan) som PDF",
        description="Lav borgerens egen plan som PDF på én eller to sider med stor skrift: borgerens mål, det "
        "aftalte (aktiviteter, praktik og job nu og fremover), de næste møder og jobrådgiveren som kontakt. "
        "Uden CPR-nummer og helbredsoplysninger. Taler borgeren et andet sprog, står overskrifterne på det sprog "
        "med dansk under, hvor der er en oversættelse. Udskriften registreres i loggen.",
    )
    p.add_argument("cpr", metavar="CPR", help="borgerens CPR-nummer, med eller uden bindestreg")
    db_option(p)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FIL", help="PDF-filen, der skal gemmes")
    force_option(p)
    p.set_defaults(func=cmd_plan)


def cmd_plan(args: argparse.Namespace) -> int:
    from jobraad.cli import EXIT_OK, open_db
    from jobraad.dossier import find_citizen_by_cpr
    from jobraad.min_plan import build_plan

    output: Path = args.output
    if output.suffix.lower() != ".pdf":
        raise UserFacingError(f"Outputfilen skal ende på .pdf: {output.name}")
    if not output.parent.is_dir():
        raise UserFacingError(f"Mappen findes ikke: {output.parent}")
    database = open_db(args.db)
    try:
        citizen_id = find_citizen_by_cpr(database, args.cpr)
        info = build_plan(database, citizen_id, output, replace=args.force)
    finally:
        database.close()
    pages = "1 side" if info.pages == 1 else f"{info.pages} sider"
    print(f"Planen er gemt: {output} ({pages}).")
    if info.note:
        print(info.note)
    return EXIT_OK
