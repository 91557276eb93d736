"""Anonymity of a team summary: what is hidden before a summary leaves the program.

The method is cell suppression as in statistical disclosure control (Hundepool et al.,
*Statistical Disclosure Control*, 2012, ch. 4; the approach of τ-ARGUS): a primary
threshold rule, then secondary suppression checked by an audit of what the file publishes.

- No names, CPR numbers or free text: only counts, shares and the labels of the goals
  file and the vocabularies.
- Primary: a count of 1–4 is shown as "<5" (0 stays 0). A share is hidden ("x") when its
  numerator or denominator is 1–4 (or could be). A median or helårspladser figure is
  hidden when the number of citizens behind it is 1–4.
- A table whose total is 1–4 is hidden whole: its total "<5", each row "x" (0–4), zeros
  too, since a shown 0 next to "<5" rows and a "<5" total pins them.
- Secondary: the disclosure audit (`jobraad.team.disclosure`) works out from the published
  figures alone – the tables' sums, the totals they share with the population and each
  other, the published bounds – the range each hidden figure can take. While some hidden
  figure that may be 0–4 has fewer than 4 possible values, one more figure in a relation
  it is part of is hidden ("x"): the smallest of at least 4 there, else the largest left,
  a total only when no row is left. The audit is run again until nothing is derivable.
- A hidden figure ("x") publishes as its bounds exactly the range the audit finds from the
  rest of the file: what the published figures already tell, never more.
"""

from __future__ import annotations

import math
from dataclasses import replace

from jobraad.team.disclosure import Audit, audit, relations, variables
from jobraad.team.model import HELAARSPLADS_DAYS, HIDDEN, SMALL, SMALL_MAX, Amount, Count, Median, Summary

__all__ = ["suppress"]

#: A hidden figure's upper bound before the audit has bounded it.
_UNBOUNDED = 10**9


def _primary(c: Count) -> Count:
    if c.hidden:
        return c
    if c.high >= 1 and c.high <= SMALL_MAX:
        return Count(0 if c.low == 0 else 1, SMALL_MAX, SMALL)
    return c


def _with_counts(s: Summary, counts: dict[str, Count]) -> Summary:
    """`s` with its counts replaced by `counts` (keyed as `disclosure.variables`)."""
    tables = tuple(
        replace(
            t,
            rows=tuple(replace(r, count=counts[f"tabel.{t.key}.{r.key}"]) for r in t.rows),
            total=replace(t.total, count=counts[f"tabel.{t.key}.{t.total.key}"]),
        )
        for t in s.tables
    )
    goals = tuple(
        replace(g, numerator=counts[f"maal.{g.goal_id}.taeller"], denominator=counts[f"maal.{g.goal_id}.naevner"])
        for g in s.goals
    )
    return replace(
        s,
        population=counts["borgere.i_alt"],
        target_group=counts["borgere.maalgruppe_2024"],
        goals=goals,
        tables=tables,
        decision=replace(s.decision, n=counts["afgoerelse.antal"]),
        overdue_requests=counts["dokumentation.forsinkede"],
    )


def _small_tables(s: Summary, counts: dict[str, Count]) -> None:
    """A table whose total may be 1–4 is hidden with all its rows."""
    for t in s.tables:
        total = counts[f"tabel.{t.key}.{t.total.key}"]
        if total.hidden == SMALL or (not total.exact and 1 <= total.high <= SMALL_MAX):
            for r in t.rows:
                key = f"tabel.{t.key}.{r.key}"
                c = counts[key]
                if c.hidden != HIDDEN:
                    counts[key] = Count(0, min(SMALL_MAX, total.high), HIDDEN)


def _pick(s: Summary, counts: dict[str, Count], key: str) -> str | None:
    """The figure to hide next so that `key` is no longer derivable (None: nothing left)."""
    rels = [r for r in relations(s) if key in r.parts or key == r.total]
    parts = [p for r in rels for p in (*r.parts, r.total) if p != key and not counts[p].hidden and p != r.total]
    totals = [r.total for r in rels if r.total != key and not counts[r.total].hidden]
    for pool in (parts, totals):
        if not pool:
            continue
        big = [p for p in pool if counts[p].low >= SMALL_MAX]
        if big:
            return min(big, key=lambda p: (counts[p].low, p))
        return max(pool, key=lambda p: (counts[p].low, p))
    # Nothing left around `key`: widen through the hidden figures it is tied to.
    for r in rels:
        for p in (*r.parts, r.total):
            if p != key and counts[p].hidden:
                found = _pick_around(s, counts, p, key)
                if found:
                    return found
    return None


def _pick_around(s: Summary, counts: dict[str, Count], via: str, key: str) -> str | None:
    for r in relations(s):
        if via in r.parts or via == r.total:
            pool = [p for p in (*r.parts, r.total) if p not in (via, key) and not counts[p].hidden]
            if pool:
                return max(pool, key=lambda p: (counts[p].low, p))
    return None


def _same_figure(s: Summary, key: str) -> set[str]:
    """`key` and the figures that are the same number shown again (the population as the total of
    the group, aim and age tables): hiding one hides them all, or the others would tell it."""
    same = {key}
    pairs = [(r.parts[0], r.total) for r in relations(s) if len(r.parts) == 1 and not r.at_most]
    grown = True
    while grown:
        grown = False
        for a, b in pairs:
            if (a in same) != (b in same):
                same |= {a, b}
                grown = True
    return same


def _secondary(s: Summary, counts: dict[str, Count]) -> dict[str, Count]:
    """Hide more until the audit finds nothing derivable; then publish each "x" as its audited range."""
    result: Audit = audit(_with_counts(s, counts))
    for _ in range(len(counts) + 1):
        if not result.derivable:
            break
        pick = None
        for key in result.derivable:
            pick = _pick(s, counts, key)
            if pick:
                break
        if pick is None:
            break  # nothing left to hide (the audit test shows this does not happen in practice)
        for key in _same_figure(s, pick):
            counts[key] = Count(0, _UNBOUNDED, HIDDEN)
        result = audit(_with_counts(s, counts))
    for key, c in counts.items():
        if c.hidden == HIDDEN:
            lo, hi = result.ranges[key]
            counts[key] = Count(int(lo), int(hi) if math.isfinite(hi) else _UNBOUNDED, HIDDEN)
    return counts


def suppress(summary: Summary) -> Summary:
    """The anonymous summary: small counts hidden, shares / medians / helårspladser behind
    them hidden, secondary suppression until the disclosure audit finds nothing (see the
    module docstring). Idempotent."""
    counts = {k: _primary(c) for k, c in variables(summary).items()}
    _small_tables(summary, counts)
    counts = _secondary(summary, counts)
    s = _with_counts(summary, counts)
    population = s.population
    amount = summary.helaarspladser
    if (population.could_be_small or population.hidden) and not amount.hidden:
        span = (min(summary.meta.period.end, summary.meta.as_of) - summary.meta.period.start).days + 1
        amount = Amount(1 / HELAARSPLADS_DAYS, SMALL_MAX * max(1, span) / HELAARSPLADS_DAYS, True)
    decision = s.decision
    if decision.n.could_be_small or decision.n.hidden:
        decision = Median(None, decision.n, decision.approximate, hidden=True)
    return replace(s, helaarspladser=amount, decision=decision, meta=replace(summary.meta, suppressed=True))
