"""Commission reads: who holds which role in a session, the agenda with the levels each item
examines, recusal, the vote count computed from the members' opinions, what each reader may
see of the others' opinions, and the fixed opinion a decision rests on."""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import FacultySettings, Membership, User

from ..models import (
    AgendaItem,
    Attendance,
    MemberOpinion,
    PracticeSite,
    RequestedLevel,
    Review,
)
from ..workflow import Status

__all__ = [
    "SessionRoles",
    "awaiting_levels",
    "can_see_others",
    "computed_votes",
    "current_session",
    "fixed_opinion",
    "is_past_meeting_day",
    "level_session",
    "pending_levels",
    "quorum_state",
    "recused_ids",
    "session_agenda",
    "session_members",
    "session_roles",
    "site_key",
]


@dataclass(frozen=True)
class SessionRoles:
    secretariat: bool  # the faculty's secretariat: runs the session
    admin: bool  # the faculty admin: reads
    member: bool  # sits in the session (and holds the commission role in the faculty)
    president: bool  # presides it

    @property
    def runs(self):
        """Records attendance and the commission's opinions, closes the session."""
        return self.secretariat or self.president

    @property
    def sees_all_opinions(self):
        return self.secretariat or self.president or self.admin


def session_roles(session, user):
    roles = set(
        Membership.objects.filter(user=user, organisation_id=session.faculty_id).values_list(
            "role", flat=True
        )
    )
    member = Membership.Role.COMMISSION in roles and session.members.filter(pk=user.pk).exists()
    return SessionRoles(
        secretariat=Membership.Role.SECRETARIAT in roles,
        admin=Membership.Role.FACULTY_ADMIN in roles,
        member=member,
        president=member and session.president_id == user.pk,
    )


def session_members(session):
    """The members by name, each with their practice sites (for recusal)."""
    return list(
        User.objects.filter(commission_sessions=session)
        .order_by("last_name", "first_name", "pk")
        .prefetch_related(Prefetch("doctor__sites", queryset=PracticeSite.objects.all()))
    )


def site_key(site):
    """Two practice sites are the same place when their address and postal code match (typed
    by different doctors: case, accents of spacing and punctuation aside)."""
    address = "".join(ch for ch in site.address.casefold() if ch.isalnum())
    return (site.postal_code, address)


def _sites_of(user):
    try:
        doctor = user.doctor
    except ObjectDoesNotExist:  # a plain staff account
        return set()
    return {site_key(s) for s in doctor.sites.all()}


def recused_ids(members, application):
    """Members who take no part on this dossier: the doctor themselves, or a member practising
    on one of the doctor's sites. `members` from session_members, `application` with
    doctor__sites prefetched."""
    doctor_sites = {site_key(s) for s in application.doctor.sites.all()}
    return {
        m.pk for m in members if m.pk == application.doctor.user_id or (_sites_of(m) & doctor_sites)
    }


def session_agenda(session):
    """The session's dossiers, each with the levels it examines here, this session's member
    opinions and commission opinion per level (a fixed number of queries)."""
    levels = RequestedLevel.objects.select_related("decision").prefetch_related(
        Prefetch(
            "reviews",
            queryset=Review.objects.filter(session=session).select_related("author"),
            to_attr="session_reviews",
        ),
        Prefetch(
            "member_opinions",
            queryset=MemberOpinion.objects.filter(session=session).select_related("member"),
            to_attr="session_opinions",
        ),
    )
    return list(
        AgendaItem.objects.filter(session=session)
        .select_related("application__doctor__user", "application__visit")
        .prefetch_related(
            Prefetch("levels", queryset=levels, to_attr="examined"),
            "application__doctor__sites",
        )
    )


def computed_votes(opinions, voter_ids):
    """(for, against, abstain) from the members' opinions of the members who may vote."""
    counted = [o.opinion for o in opinions if o.member_id in voter_ids]
    return (
        counted.count(MemberOpinion.Opinion.FAVOURABLE),
        counted.count(MemberOpinion.Opinion.UNFAVOURABLE),
        counted.count(MemberOpinion.Opinion.ABSTENTION),
    )


def can_see_others(roles, own_opinion):
    """A member sees the others' opinions once they have given their own (so as not to be
    swayed); the president and the secretariat see them all."""
    return roles.sees_all_opinions or own_opinion is not None


def quorum_state(session, members=None):
    """{present, excused, absent, unrecorded, quorum, reached} of the session."""
    members = members if members is not None else session_members(session)
    by_member = {a.member_id: a.status for a in Attendance.objects.filter(session=session)}
    groups = {status: [] for status in Attendance.Status.values}
    unrecorded = []
    for member in members:
        status = by_member.get(member.pk)
        (groups[status] if status else unrecorded).append(member)
    quorum = FacultySettings.for_faculty(session.faculty).quorum_for(len(members))
    present = groups[Attendance.Status.PRESENT]
    return {
        "present": present,
        "excused": groups[Attendance.Status.EXCUSED],
        "absent": groups[Attendance.Status.ABSENT],
        "unrecorded": unrecorded,
        "by_member": by_member,
        "quorum": quorum,
        "reached": len(present) >= quorum,
    }


def pending_levels(session):
    """The levels this session examines that still need the commission's opinion: undecided,
    on a dossier still in commission."""
    return (
        RequestedLevel.objects.filter(
            agenda_items__session=session,
            application__status=Status.IN_COMMISSION,
            decision__isnull=True,
        )
        .exclude(reviews__session=session)
        .select_related("application__doctor__user")
        .order_by("application_id", "pk")
    )


def current_session(application):
    """The session whose agenda holds the dossier now (the latest). Takes a dossier or its id."""
    application_id = getattr(application, "pk", application)
    item = (
        AgendaItem.objects.filter(application_id=application_id)
        .select_related("session")
        .order_by("-pk")  # the latest agenda the dossier was put on
        .first()
    )
    return item.session if item else None


def level_session(requested_level):
    """The latest session that examines this level (a postponed level's is the next one)."""
    item = (
        AgendaItem.objects.filter(levels=requested_level)
        .select_related("session")
        .order_by("-pk")
        .first()
    )
    return item.session if item else None


def fixed_opinion(requested_level, session=None):
    """The opinion a decision can rest on: the one given at the latest session examining the
    level, once that session is closed, unless it postponed the level. None otherwise.
    `session`: that session, when the caller knows it already."""
    session = session or level_session(requested_level)
    if session is None or not session.is_closed:
        return None
    review = (
        Review.objects.filter(requested_level=requested_level, session=session)
        .select_related("session")
        .first()
    )
    if review is None or review.opinion == Review.Opinion.POSTPONED:
        return None
    return review


def awaiting_levels():
    """Levels postponed by a closed session and on no open agenda yet: they go to the next
    session on their own, while the dossier's other levels are decided."""
    return (
        RequestedLevel.objects.filter(
            decision__isnull=True,
            reviews__opinion=Review.Opinion.POSTPONED,
            reviews__session__closed_at__isnull=False,
        )
        .exclude(agenda_items__session__closed_at__isnull=True)
        .exclude(reviews__opinion__in=[Review.Opinion.FAVOURABLE, Review.Opinion.UNFAVOURABLE])
    )


def is_past_meeting_day(session, now=None):
    return timezone.localdate(now) >= timezone.localdate(session.meets_at)
