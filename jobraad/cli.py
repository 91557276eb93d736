"""The `jobraad` command line: headless and scriptable.

Without a sub-command it starts the desktop program (through the `start_gui`
hook the `ui` package passes in, so this module never imports Qt).
Exit status: 0 done, 1 a bug, 2 refused (bad input, wrong passphrase, missing file).
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from db.errors import UserFacingError
from jobraad import __version__, logs, runtime
from jobraad import formatting as fmt
from jobraad import passphrase as passphrases
from jobraad.paths import default_db_path

if TYPE_CHECKING:
    from db.session import Database

PASSPHRASE_ENV = "JOBRAAD_PASSPHRASE"
_NOT_TEXT = "Adgangskoden er ikke gyldig UTF-8-tekst. Skriv den i en terminal, der bruger UTF-8. Intet er ændret."

EXIT_OK = 0
EXIT_BUG = 1
EXIT_REFUSED = 2

GuiStarter = Callable[[Path | None, bool], int]


class _DanishFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: str | None, actions, groups, prefix: str | None = None) -> None:  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, "Brug: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("formatter_class", _DanishFormatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "Argumenter"
        self._optionals.title = "Tilvalg"
        self.add_argument("-h", "--help", action="help", help="vis denne hjælp og afslut")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_REFUSED, f"{self.prog}: fejl: {_danish(message)}\n")


_ARGPARSE_DA = {
    "the following arguments are required": "disse argumenter mangler",
    "unrecognized arguments": "ukendte argumenter",
    "invalid choice": "ugyldigt valg",
    "expected one argument": "forventede en værdi",
    "invalid int value": "ikke et heltal",
    "choose from": "vælg mellem",
}


def _danish(message: str) -> str:
    for english, danish in _ARGPARSE_DA.items():
        message = message.replace(english, danish)
    return message


def db_option(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        required=required,
        metavar="STI",
        help="databasefilen (krypteret)" + ("" if required else f"; standard: {default_db_path()}"),
    )


def force_option(parser: argparse.ArgumentParser) -> None:
    """`--force`: a command that writes a file may replace an existing one (never the database,
    a backup or another `.jobraad` file: see `jobraad.outputs`)."""
    parser.add_argument(
        "--force",
        action="store_true",
        help="erstat filen, hvis den findes (aldrig databasen, en sikkerhedskopi eller en .jobraad-fil)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="jobraad",
        description="jobraad — jobrådgiverens arbejdsredskab: sagsstamme, dokumentation og praktiktimer.\n"
        "Uden kommando startes skrivebordsprogrammet.",
        epilog=f"Adgangskoden læses fra miljøvariablen {PASSPHRASE_ENV}, hvis den er sat; ellers spørges der.",
    )
    parser.add_argument("--version", action="version", version=f"jobraad {__version__}", help="vis versionen")
    db_option(parser, required=False)
    parser.add_argument("--demo", action="store_true", help="start på en demo-sagsstamme i en midlertidig fil")
    sub = parser.add_subparsers(dest="command", title="Kommandoer", metavar="KOMMANDO", parser_class=_Parser)

    p = sub.add_parser("init", help="opret en ny krypteret database", description="Opret en ny krypteret database.")
    db_option(p)

    p = sub.add_parser(
        "demo",
        help="fyld en database med en demo-sagsstamme",
        description="Fyld en database med en syntetisk, men realistisk sagsstamme (oprettes, hvis den ikke findes).",
    )
    db_option(p)
    p.add_argument("--citizens", type=int, default=40, metavar="ANTAL", help="antal borgere (standard 40)")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="frø for tilfældighed (standard 1)")

    p = sub.add_parser(
        "import",
        help="importér borgere fra CSV eller XLSX",
        description="Importér borgere fra "
        "CSV eller XLSX. Kolonner: cpr, fornavn, efternavn (skal); telefon, email, gruppe, "
        "forløbsstart, sigte, sprog, tolk (kan). Alt eller intet importeres.",
    )
    p.add_argument("file", type=Path, metavar="FIL", help="CSV- eller XLSX-fil")
    db_option(p)

    p = sub.add_parser("list", help="vis sagsstammen", description="Vis sagsstammen, én linje pr. borger.")
    db_option(p)
    p.add_argument("--json", action="store_true", help="som JSON")
    for name, fn in COMMANDS.items():
        sub.choices[name].set_defaults(func=fn)
    # Commands that live beside their feature: each module adds its sub-parsers.
    for module in EXTRA_COMMAND_MODULES:
        importlib.import_module(module).register(sub)
    return parser


def read_passphrase(*, confirm: bool = False, stdin: TextIO | None = None) -> str:
    """From JOBRAAD_PASSPHRASE, else asked on the terminal (twice when creating)."""
    env = passphrase_from_env(PASSPHRASE_ENV)
    if env:
        return env
    first = ask_passphrase("Adgangskode: ", stdin)
    if confirm:
        second = ask_passphrase("Gentag adgangskoden: ", stdin)
        if first != second:
            raise UserFacingError("De to adgangskoder er ikke ens. Intet er oprettet.")
    return first


def passphrase_from_env(name: str) -> str:
    """The passphrase in environment variable `name`; empty if it is not set (or empty)."""
    value = os.environ.get(name, "")
    if not passphrases.is_readable(value):
        raise UserFacingError(
            f"Adgangskoden i {name} er ikke gyldig UTF-8-tekst. Sæt den igen fra en terminal, der bruger UTF-8. "
            "Intet er ændret."
        )
    return value


def ask_passphrase(prompt: str, stdin: TextIO | None = None, *, env: str = PASSPHRASE_ENV) -> str:
    """A passphrase typed at the terminal (not shown), or one line from stdin when stdin
    is not a terminal (a script's pipe). No passphrase to read (Ctrl+D, nothing piped
    in, no terminal), or one that is not text, is refused with a Danish message."""
    stream = sys.stdin if stdin is None else stdin
    at_terminal = stream is not None and stream.isatty()
    try:
        if at_terminal:
            text = getpass.getpass(prompt)
        else:
            # getpass would look for a terminal elsewhere, or warn in English; a script
            # that pipes the passphrase in gets no prompt.
            line = stream.readline() if stream is not None else ""
            if not line:
                raise EOFError
            text = line.removesuffix("\n").removesuffix("\r")
    except (EOFError, UnicodeDecodeError) as err:
        if at_terminal:
            print(file=sys.stderr)  # getpass leaves the cursor after its prompt
        if isinstance(err, UnicodeDecodeError):
            raise UserFacingError(_NOT_TEXT) from None
        raise UserFacingError(
            f"Ingen adgangskode: sæt {env}, eller kør kommandoen i en terminal og skriv den. Intet er ændret."
        ) from None
    if not passphrases.is_readable(text):
        raise UserFacingError(_NOT_TEXT)
    return text


def open_db(path: Path) -> Database:
    """Open the file with the passphrase from the environment or the terminal."""
    from jobraad.store import open_caseload  # SQLAlchemy: imported by the commands, not before the window

    return open_caseload(path, read_passphrase())


def cmd_init(args: argparse.Namespace) -> int:
    from jobraad.store import create_caseload

    create_caseload(args.db, read_passphrase(confirm=True)).close()
    print(f"Databasen er oprettet: {args.db}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from jobraad.demo import generate_demo
    from jobraad.store import create_caseload

    if args.citizens < 1 or args.citizens > 100_000:
        raise UserFacingError("Antal borgere skal være mellem 1 og 100.000.")
    database = open_db(args.db) if args.db.exists() else create_caseload(args.db, read_passphrase(confirm=True))
    try:
        created = generate_demo(database, citizens=args.citizens, seed=args.seed)
    finally:
        database.close()
    print(f"{created} demo-borgere er lagt i {args.db}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from jobraad.importer import import_citizens

    if not args.file.is_file():
        raise UserFacingError(f"Filen findes ikke: {args.file}")
    database = open_db(args.db)
    try:
        result = import_citizens(database, args.file)
    finally:
        database.close()
    print(f"{result.created} borgere er importeret.")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    import json

    from jobraad import audit  # here, not at every start (python-stdnum, SQLAlchemy)
    from jobraad.caseload import load_caseload
    from jobraad.vocab import AIM_LABELS, GROUP_LABELS, OUTCOME_LABELS

    database = open_db(args.db)
    try:
        rows = load_caseload(database)
        audit.log_action(database, audit.Action.LIST, None, "kommandolinje")
    finally:
        database.close()
    if args.json:
        out = [
            {
                "cpr": fmt.cpr(r.cpr),
                "fornavn": r.first_name,
                "efternavn": r.last_name,
                "alder": r.age,
                "gruppe": GROUP_LABELS[r.group] if r.group else None,
                "sigte": AIM_LABELS[r.aim],
                "regelpakke": r.rule_pack or None,
                "uger_i_forløb": r.weeks_in_forloeb,
                "næste_frist": fmt.date(r.next_due.due_on) if r.next_due else None,
                "næste_frist_tekst": r.next_due.title if r.next_due else None,
                "aktiv": r.active,
                "afslutning": OUTCOME_LABELS[r.outcome] if r.outcome else None,
            }
            for r in rows
        ]
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return EXIT_OK
    for r in rows:
        group = GROUP_LABELS[r.group] if r.group else f"Lukket ({OUTCOME_LABELS[r.outcome]})" if r.outcome else ""
        due = f"{fmt.date(r.next_due.due_on)} {r.next_due.title}" if r.next_due else ""
        print(f"{fmt.cpr(r.cpr)}  {r.name:<32}  {r.age:>3} år  {group:<24}  {due}")
    print(f"{len(rows)} borgere.")
    return EXIT_OK


EXTRA_COMMAND_MODULES = (
    "jobraad.cli_calendar",
    "jobraad.cli_dossier",
    "jobraad.cli_export",
    "jobraad.cli_trust",
    "jobraad.cli_handover",
    "jobraad.cli_plan",
)

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "init": cmd_init,
    "demo": cmd_demo,
    "import": cmd_import,
    "list": cmd_list,
}


def main(argv: Sequence[str] | None = None, start_gui: GuiStarter | None = None) -> int:
    """Run the command; 0 done, 2 refused with a Danish message, 1 a bug: the user reads
    that calmly, in Danish, and the traceback goes to the log file (without personal data)."""
    runtime.configure()
    logs.setup_logging()
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            if start_gui is None:
                raise UserFacingError("Skrivebordsprogrammet er ikke tilgængeligt her. Se 'jobraad --help'.")
            return start_gui(args.db, args.demo)
        result: int = args.func(args)
        return result
    except UserFacingError as err:
        print(f"jobraad: {err.message}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print("\njobraad: afbrudt.", file=sys.stderr)
        return 130
    except Exception as err:
        print(f"jobraad: {logs.report_unexpected(err)}", file=sys.stderr)
        return EXIT_BUG


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
