"""What each MSU is owed: placements read from the database, rates from FeeRate rows, the
arithmetic from `fees` (pure). Statements per MSU and academic year (or semester), and the
faculty's payment rows (one per MSU and period).

An academic year of stages runs from 1 November to 31 October: its first semester from
November to April, its second from May to October. A placement belongs to the year and the
semester in which its period starts.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from applications.models import PracticeSite
from stages.models import Placement, TeamMember

from . import fees
from .models import FeeRate

ZONES = {PracticeSite.Zonage.ZIP, PracticeSite.Zonage.ZAC, PracticeSite.Zonage.QPV}
# The order kinds are listed in on statements and exports.
KIND_ORDER = [fees.HONORAIRES, fees.SUPERVISION, fees.ZONE, fees.PDSA, fees.COSCOM]


def kind_label(kind):
    return FeeRate.Kind(kind).label


def year_bounds(year, semester=None):
    """[start, end] of academic year `year` (from 1 November `year`), or of its semester 1/2."""
    if semester == 1:
        return datetime.date(year, 11, 1), datetime.date(year + 1, 4, 30)
    if semester == 2:
        return datetime.date(year + 1, 5, 1), datetime.date(year + 1, 10, 31)
    return datetime.date(year, 11, 1), datetime.date(year + 1, 10, 31)


def academic_year_of(day):
    return day.year if day.month >= 11 else day.year - 1


def year_label(year):
    return f"{year}-{year + 1}"


def all_rates():
    return [rate.as_rate() for rate in FeeRate.objects.exclude(kind__in=FeeRate.YEARLY)]


def member_of(team_member):
    situations = set()
    if team_member.site is not None and team_member.site.zonage in ZONES:
        situations.add("zone")
    if team_member.supervises_pdsa:
        situations.add("pdsa")
    if team_member.coscom:
        situations.add("coscom")
    return fees.Member(
        key=team_member.doctor_id,
        surname=team_member.doctor.user.last_name,
        half_days=team_member.half_days,
        referent=team_member.referent,
        situations=frozenset(situations),
    )


def placement_lines(placement, rates, members=None):
    """fees.Line for every MSU of the placement's team (the team prefetched)."""
    if members is None:
        members = [member_of(m) for m in placement.offer.team.all()]
    return fees.placement_fees(
        placement.offer.level,
        placement.start,
        placement.end,
        members,
        rates,
        part_time=placement.part_time,
        suspensions=[(s.start, s.end) for s in placement.suspensions.all()],
    )


def placements_with_team():
    """Placements with what their fees need: the team (and each MSU's site), the
    suspensions."""
    return Placement.objects.select_related(
        "student", "offer__period", "offer__upp"
    ).prefetch_related(
        Prefetch("offer__team", queryset=TeamMember.objects.select_related("doctor__user", "site")),
        "suspensions",
    )


@dataclass
class Row:
    """One placement of the statement, with the amounts owed to this MSU by kind."""

    placement: Placement
    share: object  # the member's fraction of the student
    amounts: dict  # kind → Decimal

    @property
    def total(self):
        return sum(self.amounts.values(), Decimal("0.00"))

    def amount(self, kind):
        return self.amounts.get(kind, Decimal("0.00"))


@dataclass
class Statement:
    faculty: object
    doctor: object
    year: int
    semester: int | None
    rows: list = field(default_factory=list)
    yearly: list = field(default_factory=list)  # (calendar year, kind label, Decimal)
    # The PaymentLine rows sent for this MSU, faculty and year (set by the pages that show
    # them: `selectors.payment_lines_of_statement`).
    payments: list = field(default_factory=list)

    @property
    def paid_total(self):
        return sum((line.total for line in self.payments if line.paid), Decimal("0.00"))

    @property
    def remaining(self):
        return self.total() - self.paid_total

    @property
    def bounds(self):
        return year_bounds(self.year, self.semester)

    @property
    def year_label(self):
        return year_label(self.year)

    @property
    def kinds(self):
        present = {kind for row in self.rows for kind in row.amounts}
        return [kind for kind in KIND_ORDER if kind in present]

    def total(self, kind=None):
        if kind is None:
            return sum((row.total for row in self.rows), Decimal("0.00"))
        return sum((row.amount(kind) for row in self.rows), Decimal("0.00"))

    @property
    def totals(self):
        return [(kind, kind_label(kind), self.total(kind)) for kind in self.kinds]


def statement_for(faculty, doctor, year, semester=None):
    start, end = year_bounds(year, semester)
    placements = (
        placements_with_team()
        .filter(
            offer__period__faculty=faculty,
            offer__team__doctor=doctor,
            offer__period__start__gte=start,
            offer__period__start__lte=end,
        )
        .order_by("start", "offer__label", "student__last_name", "pk")
    )
    rates = all_rates()
    statement = Statement(faculty, doctor, year, semester)
    for placement in placements:
        members = [member_of(m) for m in placement.offer.team.all()]
        share = fees.shares(members)[doctor.pk]
        amounts = {
            line.kind: line.amount
            for line in placement_lines(placement, rates, members)
            if line.member == doctor.pk
        }
        statement.rows.append(Row(placement, share, amounts))
    statement.yearly = yearly_amounts(doctor, statement.rows)
    return statement


def yearly_amounts(doctor, rows):
    """The Assurance Maladie yearly amount for each calendar year the statement's placements
    touch: 800 € with the main practice site in a ZIP, 500 € otherwise (declared by the MSU,
    not paid by the faculty)."""
    years = sorted(
        {y for row in rows for y in range(row.placement.start.year, row.placement.end.year + 1)}
    )
    if not years:
        return []
    main = doctor.main_site
    kind = (
        FeeRate.Kind.YEARLY_ZIP
        if main is not None and main.zonage == PracticeSite.Zonage.ZIP
        else FeeRate.Kind.YEARLY_OTHER
    )
    result = []
    for calendar_year in years:
        amount = yearly_amount(kind, calendar_year)
        if amount is not None:
            result.append((calendar_year, FeeRate.Kind(kind).label, amount))
    return result


def yearly_amount(kind, calendar_year):
    """The yearly Assurance Maladie amount of `kind` in force at the end of `calendar_year`."""
    day = datetime.date(calendar_year, 12, 31)
    rate = (
        FeeRate.objects.filter(kind=kind, valid_from__lte=day)
        .exclude(valid_until__lt=day)
        .order_by("-valid_from")
        .first()
    )
    return rate.amount if rate else None


@dataclass
class PaymentRow:
    """The faculty's payment line for one MSU and one period."""

    doctor: object
    period: object
    amounts: dict = field(default_factory=lambda: defaultdict(lambda: Decimal("0.00")))
    students: int = 0

    @property
    def total(self):
        return sum(self.amounts.values(), Decimal("0.00"))


def payment_placements(faculty, year):
    start, end = year_bounds(year)
    return placements_with_team().filter(
        offer__period__faculty=faculty,
        offer__period__start__gte=start,
        offer__period__start__lte=end,
    )


def payment_rows(faculty, year, progress=None, chunk=500):
    """One PaymentRow per MSU and period of the academic year, sorted by MSU then period.
    `progress(done, total)` is called after each chunk of placements."""
    placements = payment_placements(faculty, year).order_by("pk")
    total = placements.count()
    rates = all_rates()
    rows = {}
    done = 0
    last_pk = 0
    while True:
        batch = list(placements.filter(pk__gt=last_pk)[:chunk])
        if not batch:
            break
        for placement in batch:
            doctors = {m.doctor_id: m.doctor for m in placement.offer.team.all()}
            owed = set()
            for line in placement_lines(placement, rates):
                key = (line.member, placement.offer.period_id)
                row = rows.get(key)
                if row is None:
                    row = rows[key] = PaymentRow(doctors[line.member], placement.offer.period)
                row.amounts[line.kind] += line.amount
                owed.add(key)
            # A student counts for the MSUs owed something for them (not for a member hosting
            # no half-day, whose row may exist through another student of the period).
            for key in owed:
                rows[key].students += 1
        done += len(batch)
        last_pk = batch[-1].pk
        if progress:
            progress(done, total)
    return sorted(
        rows.values(),
        key=lambda r: (
            r.doctor.user.last_name.lower(),
            r.doctor.user.first_name.lower(),
            r.doctor.pk,
            r.period.start,
            r.period.pk,
        ),
    )
