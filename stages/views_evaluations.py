"""Evaluations: the faculty's grid (its admin edits it), the evaluations received per MSU (the
admin's), and the MSU's side: a placement's follow-up page in "Mes stages", where the referent
fills the start, middle and end evaluations and any MSU of the team reports a difficulty."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from applications.services import WorkflowError
from applications.views.feedback import flash_errors, form_errors
from msu_portal import pagination

from . import evaluations, incidents, selectors, student_links, visibility
from .forms_followup import CriterionEditForm, CriterionForm, EvaluationForm, IncidentForm
from .records import Audience, EvaluationCriterion


def _admin_faculties(request):
    faculties = list(selectors.admin_faculties(request.user).order_by("name"))
    if not faculties:
        raise PermissionDenied(
            _("La gestion des stages est réservée aux administrateurs de la faculté.")
        )
    return faculties


# --- The grid ------------------------------------------------------------------------------


@login_required
@never_cache
def criteria(request):
    faculties = _admin_faculties(request)
    faculty = faculties[0]
    if len(faculties) > 1 and request.GET.get("faculte"):
        faculty = next((f for f in faculties if str(f.pk) == request.GET["faculte"]), faculty)
    form = CriterionForm(request.POST if "label" in request.POST else None)
    status = 200
    if request.method == "POST":
        try:
            if "default" in request.POST:
                evaluations.create_default_grid(faculty, request.user, request.POST["default"])
                messages.success(request, _("Grille par défaut créée."))
                return redirect(request.get_full_path())
            if form.is_valid():
                evaluations.add_criterion(
                    faculty, request.user, form.cleaned_data["audience"], form.cleaned_data["label"]
                )
                messages.success(request, _("Critère ajouté."))
                return redirect(request.get_full_path())
        except WorkflowError as error:
            form_errors(form, error)
        status = 400
    rows = EvaluationCriterion.objects.filter(faculty=faculty).order_by(
        "audience", "-active", "position", "pk"
    )
    grids = [
        {"audience": value, "label": label, "criteria": [c for c in rows if c.audience == value]}
        for value, label in Audience.choices
    ]
    return render(
        request,
        "stages/criteria.html",
        {
            "faculty": faculty,
            "faculties": faculties,
            "grids": grids,
            "form": form,
            "poor_average": evaluations.POOR_AVERAGE,
        },
        status=status,
    )


@login_required
@never_cache
def criterion_edit(request, pk):
    criterion = get_object_or_404(
        EvaluationCriterion.objects.filter(faculty__in=selectors.admin_faculties(request.user)),
        pk=pk,
    )
    form = CriterionEditForm(
        request.POST or None,
        initial={
            "label": criterion.label,
            "position": criterion.position,
            "active": criterion.active,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                evaluations.update_criterion(
                    criterion, request.user, data["label"], data["position"], data["active"]
                )
            except WorkflowError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("Critère modifié."))
                return redirect("stages:criteria")
        status = 400
    return render(
        request, "stages/criterion_edit.html", {"criterion": criterion, "form": form}, status=status
    )


# --- What the faculty receives -------------------------------------------------------------


@login_required
@never_cache
def msu_list(request):
    _admin_faculties(request)
    return render(
        request,
        "stages/evaluations_by_msu.html",
        {
            **pagination.page_of(request, visibility.msus_with_evaluations(request.user)),
            "poor_average": evaluations.POOR_AVERAGE,
        },
    )


@login_required
@never_cache
def msu_detail(request, pk):
    doctor = visibility.get_msu_for_admin(request.user, pk)
    rows = visibility.evaluations_of_msu(request.user, doctor)
    return render(
        request,
        "stages/evaluations_of_msu.html",
        {
            "doctor": doctor,
            **pagination.page_of(request, rows),
            "poor_average": evaluations.POOR_AVERAGE,
        },
    )


@login_required
@never_cache
@require_POST
def send_student_links(request, pk):
    placement = selectors.get_placement_for_admin(request.user, pk)
    try:
        student_links.send_links(placement, request.user)
    except WorkflowError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request,
            _("Les liens sont envoyés à %(student)s (%(email)s).")
            % {"student": placement.student, "email": placement.student.email},
        )
    return redirect("stages:offer", placement.offer_id)


# --- The MSU's side ------------------------------------------------------------------------


def _placement_page(request, placement, report_form=None, status=200):
    doctor = selectors.doctor_of(request.user)
    done = {e.stage: e for e in visibility.evaluations_of_placement(placement)}
    today = timezone.localdate()
    schedule = evaluations.schedule(placement.start, placement.end)
    stages = [
        {
            "stage": stage,
            "label": evaluations.Stage(stage).label,
            "slug": evaluations.SLUGS[stage],
            "opens": schedule[stage][0],
            "open": schedule[stage][0] <= today,
            "evaluation": done.get(stage),
        }
        for stage in evaluations.MSU_STAGES
    ]
    return render(
        request,
        "stages/placement_followup.html",
        {
            "placement": placement,
            "student": placement.student,
            "offer": placement.offer,
            "stages": stages,
            "student_evaluation": done.get(evaluations.Stage.STUDENT),
            "referent": visibility.is_referent(doctor, placement),
            "incidents": visibility.incidents_of_placements([placement.pk]),
            "report_form": report_form or IncidentForm(),
        },
        status=status,
    )


@login_required
@never_cache
def placement_followup(request, pk):
    return _placement_page(request, visibility.get_placement_of_doctor(request.user, pk))


@login_required
@never_cache
def evaluate(request, pk, slug):
    placement = visibility.get_placement_of_doctor(request.user, pk)
    stage = evaluations.STAGE_OF_SLUG.get(slug)
    if stage is None:
        raise Http404(_("Cette évaluation n'existe pas."))
    existing = placement.evaluations.filter(stage=stage).first()
    # The team's other MSUs read an evaluation once filled (their page offers « Voir »); only
    # the referent fills one.
    referent = visibility.is_referent(selectors.doctor_of(request.user), placement)
    if not referent and (existing is None or request.method == "POST"):
        raise PermissionDenied(_("Seul le maître de stage référent remplit les évaluations."))
    criteria_ = evaluations.grid(placement.offer.period.faculty_id, Audience.MSU)
    form = EvaluationForm(request.POST or None, criteria=criteria_)
    status = 200
    if request.method == "POST" and existing is None:
        if form.is_valid():
            try:
                evaluations.record_evaluation(
                    placement, request.user, stage, form.scores(), form.cleaned_data["comment"]
                )
            except WorkflowError as error:
                form_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(evaluation)s de %(student)s enregistrée.")
                    % {"evaluation": evaluations.Stage(stage).label, "student": placement.student},
                )
                return redirect("stages:placement_followup", placement.pk)
        status = 400
    opens = evaluations.schedule(placement.start, placement.end)[stage][0]
    return render(
        request,
        "stages/evaluate.html",
        {
            "placement": placement,
            "student": placement.student,
            "label": evaluations.Stage(stage).label,
            "form": form,
            "existing": existing,
            "scores": existing.scores.order_by("pk") if existing else [],
            "opens": opens,
            "not_open": opens > timezone.localdate(),
            "has_grid": bool(criteria_),
        },
        status=status,
    )


@login_required
@never_cache
@require_POST
def incident_report(request, pk):
    placement = visibility.get_placement_of_doctor(request.user, pk)
    form = IncidentForm(request.POST)
    if form.is_valid():
        try:
            incident = incidents.report(
                placement, request.user, form.cleaned_data["subject"], form.cleaned_data["body"]
            )
        except WorkflowError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Votre signalement est transmis au secrétariat du département et au "
                    "coordinateur de l'UPP."
                ),
            )
            return redirect("stages:incident", incident.pk)
    return _placement_page(request, placement, report_form=form, status=400)
