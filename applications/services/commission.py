"""Commission sessions: creating them, the agenda (one dossier or several at once), each
member's own opinion, attendance, the commission's opinion with its vote count, closing."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Membership

from ..dates import WITHIN_TWO_YEARS, beyond, latest_day
from ..models import (
    AgendaItem,
    Application,
    Attendance,
    CommissionSession,
    MemberOpinion,
    RequestedLevel,
    Review,
)
from ..selectors.commission import (
    awaiting_levels,
    computed_votes,
    fixed_opinion,
    is_past_meeting_day,
    pending_levels,
    quorum_state,
    recused_ids,
    session_members,
    session_roles,
)
from ..selectors.roles import faculty_commission_members
from ..workflow import Action, Status
from .common import WorkflowError, check_version, lock, not_in_this_state, record_event, transition
from .documents import request_agenda_pdf, request_minutes_pdf

SESSION_CHANGED = gettext_lazy(
    "La séance a changé pendant que vous la consultiez (un avis, une présence ou l'ordre du "
    "jour) : rien n'a été enregistré. Rechargez la page pour voir son état actuel."
)
CLOSED = gettext_lazy("La séance est close : les avis sont arrêtés.")


def _is_secretariat(user, faculty_id):
    return Membership.objects.filter(
        user=user, organisation_id=faculty_id, role=Membership.Role.SECRETARIAT
    ).exists()


@transaction.atomic
def create_session(faculty, by, meets_at, place, members, president=None):
    if not _is_secretariat(by, faculty.pk):
        raise WorkflowError(_("Seul le secrétariat du DUMG crée les séances de commission."))
    members = list(members)
    allowed = set(faculty_commission_members(faculty).values_list("pk", flat=True))
    if not members:
        raise WorkflowError(_("Choisissez au moins un membre de la commission."))
    if any(m.pk not in allowed for m in members):
        raise WorkflowError(_("Les membres doivent avoir le rôle de membre de la commission."))
    if president is None and len(members) == 1:
        president = members[0]
    if president is None or president.pk not in {m.pk for m in members}:
        raise WorkflowError(_("Désignez le président de séance parmi les membres."))
    if beyond(timezone.localdate(meets_at), WITHIN_TWO_YEARS):
        raise WorkflowError(
            _("La séance se tient dans les deux ans : le %(latest)s au plus tard.")
            % {"latest": f"{latest_day(WITHIN_TWO_YEARS):%d/%m/%Y}"}
        )
    session = CommissionSession.objects.create(
        faculty=faculty, meets_at=meets_at, place=place, created_by=by, president=president
    )
    session.members.set(members)
    from ..emails import notices

    request_agenda_pdf(session)
    notices.commission_convocation(session.pk)
    return session


def _lock_session(session):
    return (
        CommissionSession.objects.select_for_update(of=("self",))
        .select_related("faculty")
        .get(pk=session.pk)
    )


def _bump(session):
    CommissionSession.objects.filter(pk=session.pk).update(version=F("version") + 1)
    session.version += 1


def _check_session_version(session, expected_version):
    if expected_version is not None and int(expected_version) != session.version:
        raise WorkflowError(str(SESSION_CHANGED))


def _levels_to_examine(application):
    """The dossier's levels still needing an opinion: undecided, without a fixed one."""
    return [
        level
        for level in RequestedLevel.objects.filter(application=application, decision__isnull=True)
        if fixed_opinion(level) is None
    ]


@transaction.atomic
def add_to_agenda(session, application, by, expected_version=None):
    """Put a dossier ready for commission (visit done), or the postponed levels of a dossier
    in commission, on an open session's agenda."""
    session = _lock_session(session)
    locked = lock(application)
    check_version(locked, expected_version)
    if session.is_closed:
        raise WorkflowError(_("Cette séance est close : son ordre du jour ne change plus."))
    if locked.faculty_id != session.faculty_id:
        raise WorkflowError(_("Ce dossier relève d'une autre faculté."))
    if session.items.filter(application=locked).exists():
        raise WorkflowError(
            _("Le dossier %(reference)s est déjà à l'ordre du jour de cette séance.")
            % {"reference": locked.reference}
        )
    if locked.status == Status.IN_COMMISSION:
        # Only its postponed levels come back; the dossier's state does not change.
        levels = list(awaiting_levels().filter(application=locked))
        if not levels:
            raise WorkflowError(not_in_this_state(locked.status))
        if not _is_secretariat(by, locked.faculty_id):
            raise WorkflowError(
                _("Vous n'avez pas le droit d'effectuer cette action sur ce dossier.")
            )
        record_event(
            locked,
            by,
            "add_to_agenda",
            _("%(levels)s, à la %(session)s")
            % {
                "levels": ", ".join(str(level.get_level_display()) for level in levels),
                "session": str(session).lower(),
            },
            session=session,
        )
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
    else:
        transition(locked, Action.SEND_TO_COMMISSION, by, str(session))
        levels = _levels_to_examine(locked)
    position = session.items.count() + 1
    site = locked.doctor.main_site
    item = AgendaItem.objects.create(
        session=session,
        application=locked,
        position=position,
        site_name=site.display_name if site else "",
        site_postal_code=site.postal_code if site else "",
        site_commune=site.commune if site else "",
    )
    item.levels.set(levels)
    _bump(session)
    request_agenda_pdf(session)
    return item


@transaction.atomic
def add_several_to_agenda(session, applications, by):
    """Several dossiers on the agenda at once: all of them, or none (each refusal named)."""
    applications = list(applications)
    if not applications:
        raise WorkflowError(_("Cochez au moins un dossier à inscrire."))
    errors, items = [], []
    for application in applications:
        try:
            with transaction.atomic():
                items.append(add_to_agenda(session, application, by))
        except WorkflowError as error:
            errors.append(f"{application.reference} : {error}")
    if errors:
        raise WorkflowError(*errors)
    return items


def _check_member(session, by, application):
    roles = session_roles(session, by)
    if not roles.member:
        raise WorkflowError(_("Seuls les membres de cette séance donnent un avis."))
    if application.doctor.user_id == by.pk:
        raise WorkflowError(_("Vous ne pouvez pas donner d'avis sur votre propre dossier."))
    members = [m for m in session_members(session) if m.pk == by.pk]
    if recused_ids(members, application):
        raise WorkflowError(
            _(
                "Vous exercez sur le même lieu que ce médecin : vous ne prenez pas part à "
                "l'avis sur ce dossier."
            )
        )


def _check_level_open(session, requested_level, application):
    if session.is_closed:
        raise WorkflowError(str(CLOSED))
    if not session.items.filter(application=application, levels=requested_level).exists():
        raise WorkflowError(_("Ce niveau n'est pas à l'ordre du jour de cette séance."))
    if application.status != Status.IN_COMMISSION:
        raise WorkflowError(not_in_this_state(application.status))


@transaction.atomic
def give_opinion(session, requested_level, by, opinion, reason=""):
    """A member's own opinion on one requested level; they can change it until the session
    closes. The session row is locked, so two members saving at once both count."""
    session = _lock_session(session)
    application = lock(requested_level.application)
    _check_member(session, by, application)
    _check_level_open(session, requested_level, application)
    if opinion not in MemberOpinion.Opinion.values:
        raise WorkflowError(_("Choisissez un avis : favorable, défavorable ou abstention."))
    reason = (reason or "").strip()
    if opinion == MemberOpinion.Opinion.UNFAVOURABLE and not reason:
        raise WorkflowError(_("Un avis défavorable doit être motivé."))
    previous = MemberOpinion.objects.filter(
        session=session, requested_level=requested_level, member=by
    ).first()
    if previous and (previous.opinion, previous.reason) == (opinion, reason):
        return previous  # the same opinion saved twice: nothing happened
    mine, _created = MemberOpinion.objects.update_or_create(
        session=session,
        requested_level=requested_level,
        member=by,
        defaults={"opinion": opinion, "reason": reason},
    )
    what = {
        "level": requested_level.get_level_display(),
        "opinion": mine.get_opinion_display().lower(),
        "reason": f" ({reason})" if reason else "",
    }
    if previous:
        what["before"] = previous.get_opinion_display().lower()
        comment = _("%(level)s : %(before)s → %(opinion)s%(reason)s") % what
    else:
        comment = _("%(level)s : %(opinion)s%(reason)s") % what
    record_event(
        application,
        by,
        "change_opinion" if previous else "member_opinion",
        comment,
        session=session,
        internal=True,
    )
    _bump(session)
    return mine


@transaction.atomic
def record_attendance(session, by, statuses):
    """Who was present, excused or absent: `statuses` {member id: Attendance.Status}. By the
    secretariat or the president, from the day of the meeting, until the session closes."""
    session = _lock_session(session)
    if not session_roles(session, by).runs:
        raise WorkflowError(
            _("Seuls le secrétariat et le président de séance relèvent la présence.")
        )
    if session.is_closed:
        raise WorkflowError(str(CLOSED))
    if not is_past_meeting_day(session):
        raise WorkflowError(
            _("La présence se relève le jour de la séance (le %(date)s).")
            % {"date": f"{timezone.localtime(session.meets_at):%d/%m/%Y}"}
        )
    members = {m.pk: m for m in session_members(session)}
    if any(pk not in members for pk in statuses) or any(
        value not in Attendance.Status.values for value in statuses.values()
    ):
        raise WorkflowError(_("Indiquez pour chaque membre : présent, excusé ou absent."))
    current = {a.member_id: a.status for a in session.attendances.all()}
    changed = 0
    for pk, status in statuses.items():
        if current.get(pk) == status:
            continue
        Attendance.objects.update_or_create(
            session=session, member_id=pk, defaults={"status": status, "recorded_by": by}
        )
        record_event(
            None,
            by,
            "attendance",
            _("%(member)s : %(status)s")
            % {"member": str(members[pk]), "status": Attendance.Status(status).label.lower()},
            session=session,
            internal=True,
        )
        changed += 1
    if changed:
        _bump(session)
    return changed


def _voters(session, application, members):
    """Members whose opinion counts: not recused, and not marked excused or absent."""
    away = set(
        session.attendances.exclude(status=Attendance.Status.PRESENT).values_list(
            "member_id", flat=True
        )
    )
    recused = recused_ids(members, application)
    return {m.pk for m in members if m.pk not in recused and m.pk not in away}


def _against_the_count(opinion, votes_for, votes_against):
    """The opinion must be the one the votes carry: a favourable opinion needs more votes for
    than against, an unfavourable one cannot stand against a majority for (a commission
    that records no vote, 0 – 0 – 0, decided without a count). Postponing is always open."""
    count = {"for": votes_for, "against": votes_against}
    if opinion == Review.Opinion.FAVOURABLE and votes_against and votes_for <= votes_against:
        return [
            _(
                "Un avis favorable demande plus de voix pour que de voix contre (ici %(for)d "
                "pour, %(against)d contre) : corrigez l'avis ou le décompte."
            )
            % count
        ]
    if opinion == Review.Opinion.UNFAVOURABLE and votes_for > votes_against:
        return [
            _(
                "Un avis défavorable ne peut pas l'emporter sur une majorité de voix pour (ici "
                "%(for)d pour, %(against)d contre) : corrigez l'avis ou le décompte."
            )
            % count
        ]
    return []


@transaction.atomic
def record_commission_opinion(session, requested_level, by, opinion, reason="", votes=None):
    """The commission's opinion on one level, by the president (or the secretariat for them),
    with the vote count: computed from the members' opinions unless `votes` (for, against,
    abstain) gives the count the discussion ended with."""
    session = _lock_session(session)
    application = lock(requested_level.application)
    if not session_roles(session, by).runs:
        raise WorkflowError(
            _(
                "Seuls le président de séance et le secrétariat enregistrent l'avis de la "
                "commission."
            )
        )
    _check_level_open(session, requested_level, application)
    errors = []
    if not is_past_meeting_day(session):
        # Members may prepare their own opinions; the commission's is the meeting's outcome.
        errors.append(
            _("L'avis de la commission s'enregistre à partir du jour de la séance (le %(date)s).")
            % {"date": f"{timezone.localtime(session.meets_at):%d/%m/%Y}"}
        )
    if opinion not in Review.Opinion.values:
        errors.append(_("Choisissez un avis : favorable, défavorable ou ajourné."))
    reason = (reason or "").strip()
    if opinion != Review.Opinion.FAVOURABLE and not reason:
        errors.append(_("Un avis défavorable ou un ajournement doit être motivé."))
    members = session_members(session)
    voters = _voters(session, application, members)
    if votes is None:
        opinions = MemberOpinion.objects.filter(session=session, requested_level=requested_level)
        votes = computed_votes(list(opinions), voters)
    votes = tuple(votes)
    if any(v is None or int(v) < 0 for v in votes):
        errors.append(_("Le décompte des voix est fait de nombres positifs ou nuls."))
    elif sum(votes) > len(voters):
        errors.append(
            _("Le décompte indique %(total)d voix pour %(voters)d membres pouvant voter.")
            % {"total": sum(votes), "voters": len(voters)}
        )
    else:
        errors.extend(_against_the_count(opinion, int(votes[0]), int(votes[1])))
    if errors:
        raise WorkflowError(*errors)
    review, created = Review.objects.update_or_create(
        session=session,
        requested_level=requested_level,
        defaults={
            "opinion": opinion,
            "reason": reason,
            "author": by,
            "votes_for": votes[0],
            "votes_against": votes[1],
            "votes_abstain": votes[2],
        },
    )
    record_event(
        application,
        by,
        "commission_opinion",
        _("%(level)s : %(opinion)s (%(votes)s)%(reason)s")
        % {
            "level": requested_level.get_level_display(),
            "opinion": review.get_opinion_display().lower(),
            "votes": review.vote_count,
            "reason": f" — {reason}" if reason else "",
        },
        session=session,
        internal=True,
    )
    _bump(session)
    return review


def missing_opinions(session):
    """The levels the session examines that still lack the commission's opinion."""
    return pending_levels(session)


@transaction.atomic
def close_session(session, by, expected_version=None):
    """Fix every opinion and the attendance, and draw up the minutes. A dossier whose levels
    were all postponed goes back to the next agenda; a postponed level of a dossier with other
    levels to decide waits for the next session on its own."""
    session = _lock_session(session)
    roles = session_roles(session, by)
    if not roles.runs:
        raise WorkflowError(_("Seuls le secrétariat et le président de séance closent une séance."))
    if session.is_closed:
        raise WorkflowError(_("Cette séance est déjà close."))
    _check_session_version(session, expected_version)
    if not is_past_meeting_day(session):
        raise WorkflowError(
            _("Une séance ne peut pas être close avant sa date (le %(date)s).")
            % {"date": f"{timezone.localtime(session.meets_at):%d/%m/%Y}"}
        )
    errors = []
    state = quorum_state(session)
    if state["unrecorded"]:
        errors.append(
            _("Indiquez la présence de : %(names)s.")
            % {"names": ", ".join(str(m) for m in state["unrecorded"])}
        )
    elif not state["reached"]:
        errors.append(
            ngettext(
                "Quorum non atteint : %(present)d membre présent, il en faut %(quorum)d.",
                "Quorum non atteint : %(present)d membres présents, il en faut %(quorum)d.",
                len(state["present"]),
            )
            % {"present": len(state["present"]), "quorum": state["quorum"]}
        )
    missing = list(missing_opinions(session))
    if missing:
        errors.append(
            _("Il manque l'avis de la commission pour : %(levels)s.")
            % {
                "levels": "; ".join(
                    f"{rl.application.reference} ({rl.get_level_display()})" for rl in missing
                )
            }
        )
    if errors:
        raise WorkflowError(*errors)
    session.closed_at = timezone.now()
    session.closed_by = by
    session.version += 1
    session.save(update_fields=["closed_at", "closed_by", "version"])
    record_event(
        None,
        by,
        "close_session",
        ngettext(
            "%(present)d présent sur %(members)d, quorum %(quorum)d",
            "%(present)d présents sur %(members)d, quorum %(quorum)d",
            len(state["present"]),
        )
        % {
            "present": len(state["present"]),
            "members": len(state["present"]) + len(state["excused"]) + len(state["absent"]),
            "quorum": state["quorum"],
        },
        session=session,
    )
    _postpone(session, by)
    request_minutes_pdf(session)
    return session


def _postpone(session, by):
    items = (
        AgendaItem.objects.filter(session=session, application__status=Status.IN_COMMISSION)
        .select_related("application")
        .prefetch_related("levels")
        .order_by("application_id")
    )
    postponed = set(
        Review.objects.filter(session=session, opinion=Review.Opinion.POSTPONED).values_list(
            "requested_level_id", flat=True
        )
    )
    for item in items:
        examined = [level for level in item.levels.all() if level.pk in postponed]
        if not examined:
            continue
        locked = lock(item.application)
        undecided_elsewhere = (
            RequestedLevel.objects.filter(application=locked, decision__isnull=True)
            .exclude(pk__in=[level.pk for level in examined])
            .exists()
        )
        comment = _("%(levels)s ajourné par la %(session)s") % {
            "levels": ", ".join(str(level.get_level_display()) for level in examined),
            "session": str(session).lower(),
        }
        if undecided_elsewhere:
            # The other levels can be decided now; the postponed ones wait for the next session.
            record_event(locked, by, "postpone_level", comment, session=session)
        else:
            transition(locked, Action.POSTPONE, by, comment)


__all__ = [
    "SESSION_CHANGED",
    "Application",
    "add_several_to_agenda",
    "add_to_agenda",
    "close_session",
    "create_session",
    "give_opinion",
    "missing_opinions",
    "record_attendance",
    "record_commission_opinion",
]
