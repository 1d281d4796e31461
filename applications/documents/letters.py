"""The decision letter (with the attestation of a granted agrément), the commission's agenda and
its minutes, as PDFs. Pure functions of the database rows they are given."""

from django.utils import timezone
from django.utils.translation import override

from stages.levels import Authority

from ..models import AgrementSuspension, CommissionSession, Decision
from ..models.agrement import REVIEW_OUTCOMES
from ..selectors.commission import (
    fixed_opinion,
    quorum_state,
    recused_ids,
    session_agenda,
    session_members,
)
from .render import BuiltPdf, build


def _authority_body(authority, faculty):
    """Who signs: the UFR (the faculty) for the externes, its ARS for the internes."""
    return faculty if authority == Authority.UFR else getattr(faculty, "ars", None)


def _in_sentence(title):
    """« Le directeur général de l'ARS, … »: the title inside a sentence."""
    return title[:1].lower() + title[1:]


def build_decision_letter(decision) -> BuiltPdf:
    """The decision on one requested level, by the UFR director (externes) or the ARS director
    general (internes); a granted level carries the attestation of its agrément."""
    decision = Decision.objects.select_related(
        "requested_level__application__doctor__user",
        "requested_level__application__faculty__ars",
    ).get(pk=decision.pk)
    application = decision.requested_level.application
    authority_body = _authority_body(decision.authority, application.faculty)
    agrement = None
    if decision.outcome == Decision.Outcome.GRANTED:
        agrement = getattr(decision, "agrement", None)
    opinion = fixed_opinion(decision.requested_level)  # the one the decision rested on
    review = decision.outcome in REVIEW_OUTCOMES
    if review:
        agrement = decision.requested_level.reviewed_agrement
    with override("fr"):
        authority = str(decision.get_authority_display())
        return build(
            "pdf/review_letter.html" if review else "pdf/decision_letter.html",
            {
                "decision": decision,
                "granted": decision.outcome == Decision.Outcome.GRANTED,
                "level": decision.requested_level,
                "application": application,
                "doctor": application.doctor,
                "authority_body": authority_body,
                "agrement": agrement,
                "opinion": opinion,
                "reexamination": getattr(application, "reexamination", None) if review else None,
                "authority_in_sentence": _in_sentence(authority),
            },
        )


def build_lift_letter(suspension) -> BuiltPdf:
    """The act of the authority that granted the agrément (UFR director or ARS director general)
    lifting its suspension, as recorded by the faculty: the agrément counts again from the date."""
    suspension = AgrementSuspension.objects.select_related(
        "agrement__doctor__user", "agrement__application__faculty__ars", "decision"
    ).get(pk=suspension.pk)
    agrement = suspension.agrement
    authority_body = _authority_body(agrement.authority, agrement.application.faculty)
    with override("fr"):
        authority = str(agrement.get_authority_display())
        return build(
            "pdf/lift_letter.html",
            {
                "suspension": suspension,
                "agrement": agrement,
                "doctor": agrement.doctor,
                "authority": authority,
                "authority_body": authority_body,
                "authority_in_sentence": _in_sentence(authority),
            },
        )


def _visit_of(application):
    visit = getattr(application, "visit", None)  # a missing visit raises an AttributeError
    return visit if visit and visit.reported_at else None


def _fresh(session):
    return CommissionSession.objects.select_related("faculty", "closed_by", "president").get(
        pk=session.pk
    )


def session_context(session):
    """What the agenda, the minutes (page and PDF) show: each dossier with the levels this
    session examines and the commission's opinion, the members who take no part, attendance
    and quorum. No member's own opinion: the minutes never name them."""
    members = session_members(session)
    names = {m.pk: str(m) for m in members}
    rows = []
    for item in session_agenda(session):
        levels = [
            {
                "level": level,
                "review": level.session_reviews[0] if level.session_reviews else None,
            }
            for level in item.examined
        ]
        recused = sorted(names[pk] for pk in recused_ids(members, item.application))
        rows.append(
            {
                "item": item,
                "visit": _visit_of(item.application),
                "levels": levels,
                "recused": recused,
            }
        )
    return {
        "session": session,
        "rows": rows,
        "members": members,
        "attendance": quorum_state(session, members),
        "generated_on": timezone.localdate(),
    }


def build_agenda(session) -> BuiltPdf:
    """The agenda of a commission session: each dossier, its levels and the visit's opinion."""
    with override("fr"):
        return build("pdf/agenda.html", session_context(_fresh(session)))


def build_minutes(session) -> BuiltPdf:
    """The minutes (procès-verbal) of a closed session: attendance and quorum, the commission's
    opinion on each level with the vote count and the reason."""
    session = _fresh(session)
    if not session.is_closed:
        raise ValueError("The minutes of a commission session are drawn up once it is closed.")
    with override("fr"):
        return build("pdf/minutes.html", session_context(session))
