"""Speed, measured side by side with a baseline in the same run (issue: ship it).

Run on its own, not part of the test suite:

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.benchmarks.bench [--citizens 1000 10000] [--import-rows 10000]
    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.benchmarks.bench start [--citizens 1000 10000] [--runs 5]

`start` times only the start as the user feels it: Enter in the passphrase window to the
caseload on screen, and the window's longest stall meanwhile (`tests.benchmarks.start`).

For each caseload size it generates a demo caseload (hours, documents, notes,
attachments) in a temporary folder, then prints a table: each figure, its
baseline, the ratio and the goal. Then it imports a CSV file of citizens into an
empty caseload, in a child process, and prints the time and the peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from db.session import Database

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PASSPHRASE = "benchmark passphrase"
GOAL = "≤ 1,5× (10.000: ≤ 3×)"
DOSSIER_CPR = "2902521237"  # not one the demo makes (seed 7)
PRINT_CPR = "0302521235"  # the same case with an 11-page journal among its bilag: a 30-page dossier
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Row:
    name: str
    value: float
    unit: str
    baseline: float | None = None
    goal: str = ""

    def ratio(self) -> str:
        return f"{self.value / self.baseline:.2f}×" if self.baseline else ""


def _run_child(code: str) -> dict[str, float]:
    """Run `code` in a fresh interpreter; it prints key=value lines."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600
    )
    wall = time.perf_counter() - started
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    values = {"wall": wall}
    for line in out.stdout.splitlines():
        if "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = float(value)
    return values


BARE_WINDOW = """
    import time
    t0 = time.perf_counter()
    from PySide6.QtWidgets import QApplication, QLabel
    app = QApplication([])
    label = QLabel("jobraad")
    label.show()
    app.processEvents()
    print("ready=", time.perf_counter() - t0)
"""

PASSPHRASE_WINDOW = """
    import time
    t0 = time.perf_counter()
    import ui.main  # the console script, as the program starts
    from ui.app import make_app, start_warm_up
    from ui.dialogs.passphrase import PassphraseDialog
    from PySide6.QtCore import QElapsedTimer, QTimer
    app = make_app()
    warm = []
    QTimer.singleShot(0, lambda: warm.append(start_warm_up()))  # as run_app does
    dialog = PassphraseDialog(None, file_label="sagsstamme.jobraad")
    dialog.show()
    app.processEvents()
    print("ready=", time.perf_counter() - t0)
    gaps, clock = [0.0], QElapsedTimer()
    clock.start()
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: gaps.append(clock.restart()))
    timer.start()
    while not warm or warm[0].is_alive():
        app.processEvents()
        time.sleep(0.001)
    print("warm=", time.perf_counter() - t0)
    print("stall_ms=", max(gaps))
"""

JOBRAAD_WINDOW = """
    import resource, time
    t0 = time.perf_counter()
    from pathlib import Path
    import ui.main  # the console script, as the program starts
    from jobraad import runtime
    runtime.configure()  # as jobraad.cli.main does first
    from ui.app import StartWindow, make_app, start_warm_up
    from PySide6.QtCore import QElapsedTimer, QThreadPool, QTimer
    app = make_app()
    start_warm_up().join()  # in the program: behind the passphrase window, while the user types
    from db.session import open_database
    t1 = time.perf_counter()  # what follows is what the user waits for after typing the passphrase
    start = StartWindow()  # as `run_app` and `unlock` do:
    database = open_database(Path({path!r}), {passphrase!r}, check_later=True, meanwhile=start.build)
    window = start.show(database)
    app.processEvents()
    print("ready=", time.perf_counter() - t0)
    print("after_passphrase=", time.perf_counter() - t1)
    # While the caseload is read in the worker: how long can the window go without
    # answering? A 10 ms timer measures the longest gap between its ticks.
    loaded, gaps, clock = [], [0.0], QElapsedTimer()
    clock.start()
    def tick():
        gaps.append(clock.restart())
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    window.caseload_reloaded.connect(lambda _n: loaded.append(time.perf_counter() - t0))
    while not loaded:
        app.processEvents()
        time.sleep(0.001)
    # The rows come first, their readiness and the signals after; the Overblik is filled a
    # slice per turn of the loop.
    while any(r.readiness_pending for r in window.model.rows()) or not window.overview.filled():
        app.processEvents()
        time.sleep(0.001)
    print("overview_filled=", time.perf_counter() - t0)
    until = time.perf_counter() + 0.2  # the tick after showing the rows counts that work too
    while time.perf_counter() < until:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    print("loaded=", loaded[0])
    print("stall_ms=", max(gaps))
    window.pages.setCurrentIndex(1)
    app.processEvents()
    # Linux carries ru_maxrss over exec from the parent (here: the process that generated
    # the caseload); VmHWM is this program's own peak.
    try:
        hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
        print("maxrss_mb=", int(hwm.split()[1]) / 1024)
    except OSError:
        print("maxrss_mb=", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    window.close()
    QThreadPool.globalInstance().waitForDone()
    database.close()
"""


@dataclass
class Start:
    bare: float
    passphrase: float
    warm: float
    warm_stall_ms: float
    ready: float
    after_passphrase: float
    loaded: float
    overview_filled: float
    stall_ms: float
    peak_mb: float


def measure_start(db: Path, repeats: int = 3) -> Start:
    """Both windows are timed inside their own fresh interpreter, from its first line to
    the window shown and its events processed (the interpreter's own start is in neither)."""
    bare = min(_run_child(BARE_WINDOW)["ready"] for _ in range(repeats))
    runs = [_run_child(JOBRAAD_WINDOW.format(path=str(db), passphrase=PASSPHRASE)) for _ in range(repeats)]
    first = [_run_child(PASSPHRASE_WINDOW) for _ in range(repeats)]
    return Start(
        bare=bare,
        passphrase=min(r["ready"] for r in first),
        warm=min(r["warm"] for r in first),
        warm_stall_ms=max(r["stall_ms"] for r in first),
        ready=min(r["ready"] for r in runs),
        after_passphrase=min(r["after_passphrase"] for r in runs),
        loaded=min(r["loaded"] for r in runs),
        overview_filled=min(r["overview_filled"] for r in runs),
        stall_ms=max(r["stall_ms"] for r in runs),
        peak_mb=max(r["maxrss_mb"] for r in runs),
    )


IMPORT = """
    import time
    from pathlib import Path
    from db.session import create_database
    from jobraad.importer import import_citizens
    database = create_database(Path({db!r}), {passphrase!r})
    hwm = lambda: int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1]) / 1024
    print("before_mb=", hwm())
    t = time.perf_counter()
    result = import_citizens(database, Path({path!r}))
    print("import=", time.perf_counter() - t)
    print("created=", result.created)
    print("peak_mb=", hwm())
    database.close()
"""


def _import_cpr(i: int) -> str:
    """A distinct valid CPR number for each i below 134,400 (born 1900-1999)."""
    day, month, year = i % 28 + 1, (i // 28) % 12 + 1, (i // 336) % 100
    return f"{day:02d}{month:02d}{year:02d}-{(i // 33_600) % 4}{i % 1000:03d}"


def measure_import(rows: int, repeats: int = 3) -> list[Row]:
    """Import `rows` citizens from a CSV file with every column into an empty caseload, each
    time in a fresh interpreter: the import's own time, and the interpreter's peak memory
    (VmHWM) against its peak before the import (Python, SQLAlchemy, the open database)."""
    folder = Path(tempfile.mkdtemp(prefix="jobraad-bench-import-"))
    path = folder / "borgere.csv"
    lines = ["cpr;fornavn;efternavn;telefon;email;gruppe;forløbsstart;sigte;sprog;tolk"]
    lines += [
        f"{_import_cpr(i)};Fornavn{i};Efternavn{i};12345678;a{i}@example.dk;{i % 4 + 1};01-02-2024;job;arabisk;nej"
        for i in range(rows)
    ]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    runs = []
    for i in range(repeats):
        code = IMPORT.format(db=str(folder / f"import{i}.jobraad"), passphrase=PASSPHRASE, path=str(path))
        run = _run_child(code)
        if run["created"] != rows:
            raise RuntimeError(f"imported {run['created']} of {rows}")
        runs.append(run)
    shutil.rmtree(folder)
    label = f"{rows:,}".replace(",", ".")
    return [
        Row(f"import af {label} borgere (CSV), bedste af {repeats}", min(r["import"] for r in runs), "s", goal="≤ 3 s"),
        Row(
            "  højeste hukommelsesforbrug (før importen: baseline)",
            max(r["peak_mb"] for r in runs),
            "MB",
            max(r["before_mb"] for r in runs),
            "≤ 250 MB",
        ),
    ]


def flowable_baseline(database: Database, citizen_id: int) -> Callable[[], bytes]:
    """What the dossier costs in ReportLab and pypdf alone: a function that sets the dossier's
    own flowables (paragraphs, tables, the hours charts) with a plain `SimpleDocTemplate` in
    one pass (no header or footer, no "Side X af Y", no contents, no bookmarks) and appends
    the pages of the same bilag with a plain pypdf `PdfWriter`. The case is read and composed
    once, before: the baseline is the layout and the assembly, which the dossier also does."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.platypus import SimpleDocTemplate

    from jobraad.dossier.appendices import read_appendices
    from jobraad.dossier.gather import gather
    from jobraad.dossier.layout import _DrawnLast, _Flow
    from jobraad.dossier.story import compose
    from jobraad.pdf import FONT, MARGINS, PAGE_SIZE, register_fonts

    data = gather(database, citizen_id, dt.date.today(), None, True)
    document = compose(data, read_appendices(data.appendix_files))
    bilag = [(f.label, 1) for f in data.appendix_files]
    files = [f.data for f in data.appendix_files if f.mime_type == "application/pdf"]
    register_fonts()
    pad = 6  # SimpleDocTemplate's frame padding: its frame is then as wide as the dossier's

    def build() -> bytes:
        flow = [f for f in _Flow(document, bilag).flowables({}, []) if not isinstance(f, _DrawnLast)]
        main = io.BytesIO()
        SimpleDocTemplate(
            main,
            pagesize=PAGE_SIZE,
            leftMargin=MARGINS.left - pad,
            rightMargin=MARGINS.right - pad,
            topMargin=MARGINS.top - pad,
            bottomMargin=MARGINS.bottom - pad,
            initialFontName=FONT,
        ).build(flow)
        writer = PdfWriter()
        for source in (main.getvalue(), *files):
            for page in PdfReader(io.BytesIO(source)).pages:
                writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    return build


def measure_in_process(db: Path) -> list[Row]:

    from db.session import open_database
    from jobraad import runtime
    from jobraad.dossier import build_dossier, find_citizen_by_cpr
    from jobraad.team.export import export_summary
    from ui.app import make_app
    from ui.citizen_file import TAB_PLACEMENTS, TAB_SUMMARY
    from ui.main_window import MainWindow

    runtime.configure()  # as jobraad.cli.main does first
    app = make_app()
    database = open_database(db, PASSPHRASE)
    window = MainWindow(database)
    window.show()
    window.pages.setCurrentIndex(1)
    app.processEvents()

    # search-as-you-type: the time from a keystroke to the filtered table
    text = "ahmed hansen nielsen jensen søren fatima al-jabouri mohamed"[:50]
    timings = []
    for i in range(1, len(text) + 1):
        t = time.perf_counter()
        window.search.setText(text[:i])
        app.processEvents()
        timings.append((time.perf_counter() - t) * 1000)
    window.search.clear()
    app.processEvents()

    # opening a citizen's file (the tab in front is read; the others when first shown)
    ids = [r.citizen_id for r in window.model.rows()[:20]]
    opens, praktik = [], []
    for cid in ids:
        window.file.tabs.setCurrentIndex(TAB_SUMMARY)
        t = time.perf_counter()
        window.file.show_citizen(cid)
        app.processEvents()
        opens.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        window.file.tabs.setCurrentIndex(TAB_PLACEMENTS)  # the heaviest tab: week grid and chart
        app.processEvents()
        praktik.append((time.perf_counter() - t) * 1000)

    # dossier, 30 weeks of hours and five appendices, vs the same flowables set by bare
    # ReportLab and the same bilag appended by bare pypdf (`flowable_baseline`)
    cid = find_citizen_by_cpr(database, DOSSIER_CPR)
    t = time.perf_counter()
    info = build_dossier(database, cid, io.BytesIO())
    dossier_cold = time.perf_counter() - t
    bare = flowable_baseline(database, cid)
    dossier_runs, bare_runs = [], []
    for _ in range(3):
        t = time.perf_counter()
        info = build_dossier(database, cid, io.BytesIO())
        dossier_runs.append(time.perf_counter() - t)
        t = time.perf_counter()
        bare()
        bare_runs.append(time.perf_counter() - t)
    dossier_s, bare_s = min(dossier_runs), min(bare_runs)
    case = f"dossier ({info.pages} sider, {info.appendices} bilag)"

    printing = measure_print(app, database, db.with_name("udskrift.pdf"))

    target = db.with_name("teamopgørelse.xlsx")
    export_runs = []
    for _ in range(3):  # the first imports XlsxWriter and reads the goal set's file
        t = time.perf_counter()
        export_summary(database, target, "xlsx", replace=True)
        export_runs.append(time.perf_counter() - t)
    target.unlink()
    window.close()
    database.close()
    return [
        Row("søgning, median pr. tastetryk (50 tryk)", statistics.median(timings), "ms", goal="< 16 ms"),
        Row("søgning, værste tastetryk", max(timings), "ms", goal="< 16 ms"),
        Row("åbne en borgers sag, median (20 sager)", statistics.median(opens), "ms", goal="< 50 ms"),
        Row("åbne en borgers sag, værste", max(opens), "ms", goal="< 50 ms"),
        Row("skifte til fanen Praktik, median", statistics.median(praktik), "ms"),
        Row("skifte til fanen Praktik, værste", max(praktik), "ms"),
        Row(f"{case}, første", dossier_cold * 1000, "ms", bare_s * 1000),
        Row(f"{case}, bedste af 3", dossier_s * 1000, "ms", bare_s * 1000, "≤ 1,5×"),
        Row("teamlederens eksport af hele sagsstammen, første", export_runs[0] * 1000, "ms", goal="≤ 500 ms"),
        Row("teamlederens eksport, bedste af 3", min(export_runs) * 1000, "ms", goal="≤ 500 ms"),
        *printing,
    ]


def measure_print(app: Any, database: Database, target: Path) -> list[Row]:
    """The 30-page dossier printed: what CUPS gets (the PDF itself), and what a printer without
    CUPS (Windows) gets, the pages rendered at 300 dpi and painted on Qt's printer, here a PDF
    file, in colour as the dossier's charts are and in grey as the print dialog may choose; the
    time, and the longest pause of the window meanwhile (a 10 ms timer)."""
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtPrintSupport import QPrinter

    from jobraad.dossier import build_dossier, find_citizen_by_cpr
    from ui.printing import paint_pages
    from ui.worker import running_tasks, start_task

    # What the window still does after the rows before (a second's worth) is not the print's.
    until = time.perf_counter() + 1.0
    while time.perf_counter() < until or running_tasks():
        app.processEvents()
        time.sleep(0.001)
    out = io.BytesIO()
    info = build_dossier(database, find_citizen_by_cpr(database, PRINT_CPR), out)
    data = out.getvalue()
    rows = [Row(f"udskrift af sagen ({info.pages} sider) via CUPS: PDF'en selv", len(data) / 1e6, "MB")]
    for mode, label in ((QPrinter.ColorMode.Color, "i farver"), (QPrinter.ColorMode.GrayScale, "i gråtoner")):
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        printer.setColorMode(mode)
        done: list[object] = []
        gaps, clock, timer = [0.0], QElapsedTimer(), QTimer()
        timer.setInterval(10)
        timer.timeout.connect(lambda g=gaps, c=clock: g.append(c.restart()))
        clock.start()
        timer.start()
        t = time.perf_counter()
        start_task(
            lambda progress, p=printer: paint_pages(data, p, lambda: False, progress),
            done.append,
            lambda message, _bug, d=done: d.append(RuntimeError(message)),
        )
        while not done:
            app.processEvents()
            time.sleep(0.001)
        if isinstance(done[0], RuntimeError):
            raise done[0]
        took = time.perf_counter() - t
        timer.stop()
        rows += [
            Row(f"  uden CUPS (Windows), 300 dpi {label}: spoolet", target.stat().st_size / 1e6, "MB"),
            Row("    tid i baggrunden", took * 1000, "ms"),
            Row("    længste pause i vinduet imens", max(gaps), "ms", goal="< 100 ms"),
        ]
        target.unlink()
    return rows


def add_print_case(database: Database) -> None:
    """The benchmark's case once more, with an 11-page SOF journal of plain text among its bilag."""
    from jobraad import documentation
    from jobraad.attachments import add_attachment_bytes
    from tests.jobraad.test_dossier import _bare_document, add_case

    cid = add_case(database, "Nguyễn Thị", "Ánh", PRINT_CPR, weeks=30, received=5)
    row = documentation.ensure_item(database, cid, "sof_oplysninger")
    add_attachment_bytes(database, cid, "sof_journal.pdf", _bare_document(11), row)


def run(citizens: int) -> list[Row]:
    from db.session import open_database
    from tests.benchmarks.start import cached_caseload
    from tests.jobraad.test_dossier import add_case

    folder = Path(tempfile.mkdtemp(prefix="jobraad-bench-"))
    db = folder / "bench.jobraad"
    t = time.perf_counter()
    shutil.copyfile(cached_caseload(citizens), db)  # the demo (seed 7), generated once and kept
    database = open_database(db, PASSPHRASE)
    add_case(database, "Nguyễn Thị", "Ánh", DOSSIER_CPR, weeks=30, received=5)
    add_print_case(database)
    database.close()
    generated = time.perf_counter() - t
    start = measure_start(db)
    rows = [
        Row(f"demo-sagsstamme ({citizens} borgere) klar (genereres første gang)", generated * 1000, "ms"),
        Row("start til adgangskodevinduet (det første, man ser)", start.passphrase * 1000, "ms", start.bare * 1000),
        Row("  databaselaget importeret bag vinduet", start.warm * 1000, "ms"),
        Row("  længste pause i vinduet imens", start.warm_stall_ms, "ms"),
        Row("start til hovedvindue (sagsstammen læses bagved)", start.ready * 1000, "ms", start.bare * 1000, GOAL),
        Row("  heraf efter adgangskoden (nøgle, kontrol, vindue)", start.after_passphrase * 1000, "ms"),
        Row("start til sagsstammen vist", start.loaded * 1000, "ms", start.bare * 1000),
        Row("start til Overblikket udfyldt", start.overview_filled * 1000, "ms", start.bare * 1000),
        Row("længste pause i vinduet mens sagsstammen læses", start.stall_ms, "ms", goal=""),
        Row("højeste hukommelsesforbrug med sagsstammen åben", start.peak_mb, "MB"),
    ]
    rows += measure_in_process(db)
    shutil.rmtree(folder)  # the caseload, and the backups the program took at start
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description="Mål jobraads hastighed mod en baseline.")
    parser.add_argument("what", nargs="?", choices=("all", "start"), default="all", help="start: kun starten")
    parser.add_argument("--citizens", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--import-rows", type=int, nargs="*", default=[10000])
    parser.add_argument("--runs", type=int, default=5, help="kørsler af starten pr. størrelse (start)")
    args = parser.parse_args()
    if args.what == "start":
        from tests.benchmarks import start

        print(f"belastning (load average 1/5/15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        for n in args.citizens:
            print(start.report(n, start.measure(n, args.runs)), flush=True)
        print(f"belastning (load average 1/5/15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        return
    tables = [(f"{n} borgere", lambda n=n: run(n)) for n in args.citizens]
    tables += [(f"import af {n} borgere", lambda n=n: measure_import(n)) for n in args.import_rows]
    for title, measure in tables:
        rows = measure()
        print(f"\n{title}")
        print(f"{'måling':<52} {'værdi':>12} {'baseline':>12} {'forhold':>8}  mål")
        for r in rows:
            base = f"{r.baseline:.1f} {r.unit}" if r.baseline else ""
            print(f"{r.name:<52} {r.value:>9.1f} {r.unit:<2} {base:>12} {r.ratio():>8}  {r.goal}")


if __name__ == "__main__":
    main()
