"""What a team summary is: the period, the figures with their bounds (exact, hidden, or a
range after a merge), the breakdown tables, the goal results and the summary itself.

Every figure carries bounds (low, high): exact figures have low == high; a hidden count
has [1, 4] (or [5, total] for a secondary one). The bounds are what the published figures
already tell, never more; merge adds them up, so a team total is exact where every part
was shown and a range ("12–15") where it was not. How figures get hidden is
`jobraad.team.suppression`; how they are counted, `jobraad.team.build`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jobraad import __version__
from jobraad import formatting as fmt
from jobraad.dates import InvalidDate, parse_date
from jobraad.errors import UserFacingError
from jobraad.goals import expired_text

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "HELAARSPLADS_DAYS",
    "HIDDEN",
    "SMALL",
    "SMALL_MAX",
    "Amount",
    "Count",
    "GoalResult",
    "Median",
    "Meta",
    "Period",
    "Share",
    "Summary",
    "Table",
    "TableRow",
    "calendar_year",
    "period_from_texts",
    "share_of",
]

FORMAT_NAME = "jobraad-teamopgoerelse"
FORMAT_VERSION = 1
#: Counts from 1 to SMALL_MAX are hidden ("<5").
SMALL_MAX = 4
HELAARSPLADS_DAYS = 365

SMALL = "small"  # Count.hidden: a count of 1–4
HIDDEN = "secondary"  # Count.hidden: hidden so that a small count cannot be worked out

# Shares and amounts are compared and shown with this tolerance for float noise.
EPS = 1e-9


# --- the period ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("period ends before it starts")

    @property
    def label(self) -> str:
        return f"{fmt.date(self.start)} – {fmt.date(self.end)}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def calendar_year(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))


def period_from_texts(from_text: str | None, to_text: str | None, today: dt.date | None = None) -> Period:
    """The period the user typed (dd-mm-åååå or ISO), or the current calendar year when
    neither date is given. Raises `UserFacingError` with a Danish message."""
    today = today or dt.date.today()
    if not from_text and not to_text:
        return calendar_year(today.year)
    if not from_text or not to_text:
        raise UserFacingError("Angiv både fra- og til-dato (eller ingen af dem for indeværende kalenderår).")
    try:
        start, end = parse_date(from_text), parse_date(to_text)
    except InvalidDate as err:
        raise UserFacingError(str(err)) from None
    if end < start:
        raise UserFacingError(f"Perioden slutter ({fmt.date(end)}) før den begynder ({fmt.date(start)}).")
    return Period(start, end)


# --- figures ------------------------------------------------------------------------------------
# A column of figures shows one decimal throughout ("80,0 %"), so the numbers line up.


@dataclass(frozen=True)
class Count:
    """A number of citizens, or bounds on it: exact when `low == high` and not hidden."""

    low: int
    high: int
    hidden: str = ""  # "", SMALL or HIDDEN

    @staticmethod
    def of(n: int) -> Count:
        return Count(n, n)

    @property
    def exact(self) -> bool:
        return self.low == self.high and not self.hidden

    @property
    def value(self) -> int | None:
        return self.low if self.exact else None

    @property
    def could_be_small(self) -> bool:
        """Might be 1–4: then nothing derived from it may be shown."""
        if self.hidden == SMALL:
            return True
        return self.low <= SMALL_MAX and self.high >= 1

    def __add__(self, other: Count) -> Count:
        return Count(self.low + other.low, self.high + other.high)

    @property
    def display(self) -> str:
        if self.hidden == SMALL:
            return f"<{SMALL_MAX + 1}"
        if self.hidden:
            return "x"
        if self.low == self.high:
            return fmt.number(self.low, 0)
        return f"{fmt.number(self.low, 0)}–{fmt.number(self.high, 0)}"


@dataclass(frozen=True)
class Share:
    """A share 0–1, or bounds on it; None when there is no denominator."""

    low: float | None
    high: float | None
    hidden: bool = False

    @property
    def value(self) -> float | None:
        if self.hidden or self.low is None or self.high is None or abs(self.high - self.low) > EPS:
            return None
        return self.low

    @property
    def display(self) -> str:
        if self.low is None or self.high is None:
            return "–"
        if self.hidden:
            return "x"
        if abs(self.high - self.low) <= EPS:
            return fmt.percent(self.low, 1)
        return f"{fmt.number(100 * self.low)}–{fmt.percent(self.high, 1)}"


def share_of(numerator: Count, denominator: Count) -> Share:
    if denominator.high == 0:
        return Share(None, None)
    low = numerator.low / denominator.high
    high = min(1.0, numerator.high / denominator.low) if denominator.low > 0 else 1.0
    # Exact small counts are hidden by `suppress` (then `hidden` is set); here also a range
    # that may hold one (after a merge). An unsuppressed summary shows its shares.
    hidden = any(c.hidden or (c.low != c.high and c.could_be_small) for c in (numerator, denominator))
    return Share(low, max(low, high), hidden)


@dataclass(frozen=True)
class Amount:
    """Helårspladser (a sum of citizen-days / 365), or bounds on it."""

    low: float
    high: float
    hidden: bool = False

    @property
    def value(self) -> float | None:
        return self.low if not self.hidden and abs(self.high - self.low) <= EPS else None

    @property
    def display(self) -> str:
        if self.hidden:
            return "x"
        if abs(self.high - self.low) <= EPS:
            return fmt.number(self.low)
        return f"{fmt.number(self.low)}–{fmt.number(self.high)}"


@dataclass(frozen=True)
class Median:
    """Median weeks from the start of a gruppe 3 forløb to its decision, over `n` decisions."""

    weeks: float | None
    n: Count
    approximate: bool = False
    hidden: bool = False

    @property
    def display(self) -> str:
        if self.hidden:
            return "x"
        if self.weeks is None:
            return "–"
        return ("ca. " if self.approximate else "") + fmt.number(self.weeks)


@dataclass(frozen=True)
class TableRow:
    key: str
    label: str
    count: Count


@dataclass(frozen=True)
class Table:
    """A breakdown of citizens (by group, aim, ...); `total` is the sum of the rows."""

    key: str
    title: str
    rows: tuple[TableRow, ...]
    total: TableRow

    def share(self, row: TableRow) -> Share:
        if row is self.total or row.key == self.total.key:
            whole = self.total.count
            if whole.high == 0:
                return Share(None, None)
            return Share(1.0, 1.0, bool(whole.hidden) or (whole.low != whole.high and whole.could_be_small))
        return share_of(row.count, self.total.count)

    def row(self, key: str) -> TableRow:
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)


@dataclass(frozen=True)
class GoalResult:
    goal_id: str
    label: str
    rule: str
    target: float | None
    numerator: Count
    denominator: Count
    population: str  # Danish description of who is counted

    @property
    def share(self) -> Share:
        return share_of(self.numerator, self.denominator)

    @property
    def met(self) -> bool | None:
        """True / False when it can be told from what is shown; None without a target or answer."""
        share = self.share
        if self.target is None or share.low is None or share.high is None:
            return None
        if share.low >= self.target - EPS:
            return True
        if share.high < self.target - EPS:
            return False
        return None

    @property
    def status(self) -> str:
        if self.target is None:
            return "Intet mål"
        if self.share.low is None:
            return "Ingen at måle på"
        met = self.met
        return "Opfyldt" if met else "Ikke opfyldt" if met is False else "Kan ikke afgøres"


@dataclass(frozen=True)
class Meta:
    period: Period
    as_of: dt.date
    goal_set_id: str
    goal_set_name: str
    goal_set_hash: str
    indsats_period: Period
    population: str
    caseworkers: int
    summary_ids: tuple[str, ...]
    created: dt.datetime
    # Always False: a summary has no rows per citizen (see `jobraad.team.suppression`); the
    # metadata row "per_borger" keeps the file format as it was.
    per_citizen: bool = False
    suppressed: bool = False
    audit_head: str = ""  # the audit chain's head when it was made (`ChainHead.text`); "" when merged
    format_version: int = FORMAT_VERSION
    program_version: str = __version__


@dataclass(frozen=True)
class Summary:
    meta: Meta
    population: Count
    target_group: Count
    helaarspladser: Amount
    helaarspladser_target: float | None
    goals: tuple[GoalResult, ...]
    tables: tuple[Table, ...]
    decision: Median
    overdue_requests: Count

    def table(self, key: str) -> Table:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(key)

    def goal(self, goal_id: str) -> GoalResult:
        for g in self.goals:
            if g.goal_id == goal_id:
                return g
        raise KeyError(goal_id)

    @property
    def helaarspladser_share(self) -> Share:
        """Helårspladser used as a share of the period's target (may exceed 100 %)."""
        target = self.helaarspladser_target
        if not target:
            return Share(None, None)
        return Share(self.helaarspladser.low / target, self.helaarspladser.high / target, self.helaarspladser.hidden)

    @property
    def notes(self) -> tuple[str, ...]:
        m = self.meta
        out = []
        if m.period.end > m.as_of:
            out.append(f"Perioden er ikke slut: tallene er opgjort pr. {fmt.date(m.as_of)}.")
        if min(m.period.end, m.as_of) > m.indsats_period.end:
            out.append(expired_text(m.goal_set_name, m.indsats_period.start, m.indsats_period.end))
        elif m.period.start < m.indsats_period.start or m.period.end > m.indsats_period.end:
            out.append(f"Perioden ligger (delvis) uden for indsatsens periode {m.indsats_period.label}.")
        if m.caseworkers > 1:
            out.append(f"Lagt sammen af {m.caseworkers} jobrådgiveres opgørelser.")
        return tuple(out)

    @property
    def period_line(self) -> str:
        """The line under the title of the XLSX and the PDF."""
        m = self.meta
        who = "1 jobrådgiver" if m.caseworkers == 1 else f"{m.caseworkers} jobrådgivere"
        return f"Periode {m.period.label} · opgjort pr. {fmt.date(m.as_of)} · {who}"

    @property
    def anonymity_line(self) -> str:
        """What "<5" and "x" mean, for the reader of the XLSX and the PDF."""
        return (
            f"Anonym opgørelse: ingen navne eller CPR-numre. <{SMALL_MAX + 1} = 1–{SMALL_MAX} borgere; "
            "x = skjult, så et lille tal ikke kan regnes ud."
        )
