"""The import of a period's students and placements: the form with the columns and the
template, then the preview of every line, then the import (the faculty admin's, own faculty
only: another faculty's period or import is a 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from applications.services import WorkflowError
from applications.views.feedback import flash_errors, form_errors

from . import imports, selectors, visibility
from .forms_followup import ConfirmImportForm, ImportForm


def _offers(request, period):
    return selectors.offers_for_admin(request.user).filter(period=period).order_by("label", "pk")


@login_required
@never_cache
def import_form(request, pk):
    period = selectors.get_period_for_admin(request.user, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                batch = imports.create_batch(
                    period,
                    request.user,
                    form.cleaned_data["file"],
                    form.cleaned_data["all_or_nothing"],
                )
            except imports.ImportFileError as error:
                form.add_error("file", str(error))
            except WorkflowError as error:
                form_errors(form, error)
            else:
                return redirect("stages:import_preview", batch.pk)
        status = 400
    return render(
        request,
        "stages/import_form.html",
        {
            "period": period,
            "form": form,
            "columns": imports.COLUMNS,
            "offers": _offers(request, period),
            "max_lines": imports.MAX_LINES,
        },
        status=status,
    )


@login_required
@require_GET
def import_template(request):
    if not selectors.admin_faculties(request.user).exists():
        raise PermissionDenied(
            _("La gestion des stages est réservée aux administrateurs de la faculté.")
        )
    response = HttpResponse(imports.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-import-etudiants.csv"'
    return response


@login_required
@never_cache
def import_preview(request, pk):
    batch = visibility.get_import_for_admin(request.user, pk)
    if request.method == "POST" and batch.imported_at is None:
        if ConfirmImportForm(request.POST).is_valid():
            try:
                results = imports.run(batch, request.user)
            except WorkflowError as error:
                flash_errors(request, error)
            else:
                imported = sum(1 for r in results if r.ok)
                messages.success(
                    request,
                    _("%(n)s ligne(s) importée(s) sur %(total)s.")
                    % {"n": imported, "total": len(results)},
                )
                return redirect("stages:period", batch.period_id)
        return redirect("stages:import_preview", batch.pk)
    results = None if batch.imported_at else imports.preview(batch, request.user)
    return render(
        request,
        "stages/import_preview.html",
        {
            "batch": batch,
            "period": batch.period,
            "results": results,
            "accepted": sum(1 for r in results if r.ok) if results else 0,
            "refused": sum(1 for r in results if not r.ok) if results else 0,
        },
    )
