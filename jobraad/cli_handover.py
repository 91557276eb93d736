"""Command-line commands for handing a case to a colleague (registered by jobraad.cli).

jobraad overdrag CPR --db STI -o FIL [--slet] [--force]
jobraad modtag FIL --db STI          (the code from JOBRAAD_OVERDRAG_KODE, or asked for)
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from jobraad.errors import UserFacingError

#: Where `jobraad modtag` reads the one-time code from, if set (else it asks). Here, not in
#: jobraad.handover, so the parser is built without importing the database layer.
CODE_ENV = "JOBRAAD_OVERDRAG_KODE"


def register(sub: Any) -> None:
    """Add this feature's sub-commands to the `jobraad` parser."""
    from jobraad.cli import db_option, force_option

    p = sub.add_parser(
        "overdrag",
        help="overdrag en borgers sag til en kollega som én krypteret fil",
        description="Gem borgerens hele sag (stamdata, forløb, mål, praktik og timer, dokumentation og bilag, "
        "samtykker, helbredsnotater, kontakter, journal, møder, frister, sagstekster, forsørgelse, CV og "
        "borgerens poster i loggen) som én krypteret fil til en kollega. Programmet viser en engangskode, "
        "som kollegaen skal bruge for at modtage filen; giv den ad en anden vej end filen (fx mundtligt "
        "eller på telefon). Sagen lukkes derefter som overdraget her, og dens data slettes, når du har "
        "bekræftet det (eller med --slet).",
    )
    p.add_argument("cpr", metavar="CPR", help="borgerens CPR-nummer, med eller uden bindestreg")
    db_option(p)
    p.add_argument("-o", "--output", type=Path, metavar="FIL", help="overdragelsesfilen, der skal gemmes")
    p.add_argument(
        "--slet",
        action="store_true",
        help="slet sagens data her uden at spørge, når filen er gemt; uden -o: slet en sag, der allerede er overdraget",
    )
    force_option(p)
    p.set_defaults(func=cmd_overdrag)

    p = sub.add_parser(
        "modtag",
        help="modtag en sag, som en kollega har overdraget",
        description="Læg sagen i en overdragelsesfil ind i din sagsstamme, med alt eller intet. Koden læses "
        f"fra miljøvariablen {CODE_ENV}, hvis den er sat; ellers spørges der. En borger, der allerede er i "
        "sagsstammen, afvises. Afsenderens logposter om borgeren gemmes som et journalnotat i sagen.",
    )
    p.add_argument("file", type=Path, metavar="FIL", help="overdragelsesfilen fra kollegaen")
    db_option(p)
    p.set_defaults(func=cmd_modtag)


def _confirm(prompt: str, stdin: TextIO | None = None) -> bool:
    """A y/N question at the terminal; no terminal means no."""
    stream = sys.stdin if stdin is None else stdin
    if stream is None or not stream.isatty():
        return False
    try:
        answer = input(prompt)
    except EOFError:
        print()
        return False
    return answer.strip().lower() in ("j", "ja", "y", "yes")


def cmd_overdrag(args: argparse.Namespace) -> int:
    from jobraad.cli import EXIT_OK, open_db
    from jobraad.handover import delete_handed_over, find_citizen, hand_over

    output: Path | None = args.output
    if output is None and not args.slet:
        raise UserFacingError("Angiv overdragelsesfilen med -o FIL. Intet er ændret.")
    if output is not None and not output.parent.is_dir():
        raise UserFacingError(f"Mappen findes ikke: {output.parent}. Intet er ændret.")
    database = open_db(args.db)
    try:
        citizen_id = find_citizen(database, args.cpr)
        if output is None:
            delete_handed_over(database, citizen_id, only_handed_over=True)
            print("Borgerens data er slettet fra din database.")
            return EXIT_OK
        result = hand_over(database, citizen_id, output, replace=args.force)
        print(f"Sagen er gemt i {output} ({result.audit_entries} logposter med).")
        print()
        print(f"    Engangskode: {result.code}")
        print()
        print("Giv koden til kollegaen ad en anden vej end filen (fx mundtligt). Den vises kun nu.")
        if result.closed:
            print("Sagen er lukket som overdraget i din database.")
        else:
            print("Sagen var allerede lukket i din database; dens afslutning er ikke ændret.")
        sys.stdout.flush()
        if args.slet or _confirm("Slet borgerens data fra din database nu? [j/N] "):
            delete_handed_over(database, citizen_id)
            print("Borgerens data er slettet fra din database.")
        else:
            print(
                "Borgerens data er ikke slettet. Slet dem, når kollegaen har modtaget sagen: "
                f"jobraad overdrag {args.cpr} --db {args.db} --slet (eller i vinduet: Borger ▸ Overdrag sag)."
            )
    finally:
        database.close()
    return EXIT_OK


def cmd_modtag(args: argparse.Namespace) -> int:
    from jobraad import formatting as fmt
    from jobraad.cli import EXIT_OK, ask_passphrase, open_db
    from jobraad.handover import receive_case

    if not args.file.is_file():
        raise UserFacingError(f"Filen findes ikke: {args.file}. Intet er ændret.")
    database = open_db(args.db)
    try:
        code = os.environ.get(CODE_ENV, "") or ask_passphrase("Engangskode fra afsenderen: ", env=CODE_ENV)
        result = receive_case(database, args.file, code)
    finally:
        database.close()
    made = f", lavet {fmt.date_time(result.made_at)}" if result.made_at else ""
    print(f"Sagen om {result.name} er modtaget{made} ({result.audit_entries} logposter fra afsenderen i journalen).")
    return EXIT_OK
