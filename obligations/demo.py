"""Demo obligations for `make run`: the demo MSUs' attestations and UPP meetings (Bastien Leroy
behind on continuing training, Claire Dumas on the charter), an MSU associé of Hélène Marchand
at the MSP des Arceaux, and the coordinating professors of three specialties. Everything
goes through the services; all people and addresses are fictional."""

import datetime

from django.utils import timezone

from accounts.models import Organisation, User
from applications import services as instruction
from applications.demo import _doctor, demo_account, demo_pdf, on
from applications.models import Application, Doctor, PracticeSite, SpecialtyCoordinator
from applications.uploads import check_upload
from stages import services as stage_services
from stages.demo import _commission_day, _granted, current_semester_start
from stages.models import Offer, Period

from . import services
from .models import Attestation

BODY = "Organisme fictif de formation des MSU"
COORDINATORS = [
    ("pediatrie", "Pr Jeanne Exemple", "coordination.pediatrie@example.org"),
    ("dermatologie", "Pr Luc Fictif", "coordination.dermatologie@example.org"),
    ("psychiatrie", "Pr Alice Modèle", "coordination.psychiatrie@example.org"),
]


def _attest(doctor, kind, done_on):
    upload = demo_pdf(Attestation.Kind(kind).label)
    services.add_attestation(
        doctor,
        doctor.user,
        kind,
        done_on,
        "" if kind == Attestation.Kind.CHARTER else BODY,
        upload,
        check_upload(upload),
    )


def _days_ago(today, days):
    return today - datetime.timedelta(days=days)


def load_obligations_demo(faculty, today=None):
    if Attestation.objects.filter(doctor__user__email="msu@example.org").exists():
        return  # already loaded
    today = today or timezone.localdate()
    secretariat = User.objects.get(email="secretariat@example.org")
    for specialty, name, email in COORDINATORS:
        SpecialtyCoordinator.objects.get_or_create(
            faculty=faculty, specialty=specialty, defaults={"name": name, "email": email}
        )
    helene = Doctor.objects.get(user__email="msu@example.org")
    bastien = Doctor.objects.get(user__email="bastien.leroy@example.org")
    claire = Doctor.objects.get(user__email="claire.dumas@example.org")

    # Initial training on the day their profiles give (their dossiers say so too).
    # Hélène: everything up to date.
    _attest(helene, "initial_training", helene.training_completed_on)
    _attest(helene, "charter", _days_ago(today, 790))
    _attest(helene, "continuing_training", _days_ago(today, 120))
    # Bastien: his last continuing training was fourteen months ago.
    _attest(bastien, "initial_training", bastien.training_completed_on)
    _attest(bastien, "charter", _days_ago(today, 1000))
    _attest(bastien, "continuing_training", _days_ago(today, 425))
    # Claire: her charter still to send.
    _attest(claire, "initial_training", claire.training_completed_on)

    upp = helene.upp or Organisation.objects.filter(kind="upp", parent=faculty).first()
    held = services.record_meeting(
        faculty, secretariat, upp, _days_ago(today, 45), "Groupe d'échange de pratiques"
    )
    present = [d for d in (helene, bastien, claire) if d.upp_id == upp.pk]
    services.record_attendance(held, secretariat, present)
    services.record_meeting(
        faculty, secretariat, upp, today + datetime.timedelta(days=30), "Bilan du semestre"
    )
    load_associate_demo(faculty, helene, today)
    services.refresh_all(today)


def load_associate_demo(faculty, msu, today):
    """Nora Vidal, a regular collaborator at Hélène Marchand's MSP des Arceaux, approved as
    her MSU associé for niveau 1, on a team of the current semester with her."""
    if Application.objects.filter(associate_msu=msu).exists():
        return
    admin = User.objects.get(email="admin@example.org")
    secretariat = User.objects.get(email="secretariat@example.org")
    visitor = User.objects.get(email="visiteur@example.org")
    member = User.objects.get(email="commission@example.org")
    user = demo_account("nora.vidal@example.org", "Nora", "Vidal")
    nora = _doctor(user, faculty, msu.upp, 47)
    site = msu.main_site
    PracticeSite.objects.filter(doctor=nora).update(
        name=site.name,
        address=site.address,
        postal_code=site.postal_code,
        commune=site.commune,
        zonage=site.zonage,
    )
    # Granted before the current semester, so that she may sit on its team; her dossier
    # begun the day before it was sent (stages.demo dates each step).
    decided_on = current_semester_start(today) - datetime.timedelta(days=30)
    with on(_commission_day(decided_on) - datetime.timedelta(days=46)):
        draft = instruction.start_application(nora, user)
        draft.associate_role = Application.AssociateRole.COLLABORATOR
        draft.associate_msu = msu
        draft.co_msus = f"Dr {msu} (MSU agréée de la structure)"
        draft.save()
    _granted(nora, ["niveau_1"], decided_on, secretariat, visitor, member, faculty)
    period = Period.objects.filter(
        faculty=faculty, kind=Period.Kind.SEMESTER, start=current_semester_start(today)
    ).first()
    if period and not Offer.objects.filter(period=period, team__doctor=nora).exists():
        stage_services.create_offer(
            period,
            admin,
            "niveau_1",
            "MSP des Arceaux — niveau 1 (avec la MSU associée)",
            [
                stage_services.MemberInput(doctor=msu, half_days=5, referent=True),
                stage_services.MemberInput(doctor=nora, half_days=4),
            ],
            upp=msu.upp,
        )
