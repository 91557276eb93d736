"""Anonymity of a team summary: what is hidden before a summary leaves the program.

- No names, CPR numbers or free text: only counts, shares and the labels of the goals
  file and the vocabularies.
- A count of 1–4 is shown as "<5" (0 stays 0). A share is hidden ("x") when its
  numerator or denominator is 1–4 (or could be). A median or helårspladser figure is
  hidden when the number of citizens behind it is 1–4.
- Tables whose total is shown get secondary suppression: when a hidden cell could be
  worked out from the total and the other cells, another cell is hidden as well ("x"),
  preferably one of at least 8. Relations *between* tables (a goal's numerator that is
  the sum of some outcome types) are not audited.
- The bounds of a hidden figure are what the published figures already tell, never more
  (see `jobraad.team.model`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from jobraad.team.model import HELAARSPLADS_DAYS, HIDDEN, SMALL, SMALL_MAX, Amount, Count, Median, Summary, Table

__all__ = ["suppress"]

#: A secondary suppression prefers a cell at least this big, so neither hidden cell can be narrowed much.
_SECONDARY_PREFERRED = 2 * SMALL_MAX


def _primary(c: Count) -> Count:
    if c.hidden:
        return c
    if c.high >= 1 and c.high <= SMALL_MAX:
        return Count(0 if c.low == 0 else 1, SMALL_MAX, SMALL)
    return c


def _tightened(cells: Sequence[Count], total: int) -> list[tuple[int, int]]:
    """What the total and the other cells tell about each cell."""
    bounds = [(c.low, c.high) for c in cells]
    for _ in range(3):
        low_sum = sum(b[0] for b in bounds)
        high_sum = sum(b[1] for b in bounds)
        bounds = [(max(lo, total - (high_sum - hi)), min(hi, total - (low_sum - lo))) for lo, hi in bounds]
    return bounds


def _protect(table: Table) -> Table:
    total = _primary(table.total.count)
    cells = [_primary(r.count) for r in table.rows]
    if total.exact:
        t = total.low
        for _ in range(len(cells) + 1):
            bounds = _tightened(cells, t)
            changed = False
            for i, c in enumerate(cells):
                if not c.hidden and (c.low, c.high) != bounds[i] and bounds[i][0] <= bounds[i][1]:
                    cells[i] = _primary(Count(*bounds[i]))
                    changed = True
            pinned = any(c.hidden and bounds[i][0] == bounds[i][1] for i, c in enumerate(cells))
            if not pinned:
                if changed:
                    continue
                break
            candidates = [i for i, c in enumerate(cells) if not c.hidden and c.high > 0]
            if not candidates:
                break  # nothing left to hide: the total itself tells (documented limit)
            big = [i for i in candidates if cells[i].low >= _SECONDARY_PREFERRED]
            pick = min(big, key=lambda i: cells[i].low) if big else max(candidates, key=lambda i: cells[i].low)
            c = cells[pick]
            cells[pick] = Count(min(c.low, SMALL_MAX + 1), t, HIDDEN)
    rows = tuple(replace(r, count=c) for r, c in zip(table.rows, cells, strict=True))
    return replace(table, rows=rows, total=replace(table.total, count=total))


def suppress(summary: Summary) -> Summary:
    """The anonymous summary: small counts hidden, shares / medians / helårspladser behind
    them hidden, secondary suppression in tables (see the module docstring). Idempotent."""
    population = _primary(summary.population)
    amount = summary.helaarspladser
    if population.could_be_small and not amount.hidden:
        span = (min(summary.meta.period.end, summary.meta.as_of) - summary.meta.period.start).days + 1
        amount = Amount(1 / HELAARSPLADS_DAYS, SMALL_MAX * max(1, span) / HELAARSPLADS_DAYS, True)
    decision = summary.decision
    n = _primary(decision.n)
    if n.could_be_small or n.hidden:
        decision = Median(None, n, decision.approximate, hidden=True)
    else:
        decision = replace(decision, n=n)
    return replace(
        summary,
        population=population,
        target_group=_primary(summary.target_group),
        helaarspladser=amount,
        goals=tuple(
            replace(g, numerator=_primary(g.numerator), denominator=_primary(g.denominator)) for g in summary.goals
        ),
        tables=tuple(_protect(t) for t in summary.tables),
        decision=decision,
        overdue_requests=_primary(summary.overdue_requests),
        meta=replace(summary.meta, suppressed=True),
    )
