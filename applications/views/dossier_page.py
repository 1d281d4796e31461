"""The dossier page, shown to the doctor or to the staff from one URL, and what both audiences
share on it: the summary, the timeline, the message thread. The doctor's and the staff's page
modules import this one, never each other."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import FacultySettings
from stages.levels import StageLevel

from .. import selectors, services
from ..complements import item_steps
from ..forms.common import MessageForm, VersionForm
from ..forms.staff import NoteForm
from ..models import AgendaItem, CommissionSession, Decision, RequestedLevel, Review
from ..services import WorkflowError
from ..workflow import (
    COMMISSION,
    DOCTOR,
    DOCTOR_EDITABLE,
    FACULTY_ADMIN,
    SECRETARIAT,
    STATUS_BADGE,
    VISITOR,
    Action,
    Status,
    actions_for,
    next_step,
)
from .feedback import flash_errors


@login_required
def detail(request, pk):
    application = selectors.get_dossier_page_for(request.user, pk)
    return render_detail(request, application)


def render_detail(request, application, message_form=None, status=200):
    """The dossier page: the doctor's own view, or the staff view with the instruction."""
    roles = selectors.actor_roles(application, request.user)
    if DOCTOR not in roles:
        return staff_detail(request, application, roles, message_form, status)
    thread = list(application.messages.select_related("author"))
    services.mark_thread_read(application, request.user, roles, thread)
    # Only a dossier sent back waits for complements (as the reminders read it): any other
    # state has none to show, and is not asked.
    complement = (
        selectors.open_complement_request(application)
        if application.status == Status.INCOMPLETE
        else None
    )
    visit = selectors.visit_of(application)
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            **summary_context(application),
            "dossier_pdf": selectors.dossier_pdf_for(application, request.user, visit=visit),
            # Never the members' opinions nor their names (internal events).
            "events": application.events.timeline().filter(internal=False).select_related("actor"),
            "commission_opinions": _commission_opinions_for_doctor(application),
            "is_owner": True,
            "editable": application.status in DOCTOR_EDITABLE,
            "can_withdraw": Action.WITHDRAW
            in actions_for(application.status, roles, application.kind),
            "next_step": next_step(application),
            "badge": STATUS_BADGE.get(application.status, "info"),
            "complement": complement,
            "complement_items": _complement_links(application, complement),
            "visit": visit,
            "decisions": Decision.objects.filter(
                requested_level__application=application
            ).select_related("requested_level", "letter"),
            "thread": thread,
            "message_form": message_form
            or (MessageForm() if application.status != Status.DRAFT else None),
        },
        status=status,
    )


def _commission_opinions_for_doctor(application):
    """The commission's latest opinion per level, from closed sessions, when the faculty lets
    the doctor see it (never the vote count or who voted)."""
    if not FacultySettings.for_faculty(application.faculty).show_commission_opinion_to_doctor:
        return []
    latest = {}
    for review in (
        Review.objects.filter(
            requested_level__application=application, session__closed_at__isnull=False
        )
        .select_related("session", "requested_level")
        .order_by("session__meets_at", "pk")
    ):
        latest[review.requested_level_id] = review
    return list(latest.values())


def _complement_links(application, complement):
    """What the secretariat asked, each with the step where the doctor fixes it."""
    if complement is None:
        return []
    return [
        {"label": label, "url": reverse("applications:step", args=[application.pk, step])}
        for step, label in item_steps(complement)
    ]


THREAD_ROLES = {DOCTOR, SECRETARIAT, FACULTY_ADMIN}


# Actions offered on the staff dossier page, and the page or button that takes each one.
ACTION_URLS = {
    Action.DECLARE_ADMISSIBLE: "applications:declare_admissible",
    Action.REQUEST_COMPLEMENTS: "applications:request_complements",
    Action.SCHEDULE_VISIT: "applications:schedule_visit",
    Action.RECORD_VISIT: "applications:record_visit",
    Action.SEND_TO_COMMISSION: "applications:add_to_agenda",
    Action.RECORD_DECISIONS: "applications:record_decisions",
}


def staff_detail(request, application, roles, message_form=None, status=200):
    sees_thread = bool(roles & THREAD_ROLES)
    thread = list(application.messages.select_related("author")) if sees_thread else None
    if sees_thread:
        services.mark_thread_read(application, request.user, roles, thread)
    levels = list(
        RequestedLevel.objects.filter(application=application)
        .select_related("decision__agrement", "decision__letter")
        .prefetch_related(
            Prefetch("reviews", queryset=Review.objects.select_related("session", "author"))
        )
    )
    visit = selectors.visit_of(application)
    actions = [
        {"action": action, "url": ACTION_URLS[action]}
        for action in actions_for(application.status, roles, application.kind)
        if action in ACTION_URLS
    ]
    open_sessions = []
    if Action.SEND_TO_COMMISSION in actions_for(application.status, roles, application.kind):
        open_sessions = list(
            CommissionSession.objects.filter(
                faculty_id=application.faculty_id, closed_at__isnull=True
            ).order_by("meets_at")
        )
    return render(
        request,
        "applications/staff/detail.html",
        {
            "application": application,
            **summary_context(
                application, levels=[StageLevel(level.level) for level in levels], for_staff=True
            ),
            "dossier_pdf": selectors.dossier_pdf_for(application, request.user, visit=visit),
            "roles": roles,
            "badge": STATUS_BADGE.get(application.status, "info"),
            "events": _staff_events(application, roles),
            "thread": thread,
            "message_form": (message_form or MessageForm()) if sees_thread else None,
            "notes": _unless_empty(
                application, "has_staff_notes", application.staff_notes
            ).select_related("author"),
            "note_form": NoteForm(),
            "complement_requests": _unless_empty(
                application, "has_complement_requests", application.complement_requests
            )
            .select_related("requested_by")
            .prefetch_related("replaced_pieces"),
            "visit": visit,
            "levels": levels,
            "agenda": _unless_empty(
                application, "has_agenda", AgendaItem.objects.filter(application=application)
            ).select_related("session"),
            "actions": actions,
            "open_sessions": open_sessions,
            "version_form": VersionForm(initial={"version": application.version}),
            "is_secretariat": SECRETARIAT in roles,
            "is_visitor": VISITOR in roles,
            "is_commission": COMMISSION in roles,
            # Links only to the pages the role opens (a visitor would find 404s).
            "sees_agrements": request.user.is_superuser
            or bool(roles & {SECRETARIAT, FACULTY_ADMIN}),
            "sees_letters": selectors.reads_decision_letters(request.user, roles),
            "sees_sessions": request.user.is_superuser
            or bool(roles & {SECRETARIAT, FACULTY_ADMIN, COMMISSION}),
        },
        status=status,
    )


def _unless_empty(application, flag, queryset):
    """`queryset`, or none of it when the dossier's page query already knows it is empty
    (selectors.get_dossier_page_for); a dossier read otherwise is asked."""
    return queryset if getattr(application, flag, True) else queryset.none()


def _staff_events(application, roles):
    """The secretariat and the admin read every event; the other staff (a visitor, a member of
    the commission, who sees the others' opinions on the session page only after giving
    theirs) do not read the internal ones."""
    events = application.events.timeline().select_related("actor")
    if roles & {SECRETARIAT, FACULTY_ADMIN}:
        return events
    return events.filter(internal=False)


def summary_context(application, levels=None, for_staff=False):
    """What both audiences see of the dossier. `levels`: the requested levels, when the page
    has read them already."""
    doctor = application.doctor
    return {
        "doctor": doctor,
        "sites": list(doctor.sites.all()),
        "eligibility": selectors.eligibility_of(application, levels=levels),
        "documents": list(application.documents.all()),
        "rpps_warning": selectors.rpps_warning(doctor, for_staff=for_staff),
    }


@login_required
@require_POST
def post_message(request, pk):
    application = selectors.get_application_for(request.user, pk)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.post_message(
                application,
                request.user,
                form.cleaned_data["body"],
                form.cleaned_data.get("attachment"),
                form.detected,
            )
        except WorkflowError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Message envoyé."))
            return redirect(anchor("applications:detail", pk, "messages"))
    return render_detail(request, application, message_form=form, status=400)


def anchor(name, pk, fragment):
    return reverse(name, args=[pk]) + f"#{fragment}"
