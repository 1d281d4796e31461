"""Load the reference organisations (faculties, ARS, UPPs) from fixtures/organisations.json,
and the dated fee rates from fixtures/fee_rates.json.

Idempotent: run it as often as you like; rows are matched by kind and name.
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import FacultySettings, Organisation
from remuneration.models import FeeRate
from remuneration.reference import load_fee_rates

Kind = Organisation.Kind


class Command(BaseCommand):
    help = "Charge les organisations de référence (facultés, ARS, UPP)."

    @transaction.atomic
    def handle(self, *args, **options):
        data = json.loads((settings.BASE_DIR / "fixtures" / "organisations.json").read_text())
        ars = {}
        for row in data["ars"]:
            ars[row["name"]], _ = Organisation.objects.update_or_create(
                kind=Kind.ARS, name=row["name"], defaults={"subdivision": ""}
            )
        faculties = {}
        for row in data["faculties"]:
            faculty, _ = Organisation.objects.update_or_create(
                kind=Kind.FACULTY,
                name=row["name"],
                defaults={"subdivision": row["subdivision"], "ars": ars[row["ars"]]},
            )
            FacultySettings.objects.get_or_create(faculty=faculty)
            faculties[row["name"]] = faculty
        for row in data["upps"]:
            faculty = faculties[row["faculty"]]
            Organisation.objects.update_or_create(
                kind=Kind.UPP,
                name=row["name"],
                defaults={"parent": faculty, "subdivision": faculty.subdivision},
            )
        rates = load_fee_rates(FeeRate)
        if options["verbosity"]:
            self.stdout.write(
                f"{len(ars)} ARS, {len(faculties)} facultés, {len(data['upps'])} UPP, "
                f"{rates} tarifs chargés."
            )
