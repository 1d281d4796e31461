"""Commission reads: the agenda of a session, the session a dossier is judged in, and the
fixed opinion a decision rests on."""

from django.db.models import Prefetch

from ..models import AgendaItem, RequestedLevel, Review


def session_agenda(session):
    """The session's dossiers with their levels and this session's opinions (fixed queries)."""
    return list(
        AgendaItem.objects.filter(session=session)
        .select_related("application__doctor__user", "application__visit")
        .prefetch_related(
            Prefetch(
                "application__requested_levels",
                queryset=RequestedLevel.objects.prefetch_related(
                    Prefetch(
                        "reviews",
                        queryset=Review.objects.filter(session=session).select_related("author"),
                        to_attr="session_reviews",
                    )
                ),
            )
        )
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


def fixed_opinion(requested_level, session=None):
    """The opinion a decision can rest on: the one given at the dossier's latest session, once
    that session is closed, unless it postponed the level. None otherwise. Pass the dossier's
    current `session` when asking for several levels."""

    session = session or current_session(requested_level.application_id)
    if session is None or not session.is_closed:
        return None
    review = Review.objects.filter(requested_level=requested_level, session=session).first()
    if review is None or review.opinion == Review.Opinion.POSTPONED:
        return None
    return review
