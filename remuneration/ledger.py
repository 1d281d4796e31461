"""The payment exports as a ledger: what each export sent, line by line, and what the next one
must carry.

A payment export sends, for each MSU and period of the academic year, what is owed now less
what earlier exports already sent: the whole amount the first time (a "payment" line), then
only the difference when a placement changed since (a "correction" line, positive or
negative: a late start entered afterwards, a suspension, a student removed…). A line once
sent is never changed; the accounting department's payment is recorded on it. Lines of an
export that failed were never delivered: they are dropped before the next export is computed.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.models import Organisation
from exports.models import Export

from . import statements
from .models import PaymentLine

ZERO = Decimal("0.00")


@dataclass
class Pending:
    """A line the next export carries."""

    doctor: object
    period: object
    nature: str
    amounts: dict  # kind → Decimal
    students: int
    corrects: list = field(default_factory=list)  # the earlier lines' references

    @property
    def total(self):
        return sum(self.amounts.values(), ZERO)


def sent_lines(faculty, year):
    """The lines earlier exports of the year sent (those of a failed export excluded)."""
    return (
        PaymentLine.objects.filter(faculty=faculty, year=year)
        .exclude(export__state=Export.State.FAILED)
        .select_related("doctor__user", "period")
        .order_by("pk")
    )


def pending(faculty, year, progress=None, chunk=500):
    """The lines a payment export made now would carry, sorted by MSU then period."""
    sent = defaultdict(list)
    for line in sent_lines(faculty, year):
        sent[(line.doctor_id, line.period_id)].append(line)
    result = []
    seen = set()
    for row in statements.payment_rows(faculty, year, progress=progress, chunk=chunk):
        key = (row.doctor.pk, row.period.pk)
        seen.add(key)
        earlier = sent.get(key, [])
        if not earlier:
            if row.total:
                amounts = {kind: amount for kind, amount in row.amounts.items() if amount}
                nature = PaymentLine.Nature.PAYMENT
                result.append(Pending(row.doctor, row.period, nature, amounts, row.students))
            continue
        difference = _difference(row.amounts, earlier)
        students = row.students - sum(line.students for line in earlier)
        if any(difference.values()):
            result.append(
                Pending(
                    row.doctor,
                    row.period,
                    PaymentLine.Nature.CORRECTION,
                    difference,
                    students,
                    [line.reference for line in earlier],
                )
            )
    # Pairs sent before and owed nothing now (every student removed): all of it back.
    for key, earlier in sent.items():
        if key in seen:
            continue
        difference = _difference({}, earlier)
        if any(difference.values()):
            result.append(
                Pending(
                    earlier[0].doctor,
                    earlier[0].period,
                    PaymentLine.Nature.CORRECTION,
                    difference,
                    -sum(line.students for line in earlier),
                    [line.reference for line in earlier],
                )
            )
    return sorted(
        result,
        key=lambda p: (
            p.doctor.user.last_name.lower(),
            p.doctor.user.first_name.lower(),
            p.doctor.pk,
            p.period.start,
            p.period.pk,
            p.nature != PaymentLine.Nature.PAYMENT,
        ),
    )


def _difference(owed, earlier):
    """{kind: owed now − sent} over the kinds of either, zero kinds dropped."""
    sent = defaultdict(lambda: ZERO)
    for line in earlier:
        for kind, amount in line.amounts.items():
            sent[kind] += Decimal(amount)
    kinds = [k for k in statements.KIND_ORDER if k in owed or k in sent]
    difference = {kind: owed.get(kind, ZERO) - sent[kind] for kind in kinds}
    return {kind: amount for kind, amount in difference.items() if amount}


@transaction.atomic
def record(export, progress=None, chunk=500):
    """The lines of payment export `export`, written the first time it is built (a rebuild of
    the same export returns the same lines)."""
    existing = list(
        PaymentLine.objects.filter(export=export).select_related("doctor__user", "period")
    )
    if existing:
        return existing
    faculty, year = export.faculty, export.params["year"]
    # One payment export of a faculty computed at a time: two at once would both send the
    # same difference.
    Organisation.objects.select_for_update().filter(pk=faculty.pk).first()
    PaymentLine.objects.filter(
        faculty=faculty, year=year, export__state=Export.State.FAILED, paid_on__isnull=True
    ).delete()
    now = timezone.now()
    lines = [
        PaymentLine(
            faculty=faculty,
            year=year,
            doctor=item.doctor,
            period=item.period,
            nature=item.nature,
            amounts={kind: str(amount) for kind, amount in item.amounts.items()},
            total=item.total,
            students=item.students,
            corrects=item.corrects,
            export=export,
            exported_at=now,
        )
        for item in pending(faculty, year, progress=progress, chunk=chunk)
    ]
    return PaymentLine.objects.bulk_create(lines)


def totals_by_doctor(faculty, year):
    """{doctor_id: {"sent": Decimal, "paid": Decimal, "lines": n, "unpaid_lines": n}} over
    the lines earlier exports sent (one query)."""
    rows = (
        sent_lines(faculty, year)
        .order_by()
        .values("doctor_id")
        .annotate(
            sent=Sum("total"),
            paid=Sum("total", filter=Q(paid_on__isnull=False)),
            lines=Count("pk"),
            unpaid_lines=Count("pk", filter=Q(paid_on__isnull=True)),
        )
    )
    return {
        row["doctor_id"]: {
            "sent": row["sent"] or ZERO,
            "paid": row["paid"] or ZERO,
            "lines": row["lines"],
            "unpaid_lines": row["unpaid_lines"],
        }
        for row in rows
    }
