"""The faculty's reports: the dashboard (its figures, their CSV, the students to place), the
register of agréments with its PDF lists, the directory of MSUs. For the secretariat and the
admin of the faculty (the secretariat reads only); anyone else gets a 404."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.models import Organisation
from applications.documents.render import html_to_pdf
from applications.services import WorkflowError
from applications.views.feedback import flash_errors
from exports.selectors import faculties_for
from exports.views import private
from exports.writers import CONTENT_TYPES, Table, csv_bytes
from remuneration.statements import academic_year_of, year_bounds, year_label
from stages.levels import StageLevel
from stages.models import INTERNE_LEVELS, Period
from stages.services import is_faculty_admin

from . import charts, lists, services
from . import dashboard as figures_module
from .kinds import STAFF
from .models import StudentTarget

PAGE_SIZE = 50


def _faculty(request):
    """The faculty asked for (?faculte=) among the user's, or their first; Http404 else."""
    faculties = faculties_for(request.user, STAFF).order_by("name", "pk")
    asked = request.GET.get("faculte") or request.POST.get("faculte")
    if asked:
        try:
            return faculties.get(pk=int(asked)), faculties
        except (ValueError, TypeError, Organisation.DoesNotExist):
            raise Http404 from None
    faculty = faculties.first()
    if faculty is None:
        raise Http404
    return faculty, faculties


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _period(request):
    """(start, end, error): the academic year by default, ?annee=2025, or ?debut=&fin=."""
    today = timezone.localdate()
    default = year_bounds(academic_year_of(today))
    year = request.GET.get("annee", "")
    if year.isdigit() and 2000 <= int(year) <= 2100:
        return *year_bounds(int(year)), None
    start, end = request.GET.get("debut"), request.GET.get("fin")
    if not start and not end:
        return *default, None
    start, end = _date(start), _date(end)
    if start is None or end is None:
        return *default, _("Saisissez les deux dates de la période (jj/mm/aaaa).")
    if end < start:
        return *default, _("La fin de la période précède son début : période non appliquée.")
    if (end - start).days > 366 * 10:
        return *default, _("Choisissez une période de dix ans au plus.")
    return start, end, None


def _query(faculty, start, end, **extra):
    return urlencode({"faculte": faculty.pk, "debut": start, "fin": end, **extra})


@login_required
@never_cache
def dashboard(request):
    faculty, faculties = _faculty(request)
    start, end, error = _period(request)
    if error:
        messages.error(request, error)
    now = timezone.now()
    query = _query(faculty, start, end)
    items = []
    for figure in figures_module.figures(faculty, start, end, now):
        items.append(
            {
                "figure": figure,
                "chart": charts.bar_chart(
                    figure.slug,
                    figure.title,
                    figure.chart.get("categories", []),
                    figure.chart.get("series", []),
                    figure.chart.get("unit", ""),
                ),
                "csv_url": reverse("reports:figure_csv", args=[figure.slug]) + "?" + query,
                "display_rows": [_display(figure, row) for row in figure.rows],
                "display_total": _display(figure, figure.total) if figure.total else None,
                # Beside its chart when the table fits half the page, under it otherwise.
                "wide": len(figure.columns) > 4,
            }
        )
    this_year = academic_year_of(timezone.localdate())
    admin = is_faculty_admin(request.user, faculty.pk)
    return private(
        render(
            request,
            "reports/dashboard.html",
            {
                "faculty": faculty,
                "faculties": list(faculties),
                "start": start,
                "end": end,
                "items": items,
                "years": [
                    (
                        y,
                        year_label(y),
                        reverse("reports:dashboard")
                        + "?"
                        + urlencode({"faculte": faculty.pk, "annee": y}),
                    )
                    for y in range(this_year, this_year - 3, -1)
                ],
                "is_admin": admin,
                "targets": _target_rows(faculty, start, end) if admin else [],
                "query": query,
            },
        )
    )


def _display(figure, row):
    """The cells as a French reader reads them."""
    from remuneration.exports import euros

    cells = []
    for column, value in zip(figure.columns, row, strict=True):
        if value is None:
            cells.append("—")
        elif column.kind == "money":
            cells.append(euros(value))
        elif column.kind == "decimal":
            cells.append(str(value).replace(".", ","))
        else:
            cells.append(value)
    return cells


def _levels_of(period):
    return [StageLevel.EXTERNE] if period.kind == Period.Kind.EXTERNE else INTERNE_LEVELS


def _target_rows(faculty, start, end):
    periods = figures_module.periods_of(faculty, start, end)
    saved = {
        (t.period_id, t.level): t.students for t in StudentTarget.objects.filter(period__in=periods)
    }
    return [
        {
            "period": period,
            "level": level,
            "label": StageLevel(level).label,
            "name": f"cible-{period.pk}-{level}",
            "value": saved.get((period.pk, level), ""),
        }
        for period in periods
        for level in _levels_of(period)
    ]


@login_required
@never_cache
def figure_csv(request, figure):
    if figure not in figures_module.FIGURES:
        raise Http404
    faculty, _faculties = _faculty(request)
    start, end, _error = _period(request)
    result = figures_module.FIGURES[figure](faculty, start, end, timezone.now())
    table = Table(result.title[:31], result.columns, result.rows, result.total)
    response = HttpResponse(csv_bytes(table), content_type=CONTENT_TYPES["csv"])
    first, last = result.span or (start, end)
    name = f"{figure}-{first:%Y-%m-%d}-{last:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return private(response)


@login_required
@never_cache
@require_POST
def targets(request):
    faculty, _faculties = _faculty(request)
    start, end, _error = _period(request)
    back = reverse("reports:dashboard") + "?" + _query(faculty, start, end) + "#etudiants-a-placer"
    if not is_faculty_admin(request.user, faculty.pk):
        raise Http404
    values = {}
    errors = []
    for row in _target_rows(faculty, start, end):
        raw = request.POST.get(row["name"], "").strip()
        if raw == "":
            values[(row["period"].pk, row["level"])] = None
        elif raw.isdigit() and int(raw) <= 10000:
            values[(row["period"].pk, row["level"])] = int(raw)
        else:
            errors.append(
                _(
                    "%(period)s, %(level)s : saisissez un nombre entier d'étudiants "
                    "(ou laissez vide)."
                )
                % {"period": row["period"].label, "level": row["label"]}
            )
    if errors:
        for error in errors:
            messages.error(request, error)
        messages.error(request, _("Rien n'a été enregistré."))
        return redirect(back)
    try:
        services.set_targets(faculty, request.user, values)
    except WorkflowError as error:
        flash_errors(request, error)
        return redirect(back)
    messages.success(request, _("Les nombres d'étudiants à placer sont enregistrés."))
    return redirect(back)


# The register of agréments -------------------------------------------------------------------


def _register_filters(request):
    return {key: request.GET.get(key, "") for key in ("niveau", "upp", "statut")}


@login_required
@never_cache
def agrements(request):
    faculty, faculties = _faculty(request)
    filters = _register_filters(request)
    rows = lists.register_queryset(faculty, filters).select_related("doctor__user", "doctor__upp")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    keep = urlencode({"faculte": faculty.pk, **{k: v for k, v in filters.items() if v}})
    return private(
        render(
            request,
            "reports/agrements.html",
            {
                "faculty": faculty,
                "faculties": list(faculties),
                "filters": filters,
                "page": page,
                "keep": keep,
                "levels": StageLevel.choices,
                "upps": Organisation.objects.filter(kind=Organisation.Kind.UPP, parent=faculty),
                "statuses": lists.register_status_labels().items(),
                "pdf_links": [
                    (
                        label,
                        reverse("reports:agrements_pdf")
                        + "?"
                        + urlencode({"faculte": faculty.pk, "niveau": value}),
                    )
                    for value, label in StageLevel.choices
                ],
            },
        )
    )


@login_required
@never_cache
def agrements_pdf(request):
    faculty, _faculties = _faculty(request)
    level = request.GET.get("niveau", "")
    if level not in StageLevel.values:
        raise Http404
    today = timezone.localdate()
    rows = (
        lists.register_queryset(faculty, {"niveau": level}, today)
        .filter(valid_from__lte=today, valid_until__gte=today)
        .exclude(register_status__in=["retire", "suspendu"])
        .select_related("doctor__user", "doctor__upp")
        .order_by("doctor__upp__name", "doctor__user__last_name", "doctor__user__first_name", "pk")
    )
    content = html_to_pdf(
        "pdf/agrements_list.html",
        {
            "faculty": faculty,
            "level_label": StageLevel(level).label,
            "rows": list(rows),
            "today": today,
        },
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES["pdf"])
    name = f"liste-msu-agrees-{level.replace('_', '-')}-{today:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return private(response)


# The directory -------------------------------------------------------------------------------


@login_required
@never_cache
def directory(request):
    faculty, faculties = _faculty(request)
    rows = lists.directory_source(faculty).queryset.select_related("user", "upp")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return private(
        render(
            request,
            "reports/directory.html",
            {
                "faculty": faculty,
                "faculties": list(faculties),
                "page": page,
                "keep": urlencode({"faculte": faculty.pk}),
            },
        )
    )
