"""The audit log pages: a dossier's (its faculty's secretariat and admins) and a faculty's
(its admins), filterable, paginated, exportable as CSV. Never cached: they name people."""

import csv
import io

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from remuneration.exports import safe_text

from . import selectors
from .forms import AuditFilterForm

PER_PAGE = 50
EXPORT_CHUNK = 2000


def _filters(form):
    if not form.is_valid():
        return selectors.Filters()  # the errors are shown; the whole log is listed meanwhile
    data = form.cleaned_data
    return selectors.Filters(
        kind=data["kind"] or "",
        person=(data["person"] or "").strip(),
        start=data["start"],
        end=data["end"],
    )


def _page(request, lines, context, template, filename):
    if request.GET.get("format") == "csv":
        return _csv(lines, filename)
    paginator = Paginator(lines, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    keep = request.GET.copy()
    keep.pop("page", None)
    keep.pop("format", None)
    response = render(
        request,
        template,
        {
            **context,
            "page": page,
            "rows": selectors.rows_of(page.object_list),
            "keep": keep.urlencode(),
        },
        status=400 if context["form"].errors else 200,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _csv(lines, filename):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Date"),
            _("Heure"),
            _("Personne"),
            _("Adresse électronique"),
            _("Événement"),
            _("Dossier"),
            _("Détail"),
        ]
    )
    paginator = Paginator(lines, EXPORT_CHUNK)
    for number in paginator.page_range:
        for row in selectors.rows_of(paginator.page(number).object_list):
            writer.writerow(
                [
                    row.at.strftime("%d/%m/%Y"),
                    row.at.strftime("%H:%M"),
                    safe_text(row.person),
                    safe_text(row.email),
                    row.label,
                    row.application.reference if row.application else "",
                    safe_text(row.detail.replace("\n", " ; ")),
                ]
            )
    response = HttpResponse(
        out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def dossier_audit(request, pk):
    application = selectors.dossier_for_audit(request.user, pk)
    form = AuditFilterForm(request.GET or None, kinds=selectors.kind_choices())
    lines = selectors.dossier_log(application, _filters(form))
    stamp = timezone.localdate().strftime("%Y-%m-%d")
    return _page(
        request,
        lines,
        {"application": application, "form": form},
        "audit/dossier_log.html",
        f"journal-{application.reference}-{stamp}.csv",
    )


@login_required
def faculty_audit(request, faculty_pk):
    faculty = selectors.faculty_for_audit(request.user, faculty_pk)
    form = AuditFilterForm(request.GET or None, kinds=selectors.kind_choices(with_faculty=True))
    lines = selectors.faculty_log(faculty, _filters(form))
    stamp = timezone.localdate().strftime("%Y-%m-%d")
    return _page(
        request,
        lines,
        {"faculty": faculty, "form": form},
        "audit/faculty_log.html",
        f"journal-faculte-{faculty.pk}-{stamp}.csv",
    )
