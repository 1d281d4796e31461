"""Demo dossiers spread over every state of the lifecycle, so that each demo account has
something to do. Every dossier walks through the real services (no status set by hand); the
steps of the past are taken on their own day (`on`), so that every date a page shows, its
history included, tells the same story.

All people are fictional; addresses are on example.org.
"""

import contextlib
import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Organisation, User

from . import rpps, selectors, services
from .minimal_pdf import pdf_bytes
from .models import Application, Doctor, MemberOpinion, PracticeSite, Review, SiteVisit
from .uploads import check_upload
from .workflow import Status

PASSWORD = "demo-msu-2026"

# The open session's two other members (commission@example.org presides it).
OTHER_MEMBERS = [
    ("agathe.vasseur@example.org", "Agathe", "Vasseur"),
    ("marc.lefevre@example.org", "Marc", "Lefèvre"),
]

# (e-mail, first name, last name, levels, state to reach, UPP name)
DOSSIERS = [
    ("lucas.garnier", "Lucas", "Garnier", ["externe"], Status.SUBMITTED, "UPP Montpellier"),
    # Sent back for a signed CV and resubmitted: "what changed" opens the CV first sent.
    ("chloe.bernard", "Chloé", "Bernard", ["niveau_1"], "resubmitted", "UPP Béziers"),
    ("hugo.lambert", "Hugo", "Lambert", ["externe", "niveau_1"], Status.INCOMPLETE, "UPP Nîmes"),
    ("manon.roux", "Manon", "Roux", ["saspas"], Status.ADMISSIBLE, "UPP Perpignan"),
    ("nathan.girard", "Nathan", "Girard", ["niveau_1"], Status.VISIT_SCHEDULED, "UPP Narbonne"),
    ("lea.fontaine", "Léa", "Fontaine", ["externe"], Status.VISIT_SCHEDULED, "UPP Montpellier"),
    ("theo.chevalier", "Théo", "Chevalier", ["externe", "saspas"], Status.VISIT_DONE, "UPP Nîmes"),
    ("camille.perrin", "Camille", "Perrin", ["niveau_1"], "commission_open", "UPP Béziers"),
    ("jules.mercier", "Jules", "Mercier", ["externe", "niveau_1"], "commission_open", None),
    ("ines.blanc", "Inès", "Blanc", ["niveau_1", "saspas"], "awaiting_decision", None),
    ("louis.guerin", "Louis", "Guérin", ["externe", "niveau_1"], Status.DECIDED, None),
    ("sarah.faure", "Sarah", "Faure", ["externe"], Status.WITHDRAWN, None),
    ("adam.rousseau", "Adam", "Rousseau", ["externe", "niveau_1"], "renewable", None),
]


def demo_account(email, first_name, last_name, **extra):
    """A confirmed, active account with the demo password (reset on every load)."""
    user, _ = User.objects.get_or_create(email=email)
    user.first_name, user.last_name = first_name, last_name
    user.is_active = True
    user.email_confirmed_at = user.email_confirmed_at or timezone.now()
    for key, value in extra.items():
        setattr(user, key, value)
    user.set_password(PASSWORD)
    user.save()
    return user


def _doctor(user, faculty, upp, index):
    doctor, _ = Doctor.objects.get_or_create(user=user)
    doctor.civility = Doctor.Civility.DR_MME if index % 2 else Doctor.Civility.DR_M
    doctor.rpps = rpps.with_check_digit(f"{1000900000 + index:010d}")  # fictional, valid key
    doctor.specialty = Doctor.Specialty.GENERAL_PRACTICE
    doctor.degree_date = datetime.date(2008 + index % 5, 10, 1)
    doctor.registered_with_ordre = True
    doctor.installation_date = datetime.date(2012 + index % 5, 1, 1)
    doctor.exercise_mode = Doctor.ExerciseMode.LIBERAL
    doctor.faculty = faculty
    doctor.upp = upp
    doctor.training_completed_on = datetime.date(2019, 5, 1)
    doctor.save()
    if not doctor.sites.exists():
        PracticeSite.objects.create(
            doctor=doctor,
            kind=PracticeSite.Kind.MSP,
            name=f"Maison de santé n° {index + 1}",
            address=f"{index + 3} avenue de l'Exemple",
            postal_code="34000",
            commune="Montpellier",
            zonage=PracticeSite.Zonage.ZIP if index % 3 == 0 else PracticeSite.Zonage.NONE,
            is_main=True,
        )
    return doctor


def _submitted(doctor, levels):
    user = doctor.user
    application = services.start_application(doctor, user)
    for name, value in {
        "practice_description": "Maison de santé de quatre médecins et deux infirmières.",
        "patient_mix": "Patientèle familiale, pédiatrie et gériatrie.",
        "coordination": "Réunions pluriprofessionnelles mensuelles.",
        "supervision_time": "Une heure de reprise chaque soir.",
        "student_room": True,
        "student_computer": True,
        "commit_training": True,
        "commit_charter": True,
        "commit_insurer": True,
        "certify_accuracy": True,
    }.items():
        setattr(application, name, value)
    application.save()
    services.set_levels(application, user, levels)
    for piece in selectors.missing_pieces(Application.objects.get(pk=application.pk)):
        upload = demo_pdf(piece.label, PIECE_FILES.get(piece.value))
        services.attach_document(application, user, piece, upload, check_upload(upload))
    services.submit(application, user)
    return Application.objects.get(pk=application.pk)


# The names a doctor would give the pieces' files (never the code of their kind).
PIECE_FILES = {
    "cv": "curriculum-vitae.pdf",
    "no_conviction": "attestation-absence-condamnation.pdf",
    "insurance": "attestation-assurance-rcp.pdf",
    "training": "attestation-formation-pedagogique.pdf",
}


def demo_pdf(label, name=None):
    """A placeholder PDF titled as its piece (« Curriculum vitae (démonstration) ») and named
    as a doctor would name it (`name`, else the label's first words)."""
    label = str(label)
    name = name or slugify(" ".join(label.split()[:4])) + ".pdf"
    return SimpleUploadedFile(name, pdf_bytes(f"{label} (démonstration)"))


def at_hour(moment, hour):
    """`moment`'s day at `hour` o'clock (Paris): a meeting or a visit is set at a round hour,
    not at the minute the demo was loaded."""
    day = timezone.localdate(moment) if isinstance(moment, datetime.datetime) else moment
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@contextlib.contextmanager
def on(moment):
    """The demo's steps at `moment`: events, notifications and documents dated that day.
    (time-machine, a development dependency like the demo itself: `make run`, never the image.)"""
    import time_machine

    with time_machine.travel(moment, tick=False):
        yield


# Dossiers left waiting long enough to be flagged in the queue: months since they were sent.
WAITING_MONTHS = {"chloe.bernard": 3, "hugo.lambert": 7}
# A visit made yesterday, its report still to write (the others are to come): its dossier's
# steps are taken a week and its index of days before today, the visit falling a day ago.
VISIT_DUE = {"nathan.girard"}
# States reached through a visit already made: their instruction began this long ago.
VISITED = {Status.VISIT_DONE, "commission_open", "renewable", "awaiting_decision", Status.DECIDED}


def _fresh(application):
    return Application.objects.get(pk=application.pk)


def grant_every_level(app, secretariat, decided_on):
    """Record a favourable decision on `decided_on` for each level the dossier asks."""
    for level in app.requested_levels.all():
        services.record_decision(
            _fresh(app),
            level,
            secretariat,
            decided_on=decided_on,
            reference=f"ARR-{decided_on:%Y}-{level.pk:04d}",
            granted=True,
        )


def _early_steps(doctor, levels, state, index, secretariat, visitor):
    """A dossier that stops before its visit: sent, maybe sent back or answered, withdrawn,
    declared admissible or with its visit to come."""
    user = doctor.user
    app = _submitted(doctor, levels)
    if state == Status.INCOMPLETE:
        services.request_complements(
            app,
            secretariat,
            "L'attestation d'assurance est celle de l'an dernier : merci d'envoyer "
            "l'attestation en cours de validité.",
            timezone.localdate() + datetime.timedelta(days=21),
            ["piece:insurance"],
        )
    elif state == "resubmitted":
        services.request_complements(
            app,
            secretariat,
            "Le CV n'est pas signé : merci d'envoyer une version signée.",
            timezone.localdate() + datetime.timedelta(days=21),
            ["piece:cv"],
        )
        upload = SimpleUploadedFile("cv-signe.pdf", pdf_bytes("CV signé"))
        services.attach_document(_fresh(app), user, "cv", upload, check_upload(upload))
        services.submit(_fresh(app), user)
    elif state == Status.WITHDRAWN:
        services.withdraw(app, user, "Départ du cabinet prévu cette année.")
    elif state in (Status.ADMISSIBLE, Status.VISIT_SCHEDULED):
        services.declare_admissible(_fresh(app), secretariat)
        if state == Status.VISIT_SCHEDULED:
            services.schedule_visit(
                _fresh(app),
                secretariat,
                at_hour(timezone.now() + datetime.timedelta(days=7 + index), 9 + index % 8),
                [visitor],
            )


def load_instruction_demo(faculty):
    if Application.objects.filter(doctor__user__email__startswith="lucas.garnier").exists():
        return  # already loaded
    secretariat = User.objects.get(email="secretariat@example.org")
    visitor = User.objects.get(email="visiteur@example.org")
    member = User.objects.get(email="commission@example.org")
    others = [User.objects.get(email=email) for email, *_rest in OTHER_MEMBERS]
    upps = {u.name: u for u in Organisation.objects.filter(kind=Organisation.Kind.UPP)}
    now = timezone.now()
    open_session = closed_session = None

    for index, (login, first, last, levels, state, upp) in enumerate(DOSSIERS):
        user = demo_account(f"{login}@example.org", first, last)
        doctor = _doctor(user, faculty, upps.get(upp), index)
        if state in VISITED:
            # Sent six weeks before its commission (or before today), visited two weeks before.
            anchor = _commission_time(state, now)
            with on(anchor - datetime.timedelta(days=45, hours=index)):
                app = _submitted(doctor, levels)
            with on(anchor - datetime.timedelta(days=40, hours=index)):
                services.declare_admissible(_fresh(app), secretariat)
                visited_on = at_hour(
                    anchor - datetime.timedelta(days=20 - index % 10), 9 + index % 8
                )
                services.schedule_visit(_fresh(app), secretariat, visited_on, [visitor])
            with on(visited_on + datetime.timedelta(days=1)):
                services.record_visit(
                    _fresh(app),
                    visitor,
                    {field: True for field, _label in SiteVisit.CHECKLIST},
                    "Locaux adaptés, bureau et poste dédiés à l'étudiant, équipe motivée.",
                    "favourable",
                )
        else:
            with contextlib.ExitStack() as past:
                if login in WAITING_MONTHS:
                    past.enter_context(
                        on(now - datetime.timedelta(days=30 * WAITING_MONTHS[login]))
                    )
                if login in VISIT_DUE:  # _early_steps plans the visit 7 + index days ahead
                    past.enter_context(on(now - datetime.timedelta(days=8 + index)))
                _early_steps(doctor, levels, state, index, secretariat, visitor)
            continue
        if state == Status.VISIT_DONE:
            continue
        if state == "commission_open":
            # The open session, meeting today (the president records the commission's opinion
            # from the session's day): three members, Paul Commissaire presiding; Marc Lefèvre
            # has read the dossiers and given his opinions, the two others not yet.
            open_session = open_session or services.create_session(
                faculty,
                secretariat,
                at_hour(now, 9),
                "Salle du conseil",
                [member, *others],
                president=member,
            )
            item = services.add_to_agenda(open_session, _fresh(app), secretariat)
            for level in item.levels.all():
                services.give_opinion(
                    open_session,
                    level,
                    others[1],
                    MemberOpinion.Opinion.FAVOURABLE,
                )
            continue
        meets_at = anchor
        if state == "renewable" or closed_session is None:
            with on(meets_at - datetime.timedelta(days=30)):
                session = services.create_session(
                    faculty, secretariat, meets_at, "Salle du conseil", [member]
                )
            if state != "renewable":
                closed_session = session
        else:
            session = closed_session
        with on(meets_at - datetime.timedelta(days=5)):
            item = services.add_to_agenda(session, _fresh(app), secretariat)
        with on(meets_at + datetime.timedelta(hours=1)):
            for level in item.levels.all():
                services.give_opinion(session, level, member, MemberOpinion.Opinion.FAVOURABLE)
                services.record_commission_opinion(
                    session, level, member, Review.Opinion.FAVOURABLE
                )
        if state == "awaiting_decision":
            continue
        session.refresh_from_db()
        if not session.is_closed:
            with on(meets_at + datetime.timedelta(hours=2)):
                services.record_attendance(session, secretariat, {member.pk: "present"})
                services.close_session(session, secretariat)
        if state == "renewable":  # an agrément granted 4.7 years ago, in its last six months
            decided_at = meets_at + datetime.timedelta(days=20)
            with on(decided_at):
                grant_every_level(app, secretariat, timezone.localdate(decided_at))
        else:
            grant_every_level(app, secretariat, timezone.localdate())


def _commission_time(state, now):
    """When the commission of a dossier in `state` meets (now, for one still to come)."""
    if state == "renewable":
        return at_hour(now - datetime.timedelta(days=int(365.25 * 4.7) + 20), 14)
    if state in ("awaiting_decision", Status.DECIDED):
        return at_hour(now - datetime.timedelta(days=2), 14)
    return at_hour(now, 14)


def load_agrement_life_demo(faculty):
    """The agrément after its decision (run after the stages demo, whose MSUs it uses):
    Bastien Leroy moved to a new main site and the secretariat re-examines his agréments (the
    visit is scheduled); Claire Dumas declared a new main site too, the review is proposed to
    the secretariat (its home page and her agrément's page)."""
    from .models import Agrement, Reexamination

    secretariat = User.objects.get(email="secretariat@example.org")
    visitor = User.objects.get(email="visiteur@example.org")
    bastien = Doctor.objects.filter(user__email="bastien.leroy@example.org").first()
    claire = Doctor.objects.filter(user__email="claire.dumas@example.org").first()
    if bastien is None or Application.objects.filter(kind=Application.Kind.REVIEW).exists():
        return  # no stages demo, or already loaded
    today = timezone.localdate()
    for doctor, site in (
        (
            bastien,
            PracticeSite(
                kind=PracticeSite.Kind.MSP,
                name="Maison de santé des Cévennes",
                address="4 avenue de l'Exemple",
                postal_code="30170",
                commune="Saint-Hippolyte-du-Fort",
            ),
        ),
        (
            claire,
            PracticeSite(
                kind=PracticeSite.Kind.GROUP,
                name="Cabinet du Lez",
                address="18 quai de l'Exemple",
                postal_code="34970",
                commune="Lattes",
            ),
        ),
    ):
        services.change_main_site(
            doctor, doctor.user, site, today - datetime.timedelta(days=20), today=today
        )
    review = services.open_review(
        list(Agrement.objects.filter(doctor=bastien, review_proposed_at__isnull=False)),
        secretariat,
        Reexamination.Cause.SITE_CHANGE,
        "Nouveau lieu de stage : une visite est nécessaire avant l'avis de la commission.",
    )
    services.schedule_visit(
        Application.objects.get(pk=review.pk),
        secretariat,
        at_hour(timezone.now() + datetime.timedelta(days=9), 10),
        [visitor],
    )
