"""How the program sets up Python's runtime once, at its start (command line and window alike).

The cyclic garbage collector: the program reads the whole caseload at start and after each
save, and the team export reads it again; each read makes a few hundred thousand small
objects that live for the read. With Python's default young-generation threshold (700
allocations) the collector runs so often during a read that its full collections walk the
open caseload again and again: at 10,000 citizens 100–200 ms of a 600–750 ms read, and
100–190 ms of the team export (measured, 2026-12). A threshold of 10,000 keeps young
collections rare during a read (20–40 ms) and changes nothing else: the collector stays
on, and everything it collects is still collected. Set once here, never switched on and
off around a piece of work (a switch from a worker thread stops collection for the whole
process, the window included).

One exception, the window's start (`hold_collector`, `release_collector`): from the open
file to the caseload in place, the program only builds what it keeps (the window, the rows,
the Overblik; some 180,000 objects at 10,000 citizens, and at the end about 700 objects of
garbage in all), yet with the collector on, its collections during those two seconds held
the window 35-45 ms each (the middle generation) and 145 ms (a full one) (measured,
2026-12). So the start holds the collector, and then freezes what the start made
(`gc.freeze`: kept out of every later collection; it is still freed as usual when let go)
and lets the collector run again: the full collections after it walk only what is made
later, not the 280,000 objects the program keeps from its start (180 ms each).
"""

from __future__ import annotations

import gc

#: Allocations between young-generation collections (Python's default: 700).
YOUNG_GENERATION_THRESHOLD = 10_000


_held = False


def configure() -> None:
    """Set up the runtime for the program; called first thing by `jobraad.cli.main`."""
    _young, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, older, oldest)


def hold_collector() -> None:
    """Hold the cyclic collector while the window starts (see the module's docstring); the
    caller must call `release_collector` when the start is done, however it ends."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release_collector() -> None:
    """End `hold_collector`: freeze what the start made, and let the collector run again.
    Does nothing if the collector is not held (so it may be called on every way out)."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()
