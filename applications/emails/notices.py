"""Notifications about dossiers: one per message and recipient, keyed by the occurrence
(which submission, request, message, visit date, session), e-mailed through the outbox of
notifications.services. Templates: one folder per message in templates/emails/."""

from django.urls import reverse

from accounts.models import Membership
from notifications.services import absolute, notify

from ..complements import describe_items
from ..models import (
    Agrement,
    AgrementSuspension,
    Application,
    CommissionSession,
    ComplementRequest,
    Decision,
    Message,
    SiteVisit,
)
from ..selectors.roles import faculty_members
from ..workflow import Action


def link(name, *args):
    """A notification's link: a path, made absolute for the e-mail by notifications.prepare."""
    return reverse(name, args=args)


def absolute_link(name, *args):
    """A second link inside an e-mail's text (the agenda, a letter): absolute."""
    return absolute(reverse(name, args=args))


def dossier_context(application):
    return {
        "application": application,
        "doctor": application.doctor,
        # Plain strings: the text templates' |join gives up on lazy ones and prints the list.
        "levels": [str(level.label) for level in application.levels],
    }


def _application(application_id):
    return Application.objects.select_related("doctor__user", "faculty__faculty_settings").get(
        pk=application_id
    )


def _resubmitted(application):
    """Whether the dossier's last sending was the answer to a complement request."""
    last = application.events.filter(action__in=[Action.SUBMIT, Action.RESUBMIT]).last()
    return last is not None and last.action == Action.RESUBMIT


def submission_receipt(application_id, version):
    """The doctor's receipt (or, for an answer to a complement request, « compléments reçus »)
    and the notice to the faculty's secretariat that a dossier is there to check."""
    application = _application(application_id)
    resubmitted = _resubmitted(application)
    user = application.doctor.user
    kind = "complements_received" if resubmitted else "submission_receipt"
    target = link("applications:detail", application.pk)
    notify(
        user,
        kind,
        f"{kind}:{application.pk}:{version}:{user.pk}",
        f"emails/{kind}",
        dossier_context(application),
        link=target,
    )
    context = {**dossier_context(application), "resubmitted": resubmitted}
    for member in faculty_members(application.faculty, Membership.Role.SECRETARIAT):
        notify(
            member,
            "dossier_received",
            f"dossier_received:{application.pk}:{version}:{member.pk}",
            "emails/dossier_received",
            context,
            link=target,
            digestible=True,  # a secretary who chose the daily digest gets it there
        )


def visit_reported(visit_id):
    """The secretariat learns that a visit report was filed (the dossier can go to commission)."""
    visit = SiteVisit.objects.select_related("reported_by").get(pk=visit_id)
    application = _application(visit.application_id)
    for member in faculty_members(application.faculty, Membership.Role.SECRETARIAT):
        notify(
            member,
            "visit_reported",
            f"visit_reported:{visit.pk}:{visit.reported_at.isoformat()}:{member.pk}",
            "emails/visit_reported",
            {**dossier_context(application), "visit": visit},
            link=link("applications:detail", application.pk),
            digestible=True,
        )


def complement_request(request_id):
    request = ComplementRequest.objects.get(pk=request_id)
    application = _application(request.application_id)
    user = application.doctor.user
    notify(
        user,
        "complement_request",
        f"complement_request:{request.pk}:{user.pk}",
        "emails/complement_request",
        {**dossier_context(application), "request": request, "items": describe_items(request)},
        link=link("applications:detail", application.pk),
    )


def message_posted(message_id):
    message = Message.objects.select_related("author").get(pk=message_id)
    application = _application(message.application_id)
    if message.from_doctor:
        recipients = faculty_members(application.faculty, Membership.Role.SECRETARIAT)
        target = link("applications:detail", application.pk)
    else:
        recipients = [application.doctor.user]
        target = link("applications:detail", application.pk)
    for user in recipients:
        notify(
            user,
            "message_posted",
            f"message_posted:{message.pk}:{user.pk}",
            "emails/message_posted",
            {**dossier_context(application), "message": message},
            link=target,
            digestible=message.from_doctor,  # to the secretariat
        )


def visit_scheduled(visit_id):
    visit = SiteVisit.objects.get(pk=visit_id)
    application = _application(visit.application_id)
    visitors = list(visit.visitors.all())
    context = {**dossier_context(application), "visit": visit, "visitors": visitors}
    when = visit.scheduled_for.isoformat()
    doctor = application.doctor.user
    notify(
        doctor,
        "visit_scheduled",
        f"visit_scheduled:{visit.pk}:{when}:{doctor.pk}",
        "emails/visit_scheduled",
        context,
        link=link("applications:detail", application.pk),
    )
    for visitor in visitors:
        notify(
            visitor,
            "visit_assigned",
            f"visit_assigned:{visit.pk}:{when}:{visitor.pk}",
            "emails/visit_assigned",
            context,
            link=link("applications:detail", application.pk),
            digestible=True,
        )


def commission_convocation(session_id):
    session = CommissionSession.objects.select_related("faculty__faculty_settings").get(
        pk=session_id
    )
    context = {
        "session": session,
        "agenda_link": absolute_link("applications:session_agenda_pdf", session.pk),
    }
    for member in session.members.filter(is_active=True):
        notify(
            member,
            "commission_convocation",
            f"commission_convocation:{session.pk}:{member.pk}",
            "emails/commission_convocation",
            context,
            link=link("applications:session", session.pk),
            digestible=True,
        )


def decision_notification(application_id):
    application = _application(application_id)
    decisions = list(
        Decision.objects.filter(requested_level__application=application).select_related(
            "requested_level"
        )
    )
    user = application.doctor.user
    notify(
        user,
        "decision",
        f"decision:{application.pk}:{user.pk}",
        "emails/decision",
        {
            **dossier_context(application),
            "decisions": decisions,
            "letters": [
                (d, absolute_link("applications:decision_letter", application.pk, d.pk))
                for d in decisions
            ],
            "agrements": list(application.agrements.all())
            if application.kind != Application.Kind.REVIEW
            else list(Agrement.objects.filter(review_levels__application=application)),
            "home": absolute_link("home"),
        },
        link=link("applications:detail", application.pk),
    )


# --- Stage ambulatoire hors MG: the specialty's coordinating professor -----------------------


def _coordinator_of(application):
    """The coordinating professor of the doctor's specialty in the dossier's faculty, or None
    (a general practitioner, a specialty the faculty has no professor recorded for)."""
    from ..models import SpecialtyCoordinator

    specialty = application.doctor.specialty_other
    if not specialty or application.doctor.is_general_practitioner:
        return None
    return SpecialtyCoordinator.objects.filter(
        faculty_id=application.faculty_id, specialty=specialty
    ).first()


def _hors_mg(application):
    from stages.levels import StageLevel

    return application.requested_levels.filter(level=StageLevel.HORS_MG).first()


def coordinator_submission(application_id):
    """Tell the specialty's coordinating professor that a dossier for a stage ambulatoire of
    their specialty was submitted (seed 003). Returns the coordinator informed, or None."""
    from notifications.services import notify_address

    application = _application(application_id)
    coordinator = _coordinator_of(application)
    if coordinator is None or _hors_mg(application) is None:
        return None
    notify_address(
        coordinator.email,
        coordinator.name,
        "coordinator_submission",
        f"coordinator_submission:{application.pk}:{coordinator.pk}",
        "emails/coordinator_submission",
        {**dossier_context(application), "coordinator": coordinator},
        faculty=application.faculty,
    )
    return coordinator


def coordinator_decision(decision_id):
    """Tell the specialty's coordinating professor what was decided on the stage ambulatoire
    hors MG of a dossier of their specialty. Returns the coordinator informed, or None."""
    from notifications.services import notify_address

    decision = Decision.objects.select_related("requested_level__application").get(pk=decision_id)
    application = _application(decision.requested_level.application_id)
    coordinator = _coordinator_of(application)
    if coordinator is None:
        return None
    notify_address(
        coordinator.email,
        coordinator.name,
        "coordinator_decision",
        f"coordinator_decision:{decision.pk}:{coordinator.pk}",
        "emails/coordinator_decision",
        {
            **dossier_context(application),
            "coordinator": coordinator,
            "decision": decision,
            "agrement": getattr(decision, "agrement", None),
        },
        faculty=application.faculty,
    )
    return coordinator


# --- The agrément after its decision ------------------------------------------------------------


def review_opened(application_id):
    """The doctor learns that the secretariat re-examines their agréments, and why."""
    application = _application(application_id)
    user = application.doctor.user
    notify(
        user,
        "review_opened",
        f"review_opened:{application.pk}:{user.pk}",
        "emails/review_opened",
        {
            **dossier_context(application),
            "reexamination": application.reexamination,
            "agrements": list(Agrement.objects.filter(review_levels__application=application)),
        },
        link=link("applications:detail", application.pk),
    )


def review_proposed(agrement_ids):
    """The secretariat learns that an MSU changed main site: a review of their agréments is
    proposed (on the agrément's page and the staff home)."""
    agrements = list(
        Agrement.objects.filter(pk__in=agrement_ids).select_related(
            "doctor__user", "application__faculty"
        )
    )
    first = agrements[0]
    for member in faculty_members(first.application.faculty, Membership.Role.SECRETARIAT):
        notify(
            member,
            "review_proposed",
            f"review_proposed:{first.pk}:{first.review_proposed_at.isoformat()}:{member.pk}",
            "emails/review_proposed",
            {"doctor": first.doctor, "agrements": agrements, "proposal": first.review_proposal},
            link=link("applications:agrement", first.pk),
            digestible=True,
        )


def suspension_lifted(agrement_id, suspension_id):
    agrement = Agrement.objects.select_related("doctor__user").get(pk=agrement_id)
    suspension = AgrementSuspension.objects.get(pk=suspension_id)
    user = agrement.doctor.user
    notify(
        user,
        "suspension_lifted",
        f"suspension_lifted:{suspension.pk}:{user.pk}",
        "emails/suspension_lifted",
        {"doctor": agrement.doctor, "agrement": agrement, "suspension": suspension},
        link=link("applications:agrement", agrement.pk),
    )
