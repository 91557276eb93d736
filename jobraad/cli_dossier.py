"""Command-line commands for the dossier feature (registered by jobraad.cli).

jobraad dossier CPR --db STI -o FIL.pdf [--modtager team|virksomhed|borger|sundhedskoordinator]
                [--meeting dd-mm-åååå] [--uden-bilag] [--force]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from jobraad.errors import UserFacingError


def register(sub: Any) -> None:
    """Add this feature's sub-commands to the `jobraad` parser."""
    from jobraad.cli import db_option, force_option

    p = sub.add_parser(
        "dossier",
        help="lav sagen til rehabiliteringsteamet som PDF",
        description="Lav borgerens sag til rehabiliteringsteamet som én PDF: forside, indhold, den forberedende "
        "del, borgerens bemærkninger, sundhedskoordinatorens notater, progression i praktik, dokumentation og "
        "jobcentrets vurdering og forslag, med de modtagne dokumenter som bilag. Med --modtager får en anden "
        "modtager kun det, der er brug for (dataminimering). Udskriften registreres i loggen med modtageren.",
    )
    p.add_argument("cpr", metavar="CPR", help="borgerens CPR-nummer, med eller uden bindestreg")
    db_option(p)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FIL", help="PDF-filen, der skal gemmes")
    p.add_argument(
        "--meeting",
        metavar="DD-MM-ÅÅÅÅ",
        help="mødedato i rehabiliteringsteamet (standard: borgerens næste møde i sagen)",
    )
    # The readers are data (resources/rules/dossier_readers.toml), checked when the command runs:
    # reading them here would import the dossier, and the database layer with it, at every start.
    p.add_argument(
        "--modtager",
        metavar="MODTAGER",
        help="hvem dossieret er til: team (standard: hele sagen), virksomhed, borger eller sundhedskoordinator; "
        "hver modtager får kun det, der er brug for",
    )
    p.add_argument("--uden-bilag", action="store_true", help="udelad de vedhæftede dokumenter")
    force_option(p)
    p.set_defaults(func=cmd_dossier)


def cmd_dossier(args: argparse.Namespace) -> int:
    from jobraad.cli import EXIT_OK, open_db
    from jobraad.dates import InvalidDate, parse_date
    from jobraad.dossier import DossierOptions, build_dossier, find_citizen_by_cpr
    from jobraad.dossier.readers import DEFAULT_READER, reader

    recipient = reader(args.modtager or DEFAULT_READER)  # an unknown reader is refused before the database opens
    meeting = None
    if args.meeting:
        try:
            meeting = parse_date(args.meeting)
        except InvalidDate as err:
            raise UserFacingError(f"Mødedatoen: {err}") from None
    output: Path = args.output
    if output.suffix.lower() != ".pdf":
        raise UserFacingError(f"Outputfilen skal ende på .pdf: {output.name}")
    if not output.parent.is_dir():
        raise UserFacingError(f"Mappen findes ikke: {output.parent}")
    database = open_db(args.db)
    try:
        citizen_id = find_citizen_by_cpr(database, args.cpr)
        options = DossierOptions(meeting_date=meeting, include_appendices=not args.uden_bilag, reader=recipient.key)
        info = build_dossier(database, citizen_id, output, options=options, replace=args.force)
    finally:
        database.close()
    appendices = "1 bilag" if info.appendices == 1 else f"{info.appendices} bilag"
    print(f"Dossieret til {recipient.recipient.lower()} er gemt: {output} ({info.pages} sider, {appendices}).")
    return EXIT_OK
