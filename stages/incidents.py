"""Difficulties reported during a stage (seed 004: the interne or the MSU informs the
department's director as soon as possible).

An MSU of the placement's team reports from "Mes stages", the student through their link. The
faculty's secretariat and the coordinators of the MSUs' UPP (or the offer's) are notified
through the notification outbox, in their daily digest when they chose it; each message of the
thread notifies the others concerned. The secretariat, the faculty admins and the coordinators
mark a report handled (or open it again).

A student has no account, hence no inbox: a reply on their own report is e-mailed to them with
their link to the thread (`incident_replies`, swept like their links when the broker was
down).
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, User
from applications.services import WorkflowError
from background.enqueue import enqueue_on_commit
from notifications.services import prepare, publish

from . import tasks, visibility
from .models import Placement, TeamMember
from .records import Incident, IncidentMessage, StudentLink

Status = Incident.Status
Role = Membership.Role
MAX_BODY = 5000


def _check_text(subject, body):
    problems = []
    if subject is not None and not subject.strip():
        problems.append(_("Donnez l'objet du signalement."))
    if not body.strip():
        problems.append(_("Décrivez la difficulté."))
    elif len(body) > MAX_BODY:
        problems.append(_("Le message compte au plus 5 000 caractères."))
    if problems:
        raise WorkflowError(*problems)


def followers(placement):
    """Who is told of a report: the faculty's secretariat, the coordinators of the offer's UPP
    and of the team's MSUs' UPPs, the MSUs of the team (active accounts)."""
    upps = {placement.offer.upp_id} | set(
        TeamMember.objects.filter(offer_id=placement.offer_id).values_list(
            "doctor__upp_id", flat=True
        )
    )
    staff = User.objects.filter(
        is_active=True,
        memberships__role=Role.SECRETARIAT,
        memberships__organisation_id=placement.offer.period.faculty_id,
    )
    coordinators = User.objects.filter(
        is_active=True,
        memberships__role=Role.UPP_COORDINATOR,
        memberships__organisation__in=Organisation.objects.filter(
            pk__in=[u for u in upps if u], kind=Organisation.Kind.UPP
        ),
    )
    msus = User.objects.filter(
        is_active=True, doctor__team_memberships__offer_id=placement.offer_id
    )
    return {
        "staff": list((staff | coordinators).distinct().order_by("pk")),
        "msus": list(msus.distinct().order_by("pk")),
    }


def _notify(incident, message, kind, author):
    people = followers(incident.placement)
    context = {
        "incident": incident,
        "message": message,
        "placement": incident.placement,
        "student": incident.placement.student,
        "offer": incident.placement.offer,
        "author": (author.get_full_name() if author else _("l'étudiant(e)")),
    }
    link = reverse("stages:incident", args=[incident.pk])
    rows = []
    for group, digestible in (("staff", True), ("msus", False)):
        for user in people[group]:
            if author is not None and user.pk == author.pk:
                continue
            rows.append(
                prepare(
                    user,
                    kind,
                    f"{kind}:{incident.pk}:{message.pk}:{user.pk}",
                    f"emails/{kind}",
                    context,
                    link=link,
                    digestible=digestible,
                )
            )
    publish(rows)


def _locked_placement(placement):
    return (
        Placement.objects.select_for_update(of=("self",))
        .select_related("student", "offer__period")
        .get(pk=placement.pk)
    )


def _create(placement, subject, body, by=None):
    incident = Incident.objects.create(
        placement=placement,
        subject=" ".join(subject.split())[:200],
        reported_by=by,
        by_student=by is None,
    )
    message = IncidentMessage.objects.create(
        incident=incident, author=by, by_student=by is None, body=body.strip()
    )
    _notify(incident, message, "incident_reported", by)
    return incident


@transaction.atomic
def report(placement, by, subject, body):
    """An MSU of the placement's team reports a difficulty."""
    placement = _locked_placement(placement)
    doctor = getattr(by, "doctor", None)
    if (
        doctor is None
        or not TeamMember.objects.filter(offer_id=placement.offer_id, doctor=doctor).exists()
    ):
        raise WorkflowError(_("Seuls les maîtres de stage de l'équipe signalent une difficulté."))
    _check_text(subject, body)
    return _create(placement, subject, body, by)


@transaction.atomic
def report_by_student(link_pk, subject, body):
    """The student reports a difficulty through their link."""
    from .links import check_usable

    link = StudentLink.objects.select_related("placement").get(pk=link_pk)
    check_usable(link, StudentLink.Purpose.INCIDENT)
    _check_text(subject, body)
    return _create(_locked_placement(link.placement), subject, body)


@transaction.atomic
def post_message(incident, by, body):
    """A message on the thread by someone who sees the report."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not visibility.incidents_visible_to(by).filter(pk=incident.pk).exists():
        raise WorkflowError(_("Ce signalement ne vous concerne pas."))
    _check_text(None, body)
    message = IncidentMessage.objects.create(
        incident=incident, author=by, body=body.strip(), tell_student=incident.by_student
    )
    _notify(incident, message, "incident_message", by)
    if message.tell_student:
        enqueue_on_commit(tasks.send_student_reply, message.pk)
    return message


@transaction.atomic
def post_student_message(link_pk, incident, body):
    """The student writes on a report of their own placement, through their link."""
    from .links import check_usable

    link = StudentLink.objects.get(pk=link_pk)
    check_usable(link, StudentLink.Purpose.INCIDENT)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.placement_id != link.placement_id:
        raise WorkflowError(_("Ce signalement ne vous concerne pas."))
    _check_text(None, body)
    message = IncidentMessage.objects.create(incident=incident, by_student=True, body=body.strip())
    _notify(incident, message, "incident_message", None)
    return message


@transaction.atomic
def set_status(incident, by, status):
    """Open → handled, or handled → open again; by the secretariat, an admin or a coordinator."""
    incident = (
        Incident.objects.select_for_update(of=("self",))
        .select_related("placement__offer__period")
        .get(pk=incident.pk)
    )
    if not visibility.may_handle(by, incident):
        raise WorkflowError(
            _("Le secrétariat du département ou le coordinateur de l'UPP change le statut.")
        )
    if status not in Status.values:
        raise WorkflowError(_("Ce statut n'existe pas."))
    if incident.status == status:
        raise WorkflowError(
            _("Ce signalement est déjà traité.")
            if status == Status.HANDLED
            else _("Ce signalement est déjà ouvert.")
        )
    incident.status = status
    if status == Status.HANDLED:
        incident.handled_at, incident.handled_by = timezone.now(), by
    else:
        incident.handled_at, incident.handled_by = None, None
    incident.save(update_fields=["status", "handled_at", "handled_by"])
    return incident
