"""Statements of pedagogical fees and the faculty's payment exports.

Every statement and export is read through `selectors` (a 404 for anyone else); files are
served as attachments with `private, no-store`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from applications.services import WorkflowError
from applications.views.feedback import flash_errors
from exports.models import Export

from . import exports, selectors, services, statements
from .export_kinds import PAYMENTS
from .models import FeeRate

SEMESTERS = {"1": 1, "2": 2}


def _semester(request):
    """?semestre=1|2 for a semester, absent (or empty) for the whole year; anything else 404,
    so that no page or file is ever a silently different period from the one asked for."""
    value = request.GET.get("semestre", "")
    if value == "":
        return None
    if value not in SEMESTERS:
        raise Http404
    return SEMESTERS[value]


def _private(response):
    response["Cache-Control"] = "private, no-store"
    return response


def _statement_urls(faculty, doctor, year, semester=None):
    query = f"?semestre={semester}" if semester else ""
    args = [faculty.pk, doctor.pk, year]
    return {
        "page": reverse("remuneration:statement", args=args) + query,
        **{
            fmt: reverse("remuneration:statement_download", args=[*args, fmt]) + query
            for fmt in exports.FORMATS
        },
    }


# The MSU's statements ----------------------------------------------------------------------


@login_required
@never_cache
def my_statements(request):
    doctor = selectors.doctor_of(request.user)
    if doctor is None:
        raise Http404
    lines = []
    for faculty, year in selectors.statement_years_of_doctor(doctor):
        statement = statements.statement_for(faculty, doctor, year)
        lines.append(
            {
                "statement": statement,
                "faculty": faculty,
                "year_label": statements.year_label(year),
                "count": len(statement.rows),
                "total": statement.total(),
                "urls": _statement_urls(faculty, doctor, year),
            }
        )
    return render(request, "remuneration/my_statements.html", {"doctor": doctor, "lines": lines})


@login_required
@never_cache
def statement(request, faculty_pk, doctor_pk, year):
    faculty, doctor = selectors.get_statement_subject(request.user, faculty_pk, doctor_pk, year)
    semester = _semester(request)
    result = statements.statement_for(faculty, doctor, year, semester)
    context = exports.statement_context(result)
    context.update(
        {
            "own": doctor.user_id == request.user.pk,
            "semester": semester,
            "urls": _statement_urls(faculty, doctor, year, semester),
            "choices": [
                (value, label, _statement_urls(faculty, doctor, year, value)["page"])
                for value, label in (
                    (None, _("Année entière")),
                    (1, _("Semestre 1")),
                    (2, _("Semestre 2")),
                )
            ],
            "faculty_home_url": _faculty_home_url(faculty, year),
        }
    )
    return _private(render(request, "remuneration/statement.html", context))


@login_required
@never_cache
def statement_download(request, faculty_pk, doctor_pk, year, fmt):
    if fmt not in exports.FORMATS:
        raise Http404
    faculty, doctor = selectors.get_statement_subject(request.user, faculty_pk, doctor_pk, year)
    semester = _semester(request)
    result = statements.statement_for(faculty, doctor, year, semester)
    response = HttpResponse(
        exports.statement_file(result, fmt), content_type=exports.CONTENT_TYPES[fmt]
    )
    filename = exports.statement_filename(result, fmt)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)


# The faculty's remuneration ----------------------------------------------------------------


def _year(value, default):
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if selectors.MIN_YEAR <= year <= selectors.MAX_YEAR else default


def _faculty_home_url(faculty, year):
    return (
        reverse("remuneration:faculty_home")
        + "?"
        + urlencode({"faculty": faculty.pk, "year": year})
    )


@login_required
@never_cache
def faculty_home(request):
    faculty = selectors.chosen_faculty(request.user, request.GET.get("faculty"))
    year = _year(request.GET.get("year"), selectors.current_year())
    years = selectors.years_with_placements(faculty)
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    msus = {}
    for row in statements.payment_rows(faculty, year):  # one line per MSU: periods summed
        line = msus.setdefault(
            row.doctor.pk,
            {
                "doctor": row.doctor,
                "placements": 0,
                "total": exports.ZERO,
                "url": reverse("remuneration:statement", args=[faculty.pk, row.doctor.pk, year]),
            },
        )
        line["placements"] += row.students
        line["total"] += row.total
    msu_lines = [line for line in msus.values() if line["total"]]
    recent_exports = Export.objects.filter(faculty=faculty, kind=PAYMENTS).select_related(
        "requested_by", "faculty"
    )
    context = {
        "faculty": faculty,
        "faculties": list(selectors.admin_faculties(request.user).order_by("name", "pk")),
        "year": year,
        "year_label": statements.year_label(year),
        "years": [(y, statements.year_label(y)) for y in years],
        "msus": msu_lines,
        "grand_total": sum((line["total"] for line in msu_lines), exports.ZERO),
        "exports": recent_exports[:20],
    }
    return render(request, "remuneration/faculty_home.html", context)


@login_required
@never_cache
@require_POST
def export_request(request):
    faculty = selectors.chosen_faculty(request.user, request.POST.get("faculty"))
    year = _year(request.POST.get("year"), None)
    fmt = request.POST.get("format", "")
    try:
        services.request_export(faculty, request.user, year, fmt)
    except WorkflowError as error:
        flash_errors(request, error)
        return redirect(_faculty_home_url(faculty, year or selectors.current_year()))
    messages.success(
        request,
        _(
            "L'export des paiements %(year)s est en préparation : il apparaît ci-dessous et "
            "sera téléchargeable dans un instant."
        )
        % {"year": statements.year_label(year)},
    )
    return redirect(_faculty_home_url(faculty, year))


# Reference ---------------------------------------------------------------------------------


@login_required
@never_cache
def rates(request):
    faculties = selectors.admin_faculties(request.user)
    return render(
        request,
        "remuneration/rates.html",
        {
            "rates": FeeRate.objects.all(),
            "is_admin": faculties.exists(),
        },
    )
