"""Commission sessions: creating them, building the agenda, opinions per level, closing."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership

from ..models import AgendaItem, Application, CommissionSession, RequestedLevel, Review
from ..selectors.roles import faculty_commission_members
from ..workflow import Action, Status
from .common import WorkflowError, check_version, lock, not_in_this_state, record_event, transition
from .documents import request_agenda_pdf, request_minutes_pdf


def _is_secretariat(user, faculty_id):
    return Membership.objects.filter(
        user=user, organisation_id=faculty_id, role=Membership.Role.SECRETARIAT
    ).exists()


@transaction.atomic
def create_session(faculty, by, meets_at, place, members):
    if not _is_secretariat(by, faculty.pk):
        raise WorkflowError(_("Seul le secrétariat du DUMG crée les séances de commission."))
    members = list(members)
    allowed = set(faculty_commission_members(faculty).values_list("pk", flat=True))
    if not members:
        raise WorkflowError(_("Choisissez au moins un membre de la commission."))
    if any(m.pk not in allowed for m in members):
        raise WorkflowError(_("Les membres doivent avoir le rôle de membre de la commission."))
    session = CommissionSession.objects.create(
        faculty=faculty, meets_at=meets_at, place=place, created_by=by
    )
    session.members.set(members)
    from ..emails import notices

    request_agenda_pdf(session)
    notices.commission_convocation(session.pk)
    return session


def _lock_session(session):
    return CommissionSession.objects.select_for_update().get(pk=session.pk)


@transaction.atomic
def add_to_agenda(session, application, by, expected_version=None):
    """Put a dossier ready for commission (visit done) on an open session's agenda."""
    session = _lock_session(session)
    locked = lock(application)
    check_version(locked, expected_version)
    if session.is_closed:
        raise WorkflowError(_("Cette séance est close : son ordre du jour ne change plus."))
    if locked.faculty_id != session.faculty_id:
        raise WorkflowError(_("Ce dossier relève d'une autre faculté."))
    transition(locked, Action.SEND_TO_COMMISSION, by, str(session))
    position = session.items.count() + 1
    item = AgendaItem.objects.create(session=session, application=locked, position=position)
    request_agenda_pdf(session)
    return item


@transaction.atomic
def give_opinion(session, requested_level, by, opinion, reason=""):
    """A member's opinion on one requested level; can be changed until the session closes."""
    session = _lock_session(session)
    application = lock(requested_level.application)
    if (
        not session.members.filter(pk=by.pk).exists()
        or not Membership.objects.filter(
            user=by, organisation_id=session.faculty_id, role=Membership.Role.COMMISSION
        ).exists()
    ):
        raise WorkflowError(_("Seuls les membres de cette séance donnent un avis."))
    if application.doctor.user_id == by.pk:
        raise WorkflowError(_("Vous ne pouvez pas donner d'avis sur votre propre dossier."))
    if session.is_closed:
        raise WorkflowError(_("La séance est close : les avis sont arrêtés."))
    if not session.items.filter(application=application).exists():
        raise WorkflowError(_("Ce dossier n'est pas à l'ordre du jour de cette séance."))
    if application.status != Status.IN_COMMISSION:
        raise WorkflowError(not_in_this_state(application.status))
    if opinion not in Review.Opinion.values:
        raise WorkflowError(_("Choisissez un avis : favorable, défavorable ou ajourné."))
    reason = (reason or "").strip()
    if opinion != Review.Opinion.FAVOURABLE and not reason:
        raise WorkflowError(_("Un avis défavorable ou un ajournement doit être motivé."))
    review, _created = Review.objects.update_or_create(
        session=session,
        requested_level=requested_level,
        defaults={"opinion": opinion, "reason": reason, "author": by},
    )
    record_event(
        application,
        by,
        "give_opinion",
        _("%(level)s : avis %(opinion)s%(reason)s")
        % {
            "level": requested_level.get_level_display(),
            "opinion": review.get_opinion_display().lower(),
            "reason": f" ({reason})" if reason else "",
        },
    )
    return review


def missing_opinions(session):
    """The requested levels of the agenda's dossiers still without an opinion."""
    pending = Application.objects.filter(agenda_items__session=session, status=Status.IN_COMMISSION)
    return (
        RequestedLevel.objects.filter(application__in=pending)
        .exclude(reviews__session=session)
        .select_related("application__doctor__user")
    )


@transaction.atomic
def close_session(session, by):
    """Fix the opinions. Dossiers with a postponed level go back to the next agenda."""
    session = _lock_session(session)
    if not _is_secretariat(by, session.faculty_id):
        raise WorkflowError(_("Seul le secrétariat du DUMG clôt une séance."))
    if session.is_closed:
        raise WorkflowError(_("Cette séance est déjà close."))
    missing = list(missing_opinions(session))
    if missing:
        raise WorkflowError(
            _("Il manque l'avis de la commission pour : %(levels)s.")
            % {
                "levels": "; ".join(
                    f"{rl.application.reference} ({rl.get_level_display()})" for rl in missing
                )
            }
        )
    session.closed_at = timezone.now()
    session.closed_by = by
    session.save(update_fields=["closed_at", "closed_by"])
    postponed = (
        Application.objects.filter(
            agenda_items__session=session,
            status=Status.IN_COMMISSION,
            requested_levels__reviews__session=session,
            requested_levels__reviews__opinion=Review.Opinion.POSTPONED,
        )
        .distinct()
        .order_by("pk")
    )
    for application in postponed:
        transition(
            lock(application),
            Action.POSTPONE,
            by,
            _("Ajourné par la %(session)s") % {"session": str(session).lower()},
        )
    request_minutes_pdf(session)
    return session
