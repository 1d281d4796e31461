"""Pages of the faculty's staff: the queue, the dossier as staff see it, and the instruction
actions (admissibility, complements, visit, decisions), messages and notes.

Views are thin: they read through selectors, act through services and show WorkflowError's
French sentences as they are.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.memberships import roles_of
from accounts.models import FacultySettings, Membership
from msu_portal.pagination import page_of
from stages.levels import rules_for

from .. import selectors, services
from ..forms.agrements import ReviewDecisionForm
from ..forms.common import VersionForm
from ..forms.staff import (
    ComplementRequestForm,
    DecisionForm,
    NoteForm,
    VisitReportForm,
    VisitScheduleForm,
)
from ..models import (
    Application,
    RequestedLevel,
)
from ..services import WorkflowError
from ..workflow import (
    Action,
    Status,
    actions_for,
    table,
)
from .dossier_page import anchor, summary_context
from .feedback import flash_errors, form_errors


def _version(form):
    return form.cleaned_data.get("version") if form.is_valid() else None


def _allowed(request, pk, action):
    """The dossier and the user's roles, if the table offers `action` to the user now.

    Not visible: 404. Visible but never theirs to take: 403. Not in this state: None (the
    caller explains and sends the user back to the dossier).
    """
    application = selectors.get_application_for(request.user, pk)
    roles = selectors.actor_roles(application, request.user)
    if action in actions_for(application.status, roles, application.kind):
        return application, roles
    may_ever = any(
        action in row and row[action][1] & roles for row in table(application.kind).values()
    )
    if not may_ever:
        raise PermissionDenied(_("Cette action ne relève pas de votre rôle."))
    messages.error(request, services.not_in_this_state(application.status))
    return None, roles


# --- The queue --------------------------------------------------------------------------------


# --- The dossier as staff see it -------------------------------------------------------------


# --- Instruction actions ---------------------------------------------------------------------


@login_required
@require_POST
def declare_admissible(request, pk):
    application, _roles = _allowed(request, pk, Action.DECLARE_ADMISSIBLE)
    if application:
        try:
            services.declare_admissible(
                application, request.user, expected_version=_version(VersionForm(request.POST))
            )
        except WorkflowError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Dossier déclaré recevable : programmez la visite."))
    return redirect("applications:detail", pk)


def _action_form_page(
    request, pk, action, form_class, template, act, success, heading=None, **form_kwargs
):
    """GET shows the form; POST validates it and calls `act(application, form)`.

    On a refusal the form comes back with what was typed and the French reasons. The page's
    heading (title, breadcrumb, <h1>) is the action's French label from the workflow table."""
    application, _roles = _allowed(request, pk, action)
    if application is None:
        return redirect("applications:detail", pk)
    kwargs = {key: value(application) for key, value in form_kwargs.items()}
    form = form_class(
        request.POST if request.method == "POST" else None,
        initial={"version": application.version},
        **kwargs,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                act(application, form)
            except WorkflowError as error:
                form_errors(form, error)
            else:
                messages.success(request, success)
                return redirect("applications:detail", pk)
        status = 400
    return render(
        request,
        template,
        {
            "application": application,
            "form": form,
            "heading": (heading and heading(application)) or action.label,
            **summary_context(application, for_staff=True),
        },
        status=status,
    )


@login_required
def request_complements(request, pk):
    return _action_form_page(
        request,
        pk,
        Action.REQUEST_COMPLEMENTS,
        ComplementRequestForm,
        "applications/staff/complements.html",
        lambda application, form: services.request_complements(
            application,
            request.user,
            form.cleaned_data["message"],
            form.cleaned_data["due_date"],
            form.cleaned_data["items"],
            expected_version=form.cleaned_data.get("version"),
        ),
        _("Demande de compléments envoyée au médecin."),
        application=lambda a: a,
    )


@login_required
def schedule_visit(request, pk):
    return _action_form_page(
        request,
        pk,
        Action.SCHEDULE_VISIT,
        VisitScheduleForm,
        "applications/staff/visit_schedule.html",
        lambda application, form: services.schedule_visit(
            application,
            request.user,
            form.cleaned_data["scheduled_for"],
            form.cleaned_data["visitors"],
            expected_version=form.cleaned_data.get("version"),
        ),
        _("Visite programmée ; le médecin et les visiteurs sont prévenus par courriel."),
        heading=lambda a: (
            _("Reprogrammer la visite") if a.status == Status.VISIT_SCHEDULED else None
        ),
        visitors=lambda a: selectors.faculty_visitors(a.faculty),
        visit=selectors.visit_of,
    )


@login_required
def record_visit(request, pk):
    visit = selectors.visit_of(selectors.get_application_for(request.user, pk))
    if visit is not None and visit.report_to_come:
        # Before the visit there is nothing to report: no form to fill in for nothing.
        messages.info(
            request,
            _("La visite est prévue le %(date)s : son rapport s'enregistre à partir de ce jour.")
            % {"date": f"{visit.report_opens_on:%d/%m/%Y}"},
        )
        return redirect("applications:detail", pk)
    return _action_form_page(
        request,
        pk,
        Action.RECORD_VISIT,
        VisitReportForm,
        "applications/staff/visit_report.html",
        lambda application, form: services.record_visit(
            application,
            request.user,
            form.checklist(),
            form.cleaned_data["report"],
            form.cleaned_data["recommendation"],
            expected_version=form.cleaned_data.get("version"),
        ),
        _("Rapport de visite enregistré. Merci."),
    )


@login_required
@require_POST
def add_to_agenda(request, pk):
    application, _roles = _allowed(request, pk, Action.SEND_TO_COMMISSION)
    if application:
        session = (
            selectors.sessions_visible_to(request.user)
            .filter(pk=request.POST.get("session") or 0)
            .first()
        )
        if session is None:
            messages.error(request, _("Choisissez une séance de commission ouverte."))
            return redirect("applications:detail", pk)
        try:
            services.add_to_agenda(
                session,
                application,
                request.user,
                expected_version=_version(VersionForm(request.POST)),
            )
        except WorkflowError as error:
            flash_errors(request, error)
        else:
            messages.success(
                request,
                _("Dossier inscrit à l'ordre du jour de la %(session)s.")
                % {"session": str(session).lower()},
            )
    return redirect("applications:detail", pk)


def _decision_form(application, level, data, settings):
    prefix = f"niveau-{level.pk}"
    if application.kind == Application.Kind.REVIEW:
        return ReviewDecisionForm(
            data, prefix=prefix, initial={"version": application.version, "outcome": "confirmed"}
        )
    return DecisionForm(
        data,
        prefix=prefix,
        max_years=settings.agrement_duration_years,
        initial={"version": application.version, "outcome": "granted"},
    )


def _record(application, level, user, form):
    data = form.cleaned_data
    common = {
        "decided_on": data["decided_on"],
        "reference": data["reference"],
        "reason": data["reason"],
        "expected_version": data.get("version"),
    }
    if application.kind == Application.Kind.REVIEW:
        return services.record_review_decision(
            application,
            level,
            user,
            outcome=data["outcome"],
            effective_on=data["effective_on"],
            until=data["until"],
            **common,
        )
    return services.record_decision(
        application,
        level,
        user,
        granted=data["outcome"] == "granted",
        duration_years=data["duration_years"],
        **common,
    )


@login_required
def record_decisions(request, pk):
    application, roles = _allowed(request, pk, Action.RECORD_DECISIONS)
    if application is None:
        return redirect("applications:detail", pk)
    settings = FacultySettings.for_faculty(application.faculty)
    levels = list(
        RequestedLevel.objects.filter(application=application).select_related(
            "decision", "reviewed_agrement"
        )
    )
    posted_level = request.POST.get("level") if request.method == "POST" else None
    rows, status = [], 200
    for level in levels:
        bound = posted_level == str(level.pk)
        form = _decision_form(application, level, request.POST if bound else None, settings)
        if bound and form.is_valid():
            try:
                _record(application, level, request.user, form)
            except WorkflowError as error:
                form_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Décision enregistrée pour « %(level)s ».")
                    % {"level": level.get_level_display()},
                )
                application.refresh_from_db()
                if application.status == Status.DECIDED:
                    return redirect("applications:detail", pk)
                return redirect("applications:record_decisions", pk)
        if bound:
            status = 400
        rows.append(
            {
                "level": level,
                "form": form,
                "decided": getattr(level, "decision", None),
                # Per level: a postponed level's opinion comes from a later session.
                "opinion": selectors.fixed_opinion(level),
                "authority": (
                    level.reviewed_agrement.get_authority_display()
                    if level.reviewed_agrement
                    else rules_for(level.level).authority.label
                ),
                "agrement": level.reviewed_agrement,
            }
        )
    return render(
        request,
        "applications/staff/decisions.html",
        {"application": application, "rows": rows},
        status=status,
    )


# --- Messages and notes ----------------------------------------------------------------------


@login_required
@require_POST
def add_note(request, pk):
    application = selectors.get_application_for(request.user, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("La note est vide."))
    else:
        try:
            services.add_note(application, request.user, form.cleaned_data["body"])
        except WorkflowError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Note ajoutée."))
    return redirect(anchor("applications:detail", pk, "notes"))


@login_required
def my_visits(request):
    listed = page_of(request, selectors.visits_of(request.user))
    visits = listed["page"].object_list
    if not visits and Membership.Role.VISITOR not in roles_of(request.user):
        raise PermissionDenied(_("Cette page est réservée aux visiteurs."))
    return render(request, "applications/staff/visits.html", {**listed, "visits": visits})
