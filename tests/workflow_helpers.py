"""A faculty with one user per staff role, and a way to walk a dossier along the real
services to any state (no status is ever set by hand, in tests either)."""

import datetime
from dataclasses import dataclass

import time_machine
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from applications import selectors, services
from applications.models import Application, Attendance, MemberOpinion, Review, SiteVisit
from applications.workflow import Status

from .factories import ApplicationFactory, DoctorFactory, FacultyFactory, StaffFactory
from .files import pdf_upload

Role = Membership.Role


@dataclass
class Staff:
    faculty: Organisation
    secretariat: User
    visitor: User
    commission: User
    admin: User


def make_staff(faculty=None):
    faculty = faculty or FacultyFactory()
    return Staff(
        faculty=faculty,
        secretariat=StaffFactory(role=(Role.SECRETARIAT, faculty)),
        visitor=StaffFactory(role=(Role.VISITOR, faculty)),
        commission=StaffFactory(role=(Role.COMMISSION, faculty)),
        admin=StaffFactory(role=(Role.FACULTY_ADMIN, faculty)),
    )


def attach_required_pieces(application):
    from applications.uploads import check_upload

    for piece in selectors.missing_pieces(application):
        uploaded = pdf_upload(f"{piece}.pdf")
        detected = check_upload(uploaded)
        services.attach_document(application, application.doctor.user, piece, uploaded, detected)


def submitted_application(staff, levels=("externe", "niveau_1"), **kwargs):
    doctor = kwargs.pop("doctor", None) or DoctorFactory(faculty=staff.faculty)
    application = ApplicationFactory(doctor=doctor, levels=list(levels), **kwargs)
    attach_required_pieces(application)
    services.submit(application, doctor.user)
    return Application.objects.get(pk=application.pk)


ORDER = [
    Status.SUBMITTED,
    Status.ADMISSIBLE,
    Status.VISIT_SCHEDULED,
    Status.VISIT_DONE,
    Status.IN_COMMISSION,
    Status.DECIDED,
]


def attend_all(session, by):
    """Every member of the session present (from the day of the meeting)."""
    services.record_attendance(
        session, by, {m.pk: Attendance.Status.PRESENT for m in session.members.all()}
    )


def examined_levels(session, application):
    return list(session.items.get(application=application).levels.order_by("pk"))


def conclude(session, application, by, opinion=Review.Opinion.FAVOURABLE, reason=""):
    """The commission's opinion (vote count computed) on each level the session examines."""
    for level in examined_levels(session, application):
        services.record_commission_opinion(session, level, by, opinion, reason)


def close_meeting(session, by):
    """Attendance (all present), then the close."""
    attend_all(session, by)
    services.close_session(session, by)


def past_session(staff, members=None, president=None, hours=1):
    """A session that met `hours` ago (it can be closed and its levels decided today)."""
    return services.create_session(
        staff.faculty,
        staff.secretariat,
        timezone.now() - datetime.timedelta(hours=hours),
        "Salle du conseil",
        members or [staff.commission],
        president=president,
    )


def visit_made(application):
    """The dossier's visit, planned ahead, took place yesterday: its report can be written."""
    SiteVisit.objects.filter(application=application, scheduled_for__gt=timezone.now()).update(
        scheduled_for=timezone.now() - datetime.timedelta(days=1)
    )


def advance(application, staff, to, session=None, opinions=True, close=True):
    """Walk a submitted dossier along the services up to `to` (one of ORDER, or INCOMPLETE).

    Dates stay in order: a dossier going past the visit has it scheduled (in the past) for two
    days ago; the session meets an hour ago, unless one is given. For IN_COMMISSION the staff
    member gives their opinion, as president records the commission's and the secretariat
    closes the session, unless told otherwise. Returns the fresh dossier.
    """
    app = Application.objects.get(pk=application.pk)
    if to == Status.INCOMPLETE:
        services.request_complements(
            app,
            staff.secretariat,
            "Le CV n'est pas signé.",
            timezone.localdate() + datetime.timedelta(days=15),
            ["piece:cv"],
        )
        return Application.objects.get(pk=app.pk)
    for status in ORDER[ORDER.index(app.status) + 1 : ORDER.index(to) + 1]:
        app = Application.objects.get(pk=app.pk)
        if status == Status.ADMISSIBLE:
            services.declare_admissible(app, staff.secretariat)
        elif status == Status.VISIT_SCHEDULED:
            if to == Status.VISIT_SCHEDULED:
                services.schedule_visit(
                    app,
                    staff.secretariat,
                    timezone.now() + datetime.timedelta(days=10),
                    [staff.visitor],
                )
            else:  # planned twelve days ago, for two days ago: the report can be written
                now = timezone.now()
                with time_machine.travel(now - datetime.timedelta(days=12), tick=False):
                    services.schedule_visit(
                        app, staff.secretariat, now - datetime.timedelta(days=2), [staff.visitor]
                    )
        elif status == Status.VISIT_DONE:
            # A visit planned in the future (a dossier walked there step by step) has taken
            # place by now, as in the demo: a report is never dated before its visit.
            visit_made(app)
            services.record_visit(
                app,
                staff.visitor,
                {"check_confidentiality": True, "check_room": True},
                "Cabinet adapté à l'accueil d'un étudiant.",
                "favourable",
            )
        elif status == Status.IN_COMMISSION:
            session = session or past_session(staff)
            services.add_to_agenda(session, app, staff.secretariat)
            if opinions:
                for level in examined_levels(session, app):
                    services.give_opinion(
                        session, level, staff.commission, MemberOpinion.Opinion.FAVOURABLE
                    )
                conclude(session, app, staff.secretariat)
            if opinions and close:
                close_meeting(session, staff.secretariat)
        elif status == Status.DECIDED:
            for level in app.requested_levels.all():
                services.record_decision(
                    Application.objects.get(pk=app.pk),
                    level,
                    staff.secretariat,
                    decided_on=timezone.localdate(),
                    reference=f"ARR-{level.pk}",
                    granted=True,
                )
    return Application.objects.get(pk=app.pk)


def review_in_commission(staff, agrements, cause="evaluations", comment=""):
    """Open a review of `agrements`, put it on a session that met an hour ago (no visit), the
    commission's favourable opinion, the session closed: ready for the authority's decision."""
    review = services.open_review(agrements, staff.secretariat, cause, comment)
    session = past_session(staff)
    services.add_to_agenda(session, review, staff.secretariat)
    for level in review.requested_levels.all():
        services.give_opinion(session, level, staff.commission, MemberOpinion.Opinion.FAVOURABLE)
    conclude(session, review, staff.secretariat)
    close_meeting(session, staff.secretariat)
    return Application.objects.get(pk=review.pk)


def decide_review(review, agrement, by, outcome, **kwargs):
    """The authority's outcome for one agrément of a review in commission (today, motivated)."""
    kwargs.setdefault("decided_on", timezone.localdate())
    kwargs.setdefault("reference", "ARR-REEX-1")
    kwargs.setdefault("reason", "" if outcome == "confirmed" else "Évaluations défavorables.")
    level = review.requested_levels.get(reviewed_agrement=agrement)
    return services.record_review_decision(
        Application.objects.get(pk=review.pk), level, by, outcome=outcome, **kwargs
    )


def settings_form(**changes):
    """What the faculty settings screen posts: its required fields, then `changes`."""
    return {
        "years_required_externe": 1,
        "years_required_interne": 3,
        "agrement_duration_years": 5,
        "alert_months_in_state": 2,
        "alert_months_total": 6,
        "retention_pieces_years": 10,
        "retention_withdrawn_years": 1,
        "retention_export_days": 7,
        **changes,
    }


def queue_table(html):
    """The queue page's results table alone, "" when it lists nothing: where a dossier's
    reference may be looked for (the search box repeats what was typed, and its hint shows an
    example dossier number, MSU-2026-00042, that may be one of the test's)."""
    if 'id="file"' not in html:
        return ""
    return html.split('<table id="file">', 1)[1].split("</table>", 1)[0]
