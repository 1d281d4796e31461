"""Demo data for `make run`: one account per role, all fictional (example.org addresses).

Idempotent: accounts are matched by e-mail and their password is reset to the demo one.
"""

import datetime

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from accounts.models import Membership, Organisation
from accounts.two_factor import set_up_demo_device
from applications import services
from applications.demo import (
    OTHER_MEMBERS,
    demo_account,
    load_agrement_life_demo,
    load_instruction_demo,
)
from applications.models import Doctor, PracticeSite
from obligations.demo import load_obligations_demo
from reports.demo import load_reports_demo
from stages.demo import load_stages_demo
from stages.demo_followup import load_followup_demo
from stages.levels import StageLevel

FACULTY = "Faculté de médecine Montpellier-Nîmes"

STAFF = [
    ("secretariat@example.org", "Sophie", "Secrétaire", Membership.Role.SECRETARIAT),
    ("commission@example.org", "Paul", "Commissaire", Membership.Role.COMMISSION),
    ("admin@example.org", "Anne", "Administratrice", Membership.Role.FACULTY_ADMIN),
    ("visiteur@example.org", "Victor", "Visiteur", Membership.Role.VISITOR),
    *((email, first, last, Membership.Role.COMMISSION) for email, first, last in OTHER_MEMBERS),
]


class Command(BaseCommand):
    help = "Charge les données de démonstration (un compte par rôle)."

    @transaction.atomic
    def handle(self, *args, **options):
        call_command("load_reference", verbosity=0)
        faculty = Organisation.objects.get(kind=Organisation.Kind.FACULTY, name=FACULTY)

        superuser = demo_account(
            "superuser@example.org", "Super", "Utilisateur", is_staff=True, is_superuser=True
        )
        # Staff sign in with a second factor: the demo accounts share the documented demo
        # secret (README), and `make run` shows their current code on the code page.
        set_up_demo_device(superuser)
        for email, first_name, last_name, role in STAFF:
            user = demo_account(email, first_name, last_name)
            Membership.objects.get_or_create(user=user, organisation=faculty, role=role)
            set_up_demo_device(user)

        user = demo_account("medecin@example.org", "Élise", "Morel")
        doctor, created = Doctor.objects.get_or_create(user=user)
        if created or not doctor.rpps:
            doctor.civility = Doctor.Civility.DR_MME
            doctor.rpps = "10001234565"  # fictional, passes the Luhn check
            doctor.specialty = Doctor.Specialty.GENERAL_PRACTICE
            doctor.degree_date = datetime.date(2012, 10, 15)
            doctor.registered_with_ordre = True
            doctor.installation_date = datetime.date(2015, 3, 1)
            doctor.exercise_mode = Doctor.ExerciseMode.LIBERAL
            doctor.faculty = faculty
            doctor.save()
            PracticeSite.objects.create(
                doctor=doctor,
                kind=PracticeSite.Kind.GROUP,
                name="Cabinet des Arceaux",
                address="12 rue de l'Exemple",
                postal_code="34000",
                commune="Montpellier",
                zonage=PracticeSite.Zonage.NONE,
                is_main=True,
            )
        if not doctor.applications.exists():
            application = services.start_application(doctor, user)
            application.practice_description = (
                "Cabinet de groupe de trois médecins généralistes, secrétariat sur place."
            )
            application.patient_mix = "Patientèle familiale, 20 % de plus de 75 ans."
            application.save()
            services.set_levels(application, user, [StageLevel.EXTERNE, StageLevel.NIVEAU_1])
        # The demo's e-mails (receipts, convocations, decisions) would flood the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            load_instruction_demo(faculty)
            load_stages_demo(faculty)
            load_followup_demo(faculty)
            load_obligations_demo(faculty)
            load_agrement_life_demo(faculty)
        load_reports_demo(faculty)
        self.stdout.write(
            "Comptes de démonstration (mot de passe « demo-msu-2026 ») : medecin@, "
            "msu@ (MSU avec étudiants, évaluations, relevés et obligations), nora.vidal@ (MSU "
            "associée), coordination.upp@ (coordinatrice "
            "d'UPP : les signalements), secretariat@, visiteur@, commission@ (président "
            "de la séance ouverte), agathe.vasseur@ et marc.lefevre@ (membres), admin@, "
            "superuser@example.org. Second facteur des comptes des équipes : secret de "
            "démonstration GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ (make run affiche le code à saisir)."
        )
