"""The student's pages, reached through the signed link of their e-mail (no account): the
evaluation of the stage (once) and the report of a difficulty with its thread. A link that is
not valid is a 404, one that expired or was used a 410, each with a French sentence."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from applications.services import WorkflowError
from applications.views.feedback import form_errors

from . import evaluations, incidents, links, visibility
from .forms_followup import EvaluationForm, IncidentForm, IncidentMessageForm
from .records import Audience, StudentLink


def _refused(request, error):
    return render(
        request,
        "stages/student_link_refused.html",
        {"message": error.message},
        status=410 if error.gone else 404,
    )


def _context(link):
    placement = link.placement
    return {
        "placement": placement,
        "student": placement.student,
        "offer": placement.offer,
        "period": placement.offer.period,
        "expires_at": link.expires_at,
    }


@never_cache
@csrf_protect
def student_evaluation(request, token):
    try:
        link = links.resolve(token, StudentLink.Purpose.EVALUATION)
    except links.LinkRefused as error:
        return _refused(request, error)
    criteria = evaluations.grid(link.placement.offer.period.faculty_id, Audience.STUDENT)
    form = EvaluationForm(request.POST or None, criteria=criteria)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                evaluations.record_student_evaluation(
                    link.pk, form.scores(), form.cleaned_data["comment"]
                )
            except links.LinkRefused as error:
                return _refused(request, error)
            except WorkflowError as error:
                form_errors(form, error)
            else:
                return render(request, "stages/student_thanks.html", _context(link))
        status = 400
    return render(
        request,
        "stages/student_evaluation.html",
        {**_context(link), "form": form, "has_grid": bool(criteria)},
        status=status,
    )


@never_cache
@csrf_protect
def student_incident(request, token):
    try:
        link = links.resolve(token, StudentLink.Purpose.INCIDENT)
    except links.LinkRefused as error:
        return _refused(request, error)
    own = visibility.incidents_of_placements([link.placement_id]).filter(by_student=True)
    report_form = IncidentForm(request.POST if "subject" in request.POST else None)
    reply_form = IncidentMessageForm(request.POST if "incident" in request.POST else None)
    status = 200
    if request.method == "POST":
        try:
            if "incident" in request.POST:
                chosen = request.POST.get("incident", "").strip()
                incident = own.filter(pk=int(chosen)).first() if chosen.isdigit() else None
                if incident is None:
                    raise WorkflowError(_("Ce signalement ne vous concerne pas."))
                if reply_form.is_valid():
                    incidents.post_student_message(
                        link.pk, incident, reply_form.cleaned_data["body"]
                    )
                    messages.success(request, _("Message envoyé."))
                    return redirect(request.path)
            elif report_form.is_valid():
                incidents.report_by_student(
                    link.pk, report_form.cleaned_data["subject"], report_form.cleaned_data["body"]
                )
                messages.success(
                    request,
                    _(
                        "Votre signalement est transmis au secrétariat du département de médecine "
                        "générale, qui vous répondra ici."
                    ),
                )
                return redirect(request.path)
        except links.LinkRefused as error:
            return _refused(request, error)
        except WorkflowError as error:
            form_errors(reply_form if "incident" in request.POST else report_form, error)
        status = 400
    threads = [(incident, visibility.incident_messages(incident)) for incident in own]
    return render(
        request,
        "stages/student_incident.html",
        {
            **_context(link),
            "report_form": report_form if report_form.is_bound else IncidentForm(),
            "reply_form": IncidentMessageForm(),
            "threads": threads,
        },
        status=status,
    )
