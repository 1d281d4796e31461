"""Every URL that takes an object id × every outsider × GET and POST: refused (403 or 404, the
login page for the anonymous), and nothing in the database changes.

The routes come from the URL resolver: a new <int:...> route that is missing from ROUTES
fails test_every_int_route_is_in_the_matrix. The positive controls (the rightful actor reaches
each page, and the same POST by the rightful actor does change the dossier) keep the matrix
from passing because everything is broken or the form data is not valid.

The objects are built once for the module, through the real services, inside a transaction
rolled back at the end; each test runs in its own savepoint (pytest-django's `db`).
"""

import datetime
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pytest
import time_machine
from django.db import transaction
from django.db.models import F
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.utils import timezone

from accounts.models import FacultySettings, Membership, Organisation, SecurityEvent
from applications import selectors, services
from applications.models import (
    AgendaItem,
    Agrement,
    AgrementSuspension,
    Application,
    Attendance,
    CommissionSession,
    ComplementRequest,
    Decision,
    Doctor,
    Document,
    Event,
    GeneratedDocument,
    MemberOpinion,
    Message,
    PracticeSite,
    Reexamination,
    ReplacedPiece,
    RequestedLevel,
    Review,
    SiteVisit,
    SpecialtyCoordinator,
    StaffNote,
)
from applications.services import documents
from applications.uploads import check_upload
from applications.workflow import Status
from audit.models import AuditEntry
from exports import services as export_services
from exports.models import Export
from msu_portal.celery import app as celery_app
from notifications.models import Notification
from notifications.services import notify
from obligations import services as obligation_services
from obligations.models import Attestation, ObligationEvent, ObligationStatus, UppMeeting
from remuneration import services as remuneration_services
from remuneration.models import PaymentLine
from remuneration.statements import academic_year_of
from stages import evaluations as stage_evaluations
from stages import imports as stage_imports
from stages import incidents as stage_incidents
from stages import services as stage_services
from stages.levels import StageLevel
from stages.models import Offer, Period, Placement, Student, Suspension, TeamMember, Tutoring
from stages.records import (
    Evaluation,
    EvaluationCriterion,
    ImportBatch,
    Incident,
    IncidentMessage,
    StudentLink,
)
from tests.factories import ApplicationFactory, DoctorFactory, StaffFactory
from tests.files import csv_upload, pdf_upload
from tests.stages_helpers import make_msu, semester, team
from tests.stages_helpers import student as student_input
from tests.workflow_helpers import (
    advance,
    decide_review,
    make_staff,
    review_in_commission,
    submitted_application,
)

Role = Membership.Role
pytestmark = pytest.mark.django_db

# --- The objects ------------------------------------------------------------------------------


@dataclass
class World:
    users: dict = field(default_factory=dict)  # actor name -> User
    apps: dict = field(default_factory=dict)  # dossier name -> Application (as built)
    objects: dict = field(default_factory=dict)  # other objects by name
    storage: str = ""
    baseline: dict = None  # snapshot() once built; every test starts from it (rolled back)

    def app(self, name):
        return Application.objects.get(pk=self.apps[name].pk)

    def level(self, name, index=0):
        return RequestedLevel.objects.filter(application=self.apps[name]).order_by("pk")[index]


def _import_csv(offer):
    return f"numero_etudiant;nom;prenom;promotion;terrain\n22007777;Lemaire;Jules;2025;{offer.pk}\n"


def _evaluation_form(w):
    criteria = stage_evaluations.grid(w.objects["faculty_a"].pk, "msu")
    return {f"critere_{c.pk}": 3 for c in criteria}


def _later(days):
    return timezone.now() + datetime.timedelta(days=days)


def _build_world(storage):
    world = World(storage=str(storage))
    a, b = make_staff(), make_staff()
    for faculty in (a.faculty, b.faculty):
        FacultySettings.objects.create(faculty=faculty)
    # A visitor of faculty A with a visit of their own, and a commission member of faculty A
    # sitting in a session of their own: real holders of the role, just not on these dossiers.
    visitor_a2 = StaffFactory(role=(Role.VISITOR, a.faculty))
    commission_a2 = StaffFactory(role=(Role.COMMISSION, a.faculty))
    other_doctor = DoctorFactory(faculty=a.faculty)
    ApplicationFactory(doctor=other_doctor)  # their own draft

    apps = world.apps
    apps["incomplete"] = advance(submitted_application(a), a, Status.INCOMPLETE)
    apps["submitted"] = submitted_application(a)
    apps["admissible"] = advance(submitted_application(a), a, Status.ADMISSIBLE)
    # Planned twelve days ago for two days ago: its visitor can write the report now.
    with time_machine.travel(timezone.now() - datetime.timedelta(days=12), tick=False):
        apps["scheduled"] = advance(submitted_application(a), a, Status.VISIT_SCHEDULED)
    apps["other_visit"] = advance(
        submitted_application(a), replace(a, visitor=visitor_a2), Status.VISIT_SCHEDULED
    )
    apps["visit_done"] = advance(submitted_application(a), a, Status.VISIT_DONE)
    # In commission, the session open; one level unfavourable, so that a favourable opinion
    # posted by someone would show.
    reviewed = advance(submitted_application(a), a, Status.IN_COMMISSION, opinions=False)
    open_session = selectors.current_session(reviewed)
    for index, level in enumerate(reviewed.requested_levels.order_by("pk")):
        if index == 0:
            services.give_opinion(open_session, level, a.commission, "unfavourable", "Exigu.")
            services.record_commission_opinion(
                open_session, level, a.commission, Review.Opinion.UNFAVOURABLE, "Locaux exigus."
            )
        else:
            services.give_opinion(open_session, level, a.commission, "favourable")
            services.record_commission_opinion(
                open_session, level, a.commission, Review.Opinion.FAVOURABLE
            )
    services.record_attendance(open_session, a.secretariat, {a.commission.pk: "present"})
    apps["reviewed"] = Application.objects.get(pk=reviewed.pk)
    # In commission, the session closed: ready for the decisions.
    apps["for_decision"] = advance(submitted_application(a), a, Status.IN_COMMISSION)
    closed_session = selectors.current_session(apps["for_decision"])
    other_session = services.create_session(
        a.faculty, a.secretariat, _later(40), "Salle B", [commission_a2]
    )
    submitted_application(b)  # faculty B has its own work
    apps["decided"] = advance(submitted_application(a), a, Status.DECIDED)

    # The incomplete dossier's doctor replaces the CV: the version the request saw is kept.
    new_cv = pdf_upload("cv-signe.pdf")
    services.attach_document(
        apps["incomplete"],
        apps["incomplete"].doctor.user,
        Document.Piece.CV,
        new_cv,
        check_upload(new_cv),
    )

    # The thread of the reviewed dossier: a message with an attachment, a reply, a note.
    uploaded = pdf_upload("lettre.pdf")
    message = services.post_message(
        apps["reviewed"],
        apps["reviewed"].doctor.user,
        "Voici l'attestation demandée.",
        uploaded,
        check_upload(uploaded),
    )
    assert message.attachment
    services.post_message(apps["reviewed"], a.secretariat, "Bien reçu, merci.")
    services.add_note(apps["reviewed"], a.secretariat, "Appeler le médecin pour la visite.")

    # The PDFs the services asked for: built now (the module's transaction never commits, so
    # their on-commit tasks never run).
    for document in GeneratedDocument.objects.all():
        assert documents.build(document.pk, document.requested_revision), document
    doctor_reviewed = apps["reviewed"].doctor.user
    notify(
        doctor_reviewed,
        "message_posted",
        "matrix:message",
        "emails/message_posted",
        {"application": apps["reviewed"], "doctor": apps["reviewed"].doctor, "message": message},
        link=reverse("applications:detail", args=[apps["reviewed"].pk]),
    )

    world.objects.update(
        notification=Notification.objects.get(key="matrix:message"),
        decision=Decision.objects.filter(requested_level__application=apps["decided"]).first(),
        faculty_a=a.faculty,
        faculty_b=b.faculty,
        open_session=open_session,
        closed_session=closed_session,
        other_session=other_session,
        message=message,
        document=apps["incomplete"].documents.get(piece=Document.Piece.CV),
        replaced_piece=ReplacedPiece.objects.get(application=apps["incomplete"]),
    )
    world.users.update(
        other_doctor=other_doctor.user,
        doctor_incomplete=apps["incomplete"].doctor.user,
        doctor_reviewed=apps["reviewed"].doctor.user,
        doctor_decided=apps["decided"].doctor.user,
        secretariat_a=a.secretariat,
        admin_a=a.admin,
        visitor_a=a.visitor,
        commission_a=a.commission,
        visitor_a_unassigned=visitor_a2,
        commission_a_non_member=commission_a2,
        secretariat_b=b.secretariat,
        admin_b=b.admin,
        commission_b=b.commission,
        visitor_b=b.visitor,
    )
    for name, status in {
        "incomplete": Status.INCOMPLETE,
        "submitted": Status.SUBMITTED,
        "admissible": Status.ADMISSIBLE,
        "scheduled": Status.VISIT_SCHEDULED,
        "visit_done": Status.VISIT_DONE,
        "reviewed": Status.IN_COMMISSION,
        "for_decision": Status.IN_COMMISSION,
        "decided": Status.DECIDED,
    }.items():
        assert world.app(name).status == status, name
    assert open_session.closed_at is None
    closed_session.refresh_from_db()
    assert closed_session.closed_at is not None
    # Stages of faculty A: a semester, an offer with one placed interne, a tutoring.
    msu_a = make_msu(a.faculty)
    period = semester(a.faculty, a.admin)
    offer = stage_services.create_offer(
        period, a.admin, "niveau_1", "Cabinet A", team(msu_a), capacity=2
    )
    placement = stage_services.place_student(offer, a.admin, student_input())
    suspension = stage_services.add_suspension(
        placement, a.admin, datetime.date(2027, 1, 10), datetime.date(2027, 1, 20), "Maladie"
    )
    tutoring = stage_services.assign_tutor(msu_a, placement.student, a.admin, timezone.localdate())
    # Faculty A's payment export of that year, built (on-commit tasks never run here).
    year = academic_year_of(period.start)
    export = remuneration_services.request_export(a.faculty, a.admin, year, "csv")
    assert export_services.build_export(export.pk)
    payment_line = PaymentLine.objects.get(export=export)
    # A second line, marked paid (by mistake, say): the one whose payment the admin cancels.
    paid_line = PaymentLine.objects.get(pk=payment_line.pk)
    paid_line.pk = None
    paid_line.save()
    remuneration_services.mark_paid(paid_line, a.admin, timezone.localdate(), "MANDAT-2026-000")
    # A queue export of faculty A asked for by its secretariat: the secretariat and the admin
    # read it, nobody else.
    queue_export = export_services.request_export(
        a.faculty, a.secretariat, "queue", {"onglet": "a-verifier"}, "csv"
    )
    assert export_services.build_export(queue_export.pk)
    # How the stage goes: the faculty's grids, a file of one student to import, a difficulty
    # reported by the MSU, the student's address for their links.
    for audience in ("msu", "student"):
        stage_evaluations.create_default_grid(a.faculty, a.admin, audience)
    batch = stage_imports.create_batch(
        period, a.admin, csv_upload(_import_csv(offer)), all_or_nothing=False
    )
    # The incident is on a placement of its own: the first one stays removable.
    reported = stage_services.place_student(
        stage_services.create_offer(period, a.admin, "niveau_1", "Cabinet A bis", team(msu_a)),
        a.admin,
        student_input("21008888", "Roux", "Inès"),
    )
    incident = stage_incidents.report(reported, msu_a.user, "Retards", "Tous les matins.")
    Student.objects.filter(pk=placement.student_id).update(email="alix@example.org")
    world.objects.update(
        criterion=EvaluationCriterion.objects.filter(faculty=a.faculty).first(),
        batch=batch,
        incident=incident,
    )
    world.objects.update(
        msu_a=msu_a,
        period=period,
        offer=offer,
        placement=placement,
        suspension=suspension,
        payment_line=payment_line,
        paid_line=paid_line,
        tutoring=tutoring,
        year=year,
        export=export,
        queue_export=queue_export,
    )
    world.users["msu_a"] = msu_a.user
    # Obligations: msu_a's signed charter, a UPP meeting of faculty A held yesterday (msu_a of
    # that UPP, not marked present yet), the coordinator of a specialty.
    upp_a = Organisation.objects.create(
        kind=Organisation.Kind.UPP, name="UPP de la matrice", parent=a.faculty
    )
    Doctor.objects.filter(pk=msu_a.pk).update(upp=upp_a)
    charter = pdf_upload("charte.pdf")
    attestation = obligation_services.add_attestation(
        msu_a, msu_a.user, "charter", timezone.localdate(), "", charter, check_upload(charter)
    )
    meeting = obligation_services.record_meeting(
        a.faculty, a.secretariat, upp_a, timezone.localdate() - datetime.timedelta(days=1), "GEP"
    )
    SpecialtyCoordinator.objects.create(
        faculty=a.faculty, specialty="pediatrie", name="Pr Exemple", email="pr@example.org"
    )
    world.objects.update(attestation=attestation, meeting=meeting)
    # Agréments after their decision: one in force (its doctor, and a review to open), one
    # suspended at the end of a review (an ARS act: its lifting is the secretariat's).
    msu_review = make_msu(a.faculty, levels=("externe", "niveau_1"))
    msu_suspended = make_msu(a.faculty, levels=("niveau_1",))
    suspended = Agrement.objects.get(doctor=msu_suspended)
    review = review_in_commission(a, [suspended])
    decide_review(review, suspended, a.secretariat, Decision.Outcome.SUSPENDED)
    # And one whose suspension was lifted, with the letter of its lifting.
    msu_lifted = make_msu(a.faculty, levels=("niveau_1",))
    lifted = Agrement.objects.get(doctor=msu_lifted)
    decide_review(
        review_in_commission(a, [lifted]), lifted, a.secretariat, Decision.Outcome.SUSPENDED
    )
    lifting = services.lift_suspension(
        lifted, a.secretariat, lifted_on=timezone.localdate(), reference="ARS-LEVEE-9"
    )
    letter = GeneratedDocument.objects.get(suspension=lifting)
    assert documents.build(letter.pk, letter.requested_revision)
    world.objects.update(
        agrement=Agrement.objects.get(doctor=msu_review, level="externe"),
        agrement_suspended=suspended,
        agrement_lifted=lifted,
        lifting=lifting,
    )
    world.users["msu_review"] = msu_review.user
    world.users["msu_lifted"] = msu_lifted.user
    # The background page's retries: a failed e-mail and a failed PDF of faculty A.
    stuck_email = Notification.objects.get(
        kind="submission_receipt", user=apps["submitted"].doctor.user
    )
    Notification.objects.filter(pk=stuck_email.pk).update(
        email_status=Notification.EmailStatus.FAILED, attempts=8
    )
    stuck_document = GeneratedDocument.objects.get(subject_key=f"dossier:{apps['submitted'].pk}")
    GeneratedDocument.objects.filter(pk=stuck_document.pk).update(
        requested_revision=F("requested_revision") + 1, attempts=5, error="OSError"
    )
    world.objects.update(stuck_email=stuck_email, stuck_document=stuck_document)
    world.baseline = snapshot()
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    storage = tmp_path_factory.mktemp("private")
    previous_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    with (
        override_settings(
            PRIVATE_STORAGE_ROOT=storage,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield _build_world(storage)
        transaction.set_rollback(True)
    celery_app.conf.task_always_eager = previous_eager


@pytest.fixture(autouse=True)
def _private_storage(world):
    """Overrides the conftest's per-test folder: the module's pieces live in one folder."""
    return world.storage


# --- What must not change ---------------------------------------------------------------------


def _rows(queryset, *fields):
    return list(queryset.order_by("pk").values_list("pk", *fields))


def stored_files(world):
    return sorted(
        os.path.join(folder, name)
        for folder, _dirs, names in os.walk(world.storage)
        for name in names
    )


def snapshot():
    """The database state an outsider's request could touch (the whole instruction)."""
    return {
        "applications": _rows(
            Application.objects, "status", "version", "updated_at", "submitted_at", "faculty_id"
        ),
        "levels": _rows(RequestedLevel.objects, "application_id", "level"),
        "events": _rows(Event.objects, "application_id", "action"),
        "security_events": _rows(SecurityEvent.objects, "user_id", "kind"),
        "messages": _rows(Message.objects, "body", "attachment", "read_at"),
        "notes": _rows(StaffNote.objects, "body"),
        "complements": _rows(ComplementRequest.objects, "answered_at", "due_date"),
        "reviews": _rows(
            Review.objects, "opinion", "reason", "author_id", "updated_at", "votes_for"
        ),
        "member_opinions": _rows(MemberOpinion.objects, "member_id", "opinion", "updated_at"),
        "attendance": _rows(Attendance.objects, "member_id", "status"),
        "decisions": _rows(Decision.objects, "outcome", "reference"),
        "agrements": _rows(
            Agrement.objects, "level", "valid_until", "status", "withdrawn_on", "review_proposed_at"
        ),
        "agrement_suspensions": _rows(
            AgrementSuspension.objects, "starts_on", "ends_on", "lifted_on"
        ),
        "reexaminations": _rows(Reexamination.objects, "application_id", "cause"),
        "sites": _rows(PracticeSite.objects, "doctor_id", "is_main", "commune"),
        "agenda": _rows(AgendaItem.objects, "session_id", "application_id", "position"),
        "documents": _rows(Document.objects, "application_id", "piece", "file"),
        "visits": _rows(SiteVisit.objects, "scheduled_for", "reported_at", "recommendation"),
        "visitors": _rows(SiteVisit.visitors.through.objects, "sitevisit_id", "user_id"),
        "sessions": _rows(
            CommissionSession.objects, "closed_at", "closed_by_id", "meets_at", "version"
        ),
        "members": list(
            CommissionSession.members.through.objects.order_by("pk").values_list(
                "commissionsession_id", "user_id"
            )
        ),
        "settings": list(FacultySettings.objects.order_by("pk").values()),
        "doctors": _rows(Doctor.objects, "user_id", "faculty_id"),
        "memberships": _rows(Membership.objects, "user_id", "organisation_id", "role"),
        "generated": _rows(
            GeneratedDocument.objects, "requested_revision", "built_revision", "file", "attempts"
        ),
        "notifications": _rows(Notification.objects, "read_at", "email_status", "attempts"),
        "periods": _rows(Period.objects, "faculty_id", "start", "end"),
        "offers": _rows(Offer.objects, "label", "capacity", "upp_id"),
        "team": _rows(TeamMember.objects, "offer_id", "doctor_id", "half_days", "referent"),
        "students": _rows(Student.objects, "student_number", "last_name", "promotion"),
        "placements": _rows(
            Placement.objects, "offer_id", "student_id", "start", "end", "end_reason"
        ),
        "suspensions": _rows(Suspension.objects, "placement_id", "start", "end", "reason"),
        "payment_lines": _rows(
            PaymentLine.objects, "doctor_id", "total", "paid_on", "payment_reference"
        ),
        "tutorings": _rows(Tutoring.objects, "tutor_id", "student_id", "ended_on"),
        "exports": _rows(Export.objects, "faculty_id", "kind", "state", "file"),
        "audit": _rows(AuditEntry.objects, "faculty_id", "kind", "actor_id"),
        "criteria": _rows(EvaluationCriterion.objects, "label", "active", "position"),
        "evaluations": _rows(Evaluation.objects, "placement_id", "stage"),
        "imports": _rows(ImportBatch.objects, "period_id", "imported_at"),
        "incidents": _rows(Incident.objects, "status", "handled_at"),
        "incident_messages": _rows(IncidentMessage.objects, "incident_id", "body"),
        "student_links": _rows(StudentLink.objects, "placement_id", "purpose", "used_at"),
        "attestations": _rows(Attestation.objects, "doctor_id", "kind", "done_on", "file"),
        "attendance_upp": _rows(UppMeeting.attendees.through.objects, "uppmeeting_id", "doctor_id"),
        "meetings": _rows(UppMeeting.objects, "faculty_id", "held_on", "title"),
        "obligation_events": _rows(ObligationEvent.objects, "doctor_id", "action"),
        "obligation_statuses": _rows(
            ObligationStatus.objects, "doctor_id", "obligation", "due_on", "last_done_on"
        ),
        "coordinators": _rows(SpecialtyCoordinator.objects, "specialty", "name", "email"),
    }


# --- The routes -------------------------------------------------------------------------------

OUTSIDERS = [
    "anonymous",
    "other_doctor",
    "secretariat_b",
    "admin_b",
    "visitor_a_unassigned",
    "commission_a_non_member",
    "commission_b",
]
# Staff of the dossier's own faculty, on the pages only the doctor may use.
FACULTY_STAFF = ["secretariat_a", "admin_a"]
EVERYONE = [
    *OUTSIDERS,
    "doctor_incomplete",
    "doctor_reviewed",
    "secretariat_a",
    "admin_a",
    "visitor_a",
    "commission_a",
    "visitor_b",
]


@dataclass
class Route:
    kwargs: Callable  # world -> URL kwargs
    rightful: list  # actors who reach the page (GET), or whose POST takes effect
    get_status: int = 200  # what the rightful actors get on GET (405: a POST-only endpoint)
    post: Callable = lambda w: {}  # world -> plausible, valid form data
    post_changes: bool = True  # the rightful actor's POST changes the database
    doctor_only: bool = False
    extra_outsiders: tuple = ()  # (actor, allowed statuses) beyond OUTSIDERS
    outsiders: list = None  # replaces OUTSIDERS (+ FACULTY_STAFF) when given
    redirects_to: Callable = None  # world -> where a rightful GET answering 302 leads


def _version(w, name):
    return w.app(name).version


def _decision_form(w):
    level = w.level("for_decision")
    prefix = f"niveau-{level.pk}"
    return {
        "level": level.pk,
        f"{prefix}-version": _version(w, "for_decision"),
        f"{prefix}-outcome": Decision.Outcome.GRANTED,
        f"{prefix}-decided_on": timezone.localdate().isoformat(),
        f"{prefix}-reference": "ARR-2026-0042",
        f"{prefix}-duration_years": 4,
        f"{prefix}-reason": "",
    }


def _session_decisions_form(w):
    data = {"decided_on": timezone.localdate().isoformat(), "reference": "ARS-2026-0101"}
    for level in RequestedLevel.objects.filter(application=w.apps["for_decision"]):
        data[f"niveau-{level.pk}-outcome"] = "granted"
        data[f"niveau-{level.pk}-reason"] = ""
        data[f"niveau-{level.pk}-duration_years"] = 5
    return data


# The doctor of a dossier on the agenda: never in the commission's pages.
SESSION_DOCTOR = (("doctor_reviewed", {403, 404}),)


def _settings_form(w):
    data = {
        "years_required_externe": 2,
        "years_required_interne": 4,
        "training_required_general_practice": "on",
        "agrement_duration_years": 4,
        "alert_months_in_state": 3,
        "alert_months_total": 9,
        "retention_pieces_years": 6,
        "retention_withdrawn_years": 2,
        "retention_export_days": 10,
    }
    for level in StageLevel:
        data[f"pieces_{level.value}"] = ["cv", "no_conviction", "insurance", "training"]
    return data


# The thread (messages, attachments) is the doctor's and the secretariat's: the visitor and
# the commission member of the dossier see the dossier but not its thread.
THREAD_INSIDERS = (("visitor_a", {400, 403, 404}), ("commission_a", {400, 403, 404}))


def _statement_kwargs(w):
    return {
        "faculty_pk": w.objects["faculty_a"].pk,
        "doctor_pk": w.objects["msu_a"].pk,
        "year": w.objects["year"],
    }


# Stages are the faculty admin's: everyone else, its own secretariat included, is refused.
STAGE_OUTSIDERS = [actor for actor in EVERYONE if actor != "admin_a"]
OBLIGATION_OUTSIDERS = [a for a in EVERYONE if a not in ("secretariat_a", "admin_a")]

ROUTES = {
    # A faculty admin resets the second factor of a member of their own faculty only.
    "accounts:team_reset_second_factor": Route(
        kwargs=lambda w: {"user_id": w.users["visitor_a"].pk},
        rightful=["admin_a"],
        get_status=405,
        outsiders=STAGE_OUTSIDERS,
    ),
    # The doctor's dossier
    "applications:detail": Route(
        kwargs=lambda w: {"pk": w.apps["reviewed"].pk},
        rightful=["doctor_reviewed", "secretariat_a", "admin_a", "visitor_a", "commission_a"],
        post=lambda w: {"body": "Bonjour"},
        post_changes=False,
    ),
    "applications:resume": Route(
        kwargs=lambda w: {"pk": w.apps["incomplete"].pk},
        rightful=["doctor_incomplete"],
        get_status=302,
        post_changes=False,
        doctor_only=True,
    ),
    "applications:step": Route(
        kwargs=lambda w: {"pk": w.apps["incomplete"].pk, "slug": "pieces"},
        rightful=["doctor_incomplete"],
        post=lambda w: {"cv": pdf_upload("cv-signe.pdf")},
        doctor_only=True,
    ),
    "applications:submit": Route(
        kwargs=lambda w: {"pk": w.apps["incomplete"].pk},
        rightful=["doctor_incomplete"],
        get_status=405,
        doctor_only=True,
    ),
    "applications:withdraw": Route(
        kwargs=lambda w: {"pk": w.apps["incomplete"].pk},
        rightful=["doctor_incomplete"],
        post=lambda w: {"comment": "Je déménage.", "confirm": "on"},
        doctor_only=True,
    ),
    "applications:document": Route(
        kwargs=lambda w: {"pk": w.apps["incomplete"].pk, "document_pk": w.objects["document"].pk},
        rightful=["doctor_incomplete", "secretariat_a", "admin_a"],
        post_changes=False,
    ),
    "applications:replaced_piece": Route(
        kwargs=lambda w: {
            "pk": w.apps["incomplete"].pk,
            "replaced_pk": w.objects["replaced_piece"].pk,
        },
        rightful=["doctor_incomplete", "secretariat_a", "admin_a"],
        post_changes=False,
    ),
    "applications:document_delete": Route(
        kwargs=lambda w: {"pk": w.apps["incomplete"].pk, "document_pk": w.objects["document"].pk},
        rightful=["doctor_incomplete"],
        get_status=200,  # the confirmation page
        post=lambda w: {"confirme": "1"},
        doctor_only=True,
    ),
    # Messages and notes
    "applications:post_message": Route(
        kwargs=lambda w: {"pk": w.apps["reviewed"].pk},
        rightful=["doctor_reviewed", "secretariat_a", "admin_a"],
        get_status=405,
        post=lambda w: {"body": "Une question sur la visite.", "attachment": pdf_upload("q.pdf")},
        extra_outsiders=THREAD_INSIDERS,
    ),
    "applications:message_attachment": Route(
        kwargs=lambda w: {"pk": w.apps["reviewed"].pk, "message_pk": w.objects["message"].pk},
        rightful=["doctor_reviewed", "secretariat_a", "admin_a"],
        post_changes=False,
        extra_outsiders=THREAD_INSIDERS,
    ),
    "applications:add_note": Route(
        kwargs=lambda w: {"pk": w.apps["reviewed"].pk},
        rightful=["secretariat_a", "admin_a", "visitor_a", "commission_a"],
        get_status=405,
        post=lambda w: {"body": "Dossier solide."},
    ),
    # Instruction
    "applications:declare_admissible": Route(
        kwargs=lambda w: {"pk": w.apps["submitted"].pk},
        rightful=["secretariat_a"],
        get_status=405,
        post=lambda w: {"version": _version(w, "submitted")},
    ),
    "applications:request_complements": Route(
        kwargs=lambda w: {"pk": w.apps["submitted"].pk},
        rightful=["secretariat_a"],
        post=lambda w: {
            "version": _version(w, "submitted"),
            "items": ["piece:cv", "profil"],
            "message": "Le CV n'est pas signé ; précisez votre date d'installation.",
            "due_date": (timezone.localdate() + datetime.timedelta(days=15)).isoformat(),
        },
    ),
    "applications:schedule_visit": Route(
        kwargs=lambda w: {"pk": w.apps["admissible"].pk},
        rightful=["secretariat_a"],
        post=lambda w: {
            "version": _version(w, "admissible"),
            "scheduled_for": timezone.localtime(_later(12)).strftime("%Y-%m-%dT%H:%M"),
            "visitors": [w.users["visitor_a"].pk],
        },
    ),
    "applications:record_visit": Route(
        kwargs=lambda w: {"pk": w.apps["scheduled"].pk},
        rightful=["visitor_a"],
        post=lambda w: {
            "version": _version(w, "scheduled"),
            "check_confidentiality": "on",
            "check_room": "on",
            "recommendation": SiteVisit.Recommendation.FAVOURABLE,
            "report": "Cabinet lumineux, une salle dédiée à l'étudiant.",
        },
    ),
    "applications:add_to_agenda": Route(
        kwargs=lambda w: {"pk": w.apps["visit_done"].pk},
        rightful=["secretariat_a"],
        get_status=405,
        post=lambda w: {
            "session": w.objects["open_session"].pk,
            "version": _version(w, "visit_done"),
        },
    ),
    "applications:record_decisions": Route(
        kwargs=lambda w: {"pk": w.apps["for_decision"].pk},
        rightful=["secretariat_a"],
        post=_decision_form,
    ),
    # The agrément after its decision: its page for its doctor and its faculty's staff; the
    # review opened by the secretariat; a suspension lifted for the authority that granted it
    # (an ARS act: the secretariat's, not the faculty admin's).
    "applications:agrement": Route(
        kwargs=lambda w: {"pk": w.objects["agrement"].pk},
        rightful=["msu_review", "secretariat_a", "admin_a"],
        post_changes=False,
        extra_outsiders=(("visitor_a", {403, 404}), ("commission_a", {403, 404})),
    ),
    "applications:open_review": Route(
        kwargs=lambda w: {"pk": w.objects["agrement"].pk},
        rightful=["secretariat_a"],
        post=lambda w: {
            "agrements": [w.objects["agrement"].pk],
            "cause": "coordinator",
            "comment": "Demande du coordonnateur du DES.",
        },
        outsiders=[*(actor for actor in EVERYONE if actor != "secretariat_a"), "msu_review"],
    ),
    "applications:lift_suspension": Route(
        kwargs=lambda w: {"pk": w.objects["agrement_suspended"].pk},
        rightful=["secretariat_a"],
        post=lambda w: {
            "lifted_on": timezone.localdate().isoformat(),
            "reference": "ARS-LEVEE-7",
            "reason": "Locaux remis en conformité.",
        },
        outsiders=[actor for actor in EVERYONE if actor != "secretariat_a"],
    ),
    "applications:lift_letter": Route(
        kwargs=lambda w: {
            "pk": w.objects["agrement_lifted"].pk,
            "suspension_pk": w.objects["lifting"].pk,
        },
        rightful=["msu_lifted", "secretariat_a", "admin_a"],
        post_changes=False,
        extra_outsiders=(("visitor_a", {403, 404}), ("commission_a", {403, 404})),
    ),
    # Commission
    "applications:session": Route(
        kwargs=lambda w: {"pk": w.objects["open_session"].pk},
        rightful=["secretariat_a", "admin_a", "commission_a"],
        post_changes=False,
        extra_outsiders=SESSION_DOCTOR,
    ),
    "applications:session_add": Route(
        kwargs=lambda w: {"pk": w.objects["open_session"].pk},
        rightful=["secretariat_a"],
        get_status=405,
        post=lambda w: {"application": w.apps["visit_done"].pk},
        extra_outsiders=SESSION_DOCTOR,
    ),
    "applications:give_opinion": Route(
        kwargs=lambda w: {
            "pk": w.objects["open_session"].pk,
            "level_pk": w.level("reviewed").pk,
        },
        rightful=["commission_a"],
        get_status=405,
        post=lambda w: {
            f"avis-{w.level('reviewed').pk}-opinion": Review.Opinion.FAVOURABLE,
            f"avis-{w.level('reviewed').pk}-reason": "",
        },
        extra_outsiders=SESSION_DOCTOR,
    ),
    "applications:commission_opinion": Route(
        kwargs=lambda w: {
            "pk": w.objects["open_session"].pk,
            "level_pk": w.level("reviewed").pk,
        },
        rightful=["secretariat_a", "commission_a"],  # commission_a presides the session
        get_status=405,
        post=lambda w: {
            f"commission-{w.level('reviewed').pk}-opinion": Review.Opinion.FAVOURABLE,
            f"commission-{w.level('reviewed').pk}-reason": "",
            f"commission-{w.level('reviewed').pk}-votes_for": 1,
            f"commission-{w.level('reviewed').pk}-votes_against": 0,
            f"commission-{w.level('reviewed').pk}-votes_abstain": 0,
        },
        extra_outsiders=SESSION_DOCTOR,
    ),
    "applications:record_attendance": Route(
        kwargs=lambda w: {"pk": w.objects["open_session"].pk},
        rightful=["secretariat_a", "commission_a"],
        get_status=405,
        post=lambda w: {f"member-{w.users['commission_a'].pk}": "excused"},
        extra_outsiders=SESSION_DOCTOR,
    ),
    "applications:session_close": Route(
        kwargs=lambda w: {"pk": w.objects["open_session"].pk},
        rightful=["secretariat_a", "commission_a"],
        get_status=405,
        post=lambda w: {"confirme": "1"},
        extra_outsiders=SESSION_DOCTOR,
    ),
    "applications:session_transmission": Route(
        kwargs=lambda w: {"pk": w.objects["closed_session"].pk, "authority": "ars", "fmt": "csv"},
        rightful=["secretariat_a", "admin_a"],
        post_changes=False,
        # The members read the minutes, not the transmissions.
        extra_outsiders=(*SESSION_DOCTOR, ("commission_a", {403, 404})),
    ),
    "applications:session_decisions": Route(
        kwargs=lambda w: {"pk": w.objects["closed_session"].pk},
        rightful=["secretariat_a"],
        post=_session_decisions_form,
        extra_outsiders=(
            *SESSION_DOCTOR,
            ("commission_a", {403, 404}),
            ("admin_a", {403, 404}),
        ),
    ),
    "applications:session_minutes": Route(
        kwargs=lambda w: {"pk": w.objects["closed_session"].pk},
        rightful=["secretariat_a", "admin_a", "commission_a"],
        post_changes=False,
        extra_outsiders=SESSION_DOCTOR,
    ),
    # The PDFs the portal produces
    "applications:dossier_pdf": Route(
        kwargs=lambda w: {"pk": w.apps["reviewed"].pk},
        rightful=["doctor_reviewed", "secretariat_a", "admin_a", "visitor_a", "commission_a"],
        post_changes=False,
    ),
    "applications:dossier_pdf_status": Route(
        kwargs=lambda w: {"pk": w.apps["reviewed"].pk},
        rightful=["doctor_reviewed", "secretariat_a", "admin_a", "visitor_a", "commission_a"],
        post_changes=False,
    ),
    "applications:decision_letter": Route(
        kwargs=lambda w: {"pk": w.apps["decided"].pk, "decision_pk": w.objects["decision"].pk},
        rightful=["doctor_decided", "secretariat_a", "admin_a"],
        post_changes=False,
    ),
    "applications:session_agenda_pdf": Route(
        kwargs=lambda w: {"pk": w.objects["open_session"].pk},
        rightful=["secretariat_a", "admin_a", "commission_a"],
        post_changes=False,
        extra_outsiders=SESSION_DOCTOR,
    ),
    "applications:session_minutes_pdf": Route(
        kwargs=lambda w: {"pk": w.objects["closed_session"].pk},
        rightful=["secretariat_a", "admin_a", "commission_a"],
        post_changes=False,
        extra_outsiders=SESSION_DOCTOR,
    ),
    # Notifications: the recipient's own.
    "notifications:open": Route(
        kwargs=lambda w: {"pk": w.objects["notification"].pk},
        rightful=["doctor_reviewed"],
        get_status=302,
        post_changes=False,
        outsiders=[actor for actor in EVERYONE if actor != "doctor_reviewed"],
        redirects_to=lambda w: reverse("applications:detail", args=[w.apps["reviewed"].pk]),
    ),
    # Faculty settings: the faculty's admin only.
    "applications:faculty_settings": Route(
        kwargs=lambda w: {"faculty_pk": w.objects["faculty_a"].pk},
        rightful=["admin_a"],
        post=_settings_form,
        outsiders=[actor for actor in EVERYONE if actor != "admin_a"],
    ),
    # Audit logs: a dossier's for its faculty's secretariat and admins, a faculty's for its
    # admins; read-only pages (a POST shows the same page, changing nothing).
    "audit:dossier": Route(
        kwargs=lambda w: {"pk": w.apps["reviewed"].pk},
        rightful=["secretariat_a", "admin_a"],
        post_changes=False,
        outsiders=[actor for actor in EVERYONE if actor not in ("secretariat_a", "admin_a")],
    ),
    "audit:faculty": Route(
        kwargs=lambda w: {"faculty_pk": w.objects["faculty_a"].pk},
        rightful=["admin_a"],
        post_changes=False,
        outsiders=[actor for actor in EVERYONE if actor != "admin_a"],
    ),
    # Stages: the faculty's admin only.
    "stages:period": Route(
        kwargs=lambda w: {"pk": w.objects["period"].pk},
        rightful=["admin_a"],
        post_changes=False,
        outsiders=STAGE_OUTSIDERS,
    ),
    "stages:offer_create": Route(
        kwargs=lambda w: {"pk": w.objects["period"].pk},
        rightful=["admin_a"],
        post=lambda w: {
            "label": "Cabinet B",
            "level": "niveau_1",
            "capacity": 1,
            "referent": "0",
            "doctor_0": w.objects["msu_a"].pk,
            "half_days_0": 8,
        },
        outsiders=STAGE_OUTSIDERS,
    ),
    "stages:offer": Route(
        kwargs=lambda w: {"pk": w.objects["offer"].pk},
        rightful=["admin_a"],
        post_changes=False,
        outsiders=STAGE_OUTSIDERS,
    ),
    "stages:offer_edit": Route(
        kwargs=lambda w: {"pk": w.objects["offer"].pk},
        rightful=["admin_a"],
        post=lambda w: {
            "label": "Cabinet A (binôme)",
            "capacity": 3,
            "referent": "0",
            "doctor_0": w.objects["msu_a"].pk,
            "half_days_0": 9,
        },
        outsiders=STAGE_OUTSIDERS,
    ),
    "stages:place": Route(
        kwargs=lambda w: {"pk": w.objects["offer"].pk},
        rightful=["admin_a"],
        get_status=405,
        post=lambda w: {
            "student_number": "21009999",
            "last_name": "Petit",
            "first_name": "Noé",
            "promotion": 2025,
        },
        outsiders=STAGE_OUTSIDERS,
    ),
    "stages:placement_remove": Route(
        kwargs=lambda w: {"pk": w.objects["placement"].pk},
        rightful=["admin_a"],
        get_status=200,  # the confirmation page
        post=lambda w: {"confirme": "1"},
        outsiders=STAGE_OUTSIDERS,
    ),
    "stages:placement_dates": Route(
        kwargs=lambda w: {"pk": w.objects["placement"].pk},
        rightful=["admin_a"],
        post=lambda w: {"start": "2026-11-16", "end": "2027-04-30"},
        outsiders=STAGE_OUTSIDERS,
        extra_outsiders=(("msu_a", {403, 404}),),
    ),
    "stages:suspension_add": Route(
        kwargs=lambda w: {"pk": w.objects["placement"].pk},
        rightful=["admin_a"],
        get_status=405,
        post=lambda w: {"start": "2027-02-01", "end": "2027-02-05", "reason": "Congé"},
        outsiders=STAGE_OUTSIDERS,
        extra_outsiders=(("msu_a", {403, 404}),),
    ),
    "stages:suspension_remove": Route(
        kwargs=lambda w: {"pk": w.objects["suspension"].pk},
        rightful=["admin_a"],
        get_status=200,  # the confirmation page
        post=lambda w: {"confirme": "1"},
        outsiders=STAGE_OUTSIDERS,
        extra_outsiders=(("msu_a", {403, 404}),),
    ),
    "stages:tutoring_end": Route(
        kwargs=lambda w: {"pk": w.objects["tutoring"].pk},
        rightful=["admin_a"],
        get_status=200,  # the confirmation page
        post=lambda w: {"confirme": "1"},
        outsiders=STAGE_OUTSIDERS,
    ),
    # Import of students (the faculty's admin only).
    "stages:import_form": Route(
        kwargs=lambda w: {"pk": w.objects["period"].pk},
        rightful=["admin_a"],
        post=lambda w: {"file": csv_upload(_import_csv(w.objects["offer"]))},
        outsiders=STAGE_OUTSIDERS,
    ),
    "stages:import_preview": Route(
        kwargs=lambda w: {"pk": w.objects["batch"].pk},
        rightful=["admin_a"],
        post=lambda w: {"confirm": "1"},
        outsiders=STAGE_OUTSIDERS,
    ),
    # Evaluations: the grid and what the faculty receives are its admin's; the placement's
    # follow-up is its team's MSU's (the referent fills the evaluations).
    "stages:criterion_edit": Route(
        kwargs=lambda w: {"pk": w.objects["criterion"].pk},
        rightful=["admin_a"],
        post=lambda w: {"label": "Ponctualité", "position": 1, "active": "on"},
        outsiders=STAGE_OUTSIDERS,
    ),
    "stages:msu_evaluations": Route(
        kwargs=lambda w: {"pk": w.objects["msu_a"].pk},
        rightful=["admin_a"],
        post_changes=False,
        outsiders=STAGE_OUTSIDERS,
    ),
    "stages:send_student_links": Route(
        kwargs=lambda w: {"pk": w.objects["placement"].pk},
        rightful=["admin_a"],
        get_status=405,
        outsiders=STAGE_OUTSIDERS,
    ),
    "stages:placement_followup": Route(
        kwargs=lambda w: {"pk": w.objects["placement"].pk},
        rightful=["msu_a"],
        post_changes=False,
        outsiders=EVERYONE,
    ),
    "stages:evaluate": Route(
        kwargs=lambda w: {"pk": w.objects["placement"].pk, "slug": "debut"},
        rightful=["msu_a"],
        post=_evaluation_form,
        outsiders=EVERYONE,
    ),
    "stages:incident_report": Route(
        kwargs=lambda w: {"pk": w.objects["placement"].pk},
        rightful=["msu_a"],
        get_status=405,
        post=lambda w: {"subject": "Absence", "body": "Absent lundi."},
        outsiders=EVERYONE,
    ),
    # An incident: its MSUs, the faculty's secretariat and admins (and UPP coordinators, see
    # tests/stages/test_incidents.py); only the staff set its status.
    "stages:incident": Route(
        kwargs=lambda w: {"pk": w.objects["incident"].pk},
        rightful=["msu_a", "secretariat_a", "admin_a"],
        post=lambda w: {"body": "Nous appelons le cabinet."},
        outsiders=[a for a in EVERYONE if a not in ("secretariat_a", "admin_a")],
    ),
    "stages:incident_status": Route(
        kwargs=lambda w: {"pk": w.objects["incident"].pk},
        rightful=["secretariat_a", "admin_a"],
        get_status=405,
        post=lambda w: {"status": "handled"},
        outsiders=[a for a in EVERYONE if a not in ("secretariat_a", "admin_a")],
        extra_outsiders=(("msu_a", {403}),),
    ),
    # Fee statements: the MSU's own and their faculty admin's; exports: the faculty admin's.
    "remuneration:statement": Route(
        kwargs=_statement_kwargs,
        rightful=["msu_a", "admin_a"],
        post_changes=False,
        outsiders=STAGE_OUTSIDERS,
    ),
    "remuneration:statement_download": Route(
        kwargs=lambda w: {**_statement_kwargs(w), "fmt": "pdf"},
        rightful=["msu_a", "admin_a"],
        post_changes=False,
        outsiders=STAGE_OUTSIDERS,
    ),
    "exports:status": Route(
        kwargs=lambda w: {"pk": w.objects["export"].pk},
        rightful=["admin_a"],
        post_changes=False,
        outsiders=STAGE_OUTSIDERS,
    ),
    "exports:download": Route(
        kwargs=lambda w: {"pk": w.objects["export"].pk},
        rightful=["admin_a"],
        post_changes=False,
        outsiders=STAGE_OUTSIDERS,
    ),
    "remuneration:export_status": Route(
        kwargs=lambda w: {"pk": w.objects["export"].pk},
        rightful=["admin_a"],
        post_changes=False,
        outsiders=STAGE_OUTSIDERS,
    ),
    "remuneration:export_download": Route(
        kwargs=lambda w: {"pk": w.objects["export"].pk},
        rightful=["admin_a"],
        post_changes=False,
        outsiders=STAGE_OUTSIDERS,
    ),
    # Obligations: the MSU's own attestation and their faculty's staff; the faculty's meetings
    # and MSU pages, its secretariat and admin; the coordinators, its admin.
    "applications:specialty_coordinators": Route(
        kwargs=lambda w: {"faculty_pk": w.objects["faculty_a"].pk},
        rightful=["admin_a"],
        post=lambda w: {"specialty": "orl", "name": "Pr Modèle", "email": "orl@example.org"},
        outsiders=STAGE_OUTSIDERS,
    ),
    "obligations:attestation": Route(
        kwargs=lambda w: {"pk": w.objects["attestation"].pk},
        rightful=["msu_a", "secretariat_a", "admin_a"],
        post_changes=False,
        outsiders=OBLIGATION_OUTSIDERS,
    ),
    "obligations:msu": Route(
        kwargs=lambda w: {"pk": w.objects["msu_a"].pk},
        rightful=["secretariat_a", "admin_a"],
        post_changes=False,
        outsiders=OBLIGATION_OUTSIDERS,
    ),
    "obligations:meeting": Route(
        kwargs=lambda w: {"pk": w.objects["meeting"].pk},
        rightful=["secretariat_a", "admin_a"],
        post=lambda w: {"attendees": [w.objects["msu_a"].pk]},
        outsiders=OBLIGATION_OUTSIDERS,
    ),
    # A payment line marked paid: the faculty admin's only (the MSU reads it on the statement).
    "remuneration:payment_line_paid": Route(
        kwargs=lambda w: {"pk": w.objects["payment_line"].pk},
        rightful=["admin_a"],
        get_status=405,
        post=lambda w: {
            f"l{w.objects['payment_line'].pk}-paid_on": timezone.localdate().isoformat(),
            f"l{w.objects['payment_line'].pk}-reference": "MANDAT-2026-001",
        },
        outsiders=STAGE_OUTSIDERS,
        extra_outsiders=(("msu_a", {403, 404}),),
    ),
    # A payment recorded by mistake, cancelled: the faculty admin's only, like its marking.
    "remuneration:payment_line_cancel": Route(
        kwargs=lambda w: {"pk": w.objects["paid_line"].pk},
        rightful=["admin_a"],
        get_status=405,
        post=lambda w: {f"a{w.objects['paid_line'].pk}-reason": "Mauvaise ligne cochée"},
        outsiders=STAGE_OUTSIDERS,
        extra_outsiders=(("msu_a", {403, 404}),),
    ),
    # The background page (faculty admins): "Réessayer maintenant"
    "background:retry_notification": Route(
        kwargs=lambda w: {"pk": w.objects["stuck_email"].pk},
        rightful=["admin_a"],
        get_status=405,
        outsiders=STAGE_OUTSIDERS,
    ),
    "background:retry_document": Route(
        kwargs=lambda w: {"pk": w.objects["stuck_document"].pk},
        rightful=["admin_a"],
        get_status=405,
        outsiders=STAGE_OUTSIDERS,
    ),
}


def _outsiders(route):
    """(actor, allowed statuses) for one route; the anonymous is handled on its own."""
    if route.outsiders is not None:
        names = route.outsiders
    else:
        names = OUTSIDERS + (FACULTY_STAFF if route.doctor_only else [])
    cases = [(name, {403, 404}) for name in names]
    return cases + list(route.extra_outsiders)


CASES = [
    pytest.param(name, actor, method, allowed, id=f"{name.split(':')[1]}-{actor}-{method}")
    for name, route in ROUTES.items()
    for actor, allowed in _outsiders(route)
    for method in ("get", "post")
]


# --- Helpers ----------------------------------------------------------------------------------


def _int_routes():
    """{route name: converter names} for every route with an int parameter, from the resolver."""
    found = {}

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern):
                converters = getattr(entry.pattern, "converters", {})
                ints = {k for k, v in converters.items() if isinstance(v, IntConverter)}
                if ints:
                    found[f"{namespace}{entry.name}"] = set(converters)

    walk(get_resolver().url_patterns, "")
    return found


def _login(client, world, actor):
    if actor != "anonymous":
        client.force_login(world.users[actor])


def _request(client, world, name, method):
    route = ROUTES[name]
    url = reverse(name, kwargs=route.kwargs(world))
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, route.post(world))
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # close the file
    return url, response


# --- The tests --------------------------------------------------------------------------------


def test_every_int_route_is_in_the_matrix(world):
    routes = _int_routes()
    assert routes, "the resolver walk found no route with an <int:...> parameter"
    missing = sorted(set(routes) - set(ROUTES))
    assert not missing, f"routes with an object id missing from ROUTES: {missing}"
    stale = sorted(set(ROUTES) - set(routes))
    assert not stale, f"ROUTES lists routes that no longer take an int: {stale}"
    for name, route in ROUTES.items():
        assert set(route.kwargs(world)) == routes[name], name


@pytest.mark.parametrize(("name", "actor", "method", "allowed"), CASES)
def test_outsiders_are_refused_and_change_nothing(client, world, name, actor, method, allowed):
    _login(client, world, actor)
    files = stored_files(world)
    url, response = _request(client, world, name, method)
    if actor == "anonymous":
        assert response.status_code == 302, (url, response.status_code)
        assert response.url.startswith(reverse("accounts:login")), (url, response.url)
    else:
        if method == "get" and ROUTES[name].get_status == 405:
            allowed = allowed | {405}  # POST-only: refused to everybody alike, nothing shown
        assert response.status_code in allowed, (url, actor, method, response.status_code)
    # Each test starts from the state built for the module (the previous one was rolled back).
    assert snapshot() == world.baseline, (url, actor, method)
    assert stored_files(world) == files, (url, actor, method)


RIGHTFUL_GETS = [
    pytest.param(name, actor, id=f"{name.split(':')[1]}-{actor}")
    for name, route in ROUTES.items()
    for actor in route.rightful
]


@pytest.mark.parametrize(("name", "actor"), RIGHTFUL_GETS)
def test_the_rightful_actor_reaches_the_page(client, world, name, actor):
    _login(client, world, actor)
    url, response = _request(client, world, name, "get")
    assert response.status_code == ROUTES[name].get_status, (url, actor, response.status_code)
    if response.status_code == 302:
        assert not response.url.startswith(reverse("accounts:login")), response.url
        if ROUTES[name].redirects_to:
            assert response.url == ROUTES[name].redirects_to(world), response.url
        else:
            assert response.url.startswith(url.split("reprendre/")[0]), response.url


RIGHTFUL_POSTS = [
    pytest.param(name, route.rightful[0], id=f"{name.split(':')[1]}-{route.rightful[0]}")
    for name, route in ROUTES.items()
    if route.post_changes
]


@pytest.mark.parametrize(("name", "actor"), RIGHTFUL_POSTS)
def test_the_same_post_by_the_rightful_actor_takes_effect(client, world, name, actor):
    """The form data of the matrix is valid: refused only because of who sends it."""
    _login(client, world, actor)
    assert snapshot() == world.baseline
    url, response = _request(client, world, name, "post")
    assert response.status_code == 302, (url, response.status_code)
    assert snapshot() != world.baseline, url


@pytest.mark.parametrize("actor", [a for a in EVERYONE if a != "anonymous"])
@pytest.mark.parametrize("name", ["exports:status", "exports:download"])
def test_a_queue_export_is_read_by_its_faculty_staff_only(client, world, name, actor):
    """The secretariat's export of the queue: its faculty's secretariat and admin read it;
    the other faculty, the doctors, the visitors and the commission get a 404."""
    _login(client, world, actor)
    response = client.get(reverse(name, args=[world.objects["queue_export"].pk]))
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    expected = 200 if actor in ("secretariat_a", "admin_a") else 404
    assert response.status_code == expected, (name, actor, response.status_code)
    if expected == 200:
        assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert snapshot() == world.baseline
