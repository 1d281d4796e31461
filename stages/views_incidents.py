"""Incident reports: the list of those one follows (secretariat, faculty admin, UPP
coordinator, the MSUs of the team), a report's thread and its status. A report one does not
follow is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from applications.services import WorkflowError
from applications.views.feedback import flash_errors, form_errors
from msu_portal import pagination

from . import incidents, visibility
from .forms_followup import IncidentMessageForm, IncidentStatusForm
from .records import Incident


@login_required
@never_cache
def incident_list(request):
    rows = visibility.incidents_visible_to(request.user)
    if not (
        visibility.staff_faculties(request.user).exists()
        or visibility.coordinated_upps(request.user).exists()
        or getattr(request.user, "doctor", None) is not None
    ):
        raise Http404(_("Cette page est réservée aux personnes qui suivent les stages."))
    status = request.GET.get("statut")
    if status in Incident.Status.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "stages/incidents.html",
        {
            **pagination.page_of(request, rows.order_by("status", "-created_at", "-pk")),
            "status": status,
            "statuses": Incident.Status.choices,
        },
    )


def _incident_page(request, incident, form=None, status=200):
    return render(
        request,
        "stages/incident.html",
        {
            "incident": incident,
            "placement": incident.placement,
            "thread": visibility.incident_messages(incident),
            "form": form or IncidentMessageForm(),
            "may_handle": visibility.may_handle(request.user, incident),
        },
        status=status,
    )


@login_required
@never_cache
def incident_detail(request, pk):
    incident = visibility.get_incident_for(request.user, pk)
    if request.method == "POST":
        form = IncidentMessageForm(request.POST)
        if form.is_valid():
            try:
                incidents.post_message(incident, request.user, form.cleaned_data["body"])
            except WorkflowError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("Message envoyé."))
                return redirect("stages:incident", incident.pk)
        return _incident_page(request, incident, form, status=400)
    return _incident_page(request, incident)


@login_required
@never_cache
@require_POST
def incident_status(request, pk):
    incident = visibility.get_incident_for(request.user, pk)
    form = IncidentStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez le statut du signalement."))
        return redirect("stages:incident", incident.pk)
    try:
        incident = incidents.set_status(incident, request.user, form.cleaned_data["status"])
    except WorkflowError as error:
        flash_errors(request, error)
        if not visibility.may_handle(request.user, incident):
            return render(
                request,
                "stages/incident.html",
                {
                    "incident": incident,
                    "placement": incident.placement,
                    "thread": visibility.incident_messages(incident),
                    "form": IncidentMessageForm(),
                    "may_handle": False,
                },
                status=403,
            )
    else:
        messages.success(
            request,
            _("Signalement marqué comme traité.")
            if incident.status == Incident.Status.HANDLED
            else _("Signalement rouvert."),
        )
    return redirect("stages:incident", incident.pk)
