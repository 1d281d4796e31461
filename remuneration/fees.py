"""The pedagogical fees an MSU team is owed for one placement: pure functions over plain
values, following DOMAIN.md's computation conventions to the cent.

- Months: for each calendar month overlapped, monthly amount × days overlapped ÷ days in the
  month (a whole month counts one, whatever its length). A rate starting or ending splits the
  month; each part uses its own rate. Part time counts for half, for every amount (COSCOM
  included).
- Actual dates: only the days the student was really there count: from the placement's actual
  start to its actual end, less its suspensions (`present_spans`).
- Amounts owed for the student as a whole (honoraires, the docteur junior's supervision
  indemnity) are computed exactly (fractions), rounded to the cent half up per placement, then
  shared in proportion to the half-days each MSU hosts (equal shares when none are given; a
  team where only some members have half-days is an error, never read as 0):
  each share rounded down to the cent, the cents left going one by one to the largest
  remainders (ties: the referent first, then by surname), so the shares sum to the total.
- Supplements tied to an MSU's own situation (practice in ZIP/ZAC/QPV, out-of-hours
  supervision, COSCOM) go only to the MSUs in that situation, each for their share of the
  student, rounded to the cent half up for each.
"""

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")

# Kinds of amount (the `kind` of a rate row).
HONORAIRES = "honoraires"
SUPERVISION = "supervision"  # docteur junior: supervision indemnity, owed for the student
ZONE = "zone"  # docteur junior: MSU practising in ZIP, ZAC or QPV
PDSA = "pdsa"  # docteur junior: supervision of out-of-hours duty
COSCOM = "coscom"  # COSCOM signatory (contract ended 2025); a part-time student counts half

WHOLE_STUDENT = (HONORAIRES, SUPERVISION)
# The situation of an MSU that makes a supplement due to them.
SITUATIONS = {ZONE: "zone", PDSA: "pdsa", COSCOM: "coscom"}


class PartialHalfDays(ValueError):
    """Some members of a team have half-days and others none: the shares are undefined."""


@dataclass(frozen=True)
class Rate:
    level: str
    kind: str
    monthly: Decimal
    valid_from: datetime.date
    valid_until: datetime.date | None = None  # inclusive; None: still in force


@dataclass(frozen=True)
class Member:
    key: object  # whatever identifies the MSU for the caller
    surname: str
    half_days: int = 0
    referent: bool = False
    situations: frozenset = field(default_factory=frozenset)  # among "zone", "pdsa", "coscom"


@dataclass(frozen=True)
class Line:
    member: object  # Member.key
    kind: str
    amount: Decimal


def to_cent(value, rounding=ROUND_HALF_UP):
    """A Fraction or Decimal to the cent."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(CENT, rounding=rounding)


def exact(amount):
    return Fraction(str(amount))


def months_between(start, end):
    """The months [start, end] (inclusive dates) covers, as a fraction: whole months count one."""
    if end < start:
        return Fraction(0)
    total = Fraction(0)
    day = start.replace(day=1)
    while day <= end:
        length = calendar.monthrange(day.year, day.month)[1]
        month_end = day.replace(day=length)
        first, last = max(start, day), min(end, month_end)
        total += Fraction((last - first).days + 1, length)
        day = month_end + datetime.timedelta(days=1)
    return total


def present_spans(start, end, suspensions=()):
    """The spans [first, last] (inclusive dates) of [start, end] outside every suspension
    (each an inclusive (from, to) pair; overlapping or out-of-range ones are harmless)."""
    spans = []
    day = start
    for off_from, off_to in sorted(suspensions):
        if off_to < day or off_from > end:
            continue
        if off_from > day:
            spans.append((day, off_from - datetime.timedelta(days=1)))
        day = max(day, off_to + datetime.timedelta(days=1))
    if day <= end:
        spans.append((day, end))
    return spans


def amount_over(rates, start, end, suspensions=()):
    """Sum of monthly amount × months over the rates' validity within [start, end], less the
    suspensions (exact)."""
    total = Fraction(0)
    for first_day, last_day in present_spans(start, end, suspensions):
        for rate in rates:
            first = max(first_day, rate.valid_from)
            last = min(last_day, rate.valid_until or last_day)
            total += exact(rate.monthly) * months_between(first, last)
    return total


def partial_half_days(members):
    """The members without half-days in a team where others have some ([] when all or none
    have them)."""
    given = [m for m in members if m.half_days]
    if not given:
        return []
    return [m for m in members if not m.half_days]


def shares(members):
    """Each member's share of the student: half-days ÷ total (equal when none are given).
    A team where only some members have half-days raises PartialHalfDays."""
    if partial_half_days(members):
        raise PartialHalfDays(
            "half-days given for some members only: "
            + ", ".join(str(m.surname) for m in partial_half_days(members))
        )
    total = sum(m.half_days for m in members)
    if total == 0:
        return {m.key: Fraction(1, len(members)) for m in members}
    return {m.key: Fraction(m.half_days, total) for m in members}


def split(total, members):
    """Share `total` (Decimal, to the cent) so that the parts sum exactly to it."""
    weights = shares(members)
    cents = int(total / CENT)
    exact_parts = {m.key: weights[m.key] * cents for m in members}
    parts = {key: int(value) for key, value in exact_parts.items()}  # rounded down (≥ 0)
    left = cents - sum(parts.values())
    # The cents left go to the largest remainders; ties: the referent first, then by surname.
    order = sorted(
        members,
        key=lambda m: (-(exact_parts[m.key] - parts[m.key]), not m.referent, m.surname),
    )
    for member in order[:left]:
        parts[member.key] += 1
    return {key: Decimal(value) * CENT for key, value in parts.items()}


def placement_fees(level, start, end, members, rates, part_time=False, suspensions=()):
    """The lines owed to each member of the team for one student placed from `start` to `end`
    (inclusive, the actual dates), away during `suspensions` ((from, to) inclusive pairs).
    `rates`: every Rate row; those of this level apply."""
    if not members:
        return []
    factor = Fraction(1, 2) if part_time else Fraction(1)
    by_kind = {}
    for rate in rates:
        if rate.level == level:
            by_kind.setdefault(rate.kind, []).append(rate)
    lines = []
    for kind in WHOLE_STUDENT:
        if kind not in by_kind:
            continue
        total = to_cent(amount_over(by_kind[kind], start, end, suspensions) * factor)
        for key, amount in split(total, members).items():
            lines.append(Line(key, kind, amount))
    weights = shares(members)
    for kind, situation in SITUATIONS.items():
        if kind not in by_kind:
            continue
        owed = amount_over(by_kind[kind], start, end, suspensions) * factor
        for member in members:
            if situation in member.situations:
                lines.append(Line(member.key, kind, to_cent(owed * weights[member.key])))
    return [line for line in lines if line.amount]
