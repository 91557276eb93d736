"""The team export: no CPR or name anywhere in any format, the command line, and speed."""

from __future__ import annotations

import datetime as dt
import gc
import re
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import event, select

from db.enums import ActivityKind, Outcome, PlacementKind
from db.models import AuditEntry, Citizen, Placement
from db.session import Database, create_database
from jobraad import formatting
from jobraad.audit import Action
from jobraad.cli import main
from jobraad.demo import generate_demo
from jobraad.team.build import build_summary
from jobraad.team.export import ExportFormat, export_summary
from jobraad.team.model import calendar_year
from jobraad.team.reader import read_summary
from tests.conftest import PASSPHRASE
from tests.jobraad.team.caseloads import AFTER_2025, G1, G3, Y2025, Person, add


def _personal_strings(database: Database) -> list[str]:
    out: set[str] = set()
    with database.reading() as session:
        for digits, first, last, notes, phone in session.execute(
            select(Citizen.cpr, Citizen.first_name, Citizen.last_name, Citizen.notes, Citizen.phone)
        ):
            out |= {digits, formatting.cpr(digits), first, last, *first.split(), *last.split()}
            if phone:
                out.add(phone)
            if len(notes) > 20:
                out.add(notes[:20])
        out |= {name for (name,) in session.execute(select(Placement.employer_name))}
    return sorted(out)


def _leaks(text: str, needles: list[str]) -> list[str]:
    return [n for n in needles if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text)]


def _all_text_of(path: Path) -> str:
    data = path.read_bytes()
    parts = [data.decode("latin-1"), data.decode("utf-8", errors="ignore")]
    if data.startswith(b"PK"):
        with zipfile.ZipFile(path) as z:
            parts += [z.read(name).decode("utf-8", errors="replace") for name in z.namelist()]
    if data.startswith(b"%PDF"):
        reader = PdfReader(path)
        parts += [page.extract_text() for page in reader.pages]
        parts += [str(v) for v in (reader.metadata or {}).values()]
    return "\n".join(parts)


def test_no_cpr_name_or_free_text_anywhere_in_any_format(demo_db: Database, tmp_path: Path) -> None:
    needles = _personal_strings(demo_db)
    assert len(needles) > 100 and "Şükrü" in needles
    for fmt in ExportFormat:
        path = tmp_path / f"opgoerelse.{fmt.value}"
        export_summary(demo_db, path, fmt, calendar_year(2026), as_of=dt.date(2026, 11, 25))
        text = _all_text_of(path)
        assert "Teamopgørelse" in text or "teamopgoerelse" in text
        # Every name in what a reader sees; in the raw bytes (compressed streams included) the
        # names of four letters or more, as a two-letter name ("Bo") turns up in random bytes.
        assert _leaks(_readable_text(path), needles) == [], fmt
        assert _leaks(text, [n for n in needles if len(n) >= 4]) == [], fmt
        # Nothing shaped like a CPR number (ten digits, perhaps with a dash) that stands alone;
        # decimals ("22.9013698630137") and hex ids are no CPR numbers.
        assert not re.search(r"(?<![\w.,])\d{6}-?\d{4}(?![\w.,])", _readable_text(path)), fmt


def _readable_text(path: Path) -> str:
    """What a person sees: the decoded CSV, the XLSX cells, the PDF text."""
    if path.suffix == ".csv":
        return path.read_text(encoding="utf-8-sig")
    if path.suffix == ".pdf":
        return "\n".join(page.extract_text() for page in PdfReader(path).pages)
    wb = load_workbook(path)
    return "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)


@pytest.mark.usefixtures("cli_env")
def test_cli_export_and_merge(
    mixed_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mixed_db.close()
    out = tmp_path / "a.xlsx"
    assert (
        main(
            [
                "export",
                "--db",
                str(db_path),
                "--format",
                "xlsx",
                "--from",
                "01-01-2025",
                "--to",
                "2025-12-31",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert "Teamopgørelsen er gemt" in capsys.readouterr().out
    assert read_summary(out).population.value == 39
    csv_out = tmp_path / "b.csv"
    assert main(["export", "--db", str(db_path), "-o", str(csv_out)]) == 0  # format from the name; this year
    assert read_summary(csv_out).meta.period == calendar_year(dt.date.today().year)
    pdf_out = tmp_path / "c.pdf"
    # Rows per citizen were dropped: asked for, the export is refused and says why; nothing is written.
    assert main(["export", "--db", str(db_path), "--format", "pdf", "--per-citizen", "-o", str(pdf_out)]) == 2
    assert "Rækker pr. borger kan ikke længere komme med" in capsys.readouterr().err and not pdf_out.exists()
    assert main(["export", "--db", str(db_path), "--format", "pdf", "-o", str(pdf_out)]) == 0
    assert len(PdfReader(pdf_out).pages) == 1

    merged = tmp_path / "team.csv"
    a2 = tmp_path / "a2.xlsx"
    assert main(["export", "--db", str(db_path), "--from", "01-01-2025", "--to", "31-12-2025", "-o", str(a2)]) == 0
    assert main(["merge", str(out), str(a2), "-o", str(merged)]) == 0
    assert read_summary(merged).population.value == 78
    assert main(["merge", str(out), str(a2), "-o", str(tmp_path / "team.dat"), "--format", "pdf"]) == 0
    assert (tmp_path / "team.dat").read_bytes().startswith(b"%PDF")

    from db.session import open_database

    db = open_database(db_path, PASSPHRASE)
    with db.reading() as session:
        details = [e.detail for e in session.scalars(select(AuditEntry).where(AuditEntry.action == Action.EXPORT))]
    db.close()
    assert "teamopgørelse (xlsx)" in details and "teamopgørelse (csv)" in details


@pytest.mark.usefixtures("cli_env")
def test_cli_refusals_exit_2(
    mixed_db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mixed_db.close()
    assert main(["export", "--db", str(db_path), "--from", "01-01-2025", "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "både fra- og til-dato" in capsys.readouterr().err
    assert (
        main(
            [
                "export",
                "--db",
                str(db_path),
                "--from",
                "31-02-2025",
                "--to",
                "01-03-2025",
                "-o",
                str(tmp_path / "x.xlsx"),
            ]
        )
        == 2
    )
    assert "findes ikke i kalenderen" in capsys.readouterr().err
    assert main(["export", "--db", str(db_path), "-o", str(tmp_path / "x.txt")]) == 2
    assert "Filtypen «.txt»" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["export", "--db", str(db_path), "--format", "docx", "-o", str(tmp_path / "x.docx")])
    assert info.value.code == 2
    capsys.readouterr()
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert main(["export", "--db", str(db_path), "--from", "01-01-2025", "--to", "31-12-2025", "-o", str(a)]) == 0
    assert main(["export", "--db", str(db_path), "--from", "01-01-2024", "--to", "31-12-2024", "-o", str(b)]) == 0
    capsys.readouterr()
    assert main(["merge", str(a), str(b), "-o", str(tmp_path / "team.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "forskellige perioder" in err and "a.xlsx" in err and "b.xlsx" in err
    assert not (tmp_path / "team.xlsx").exists()
    assert main(["merge", str(a), "-o", str(tmp_path / "team.txt")]) == 2
    assert main(["export", "--db", str(tmp_path / "mangler.jobraad"), "-o", str(tmp_path / "y.xlsx")]) == 2


@pytest.mark.usefixtures("cli_env")
def test_cli_help_is_danish(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "export" in out and "merge" in out
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    out = capsys.readouterr().out
    assert "--per-citizen" not in out and "dd-mm-åååå" in out


def _statements_of_exports(database: Database, folder: Path) -> list[str]:
    """The SQL statements that exports in every format issue."""
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        for fmt in ExportFormat:
            export_summary(database, folder / f"team.{fmt.value}", fmt, Y2025, as_of=AFTER_2025)
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    return statements


def test_the_number_of_queries_does_not_grow_with_the_caseload(tmp_path: Path) -> None:
    """No query per citizen: exports of 25 citizens ask the database as often as those of 2."""
    praktik, loentilskud = PlacementKind.VIRKSOMHEDSPRAKTIK, PlacementKind.LOENTILSKUD

    def person() -> Person:
        return Person(
            forloeb=[(G1, dt.date(2024, 6, 1), dt.date(2025, 2, 1)), (G3, dt.date(2025, 2, 1), None)],
            closings=[(Outcome.ANDET, dt.date(2025, 3, 1), dt.date(2025, 4, 1))],
            activities=[(ActivityKind.JOBDANSK, dt.date(2025, 3, 1), None)],
            placements=[(praktik, dt.date(2025, 1, 6), None), (loentilskud, dt.date(2025, 1, 6), None)],
            hours=[(2025, 2 + i, 10.0, 5.0 + i, None) for i in range(8)],
            decisions=[dt.date(2025, 6, 1)],
            decided_goal=dt.date(2025, 6, 2),
        )

    counts = []
    for n in (2, 25):
        folder = tmp_path / str(n)
        folder.mkdir()
        database = create_database(folder / "sagsstamme.jobraad", PASSPHRASE)
        try:
            add(database, *[person() for _ in range(n)])
            statements = _statements_of_exports(database, folder)
        finally:
            database.close()
        counts.append(sum(1 for sql in statements if "audit_entry" not in sql))
    assert counts[0] == counts[1], counts


@pytest.mark.slow
def test_the_export_of_1000_citizens_takes_at_most_half_a_second(tmp_path: Path) -> None:
    # A fixed day: the year's population leaves out cases closed in an earlier year, so early in
    # January the demo generated for that day has fewer than 1,000 in it (900 on 2027-01-04).
    today = dt.date(2026, 12, 5)
    database = create_database(tmp_path / "stor.jobraad", PASSPHRASE)
    try:
        generate_demo(database, citizens=1000, seed=1, today=today)
        year = calendar_year(today.year)
        export_summary(database, tmp_path / "opvarmning.xlsx", period=year, as_of=today)  # first use: imports, fonts
        for fmt in ExportFormat:
            times = []
            for i in range(3):
                start = time.perf_counter()
                s = export_summary(database, tmp_path / f"team{i}.{fmt.value}", fmt, year, as_of=today)
                times.append(time.perf_counter() - start)
            assert s.population.value == 1000
            assert min(times) <= 0.5, (fmt, times)
    finally:
        database.close()


def test_the_export_leaves_the_garbage_collector_alone(
    mixed_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window exports in a worker thread: nothing there may switch the collector off (or
    freeze it) for the whole program while the window goes on working."""
    switched: list[str] = []
    for name in ("disable", "enable", "freeze", "unfreeze"):
        monkeypatch.setattr(gc, name, lambda name=name: switched.append(name))
    for fmt in ExportFormat:
        export_summary(mixed_db, tmp_path / f"team.{fmt.value}", fmt, Y2025, as_of=AFTER_2025)
    build_summary(mixed_db, Y2025, as_of=AFTER_2025, anonymous=False)
    assert switched == []
