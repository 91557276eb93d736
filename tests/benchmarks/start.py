"""The start as the user feels it: from Enter in the passphrase window to the caseload on screen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.benchmarks.bench start [--citizens 1000 10000] [--runs 5]

Each run is a fresh interpreter that starts the program through its own function
(`ui.app.run_app`, as `jobraad` does): the passphrase window comes up, the passphrase is
typed once the window's background imports are done (a person takes longer to type it),
and Enter is pressed. The clock starts at that key press and stops at the *first paint of
the caseload*: the first paint event of the front page's list (the Overblik's tree, or the
Sagsstamme's table when that is in front) after the read caseload was put in the window. The
figures taken on the way:

- `shown`: the main window shown (what comes before is the key derivation and the opening
  of the file; no window is on screen then, the passphrase window has closed);
- `kdf`: of that, SQLCipher's key derivation (PBKDF2-HMAC-SHA512, 256,000 rounds: slow on
  purpose, a fixed cost of the passphrase, not of the caseload);
- `visible`: the caseload painted in the window (the figure the goals are for): at start the
  rows and the Overblik's deadlines come first, the documentation readiness and the signals
  after them (`ui.caseload_loader.read_first`);
- `complete`: the rest put in the window too (readiness and signals);
- `filled`: the whole Overblik in place after that (a large caseload fills it a slice at a time);
- `stall`: the longest time the window did not answer, from its showing to `filled` and a
  quarter of a second after: the longest gap between two ticks of a 5 ms timer (a tick
  that comes late is a tick the window could not take: input waits as long);
- `blind`: the gap from Enter to the first tick after the main window is shown, when the
  program shows no window (counted apart from `stall`).

The demo caseloads are generated once and kept in a cache folder (`cached_caseload`); each
run gets a copy (the program writes to the file it opens: audit entries, its backup).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PASSPHRASE = "benchmark passphrase"
SEED = 7
ROOT = Path(__file__).resolve().parents[2]
CACHE_ENV = "JOBRAAD_BENCH_CACHE"
#: The stall detector's interval, and the time after `filled` that still counts.
TICK_MS = 5
TAIL_S = 0.25
#: The goals of issue 19, per caseload size: Enter → caseload visible, and the longest stall.
GOALS_MS = {1000: (300.0, 50.0), 10000: (1000.0, 50.0)}


def cache_folder() -> Path:
    """Where the generated caseloads are kept: $JOBRAAD_BENCH_CACHE, or the user's cache folder."""
    from platformdirs import user_cache_path

    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else user_cache_path("jobraad") / "benchmarks"


def _generator_fingerprint() -> str:
    """What the cached file depends on: the schema (its models and migrations) and the demo's
    code and data. (The schema's revision alone is not enough: a revision may be filled in
    after it was first numbered.)"""
    from db.schema_version import HEAD_REVISION

    digest = hashlib.sha256(HEAD_REVISION.encode())
    sources = [
        ROOT / "db" / "models.py",
        *(ROOT / "db" / "migrations").glob("**/*.py"),
        *(ROOT / "jobraad").glob("demo*/**/*.py"),
        *(ROOT / "resources").glob("demo*/**/*"),
    ]
    for path in sorted(sources):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def cached_caseload(citizens: int) -> Path:
    """A demo caseload of `citizens` (seed 7, the caseworker's details set, so the first-start
    question does not come up), generated on first use and kept (10,000 citizens take a
    minute or more to generate)."""
    folder = cache_folder()
    path = folder / f"demo-{citizens}-seed{SEED}-{_generator_fingerprint()}.jobraad"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    from db.session import create_database
    from jobraad.demo import generate_demo
    from jobraad.settings import set_settings

    work = Path(tempfile.mkdtemp(prefix="generating-", dir=folder))
    try:
        database = create_database(work / "demo.jobraad", PASSPHRASE)
        try:
            generate_demo(database, citizens=citizens, seed=SEED)
            set_settings(database, {"caseworker_name": "Benchmark Jobrådgiver", "caseworker_email": "bench@kk.example"})
        finally:
            database.close()
        os.replace(work / "demo.jobraad", path)  # whole, or not at all
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return path


@dataclass(frozen=True)
class StartRun:
    """One start, in milliseconds from Enter (see the module's docstring)."""

    kdf: float
    shown: float
    loaded: float
    visible: float
    filled: float
    complete: float
    stall: float
    blind: float
    read_first: float  # the worker's read of what is shown first
    read_rest: float  # and of the rest


def measure_once(database: Path) -> StartRun:
    """Start the program on a copy of `database` in a fresh interpreter and time it."""
    with tempfile.TemporaryDirectory(prefix="jobraad-bench-start-") as folder:
        copy = Path(folder) / "sagsstamme.jobraad"
        shutil.copyfile(database, copy)
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "PYTHONPATH": str(ROOT),
            "XDG_DATA_HOME": str(Path(folder) / "data"),  # the program's journal, not the user's
            "JOBRAAD_LOG_DIR": str(Path(folder) / "log"),
        }
        out = subprocess.run(
            [sys.executable, "-m", "tests.benchmarks.start", str(copy)],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=600,
        )
    if out.returncode != 0 or not out.stdout.strip():
        raise RuntimeError(f"start run failed ({out.returncode}): {out.stderr[-3000:]}")
    values = json.loads(out.stdout.strip().splitlines()[-1])
    return StartRun(**values)


def measure(citizens: int, runs: int) -> list[StartRun]:
    path = cached_caseload(citizens)
    return [measure_once(path) for _ in range(runs)]


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _goal(ms: float | None) -> str:
    return f"≤ {ms:.0f} ms" if ms else ""


def report(citizens: int, results: Sequence[StartRun]) -> str:
    """The figures of `results` as a table: median, best and worst of the runs."""
    goal_visible, goal_stall = GOALS_MS.get(citizens, (None, None))
    lines = [
        f"\nstart, {_count(citizens)} borgere, {len(results)} kørsler (ms fra Enter i adgangskodevinduet)",
        f"{'måling':<58} {'median':>8} {'bedste':>8} {'værste':>8}  mål",
    ]
    rows: list[tuple[str, str, str]] = [
        ("  nøgleafledning (PBKDF2, 256.000 runder; fast pris)", "kdf", ""),
        ("  hovedvinduet vist (nøgle, åbning, vindue)", "shown", ""),
        ("  rækker og frister læst (i baggrunden)", "read_first", ""),
        ("  rækkerne lagt i vinduet", "loaded", ""),
        ("Enter → sagsstammen synlig (første maling med rækker)", "visible", _goal(goal_visible)),
        ("  dokumentation og signaler læst (i baggrunden)", "read_rest", ""),
        ("Enter → alt lagt i vinduet", "complete", ""),
        ("Enter → Overblikket helt udfyldt", "filled", ""),
        ("længste pause i vinduet (5 ms-timer), vist → udfyldt", "stall", _goal(goal_stall)),
        ("  tid uden vindue (Enter → hovedvinduets første tik)", "blind", ""),
    ]
    for label, key, goal in rows:
        values = [getattr(r, key) for r in results]
        lines.append(f"{label:<58} {statistics.median(values):>8.0f} {min(values):>8.0f} {max(values):>8.0f}  {goal}")
    return "\n".join(lines)


# --- the child: one start of the program ---------------------------------------------------------


class _Probe:
    """Watches the program start: drives the passphrase window, notes the times."""

    def __init__(self) -> None:
        from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer

        self.ticks: list[float] = []
        self.enter = 0.0
        self.shown = 0.0
        self.loaded = 0.0
        self.visible = 0.0
        self.complete = 0.0
        self.filled = 0.0
        self.kdf = 0.0
        self.read_first = 0.0
        self.read_rest = 0.0
        self.window: Any = None
        self.typed = False
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.clock = QElapsedTimer()
        probe = self

        class Filter(QObject):
            def eventFilter(self, watched: QObject, event: Any) -> bool:
                probe._event(watched, event)
                return False

        self.filter = Filter()

    def watch(self, window: Any) -> None:
        """Watch the main window just built (`StartWindow.build`): its showing, and the paints of
        the two lists that may be in front. Only these objects' events reach the probe (in
        Python): a filter on the whole application would have every event of the window wait
        for Python's lock while the caseload is read behind it, and measure itself."""
        window.installEventFilter(self.filter)
        for view in (window.overview.tree, window.table):
            view.viewport().installEventFilter(self.filter)

    def _event(self, watched: Any, event: Any) -> None:
        from PySide6.QtCore import QEvent

        from ui.main_window import MainWindow

        kind = event.type()
        if kind == QEvent.Type.Show and isinstance(watched, MainWindow) and self.window is None:
            self.shown = time.perf_counter()
            self.window = watched
            watched.caseload_reloaded.connect(self._loaded)
        elif kind == QEvent.Type.Paint and self.loaded and not self.visible and watched is self._front_viewport():
            self.visible = time.perf_counter()

    def _find_passphrase_window(self) -> None:
        from PySide6.QtWidgets import QApplication

        from ui.dialogs.passphrase import PassphraseDialog

        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, PassphraseDialog) and dialog.isVisible():
            self.typed = True
            self._type_when_ready(dialog)

    def _front_viewport(self) -> Any:
        window = self.window
        page = window.pages.currentWidget()
        view = window.overview.tree if page is window.overview else window.table
        return view.viewport()

    def _type_when_ready(self, dialog: Any) -> None:
        """Type the passphrase and press Enter once the background imports behind the window
        are done (as they are when a person has typed a passphrase)."""
        from PySide6.QtCore import Qt, QTimer
        from PySide6.QtTest import QTest

        from ui.qt_warm_up import qt_classes_prepared

        warming = [t for t in threading.enumerate() if t.name == "jobraad-warm-up"]
        if (warming and warming[0].is_alive()) or not self.ticks or not qt_classes_prepared():
            QTimer.singleShot(20, lambda: self._type_when_ready(dialog))
            return

        def press() -> None:
            QTest.keyClicks(dialog.passphrase, PASSPHRASE)
            self.enter = time.perf_counter()
            QTest.keyClick(dialog.passphrase, Qt.Key.Key_Return)

        QTimer.singleShot(200, press)  # a moment for what the window does after the imports

    def _loaded(self, _count: int) -> None:
        now = time.perf_counter()
        if not self.loaded:
            self.loaded = now
        if self.complete:
            return
        # Asked of the loader where it can say (a look over 10,000 rows took 17 ms of the window's time).
        reading = getattr(self.window.loader, "reading", None)
        if reading is None:  # an older program (before/after figures)
            reading = any(getattr(row, "readiness_pending", False) for row in self.window.model.rows())
        if not reading:
            self.complete = now

    def _tick(self) -> None:
        now = time.perf_counter()
        self.ticks.append(now)
        if not self.typed:
            self._find_passphrase_window()
        window = self.window
        if window is None or not self.visible:
            return
        if self.complete and not self.filled and window.overview.filled():
            self.filled = now
        if self.filled and now - self.filled > TAIL_S:
            self.timer.stop()
            window.force_quit()

    def result(self) -> dict[str, float]:
        def ms(at: float) -> float:
            return (at - self.enter) * 1000

        after_shown = [t for t in self.ticks if t >= self.shown and t <= self.filled + TAIL_S]
        gaps = [b - a for a, b in itertools.pairwise(after_shown)]
        first = after_shown[0] if after_shown else self.shown
        if os.environ.get("JOBRAAD_BENCH_GAPS"):  # where the longest gaps were, for profiling
            worst = sorted(zip(gaps, after_shown, strict=False), reverse=True)[:6]
            print("gaps (ms, starting at ms from Enter):", [(round(g * 1000), round(ms(a))) for g, a in worst])
            print("gc (gen, ms, at ms):", [(g, round(d * 1000), round(ms(a))) for g, d, a in _GC if d > 0.01])
        return {
            "kdf": self.kdf * 1000,
            "shown": ms(self.shown),
            "loaded": ms(self.loaded),
            "visible": ms(self.visible),
            "complete": ms(self.complete),
            "filled": ms(self.filled),
            "stall": max([first - self.shown, *gaps]) * 1000,
            "blind": ms(first),
            "read_first": self.read_first * 1000,
            "read_rest": self.read_rest * 1000,
        }


_GC: list[tuple[int, float, float]] = []


def _watch_gc() -> None:
    import gc

    began = [0.0]

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began[0] = time.perf_counter()
        else:
            _GC.append((info["generation"], time.perf_counter() - began[0], began[0]))

    gc.callbacks.append(note)


def _child(path: Path) -> None:
    if os.environ.get("JOBRAAD_BENCH_GAPS"):
        _watch_gc()
    import ui.main  # noqa: F401  (the console script's module, as the program starts)
    from jobraad import runtime

    runtime.configure()  # as jobraad.cli.main does first
    from db.session import CipherKey
    from ui import app as program
    from ui import caseload_loader

    probe_box: list[_Probe] = []

    # Measuring hooks only: each wraps a step of the program to note its time.
    derive = CipherKey.derive.__func__  # type: ignore[attr-defined]

    def timed_derive(cls: type[CipherKey], passphrase: str, salt: bytes) -> CipherKey:
        started = time.perf_counter()
        try:
            return derive(cls, passphrase, salt)  # type: ignore[no-any-return]
        finally:
            probe_box[0].kdf += time.perf_counter() - started

    CipherKey.derive = classmethod(timed_derive)  # type: ignore[method-assign, assignment]
    for name in ("read_first", "read_rest"):
        step = getattr(caseload_loader, name, None)
        if step is None:  # an older program (before/after figures), without this step
            continue

        def timed_read(*args: Any, _step: Any = step, _name: str = name, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return _step(*args, **kwargs)
            finally:
                if not getattr(probe_box[0], _name):
                    setattr(probe_box[0], _name, time.perf_counter() - started)

        setattr(caseload_loader, name, timed_read)

    program.make_app()
    probe = _Probe()
    probe_box.append(probe)
    build = program.StartWindow.build

    def watched_build(start: Any, database: Any) -> None:
        build(start, database)
        if probe.window is None and start.window is not None:
            probe.watch(start.window)

    program.StartWindow.build = watched_build  # type: ignore[method-assign]
    probe.timer.start()
    status = program.run_app(path)
    if status != 0 or not probe.visible:
        raise SystemExit(f"the program ended ({status}) before the caseload was shown")
    print(json.dumps(probe.result()))


if __name__ == "__main__":
    _child(Path(sys.argv[1]))
