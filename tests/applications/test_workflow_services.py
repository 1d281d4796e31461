"""The instruction services, action by action: who may do what in which state (read from
workflow.TRANSITIONS, so that a new row is tested without touching this file), and what each
action changes or refuses — complement requests, messages, visits, commission, decisions,
withdrawal and renewal."""

import datetime
from dataclasses import dataclass, field

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import FacultySettings, Membership, User
from applications import selectors, services
from applications.dates import add_months
from applications.models import (
    Agrement,
    Application,
    CommissionSession,
    ComplementRequest,
    Decision,
    Doctor,
    Document,
    Event,
    MemberOpinion,
    Message,
    Review,
    SiteVisit,
)
from applications.services import WorkflowError
from applications.uploads import check_upload
from applications.workflow import (
    CLOSED,
    COMMISSION,
    DOCTOR,
    FACULTY_ADMIN,
    SECRETARIAT,
    TRANSITIONS,
    VISITOR,
    Action,
    Status,
)
from tests.factories import ApplicationFactory, DoctorFactory, StaffFactory
from tests.files import pdf_upload
from tests.workflow_helpers import (
    Staff,
    advance,
    attach_required_pieces,
    close_meeting,
    conclude,
    make_staff,
    past_session,
    submitted_application,
)

pytestmark = pytest.mark.django_db

Role = Membership.Role
Piece = Document.Piece

RIGHTS = "Vous n'avez pas le droit d'effectuer cette action sur ce dossier."
ONLY_SECRETARIAT_CLOSES = "Seuls le secrétariat et le président de séance closent une séance."
THREAD_ONLY = "Seuls le médecin et le secrétariat échangent des messages ici."
NOT_ASKED = (
    "Le secrétariat n'a pas demandé de modifier cette partie du dossier : elle reste telle que "
    "vous l'avez transmise."
)
CV_LABEL = "Curriculum vitae"
NIVEAU_1_LABEL = "Niveau 1 — stage chez le praticien (phase socle)"


# --- Helpers ---------------------------------------------------------------------------------


def today():
    return timezone.localdate()


def in_days(n):
    return today() + datetime.timedelta(days=n)


def fresh(application):
    return Application.objects.get(pk=application.pk)


def observable(application):
    """What a user sees change on the dossier: its state, its version, its timeline."""
    app = fresh(application)
    return app.status, app.version, app.events.count()


def upload_piece(application, user, piece, name):
    uploaded = pdf_upload(name)
    return services.attach_document(application, user, piece, uploaded, check_upload(uploaded))


def new_session(staff, members=None, days=-1, president=None):
    """A session meeting in `days` days (yesterday by default: it can be closed today)."""
    return services.create_session(
        staff.faculty,
        staff.secretariat,
        timezone.now() + datetime.timedelta(days=days),
        "Salle du conseil",
        members or [staff.commission],
        president=president,
    )


def give_all(session, application, member, opinion=Review.Opinion.FAVOURABLE, reason=""):
    """The commission's opinion (recorded by the secretariat) on every level examined."""
    conclude(session, application, member, opinion, reason)


def close(session, staff):
    close_meeting(session, staff.secretariat)


def level_of(application, code):
    return fresh(application).requested_levels.get(level=code)


def decide(application, staff, code, granted=True, **kwargs):
    kwargs.setdefault("decided_on", today())
    kwargs.setdefault("reference", f"ARR-2026-{code}")
    if not granted:
        kwargs.setdefault("reason", "Locaux inadaptés à l'accueil d'un étudiant.")
    return services.record_decision(
        fresh(application),
        level_of(application, code),
        staff.secretariat,
        granted=granted,
        **kwargs,
    )


def messages_of(excinfo):
    return excinfo.value.messages


@dataclass
class World:
    """A faculty with its staff, the dossier's doctor, and people who have no business with
    the dossier: another doctor, another faculty's staff, a visitor not sent to this visit and
    a commission member not sitting in this session."""

    staff: Staff
    doctor: Doctor
    other_doctor: Doctor
    other_faculty: Staff
    unassigned_visitor: User
    off_session_member: User


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """A dozen accounts per test: the production hasher would make this file take minutes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world():
    staff = make_staff()
    return World(
        staff=staff,
        doctor=DoctorFactory(faculty=staff.faculty),
        other_doctor=DoctorFactory(faculty=staff.faculty),
        other_faculty=make_staff(),
        unassigned_visitor=StaffFactory(role=(Role.VISITOR, staff.faculty)),
        off_session_member=StaffFactory(role=(Role.COMMISSION, staff.faculty)),
    )


@pytest.fixture
def staff(world):
    return world.staff


# --- The transition table, row by row ---------------------------------------------------------

# name: (the workflow role this person holds on the dossier, or None; how to find them)
ACTORS = {
    "doctor": (DOCTOR, lambda w: w.doctor.user),
    "another_doctor": (None, lambda w: w.other_doctor.user),
    "secretariat": (SECRETARIAT, lambda w: w.staff.secretariat),
    "secretariat_of_another_faculty": (None, lambda w: w.other_faculty.secretariat),
    "assigned_visitor": (VISITOR, lambda w: w.staff.visitor),
    "unassigned_visitor": (None, lambda w: w.unassigned_visitor),
    "commission_member_on_the_session": (COMMISSION, lambda w: w.staff.commission),
    "commission_member_not_on_the_session": (None, lambda w: w.off_session_member),
    "faculty_admin": (FACULTY_ADMIN, lambda w: w.staff.admin),
}
ACTOR_OF_ROLE = {role: name for name, (role, _find) in ACTORS.items() if role}


@dataclass
class Case:
    world: World
    app: Application
    session: CommissionSession | None = None
    extra: dict = field(default_factory=dict)


def build(world, status):
    """A dossier of world.doctor in `status`, walked there through the services."""
    staff = world.staff
    if status == Status.DRAFT:
        app = ApplicationFactory(doctor=world.doctor, levels=["externe", "niveau_1"])
        attach_required_pieces(app)
    elif status == Status.WITHDRAWN:
        app = submitted_application(staff, doctor=world.doctor)
        services.withdraw(app, world.doctor.user)
    elif status == Status.IN_COMMISSION:
        app = submitted_application(staff, doctor=world.doctor)
        app = advance(app, staff, Status.IN_COMMISSION, opinions=False)
    else:
        app = submitted_application(staff, doctor=world.doctor)
        if status != Status.SUBMITTED:
            app = advance(app, staff, status)
    app = fresh(app)
    assert app.status == status
    return Case(world, app, selectors.current_session(app))


# Preparation an action needs besides the dossier's state, done before the "before" picture.


def prepare_agenda(case):
    case.session = new_session(case.world.staff)


def prepare_postponement(case):
    """Every level postponed, attendance taken: closing the session postpones the dossier."""
    if case.session is None or case.session.is_closed:
        case.session = new_session(case.world.staff)
    if case.app.status == Status.IN_COMMISSION:
        give_all(
            case.session,
            case.app,
            case.world.staff.secretariat,
            Review.Opinion.POSTPONED,
            "Visite à refaire.",
        )
    services.record_attendance(
        case.session,
        case.world.staff.secretariat,
        {m.pk: "present" for m in case.session.members.all()},
    )


def prepare_decisions(case):
    """Opinions given, session closed, every level decided but the last one."""
    if case.app.status == Status.IN_COMMISSION:
        staff = case.world.staff
        give_all(case.session, case.app, staff.secretariat)
        close(case.session, staff)
        levels = list(case.app.requested_levels.all())
        for level in levels[:-1]:
            decide(case.app, staff, level.level)


PREPARE = {
    Action.SEND_TO_COMMISSION: prepare_agenda,
    Action.POSTPONE: prepare_postponement,
    Action.RECORD_DECISIONS: prepare_decisions,
}


def do_request_complements(case, user):
    services.request_complements(
        fresh(case.app), user, "Merci de joindre un CV signé.", in_days(15), ["piece:cv"]
    )


def do_schedule_visit(case, user):
    services.schedule_visit(
        fresh(case.app),
        user,
        timezone.now() + datetime.timedelta(days=10),
        [case.world.staff.visitor],
    )


def do_record_visit(case, user):
    visit = SiteVisit.objects.filter(application=case.app).first()
    when = visit.scheduled_for + datetime.timedelta(hours=2) if visit else timezone.now()
    with time_machine.travel(when):  # the visit's day
        services.record_visit(
            fresh(case.app),
            user,
            {"check_confidentiality": True, "check_safety": True},
            "Cabinet lumineux, bureau dédié à l'étudiant.",
            SiteVisit.Recommendation.FAVOURABLE,
        )


def do_record_decision(case, user):
    app = fresh(case.app)
    services.record_decision(
        app,
        list(app.requested_levels.all())[-1],
        user,
        decided_on=today(),
        reference="ARR-2026-0042",
        granted=True,
    )


# How each action of the table is taken through the services.
SERVICE = {
    Action.SUBMIT: lambda case, user: services.submit(fresh(case.app), user),
    Action.RESUBMIT: lambda case, user: services.submit(fresh(case.app), user),
    Action.REQUEST_COMPLEMENTS: do_request_complements,
    Action.DECLARE_ADMISSIBLE: lambda case, user: services.declare_admissible(
        fresh(case.app), user
    ),
    Action.SCHEDULE_VISIT: do_schedule_visit,
    Action.RECORD_VISIT: do_record_visit,
    Action.SEND_TO_COMMISSION: lambda case, user: services.add_to_agenda(
        case.session, fresh(case.app), user
    ),
    Action.POSTPONE: lambda case, user: services.close_session(case.session, user),
    Action.RECORD_DECISIONS: do_record_decision,
    Action.WITHDRAW: lambda case, user: services.withdraw(fresh(case.app), user),
    # Only a review dossier opens (services.open_review creates it and takes this action, see
    # tests/applications/test_agrement_review.py): on any other dossier the table refuses it.
    Action.OPEN_REVIEW: lambda case, user: services.transition(
        services.lock(fresh(case.app)), Action.OPEN_REVIEW, user
    ),
}
# submit() takes SUBMIT from a draft and RESUBMIT from a dossier sent back: the same call.
SAME_CALL = {Action.SUBMIT: Action.RESUBMIT, Action.RESUBMIT: Action.SUBMIT}


def test_every_action_of_the_table_has_a_service():
    assert set(SERVICE) == set(Action)
    for moves in TRANSITIONS.values():
        for _target, roles in moves.values():
            assert roles <= set(ACTOR_OF_ROLE), roles


ALLOWED = [
    pytest.param(state, action, role, id=f"{state}-{action}-{role}")
    for state, moves in TRANSITIONS.items()
    for action, (_target, roles) in moves.items()
    for role in sorted(roles)
]
REFUSED_ACTORS = [
    pytest.param(state, action, name, id=f"{state}-{action}-{name}")
    for state, moves in TRANSITIONS.items()
    for action, (_target, roles) in moves.items()
    for name, (role, _find) in ACTORS.items()
    if role not in roles
]
NOT_IN_TABLE = [
    pytest.param(state, action, id=f"{state}-{action}")
    for state in Status
    for action in Action
    if action not in TRANSITIONS.get(state, {})
    and SAME_CALL.get(action) not in TRANSITIONS.get(state, {})
]


@pytest.mark.parametrize(("state", "action", "role"), ALLOWED)
def test_the_allowed_role_moves_the_dossier_along_the_table(world, state, action, role):
    case = build(world, state)
    PREPARE.get(action, lambda case: None)(case)
    user = ACTORS[ACTOR_OF_ROLE[role]][1](world)
    before = fresh(case.app)
    events_before = set(before.events.values_list("pk", flat=True))

    SERVICE[action](case, user)

    after = fresh(case.app)
    expected = TRANSITIONS[state][action][0]
    assert after.status == expected
    assert after.version == before.version + 1
    assert after.status_changed_at > before.status_changed_at
    new_events = after.events.exclude(pk__in=events_before)
    assert [(e.action, e.from_status, e.to_status, e.actor) for e in new_events] == [
        (action, state, expected, user)
    ]


@pytest.mark.parametrize(("state", "action", "actor"), REFUSED_ACTORS)
def test_any_other_person_is_refused_in_french_and_nothing_changes(world, state, action, actor):
    case = build(world, state)
    PREPARE.get(action, lambda case: None)(case)
    before = observable(case.app)

    with pytest.raises(WorkflowError) as excinfo:
        SERVICE[action](case, ACTORS[actor][1](world))

    assert messages_of(excinfo) in ([RIGHTS], [ONLY_SECRETARIAT_CLOSES])
    assert observable(case.app) == before


@pytest.mark.parametrize(("state", "action"), NOT_IN_TABLE)
def test_an_action_the_table_does_not_offer_is_refused_to_everyone(world, state, action):
    case = build(world, state)
    PREPARE.get(action, lambda case: None)(case)
    label = Status(state).label
    for name, (_role, find) in ACTORS.items():
        before = observable(case.app)
        if action == Action.POSTPONE:
            # Postponing is no call of its own: closing a session simply leaves alone a
            # dossier that is not in commission.
            try:
                SERVICE[action](case, find(world))
            except WorkflowError:
                pass
        else:
            with pytest.raises(WorkflowError) as excinfo:
                SERVICE[action](case, find(world))
            # The refusal says why: the dossier's current state, in French.
            assert f"« {label} »" in str(excinfo.value), (name, str(excinfo.value))
        assert observable(case.app) == before, name


def test_an_action_prepared_on_an_older_page_is_refused(world):
    case = build(world, Status.SUBMITTED)
    seen = case.app.version
    services.withdraw(fresh(case.app), world.doctor.user)  # while the secretariat reads it
    before = observable(case.app)
    with pytest.raises(WorkflowError) as excinfo:
        services.declare_admissible(fresh(case.app), world.staff.secretariat, expected_version=seen)
    assert messages_of(excinfo) == [str(services.STALE)]
    assert observable(case.app) == before


# --- Complement requests ----------------------------------------------------------------------


@pytest.fixture
def submitted(world):
    return submitted_application(world.staff, doctor=world.doctor)


def test_complement_request_sends_the_dossier_back_and_tells_the_doctor(
    world, submitted, django_capture_on_commit_callbacks
):
    due = in_days(15)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_complements(
            fresh(submitted), world.staff.secretariat, "Le CV n'est pas signé.", due, ["piece:cv"]
        )

    assert fresh(submitted).status == Status.INCOMPLETE
    request = ComplementRequest.objects.get(application=submitted)
    assert (request.items, request.due_date, request.message) == (
        ["piece:cv"],
        due,
        "Le CV n'est pas signé.",
    )
    assert request.is_open
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [world.doctor.user.email]
    assert submitted.reference in email.subject
    assert f"Pièce : {CV_LABEL}" in email.body
    assert due.strftime("%d/%m/%Y") in email.body
    assert "Le CV n'est pas signé." in email.body


@pytest.fixture
def sent_back(world, submitted):
    services.request_complements(
        fresh(submitted),
        world.staff.secretariat,
        "Le CV n'est pas signé.",
        in_days(15),
        ["piece:cv"],
    )
    return fresh(submitted)


def test_doctor_replaces_the_piece_asked_and_the_answer_lists_the_change(world, sent_back):
    user = world.doctor.user
    upload_piece(sent_back, user, Piece.CV, "cv-signe-2026.pdf")
    assert sent_back.documents.get(piece=Piece.CV).original_name == "cv-signe-2026.pdf"

    services.submit(fresh(sent_back), user)

    assert fresh(sent_back).status == Status.SUBMITTED
    request = ComplementRequest.objects.get(application=sent_back)
    assert request.answered_at is not None
    assert not request.is_open
    assert any("cv-signe-2026.pdf" in change and CV_LABEL in change for change in request.changes)
    assert Event.objects.filter(application=sent_back, action=Action.RESUBMIT).count() == 1


def test_doctor_cannot_touch_what_the_secretariat_did_not_ask(world, sent_back):
    user = world.doctor.user
    insurance = sent_back.documents.get(piece=Piece.INSURANCE)
    before = observable(sent_back)

    with pytest.raises(WorkflowError) as excinfo:
        services.save_step(fresh(sent_back), user, section="profil")
    assert messages_of(excinfo) == [NOT_ASKED]
    with pytest.raises(WorkflowError) as excinfo:
        services.set_levels(fresh(sent_back), user, ["externe"])
    assert messages_of(excinfo) == [NOT_ASKED]
    with pytest.raises(WorkflowError) as excinfo:
        upload_piece(sent_back, user, Piece.INSURANCE, "assurance-2027.pdf")
    assert messages_of(excinfo) == [NOT_ASKED]

    assert observable(sent_back) == before
    assert fresh(sent_back).levels == ["externe", "niveau_1"]
    assert sent_back.documents.get(piece=Piece.INSURANCE) == insurance
    assert insurance.original_name == "insurance.pdf"


@pytest.mark.parametrize(
    ("message", "due", "items", "error"),
    [
        pytest.param(
            "Le CV n'est pas signé.",
            15,
            [],
            "Indiquez au moins une pièce ou une partie du dossier à corriger.",
            id="no-items",
        ),
        pytest.param(
            "   ",
            15,
            ["piece:cv"],
            "Écrivez au médecin ce qui manque ou doit être corrigé.",
            id="empty-message",
        ),
        pytest.param(
            "Le CV n'est pas signé.",
            -1,
            ["piece:cv"],
            "La date limite doit être postérieure à aujourd'hui.",
            id="past-due-date",
        ),
        pytest.param(
            "Le CV n'est pas signé.",
            0,
            ["piece:cv"],
            "La date limite doit être postérieure à aujourd'hui.",
            id="due-today",
        ),
        pytest.param(
            "Le CV n'est pas signé.",
            366,
            ["piece:cv"],
            "La date limite tombe dans l'année : le "
            f"{timezone.localdate() + datetime.timedelta(days=365):%d/%m/%Y} au plus tard.",
            id="due-in-more-than-a-year",
        ),
    ],
)
def test_bad_complement_request_is_refused_and_changes_nothing(
    world, submitted, message, due, items, error, django_capture_on_commit_callbacks
):
    before = observable(submitted)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(WorkflowError) as excinfo:
            services.request_complements(
                fresh(submitted), world.staff.secretariat, message, in_days(due), items
            )
    assert messages_of(excinfo) == [error]
    assert observable(submitted) == before
    assert not ComplementRequest.objects.filter(application=submitted).exists()
    assert mail.outbox == []


# --- Messages between the doctor and the secretariat ------------------------------------------


def test_doctor_message_is_mailed_to_the_secretariat_of_the_faculty_only(
    world, submitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.post_message(
            fresh(submitted), world.doctor.user, "  Mon CV signé arrive demain.  "
        )
    assert message.from_doctor
    assert message.body == "Mon CV signé arrive demain."
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.staff.secretariat.email]
    assert submitted.reference in mail.outbox[0].subject


def test_secretariat_message_is_mailed_to_the_doctor(
    world, submitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.post_message(
            fresh(submitted), world.staff.secretariat, "Pensez à signer votre CV."
        )
    assert not message.from_doctor
    assert [email.to for email in mail.outbox] == [[world.doctor.user.email]]


def test_reading_the_thread_marks_only_the_other_sides_messages(world, submitted):
    from_doctor = services.post_message(fresh(submitted), world.doctor.user, "Bonjour.")
    from_secretariat = services.post_message(
        fresh(submitted), world.staff.secretariat, "Bonjour docteur."
    )

    assert services.mark_thread_read(fresh(submitted), world.doctor.user) == 1
    from_doctor.refresh_from_db()
    from_secretariat.refresh_from_db()
    assert from_secretariat.read_at is not None
    assert from_doctor.read_at is None

    assert services.mark_thread_read(fresh(submitted), world.staff.secretariat) == 1
    from_doctor.refresh_from_db()
    assert from_doctor.read_at is not None


@pytest.mark.parametrize(
    "actor",
    [
        "assigned_visitor",
        "commission_member_on_the_session",
        "secretariat_of_another_faculty",
        "another_doctor",
    ],
)
def test_people_outside_the_thread_cannot_post_nor_mark_read(
    world, actor, django_capture_on_commit_callbacks
):
    case = build(world, Status.IN_COMMISSION)  # the visitor and the member both hold a role
    services.post_message(fresh(case.app), world.doctor.user, "Une question sur la visite.")
    user = ACTORS[actor][1](world)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(WorkflowError) as excinfo:
            services.post_message(fresh(case.app), user, "Je peux répondre ?")
    assert messages_of(excinfo) == [THREAD_ONLY]
    assert Message.objects.filter(application=case.app).count() == 1
    assert mail.outbox == []
    assert services.mark_thread_read(fresh(case.app), user) == 0
    assert Message.objects.get(application=case.app).read_at is None


def test_no_message_on_a_draft(world):
    case = build(world, Status.DRAFT)
    with pytest.raises(WorkflowError) as excinfo:
        services.post_message(fresh(case.app), world.doctor.user, "Bonjour.")
    assert messages_of(excinfo) == ["La messagerie s'ouvre quand le dossier est transmis."]
    assert not Message.objects.filter(application=case.app).exists()


def test_empty_message_is_refused(world, submitted):
    with pytest.raises(WorkflowError) as excinfo:
        services.post_message(fresh(submitted), world.doctor.user, " \n ")
    assert messages_of(excinfo) == ["Le message est vide."]
    assert not Message.objects.filter(application=submitted).exists()


# --- Site visit -------------------------------------------------------------------------------


@pytest.fixture
def admissible(world, submitted):
    return advance(submitted, world.staff, Status.ADMISSIBLE)


ONE_OR_TWO = "Choisissez un visiteur (enseignant du DUMG) ou un binôme de deux visiteurs."
VISITOR_ROLE = "Les visiteurs doivent avoir le rôle de visiteur dans votre faculté."
FUTURE = "La visite doit être programmée à une date future."


@pytest.mark.parametrize(
    ("visitors", "hours", "error"),
    [
        pytest.param(lambda w: [w.other_faculty.visitor], 240, VISITOR_ROLE, id="other-faculty"),
        pytest.param(lambda w: [w.staff.commission], 240, VISITOR_ROLE, id="no-visitor-role"),
        pytest.param(lambda w: [], 240, ONE_OR_TWO, id="nobody"),
        pytest.param(
            lambda w: [
                w.staff.visitor,
                w.unassigned_visitor,
                StaffFactory(role=(Role.VISITOR, w.staff.faculty)),
            ],
            240,
            ONE_OR_TWO,
            id="three-visitors",
        ),
        pytest.param(lambda w: [w.staff.visitor], -2, FUTURE, id="past-date"),
        pytest.param(
            lambda w: [w.staff.visitor],
            24 * 366,
            "La visite se programme dans l'année : le "
            f"{timezone.localdate() + datetime.timedelta(days=365):%d/%m/%Y} au plus tard.",
            id="in-more-than-a-year",
        ),
    ],
)
def test_bad_visit_planning_is_refused_and_changes_nothing(
    world, admissible, visitors, hours, error, django_capture_on_commit_callbacks
):
    before = observable(admissible)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(WorkflowError) as excinfo:
            services.schedule_visit(
                fresh(admissible),
                world.staff.secretariat,
                timezone.now() + datetime.timedelta(hours=hours),
                visitors(world),
            )
    assert messages_of(excinfo) == [error]
    assert observable(admissible) == before
    assert not SiteVisit.objects.filter(application=admissible).exists()
    assert mail.outbox == []


def test_planned_visit_is_mailed_to_the_doctor_and_to_both_visitors(
    world, admissible, django_capture_on_commit_callbacks
):
    when = timezone.now() + datetime.timedelta(days=12)
    pair = [world.staff.visitor, world.unassigned_visitor]
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_visit(fresh(admissible), world.staff.secretariat, when, pair)

    date = timezone.localtime(when).strftime("%d/%m/%Y")
    # One e-mail per recipient (each one a notification of their own).
    by_recipients = {tuple(email.to): email for email in mail.outbox}
    assert len(mail.outbox) == 3
    assert set(by_recipients) == {(world.doctor.user.email,), *((v.email,) for v in pair)}
    to_doctor = by_recipients[(world.doctor.user.email,)]
    assert date in to_doctor.subject
    for visitor in pair:
        assert visitor.get_full_name() in to_doctor.body
        to_visitor = by_recipients[(visitor.email,)]
        assert admissible.reference in to_visitor.subject
        assert date in to_visitor.subject


@pytest.fixture
def visit_planned(world, submitted):
    return advance(submitted, world.staff, Status.VISIT_SCHEDULED)


@pytest.mark.parametrize(
    ("who", "report", "recommendation", "error"),
    [
        pytest.param(
            "unassigned_visitor", "Cabinet adapté.", "favourable", RIGHTS, id="unassigned-visitor"
        ),
        pytest.param(
            "assigned_visitor",
            "  ",
            "favourable",
            "Rédigez le compte rendu de la visite.",
            id="no-report",
        ),
        pytest.param(
            "assigned_visitor",
            "Cabinet adapté.",
            "",
            "Choisissez un avis : favorable, réservé ou défavorable.",
            id="no-recommendation",
        ),
    ],
)
def test_bad_visit_report_is_refused_and_changes_nothing(
    world, visit_planned, who, report, recommendation, error
):
    before = observable(visit_planned)
    with pytest.raises(WorkflowError) as excinfo:
        services.record_visit(
            fresh(visit_planned),
            ACTORS[who][1](world),
            {"check_room": True},
            report,
            recommendation,
        )
    assert messages_of(excinfo) == [error]
    assert observable(visit_planned) == before
    visit = SiteVisit.objects.get(application=visit_planned)
    assert (visit.report, visit.recommendation, visit.reported_at, visit.check_room) == (
        "",
        "",
        None,
        False,
    )


def test_a_visit_report_cannot_be_recorded_before_the_visit_day(world, visit_planned):
    visit = SiteVisit.objects.get(application=visit_planned)
    before = observable(visit_planned)
    day_before = visit.scheduled_for - datetime.timedelta(days=1)
    with time_machine.travel(day_before), pytest.raises(WorkflowError) as excinfo:
        services.record_visit(
            fresh(visit_planned), world.staff.visitor, {}, "Cabinet adapté.", "favourable"
        )
    visit_day = timezone.localtime(visit.scheduled_for)
    assert messages_of(excinfo) == [
        "Le rapport ne peut pas être enregistré avant la date de la visite "
        f"(le {visit_day:%d/%m/%Y})."
    ]
    assert observable(visit_planned) == before
    # On the day itself, a few hours before the planned time, it can (typed after the visit).
    with time_machine.travel(visit_day.replace(hour=7, minute=0)):
        services.record_visit(
            fresh(visit_planned), world.staff.visitor, {}, "Cabinet adapté.", "favourable"
        )
    assert fresh(visit_planned).status == Status.VISIT_DONE


def test_visit_report_is_stored_with_its_checklist(world, visit_planned):
    visit = SiteVisit.objects.get(application=visit_planned)
    with time_machine.travel(visit.scheduled_for + datetime.timedelta(hours=1)):
        services.record_visit(
            fresh(visit_planned),
            world.staff.visitor,
            {"check_room": True, "check_safety": True},
            "  Cabinet calme et bien équipé.  ",
            SiteVisit.Recommendation.RESERVED,
        )
    visit = SiteVisit.objects.get(application=visit_planned)
    assert visit.report == "Cabinet calme et bien équipé."
    assert visit.recommendation == SiteVisit.Recommendation.RESERVED
    assert (visit.check_room, visit.check_safety, visit.check_computer) == (True, True, False)
    assert visit.reported_by == world.staff.visitor


# --- Commission -------------------------------------------------------------------------------

ONLY_SECRETARIAT_CREATES = "Seul le secrétariat du DUMG crée les séances de commission."
MEMBERS_ROLE = "Les membres doivent avoir le rôle de membre de la commission."


@pytest.mark.parametrize(
    ("by", "members", "error"),
    [
        pytest.param(
            lambda w: w.staff.admin,
            lambda w: [w.staff.commission],
            ONLY_SECRETARIAT_CREATES,
            id="faculty-admin",
        ),
        pytest.param(
            lambda w: w.staff.commission,
            lambda w: [w.staff.commission],
            ONLY_SECRETARIAT_CREATES,
            id="commission-member",
        ),
        pytest.param(
            lambda w: w.other_faculty.secretariat,
            lambda w: [w.staff.commission],
            ONLY_SECRETARIAT_CREATES,
            id="other-faculty-secretariat",
        ),
        pytest.param(
            lambda w: w.staff.secretariat,
            lambda w: [w.staff.visitor],
            MEMBERS_ROLE,
            id="member-without-commission-role",
        ),
        pytest.param(
            lambda w: w.staff.secretariat,
            lambda w: [w.other_faculty.commission],
            MEMBERS_ROLE,
            id="member-of-another-faculty",
        ),
        pytest.param(
            lambda w: w.staff.secretariat,
            lambda w: [],
            "Choisissez au moins un membre de la commission.",
            id="no-member",
        ),
    ],
)
def test_bad_session_is_refused(world, by, members, error, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(WorkflowError) as excinfo:
            services.create_session(
                world.staff.faculty,
                by(world),
                timezone.now() + datetime.timedelta(days=20),
                "Salle du conseil",
                members(world),
            )
    assert messages_of(excinfo) == [error]
    assert not CommissionSession.objects.exists()
    assert mail.outbox == []


def test_session_members_are_convened(world, django_capture_on_commit_callbacks):
    members = [world.staff.commission, world.off_session_member]
    with django_capture_on_commit_callbacks(execute=True):
        session = new_session(world.staff, members=members, days=20, president=members[0])
    assert set(session.members.all()) == set(members)
    assert session.president == world.staff.commission
    assert sorted(m.to for m in mail.outbox) == sorted([m.email] for m in members)
    agenda_pdf = reverse("applications:session_agenda_pdf", args=[session.pk])
    for email in mail.outbox:
        assert timezone.localtime(session.meets_at).strftime("%d/%m/%Y") in email.subject
        assert f"L'ordre du jour (PDF) : {settings.SITE_URL}{agenda_pdf}" in email.body
        assert "Lieu : Salle du conseil." in email.body


def test_a_convocation_without_a_place_names_none(world, django_capture_on_commit_callbacks):
    """« Lieu : —. » read as a place called « — »."""
    with django_capture_on_commit_callbacks(execute=True):
        services.create_session(
            world.staff.faculty,
            world.staff.secretariat,
            timezone.now() + datetime.timedelta(days=20),
            "",
            [world.staff.commission],
        )
    (email,) = mail.outbox
    assert "Vous êtes convoqué(e)" in email.body and "Lieu" not in email.body
    assert "Lieu" not in email.alternatives[0][0]


def test_a_session_of_several_members_needs_its_president_among_them(world):
    members = [world.staff.commission, world.off_session_member]
    for president in (None, world.other_faculty.commission):
        with pytest.raises(WorkflowError) as excinfo:
            new_session(world.staff, members=members, president=president)
        assert messages_of(excinfo) == ["Désignez le président de séance parmi les membres."]
    assert not CommissionSession.objects.exists()


@pytest.fixture
def on_agenda(world):
    """A dossier asking externe and niveau 1, on the agenda of an open session (met yesterday,
    world.staff.commission its only member and president)."""
    return build(world, Status.IN_COMMISSION)


@pytest.mark.parametrize(
    ("who", "opinion", "reason", "error"),
    [
        pytest.param(
            lambda w: w.off_session_member,
            "favourable",
            "",
            "Seuls les membres de cette séance donnent un avis.",
            id="member-not-on-the-session",
        ),
        pytest.param(
            lambda w: w.staff.secretariat,
            "favourable",
            "",
            "Seuls les membres de cette séance donnent un avis.",
            id="secretariat",
        ),
        pytest.param(
            lambda w: w.staff.commission,
            "unfavourable",
            "  ",
            "Un avis défavorable doit être motivé.",
            id="unfavourable-without-reason",
        ),
        pytest.param(
            lambda w: w.staff.commission,
            "postponed",
            "Pas un avis de membre.",
            "Choisissez un avis : favorable, défavorable ou abstention.",
            id="a-member-does-not-postpone",
        ),
    ],
)
def test_bad_opinion_is_refused(world, on_agenda, who, opinion, reason, error):
    before = observable(on_agenda.app)
    with pytest.raises(WorkflowError) as excinfo:
        services.give_opinion(
            on_agenda.session, level_of(on_agenda.app, "externe"), who(world), opinion, reason
        )
    assert messages_of(excinfo) == [error]
    assert not MemberOpinion.objects.exists()
    assert observable(on_agenda.app) == before


def test_session_cannot_close_while_an_opinion_is_missing(world, on_agenda):
    services.record_commission_opinion(
        on_agenda.session,
        level_of(on_agenda.app, "externe"),
        world.staff.commission,
        Review.Opinion.FAVOURABLE,
    )
    services.record_attendance(
        on_agenda.session, world.staff.secretariat, {world.staff.commission.pk: "present"}
    )
    before = observable(on_agenda.app)
    with pytest.raises(WorkflowError) as excinfo:
        services.close_session(on_agenda.session, world.staff.secretariat)
    message = str(excinfo.value)
    assert message.startswith("Il manque l'avis de la commission pour :")
    assert on_agenda.app.reference in message
    assert NIVEAU_1_LABEL in message
    assert "2e cycle" not in message  # the level that has its opinion is not listed
    on_agenda.session.refresh_from_db()
    assert not on_agenda.session.is_closed
    assert observable(on_agenda.app) == before


def test_only_the_secretariat_or_the_president_closes_a_session(world, on_agenda):
    staff = world.staff
    session = new_session(
        staff,
        members=[staff.commission, world.off_session_member],
        president=world.off_session_member,
    )
    app = advance(
        submitted_application(staff), staff, Status.IN_COMMISSION, session=session, opinions=False
    )
    give_all(session, app, staff.secretariat)
    services.record_attendance(
        session, staff.secretariat, {m.pk: "present" for m in session.members.all()}
    )
    for user in (staff.commission, staff.admin, world.other_faculty.secretariat):
        with pytest.raises(WorkflowError) as excinfo:
            services.close_session(session, user)
        assert messages_of(excinfo) == [ONLY_SECRETARIAT_CLOSES]
    session.refresh_from_db()
    assert not session.is_closed
    services.close_session(session, world.off_session_member)  # the president
    session.refresh_from_db()
    assert session.closed_by == world.off_session_member


def test_opinions_are_fixed_once_the_session_is_closed(world, on_agenda):
    level = level_of(on_agenda.app, "externe")
    services.give_opinion(on_agenda.session, level, world.staff.commission, "favourable")
    give_all(on_agenda.session, on_agenda.app, world.staff.secretariat)
    close(on_agenda.session, world.staff)
    before = observable(on_agenda.app)
    for attempt in (
        lambda: services.give_opinion(
            on_agenda.session, level, world.staff.commission, "unfavourable", "Changement."
        ),
        lambda: services.record_commission_opinion(
            on_agenda.session, level, world.staff.commission, "unfavourable", "Changement."
        ),
        lambda: services.record_attendance(
            on_agenda.session, world.staff.secretariat, {world.staff.commission.pk: "absent"}
        ),
    ):
        with pytest.raises(WorkflowError) as excinfo:
            attempt()
        assert messages_of(excinfo) == ["La séance est close : les avis sont arrêtés."]
    review = Review.objects.get(requested_level=level)
    assert (review.opinion, review.reason) == (Review.Opinion.FAVOURABLE, "")
    assert MemberOpinion.objects.get(requested_level=level).opinion == "favourable"
    assert observable(on_agenda.app) == before


def test_an_opinion_can_change_until_the_session_closes(world, on_agenda):
    level = level_of(on_agenda.app, "externe")
    member = world.staff.commission
    services.give_opinion(on_agenda.session, level, member, "unfavourable", "Locaux exigus.")
    services.give_opinion(on_agenda.session, level, member, "favourable")
    mine = MemberOpinion.objects.get(requested_level=level, member=member)
    assert (mine.opinion, mine.reason) == ("favourable", "")
    events = Event.objects.filter(
        application=on_agenda.app, action__in=["member_opinion", "change_opinion"]
    )
    assert [(e.action, e.comment, e.internal) for e in events] == [
        ("member_opinion", "2e cycle (externes) : défavorable (Locaux exigus.)", True),
        ("change_opinion", "2e cycle (externes) : défavorable → favorable", True),
    ]
    assert [e.label for e in events] == [
        "Avis d'un membre de la commission",
        "Avis d'un membre modifié",
    ]


def test_a_dossier_with_every_level_postponed_goes_back_and_joins_the_next_session(
    world, on_agenda
):
    staff = world.staff
    # Another dossier on the same agenda, with favourable opinions: it stays in commission.
    neighbour = advance(
        submitted_application(staff, levels=("externe",)),
        staff,
        Status.IN_COMMISSION,
        session=on_agenda.session,
        opinions=False,
    )
    give_all(on_agenda.session, neighbour, staff.secretariat)
    give_all(
        on_agenda.session, on_agenda.app, staff.secretariat, "postponed", "Revoir le visiteur."
    )

    close(on_agenda.session, staff)

    assert fresh(on_agenda.app).status == Status.VISIT_DONE
    assert fresh(neighbour).status == Status.IN_COMMISSION
    event = Event.objects.get(application=on_agenda.app, action=Action.POSTPONE)
    assert (event.from_status, event.to_status, event.actor) == (
        Status.IN_COMMISSION,
        Status.VISIT_DONE,
        staff.secretariat,
    )
    with pytest.raises(WorkflowError):
        decide(on_agenda.app, staff, "externe")  # not in commission any more

    next_session = new_session(staff, days=0)
    item = services.add_to_agenda(next_session, fresh(on_agenda.app), staff.secretariat)
    assert sorted(item.levels.values_list("level", flat=True)) == ["externe", "niveau_1"]
    assert fresh(on_agenda.app).status == Status.IN_COMMISSION
    assert selectors.current_session(on_agenda.app) == next_session
    give_all(next_session, on_agenda.app, staff.secretariat)
    close(next_session, staff)
    decide(on_agenda.app, staff, "externe")
    decide(on_agenda.app, staff, "niveau_1")
    assert fresh(on_agenda.app).status == Status.DECIDED


def test_a_withdrawn_dossier_stays_withdrawn_when_its_session_closes(world, on_agenda):
    services.record_commission_opinion(
        on_agenda.session,
        level_of(on_agenda.app, "niveau_1"),
        world.staff.secretariat,
        "postponed",
        "Dossier incomplet.",
    )
    services.withdraw(fresh(on_agenda.app), world.doctor.user)
    close(on_agenda.session, world.staff)
    assert fresh(on_agenda.app).status == Status.WITHDRAWN


# --- Decisions --------------------------------------------------------------------------------


@pytest.fixture
def reviewed(world):
    """Favourable opinions on externe and niveau 1, session closed: awaiting the decisions.
    The commission met six years ago, so that past decisions (renewals) can follow it."""
    app = advance(
        submitted_application(world.staff, doctor=world.doctor),
        world.staff,
        "in_commission",
        session=past_session(world.staff, hours=6 * 365 * 24),
    )
    assert selectors.current_session(app).is_closed
    return app


def test_no_decision_before_the_session_is_closed(world):
    app = advance(
        submitted_application(world.staff, doctor=world.doctor),
        world.staff,
        Status.IN_COMMISSION,
        close=False,
    )
    before = observable(app)
    with pytest.raises(WorkflowError) as excinfo:
        decide(app, world.staff, "externe")
    assert messages_of(excinfo) == [
        "La commission doit avoir rendu son avis (séance close) avant la décision."
    ]
    assert observable(app) == before
    assert not Decision.objects.exists()


def test_a_level_is_decided_once(world, reviewed):
    decide(reviewed, world.staff, "externe")
    before = observable(reviewed)
    with pytest.raises(WorkflowError) as excinfo:
        decide(reviewed, world.staff, "externe", granted=False)
    assert messages_of(excinfo) == [
        "La décision pour « 2e cycle (externes) » est déjà enregistrée."
    ]
    assert observable(reviewed) == before
    assert Decision.objects.get().outcome == Decision.Outcome.GRANTED
    assert Agrement.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        pytest.param(
            {"decided_on": datetime.date.today() + datetime.timedelta(days=2)},
            "La date de la décision ne peut pas être dans le futur.",
            id="future-date",
        ),
        pytest.param(
            {"reference": "  "},
            "Indiquez la référence de l'arrêté ou de la décision.",
            id="no-reference",
        ),
        pytest.param(
            {"granted": False, "reason": ""},
            "Un refus doit être motivé.",
            id="refusal-without-reason",
        ),
        pytest.param(
            {"duration_years": 6},
            "La durée de l'agrément va de 1 à 5 ans dans votre faculté.",
            id="longer-than-the-faculty-allows",
        ),
    ],
)
def test_bad_decision_is_refused_and_changes_nothing(world, reviewed, kwargs, error):
    before = observable(reviewed)
    with pytest.raises(WorkflowError) as excinfo:
        decide(reviewed, world.staff, "externe", **kwargs)
    assert messages_of(excinfo) == [error]
    assert observable(reviewed) == before
    assert not Decision.objects.exists()
    assert not Agrement.objects.exists()


def test_duration_is_capped_by_the_faculty_setting(world, reviewed):
    FacultySettings.objects.create(faculty=world.staff.faculty, agrement_duration_years=3)
    with pytest.raises(WorkflowError) as excinfo:
        decide(reviewed, world.staff, "externe", duration_years=4)
    assert messages_of(excinfo) == ["La durée de l'agrément va de 1 à 3 ans dans votre faculté."]
    decide(reviewed, world.staff, "externe", decided_on=datetime.date(2026, 3, 1))
    assert Agrement.objects.get().valid_until == datetime.date(2029, 2, 28)


def test_granted_level_gives_a_five_year_agrement_from_the_decision_date(world, reviewed):
    decision = decide(
        reviewed, world.staff, "externe", decided_on=datetime.date(2026, 3, 1), reference=" UFR-12 "
    )
    agrement = Agrement.objects.get()
    assert agrement.decision == decision
    assert (agrement.doctor, agrement.application, agrement.level) == (
        world.doctor,
        fresh(reviewed),
        "externe",
    )
    assert (agrement.valid_from, agrement.valid_until) == (
        datetime.date(2026, 3, 1),
        datetime.date(2031, 2, 28),
    )
    assert agrement.reference == "UFR-12"


def test_a_shorter_duration_is_honoured(world, reviewed):
    decide(
        reviewed, world.staff, "niveau_1", decided_on=datetime.date(2026, 3, 1), duration_years=1
    )
    agrement = Agrement.objects.get()
    assert (agrement.valid_from, agrement.valid_until) == (
        datetime.date(2026, 3, 1),
        datetime.date(2027, 2, 28),
    )


def test_the_authority_follows_the_level(world, reviewed):
    decide(reviewed, world.staff, "externe")
    decide(reviewed, world.staff, "niveau_1")
    authorities = {a.level: a.authority for a in Agrement.objects.all()}
    assert authorities == {"externe": "ufr", "niveau_1": "ars"}
    assert {d.requested_level.level: d.authority for d in Decision.objects.all()} == authorities


def test_refused_level_creates_no_agrement(world, reviewed):
    decide(reviewed, world.staff, "niveau_1", granted=False, reason="Pas de bureau pour l'interne.")
    decision = Decision.objects.get()
    assert (decision.outcome, decision.reason) == (
        Decision.Outcome.REFUSED,
        "Pas de bureau pour l'interne.",
    )
    assert not Agrement.objects.exists()


def test_dossier_is_decided_with_its_last_level_and_the_doctor_gets_one_e_mail(
    world, reviewed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(reviewed, world.staff, "externe")
    assert fresh(reviewed).status == Status.IN_COMMISSION
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        decide(reviewed, world.staff, "niveau_1", granted=False, reason="Locaux inadaptés.")
    assert fresh(reviewed).status == Status.DECIDED
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [world.doctor.user.email]
    assert reviewed.reference in email.subject
    assert "Agrément accordé" in email.body
    assert "Agrément refusé" in email.body
    assert "Locaux inadaptés." in email.body


# --- Withdrawal -------------------------------------------------------------------------------

BEFORE_DECISION = [status for status in Status if status not in CLOSED]


@pytest.mark.parametrize("state", BEFORE_DECISION)
def test_doctor_may_withdraw_at_any_point_before_the_decision(world, state):
    # Read from the lifecycle (DESIGN.md), not from the table, so that this checks the table.
    case = build(world, state)
    services.withdraw(fresh(case.app), world.doctor.user, "Je déménage.")
    assert fresh(case.app).status == Status.WITHDRAWN
    assert Event.objects.get(application=case.app, action=Action.WITHDRAW).comment == "Je déménage."


def test_a_decided_dossier_cannot_be_withdrawn(world, reviewed):
    decide(reviewed, world.staff, "externe")
    decide(reviewed, world.staff, "niveau_1")
    before = observable(reviewed)
    with pytest.raises(WorkflowError) as excinfo:
        services.withdraw(fresh(reviewed), world.doctor.user)
    assert messages_of(excinfo) == ["Action impossible : le dossier est « Décidé »."]
    assert observable(reviewed) == before


@pytest.mark.parametrize("actor", ["secretariat", "faculty_admin", "another_doctor"])
def test_only_the_doctor_withdraws(world, submitted, actor):
    before = observable(submitted)
    with pytest.raises(WorkflowError) as excinfo:
        services.withdraw(fresh(submitted), ACTORS[actor][1](world))
    assert messages_of(excinfo) == [RIGHTS]
    assert observable(submitted) == before


# --- Renewal ----------------------------------------------------------------------------------

RENEWAL_NOT_YET = "Le renouvellement s'ouvre six mois avant la fin de validité de l'agrément."


def test_renewal_is_refused_without_an_agrement(world):
    with pytest.raises(WorkflowError) as excinfo:
        services.start_renewal(world.doctor, world.doctor.user)
    assert messages_of(excinfo) == [RENEWAL_NOT_YET]
    assert not Application.objects.filter(doctor=world.doctor).exists()


def test_renewal_is_refused_while_the_agrement_has_more_than_six_months_to_run(world, reviewed):
    # Ends in six months and a few days: not yet.
    decide(
        reviewed,
        world.staff,
        "externe",
        decided_on=add_months(today(), -54) + datetime.timedelta(days=5),
    )
    decide(reviewed, world.staff, "niveau_1")
    with pytest.raises(WorkflowError) as excinfo:
        services.start_renewal(world.doctor, world.doctor.user)
    assert messages_of(excinfo) == [RENEWAL_NOT_YET]
    assert list(Application.objects.filter(doctor=world.doctor)) == [fresh(reviewed)]


@pytest.fixture
def expiring(world):
    """Externe granted 4 years and 9 months ago (ends in three months); niveau 1 granted today."""
    app = advance(
        submitted_application(
            world.staff,
            doctor=world.doctor,
            practice_description="Maison de santé, quatre médecins et deux infirmières.",
            patient_mix="Patientèle familiale, nombreux enfants.",
            supervision_time="Une heure de reprise chaque soir.",
            max_students=2,
            pdsa=True,
        ),
        world.staff,
        Status.IN_COMMISSION,
        session=past_session(world.staff, hours=6 * 365 * 24),
    )
    decide(app, world.staff, "externe", decided_on=add_months(today(), -57))
    decide(app, world.staff, "niveau_1")
    return fresh(app)


def test_renewal_opens_a_prefilled_dossier_for_the_expiring_levels(world, expiring):
    renewal = services.start_renewal(world.doctor, world.doctor.user)

    renewal = fresh(renewal)
    assert renewal.pk != expiring.pk
    assert (renewal.kind, renewal.status, renewal.faculty) == (
        Application.Kind.RENEWAL,
        Status.DRAFT,
        expiring.faculty,
    )
    for name in ("practice_description", "patient_mix", "supervision_time", "max_students", "pdsa"):
        assert getattr(renewal, name) == getattr(expiring, name), name
    assert renewal.levels == ["externe"]
    assert Piece.ACTIVITY_REPORT in selectors.missing_pieces(renewal)
    assert Event.objects.get(application=renewal).comment == (
        f"Renouvellement du dossier {expiring.reference}"
    )


def test_only_the_doctor_renews(world, expiring):
    with pytest.raises(WorkflowError) as excinfo:
        services.start_renewal(world.doctor, world.staff.secretariat)
    assert messages_of(excinfo) == ["Seul le médecin titulaire peut renouveler ses agréments."]
    assert Application.objects.filter(kind=Application.Kind.RENEWAL).count() == 0


def test_the_home_page_says_a_renewal_is_asked_instead_of_to_renew(world, expiring, client):
    """After « Demander le renouvellement » and its transmission, the agrément still read only
    « renouvelable depuis le … », as if nothing had been asked."""
    client.force_login(world.doctor.user)
    assert "renouvelable depuis le" in client.get(reverse("home")).content.decode()
    renewal = services.start_renewal(world.doctor, world.doctor.user)
    attach_required_pieces(renewal)
    Application.objects.filter(pk=renewal.pk).update(  # the doctor ticks the commitments
        commit_training=True, commit_charter=True, commit_insurer=True, certify_accuracy=True
    )
    services.submit(fresh(renewal), world.doctor.user)
    home = client.get(reverse("home")).content.decode()
    assert "renouvelable depuis le" not in home
    assert "renouvellement demandé :" in home
    assert f'href="{reverse("applications:detail", args=[renewal.pk])}">{renewal.reference}' in home
