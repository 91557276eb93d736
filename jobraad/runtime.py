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
"""

from __future__ import annotations

import gc

#: Allocations between young-generation collections (Python's default: 700).
YOUNG_GENERATION_THRESHOLD = 10_000


def configure() -> None:
    """Set up the runtime for the program; called first thing by `jobraad.cli.main`."""
    _young, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, older, oldest)
