"""Command-line commands for the trust feature (registered by jobraad.cli):
`passphrase`, `backup`, `restore` and `audit`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from db.errors import UserFacingError
from jobraad.cli import (
    EXIT_OK,
    EXIT_REFUSED,
    ask_passphrase,
    db_option,
    force_option,
    open_db,
    passphrase_from_env,
    read_passphrase,
)
from jobraad.passphrase import change_passphrase

NEW_PASSPHRASE_ENV = "JOBRAAD_NEW_PASSPHRASE"


def register(sub: Any) -> None:
    """Add this feature's sub-commands to the `jobraad` parser."""
    p = sub.add_parser(
        "passphrase",
        help="skift databasens adgangskode",
        description="Skift databasens adgangskode (filen krypteres om). Den nuværende adgangskode læses fra "
        f"JOBRAAD_PASSPHRASE eller spørges; den nye fra {NEW_PASSPHRASE_ENV} eller spørges to gange.",
    )
    db_option(p)
    p.set_defaults(func=cmd_passphrase)

    p = sub.add_parser(
        "backup",
        help="tag en krypteret sikkerhedskopi",
        description="Tag en krypteret sikkerhedskopi (samme adgangskode som databasen). Uden -o lægges den i "
        "mappen til sikkerhedskopier, og gamle kopier ryddes op (de seneste 7 dage og 4 uger gemmes).",
    )
    db_option(p)
    p.add_argument("-o", "--output", type=Path, metavar="FIL", help="skriv kopien til denne fil")
    force_option(p)
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser(
        "restore",
        help="gendan databasen fra en sikkerhedskopi",
        description="Gendan databasen fra en sikkerhedskopi. Kopien kontrolleres, før noget erstattes, og den "
        "nuværende fil gemmes som <navn>.før-gendannelse-<tid>. Adgangskoden er den, kopien blev taget med.",
    )
    p.add_argument("file", type=Path, metavar="FIL", help="sikkerhedskopien")
    db_option(p)
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser(
        "audit",
        help="kontrollér eller eksportér logbogen",
        description="Kontrollér logbogens kæde af kontrolsummer og hold den op mod det nyeste anker (ankerfilen "
        "<database>.anker eller en sikkerhedskopi) med --verify, eller eksportér logbogen som CSV (-o FIL), hele "
        "logbogen eller kun posterne om én borger (--cpr); eksporten slutter med kædens hoved.",
    )
    db_option(p)
    p.add_argument("--verify", action="store_true", help="kontrollér, at ingen post er ændret eller fjernet")
    p.add_argument("-o", "--output", type=Path, metavar="FIL", help="eksportér logbogen til denne CSV-fil")
    p.add_argument("--cpr", metavar="CPR", help="kun posterne om borgeren med dette CPR-nummer")
    force_option(p)
    p.set_defaults(func=cmd_audit)


def _read_new_passphrase() -> str:
    env = passphrase_from_env(NEW_PASSPHRASE_ENV)
    if env:
        return env
    first = ask_passphrase("Ny adgangskode: ", env=NEW_PASSPHRASE_ENV)
    second = ask_passphrase("Gentag den nye adgangskode: ", env=NEW_PASSPHRASE_ENV)
    if first != second:
        raise UserFacingError("De to nye adgangskoder er ikke ens. Adgangskoden er ikke skiftet.")
    return first


def cmd_passphrase(args: argparse.Namespace) -> int:
    from db.session import open_database

    old = read_passphrase()
    database = open_database(args.db, old)
    try:
        change_passphrase(database, old, _read_new_passphrase())
    finally:
        database.close()
    print(
        "Adgangskoden er skiftet. Sikkerhedskopier taget før i dag åbnes stadig med den gamle adgangskode; "
        "tag gerne en ny sikkerhedskopi."
    )
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from jobraad.backup import automatic_backup, make_backup

    database = open_db(args.db)
    try:
        if args.output is not None:
            written = make_backup(database, args.output, detail="sikkerhedskopi (kommandolinje)", replace=args.force)
        else:
            written_or_none = automatic_backup(database, force=True)
            assert written_or_none is not None  # forced
            written = written_or_none
    finally:
        database.close()
    print(f"Sikkerhedskopien er gemt: {written}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from jobraad.backup import restore

    outcome = restore(args.file, args.db, read_passphrase())
    print(f"Databasen {args.db} er gendannet fra {args.file}.")
    if outcome.kept is not None:
        print(f"Den tidligere fil er gemt som {outcome.kept}")
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    from jobraad import audit, audit_anchor

    if not args.verify and args.output is None:
        raise UserFacingError("Angiv --verify for at kontrollere logbogen eller -o FIL for at eksportere den.")
    if args.cpr is not None and args.output is None:
        raise UserFacingError("--cpr bruges sammen med -o FIL (eksport af posterne om én borger).")
    status = EXIT_OK
    database = open_db(args.db)
    try:
        if args.verify:
            report = audit_anchor.verify(database)
            print("\n".join(report.lines()))
            if not report.ok:
                status = EXIT_REFUSED
        if args.output is not None:
            count = audit.export_audit(database, args.output, args.cpr, replace=args.force)
            print(f"{count} logposter er skrevet til {args.output}")
    finally:
        database.close()
    return status
