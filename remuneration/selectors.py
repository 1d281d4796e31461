"""Who may read which statement. A statement is read by the MSU themself, by an admin of the
faculty that pays it, or by a superuser (the payment exports: `exports.selectors`). Anyone
else gets a 404 (never a 403 that would confirm the row exists)."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Organisation
from applications.models import Doctor
from exports.models import Export
from stages.models import Placement
from stages.selectors import admin_faculties, doctor_of

from . import statements
from .export_kinds import MAX_YEAR, MIN_YEAR
from .models import PaymentLine

__all__ = [
    "admin_faculties",
    "chosen_faculty",
    "current_year",
    "doctor_of",
    "get_payment_line_for_admin",
    "get_statement_subject",
    "payment_lines_for_admin",
    "payment_lines_of_statement",
    "placement_exported",
    "statement_years_of_doctor",
    "years_with_placements",
]


def current_year():
    return statements.academic_year_of(timezone.localdate())


def get_statement_subject(user, faculty_pk, doctor_pk, year):
    """(faculty, doctor) of a statement the user may read, or Http404."""
    if not user.is_authenticated or not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    faculty = get_object_or_404(Organisation, pk=faculty_pk, kind=Organisation.Kind.FACULTY)
    own = doctor_of(user)
    if own is not None and own.pk == doctor_pk:
        return faculty, Doctor.objects.select_related("user").get(pk=own.pk)
    if user.is_superuser:
        return faculty, get_object_or_404(Doctor.objects.select_related("user"), pk=doctor_pk)
    if not admin_faculties(user).filter(pk=faculty.pk).exists():
        raise Http404
    # The faculty's admin reads the statements of the MSUs of its faculty: attached to it, or
    # in the team of one of its offers (any year); not those of a doctor it never dealt with.
    doctor = get_object_or_404(
        Doctor.objects.select_related("user")
        .filter(Q(faculty=faculty) | Q(team_memberships__offer__period__faculty=faculty))
        .distinct(),
        pk=doctor_pk,
    )
    return faculty, doctor


def statement_years_of_doctor(doctor):
    """[(faculty, academic year)] in which the doctor is in the team of a placement, the most
    recent year first."""
    pairs = set()
    faculties = {}
    for faculty_id, start in (
        Placement.objects.filter(offer__team__doctor=doctor)
        .order_by()
        .values_list("offer__period__faculty_id", "offer__period__start")
        .distinct()
    ):
        pairs.add((faculty_id, statements.academic_year_of(start)))
    if pairs:
        faculties = Organisation.objects.in_bulk({faculty_id for faculty_id, _year in pairs})
    return sorted(
        ((faculties[faculty_id], year) for faculty_id, year in pairs),
        key=lambda pair: (-pair[1], pair[0].name, pair[0].pk),
    )


def chosen_faculty(user, faculty_pk=None):
    """The faculty whose remuneration the admin is looking at: the one asked for among theirs,
    or the first of theirs. Http404 when they administer none (or not the one asked for)."""
    faculties = admin_faculties(user).order_by("name", "pk")
    if faculty_pk not in (None, ""):
        try:
            return faculties.get(pk=int(faculty_pk))
        except (ValueError, TypeError, Organisation.DoesNotExist):
            raise Http404 from None
    faculty = faculties.first()
    if faculty is None:
        raise Http404
    return faculty


def years_with_placements(faculty):
    """The academic years in which the faculty has placements, and the current one, newest
    first."""
    years = {
        statements.academic_year_of(day)
        for day in Placement.objects.filter(offer__period__faculty=faculty).dates(
            "offer__period__start", "month"
        )
    }
    years.add(current_year())
    return sorted(years, reverse=True)


# Payment lines -------------------------------------------------------------------------------


def delivered_lines():
    """Lines sent by an export that did not fail (the only ones paid or to be paid)."""
    return PaymentLine.objects.exclude(export__state=Export.State.FAILED)


def payment_lines_for_admin(user, faculty, year=None, state=None):
    """The faculty's payment lines (the user administers it), newest first; `state`: "paid",
    "unpaid" or None for all."""
    if not admin_faculties(user).filter(pk=faculty.pk).exists():
        raise Http404
    lines = delivered_lines().filter(faculty=faculty).select_related("doctor__user", "period")
    if year is not None:
        lines = lines.filter(year=year)
    if state == "paid":
        lines = lines.filter(paid_on__isnull=False)
    elif state == "unpaid":
        lines = lines.filter(paid_on__isnull=True)
    return lines.order_by("-exported_at", "doctor__user__last_name", "pk")


def get_payment_line_for_admin(user, pk):
    return get_object_or_404(
        delivered_lines()
        .filter(faculty__in=admin_faculties(user))
        .select_related("faculty", "doctor__user", "period"),
        pk=pk,
    )


def payment_lines_of_statement(statement):
    """The payment lines of the statement's MSU, faculty and year (or semester)."""
    start, end = statement.bounds
    return (
        delivered_lines()
        .filter(
            faculty=statement.faculty,
            doctor=statement.doctor,
            year=statement.year,
            period__start__gte=start,
            period__start__lte=end,
        )
        .select_related("period")
        .order_by("exported_at", "pk")
    )


def placement_exported(placement):
    """Whether a payment export already sent fees of this placement's period to one of its
    team (a change now makes a correction line on the next export)."""
    period = placement.offer.period
    return (
        delivered_lines()
        .filter(
            faculty_id=period.faculty_id,
            period=period,
            doctor__team_memberships__offer_id=placement.offer_id,
        )
        .exists()
    )
