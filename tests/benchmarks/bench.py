"""Speed, measured side by side with a baseline in the same run (issue: ship it).

Run on its own, not part of the test suite:

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.benchmarks.bench [--citizens 1000 10000]

For each caseload size it generates a demo caseload (hours, documents, notes,
attachments) in a temporary folder, then prints a table: each figure, its
baseline, the ratio and the goal.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PASSPHRASE = "benchmark passphrase"
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

JOBRAAD_WINDOW = """
    import resource, time
    t0 = time.perf_counter()
    from pathlib import Path
    from ui.app import make_app
    from db.session import open_database
    from ui.main_window import MainWindow
    app = make_app()
    database = open_database(Path({path!r}), {passphrase!r})
    window = MainWindow(database)
    window.show()
    app.processEvents()
    print("ready=", time.perf_counter() - t0)
    window.pages.setCurrentIndex(1)
    app.processEvents()
    print("maxrss_mb=", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    database.close()
"""


def measure_start(db: Path, repeats: int = 3) -> tuple[float, float, float]:
    bare = min(_run_child(BARE_WINDOW)["wall"] for _ in range(repeats))
    runs = [_run_child(JOBRAAD_WINDOW.format(path=str(db), passphrase=PASSPHRASE)) for _ in range(repeats)]
    ours = min(r["wall"] for r in runs)
    peak = max(r["maxrss_mb"] for r in runs)
    return ours, bare, peak


def measure_in_process(db: Path) -> list[Row]:

    from db.session import open_database
    from jobraad.dossier import build_dossier
    from jobraad.team_export import export_summary
    from ui.app import make_app
    from ui.main_window import MainWindow

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

    # opening a citizen's file (all tabs loaded)
    ids = [r.citizen_id for r in window.model.rows()[:20]]
    opens = []
    for cid in ids:
        t = time.perf_counter()
        window.file.show_citizen(cid)
        app.processEvents()
        opens.append((time.perf_counter() - t) * 1000)

    # dossier vs a bare ReportLab document of the same page count
    cid = _citizen_with_most_hours(database)
    t = time.perf_counter()
    buffer = io.BytesIO()
    info = build_dossier(database, cid, buffer)
    dossier_s = time.perf_counter() - t
    bare_s = _bare_reportlab(info.pages)

    target = db.with_name("teamopgørelse.xlsx")
    t = time.perf_counter()
    export_summary(database, target, "xlsx")
    export_s = time.perf_counter() - t
    target.unlink()
    window.close()
    database.close()
    return [
        Row("søgning, median pr. tastetryk (50 tryk)", statistics.median(timings), "ms", goal="< 16 ms"),
        Row("søgning, værste tastetryk", max(timings), "ms", goal="< 16 ms"),
        Row("åbne en borgers sag, median (20 sager)", statistics.median(opens), "ms", goal="< 50 ms"),
        Row("åbne en borgers sag, værste", max(opens), "ms", goal="< 50 ms"),
        Row(f"dossier ({info.pages} sider, {info.appendices} bilag)", dossier_s * 1000, "ms", bare_s * 1000, "≤ 1,5×"),
        Row("teamlederens eksport af hele sagsstammen", export_s * 1000, "ms", goal="≤ 500 ms"),
    ]


def _citizen_with_most_hours(database: object) -> int:
    from sqlalchemy import func, select

    from db.models import HoursEntry, Placement

    with database.reading() as session:  # type: ignore[attr-defined]
        return int(
            session.execute(
                select(Placement.citizen_id)
                .join(HoursEntry, HoursEntry.placement_id == Placement.id)
                .group_by(Placement.citizen_id)
                .order_by(func.count().desc())
                .limit(1)
            ).scalar_one()
        )


def _bare_reportlab(pages: int) -> float:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    t = time.perf_counter()
    story = []
    for page in range(pages):
        story += [Paragraph(f"Side {page + 1}", styles["Heading1"])]
        story += [Paragraph("Lorem ipsum dolor sit amet. " * 40, styles["BodyText"]) for _ in range(4)]
        story.append(PageBreak())
    SimpleDocTemplate(io.BytesIO(), pagesize=A4).build(story)
    return time.perf_counter() - t


def run(citizens: int) -> list[Row]:
    from db.session import create_database
    from jobraad.demo import generate_demo

    folder = Path(tempfile.mkdtemp(prefix="jobraad-bench-"))
    db = folder / "bench.jobraad"
    t = time.perf_counter()
    database = create_database(db, PASSPHRASE)
    generate_demo(database, citizens=citizens, seed=7)
    database.close()
    generated = time.perf_counter() - t
    ours, bare, peak = measure_start(db)
    rows = [
        Row(f"demo-sagsstamme genereret ({citizens} borgere)", generated * 1000, "ms"),
        Row("start til brugbart hovedvindue", ours * 1000, "ms", bare * 1000, "≤ 1,5× (10.000: ≤ 3×)"),
        Row("højeste hukommelsesforbrug med sagsstammen åben", peak, "MB"),
    ]
    rows += measure_in_process(db)
    for p in folder.iterdir():
        p.unlink()
    folder.rmdir()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description="Mål jobraads hastighed mod en baseline.")
    parser.add_argument("--citizens", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    for n in args.citizens:
        rows = run(n)
        print(f"\n{n} borgere")
        print(f"{'måling':<52} {'værdi':>12} {'baseline':>12} {'forhold':>8}  mål")
        for r in rows:
            base = f"{r.baseline:.1f} {r.unit}" if r.baseline else ""
            print(f"{r.name:<52} {r.value:>9.1f} {r.unit:<2} {base:>12} {r.ratio():>8}  {r.goal}")


if __name__ == "__main__":
    main()
