"""A faculty with one user per staff role, and a way to walk a dossier along the real
services to any state (no status is ever set by hand, in tests either)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Membership, Organisation, User
from applications import selectors, services
from applications.models import Application, Review
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


def advance(application, staff, to, session=None, opinions=True, close=True):
    """Walk a submitted dossier along the services up to `to` (one of ORDER, or INCOMPLETE).

    For IN_COMMISSION the opinions are given and the session closed unless told otherwise.
    Returns the fresh dossier.
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
            services.schedule_visit(
                app,
                staff.secretariat,
                timezone.now() + datetime.timedelta(days=10),
                [staff.visitor],
            )
        elif status == Status.VISIT_DONE:
            services.record_visit(
                app,
                staff.visitor,
                {"check_confidentiality": True, "check_room": True},
                "Cabinet adapté à l'accueil d'un étudiant.",
                "favourable",
            )
        elif status == Status.IN_COMMISSION:
            session = session or services.create_session(
                staff.faculty,
                staff.secretariat,
                timezone.now() + datetime.timedelta(days=20),
                "Salle du conseil",
                [staff.commission],
            )
            services.add_to_agenda(session, app, staff.secretariat)
            if opinions:
                for level in app.requested_levels.all():
                    services.give_opinion(
                        session, level, staff.commission, Review.Opinion.FAVOURABLE
                    )
            if opinions and close:
                services.close_session(session, staff.secretariat)
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
