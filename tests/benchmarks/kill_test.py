"""Kill test: is the caseload file whole after the program is killed mid-write?

In a loop, a child process starts one of five writes on a real encrypted
caseload file and is killed (SIGKILL, no chance to clean up) at a random moment:

  import   a 2,000-row CSV through jobraad.importer (one transaction)
  save     300 demo citizens with their whole history (generate_demo, one transaction)
  backup   an encrypted backup through SQLite's online backup API
  restore  a backup with another caseload put in the database's place (jobraad.backup.restore)
  rekey    the passphrase changed (SQLCipher rekey of every page)

Then the file is reopened as the program would (the dead child's lock must not
block) and must pass the full `PRAGMA integrity_check` and hold either all of
the write or none of it: as many citizens as before, or before + N, nothing in
between. A backup must be absent or whole under its final name; after a restore
the database holds the old caseload or the backup's, and no temporary copy is
left once it has been opened again; after a rekey it opens with the old
passphrase or the new one, with every citizen.

    python tests/benchmarks/kill_test.py [RUNS] [--kinds import,save,backup,restore,rekey] [--seed S]

Prints a table and exits 1 if any run lost data. Not collected by pytest (see
conftest.py); tests/db/test_crash.py runs a few short kills in the normal suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from db.errors import WrongPassphraseError  # noqa: E402
from db.models import Citizen  # noqa: E402
from db.session import Database, create_database, open_database  # noqa: E402

PASSPHRASE = "dræb mig ikke midt i det hele"
#: The passphrase a rekey run changes to (and the next one back).
OTHER_PASSPHRASE = "og heller ikke mens jeg skifter kode"
KINDS = ("import", "save", "backup", "restore", "rekey")
#: Restore runs put one of two backups in place, whichever holds another number of citizens
#: than the database does now, so "all" and "nothing" can be told apart.
RESTORE_SOURCES = (12, 13)
READY = "klar"
DONE = "færdig"


@dataclass(frozen=True)
class Sizes:
    rows: int = 2000  # import
    citizens: int = 300  # save


@dataclass(frozen=True)
class RunResult:
    kind: str
    killed: bool  # False: the write finished before the kill came
    before: int
    after: int | None  # citizens after reopening; None if it did not open
    expected_all: int
    opened: bool
    intact: bool  # integrity_check passed (and, for a backup, the backup too)
    note: str = ""

    @property
    def outcome(self) -> str:
        """alt / intet (all or none of the write), or delvist / beskadiget (data lost)."""
        if not self.opened or not self.intact:
            return "beskadiget"
        if self.kind == "backup":
            if self.after != self.before:  # a backup must not change the database
                return "delvist"
            return "alt" if self.note == "kopi" else "intet"
        if self.kind == "rekey":
            if self.after != self.before:  # a rekey must not change the content
                return "delvist"
            return "alt" if self.note == "ny" else "intet"
        if self.after == self.before:
            return "intet"
        return "alt" if self.after == self.expected_all else "delvist"

    @property
    def data_lost(self) -> bool:
        return self.outcome in ("beskadiget", "delvist")


# --- the data a run writes -----------------------------------------------------------------------


def cpr_number(index: int) -> str:
    """A distinct, valid CPR number for every index (born 1930-2029 by the 7th digit rule)."""
    day = dt.date(1940, 1, 1) + dt.timedelta(days=index // 4000)
    return f"{day:%d%m%y}-{index % 4000:04d}"  # serial 0000-3999: 7th digit 0-3, born 1900-1999


def write_csv(path: Path, rows: int, first_index: int) -> None:
    lines = ["cpr;fornavn;efternavn;telefon;gruppe;sigte"]
    for i in range(rows):
        n = first_index + i
        lines.append(f"{cpr_number(n)};Kirsten{n};Dræbtest{n};2{n % 10_000_000:07d};{1 + n % 3};job")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def open_either(db_path: Path) -> tuple[Database, str]:
    """Open with whichever of the two passphrases the file has now (a rekey run changes it)."""
    try:
        return open_database(db_path, PASSPHRASE), PASSPHRASE
    except WrongPassphraseError:
        return open_database(db_path, OTHER_PASSPHRASE), OTHER_PASSPHRASE


def count_citizens(db_path: Path) -> tuple[int | None, bool]:
    """(citizens, integrity ok) after reopening as the program does; (None, False) if it will not open."""
    return count_and_passphrase(db_path)[:2]


def count_and_passphrase(db_path: Path) -> tuple[int | None, bool, str]:
    try:
        database, passphrase = open_either(db_path)
    except Exception as err:  # anything at all counts as a lost file here
        print(f"  kunne ikke åbnes: {type(err).__name__}: {err}", file=sys.stderr)
        return None, False, ""
    try:
        with database.reading() as session:
            count = session.scalar(select(func.count()).select_from(Citizen)) or 0
        return count, database.integrity_check(), passphrase
    finally:
        database.close()


def leftovers(db_path: Path) -> list[Path]:
    """Temporary copies a killed restore left beside the database (gone once it is reopened)."""
    return sorted(db_path.parent.glob(f".{db_path.name}.*"))


def prepare_database(folder: Path, seed_citizens: int = 50, name: str = "dræbtest.jobraad") -> Path:
    from jobraad.demo import generate_demo

    db_path = folder / name
    database = create_database(db_path, PASSPHRASE)
    try:
        generate_demo(database, citizens=seed_citizens, seed=0, today=dt.date(2025, 3, 1))
    finally:
        database.close()
    return db_path


def restore_source(folder: Path, citizens: int) -> Path:
    """A backup of another caseload of `citizens` (same passphrase), for restore runs to put in place."""
    from db.backup import backup_to

    dest = folder / f"kilde-{citizens}-kopi.jobraad"
    if dest.exists():
        return dest
    source = prepare_database(folder, citizens, name=f"kilde-{citizens}.jobraad")
    database = open_database(source, PASSPHRASE)
    try:
        return backup_to(database, dest)
    finally:
        database.close()


# --- the child ------------------------------------------------------------------------------------


def child(kind: str, db_path: Path, arg: str) -> None:
    if kind == "restore":  # the restore takes the file's lock itself: nothing is opened first
        from jobraad.backup import restore

        print(READY, flush=True)
        started = time.perf_counter()
        restore(Path(arg), db_path, PASSPHRASE)
        print(f"{DONE} {time.perf_counter() - started:.3f}", flush=True)
        return
    database, passphrase = open_either(db_path)
    print(READY, flush=True)
    started = time.perf_counter()
    if kind == "rekey":
        from jobraad.passphrase import change_passphrase

        change_passphrase(database, passphrase, OTHER_PASSPHRASE if passphrase == PASSPHRASE else PASSPHRASE)
    elif kind == "import":
        from jobraad.importer import import_citizens

        import_citizens(database, Path(arg))
    elif kind == "save":
        from jobraad.demo import generate_demo

        citizens, seed = (int(x) for x in arg.split(":"))
        generate_demo(database, citizens=citizens, seed=seed, today=dt.date(2025, 3, 1))
    elif kind == "backup":
        from db.backup import backup_to

        backup_to(database, Path(arg))
    else:
        raise SystemExit(f"unknown kind {kind}")
    print(f"{DONE} {time.perf_counter() - started:.3f}", flush=True)
    database.close()


# --- one run --------------------------------------------------------------------------------------


def _start(kind: str, db_path: Path, arg: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--child", kind, str(db_path), arg],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def run_once(
    kind: str, db_path: Path, work: Path, run: int, delay: float | None, sizes: Sizes = Sizes()
) -> tuple[RunResult, float | None]:
    """Start one write and kill it `delay` seconds after it began (None: let it finish).
    Returns the result and, if the write finished, how long it took."""
    before, intact, passphrase_before = count_and_passphrase(db_path)
    if before is None or not intact:
        raise RuntimeError("the database was not whole before the run")
    expected = before
    dest: Path | None = None
    if kind == "restore":
        expected = next(n for n in RESTORE_SOURCES if n != before)
        arg = str(restore_source(work, expected))
    elif kind == "rekey":
        arg = ""
    elif kind == "import":
        csv_path = work / f"import-{run}.csv"
        write_csv(csv_path, sizes.rows, first_index=run * sizes.rows)
        arg, expected = str(csv_path), before + sizes.rows
    elif kind == "save":
        arg, expected = f"{sizes.citizens}:{1000 + run}", before + sizes.citizens
    else:
        dest = work / f"kopi-{run}.jobraad"
        arg = str(dest)
    proc = _start(kind, db_path, arg)
    assert proc.stdout is not None
    if proc.stdout.readline().strip() != READY:
        proc.kill()
        proc.communicate()
        raise RuntimeError(f"the child did not start ({kind})")
    killed = False
    took: float | None = None
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.kill()  # SIGKILL on POSIX
        killed = True
    out, _ = proc.communicate()
    if not killed:
        if proc.returncode != 0:
            raise RuntimeError(f"the child failed ({kind}, exit {proc.returncode})")
        took = float(out.split()[-1]) if out.strip().startswith(DONE) else None
    after, intact, passphrase_after = count_and_passphrase(db_path)
    note = ""
    if kind == "restore":
        intact = intact and not leftovers(db_path)
        for kept in db_path.parent.glob(f"{db_path.name}.før-gendannelse-*"):
            kept.unlink()  # the replaced file is kept by the program; not needed here
    if kind == "rekey":
        note = "ny" if passphrase_after != passphrase_before else "gammel"
    if dest is not None:
        if dest.exists():
            copy_count, copy_ok = count_citizens(dest)
            intact = intact and copy_ok and copy_count == before
            note = "kopi" if intact else "delvis"
        else:
            note = "ingen kopi"
    result = RunResult(kind, killed, before, after, expected, after is not None, intact, note)
    if kind == "backup" and dest is not None:
        for leftover in [dest, *work.glob(f".{dest.name}.*")]:
            leftover.unlink(missing_ok=True)
    return result, took


# --- the loop -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", type=int, nargs="?", default=30, help="number of killed runs (default 30)")
    parser.add_argument("--kinds", default=",".join(KINDS), help=",".join(KINDS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rows", type=int, default=Sizes.rows)
    parser.add_argument("--citizens", type=int, default=Sizes.citizens)
    parser.add_argument("--child", nargs=3, metavar=("KIND", "DB", "ARG"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, db, arg = args.child
        child(kind, Path(db), arg)
        return 0

    kinds = [k for k in args.kinds.split(",") if k]
    sizes = Sizes(rows=args.rows, citizens=args.citizens)
    rng = random.Random(args.seed)
    results: list[RunResult] = []
    with tempfile.TemporaryDirectory(prefix="jobraad-kill-") as tmp:
        work = Path(tmp)
        db_path = prepare_database(work, seed_citizens=300)
        # One full run of each kind: how long the write takes sets the window the kill falls in.
        window: dict[str, float] = {}
        for i, kind in enumerate(kinds):
            result, took = run_once(kind, db_path, work, run=10_000 + i, delay=None, sizes=sizes)
            assert not result.data_lost, result
            window[kind] = 1.3 * (took or 1.0)
            print(f"kalibrering {kind}: {took:.2f} s")
        started = time.perf_counter()
        for run in range(args.runs):
            kind = kinds[run % len(kinds)]
            delay = rng.uniform(0.0, window[kind])
            result, _ = run_once(kind, db_path, work, run=run, delay=delay, sizes=sizes)
            results.append(result)
            flag = "TAB!" if result.data_lost else "ok"
            when = f"dræbt efter {delay:5.2f} s" if result.killed else "færdig før drabet"
            print(
                f"{run + 1:3d} {kind:<7} {when}: {result.outcome:<10} "
                f"({result.before} → {result.after} borgere) {flag}",
                flush=True,
            )
        elapsed = time.perf_counter() - started
    print()
    print(table(results))
    print(f"\n{len(results)} kørsler på {elapsed:.0f} s.")
    return 1 if any(r.data_lost for r in results) else 0


def table(results: list[RunResult]) -> str:
    header = f"{'art':<8}{'kørsler':>8}{'dræbt':>8}{'alt':>6}{'intet':>7}{'overlevede':>12}{'data tabt':>11}"
    lines = [header, "-" * len(header)]
    kinds = list(dict.fromkeys(r.kind for r in results))
    for kind in [*kinds, "i alt"]:
        rows = [r for r in results if kind in (r.kind, "i alt")]
        outcomes = Counter(r.outcome for r in rows)
        lost = sum(r.data_lost for r in rows)
        lines.append(
            f"{kind:<8}{len(rows):>8}{sum(r.killed for r in rows):>8}{outcomes['alt']:>6}{outcomes['intet']:>7}"
            f"{len(rows) - lost:>12}{lost:>11}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
