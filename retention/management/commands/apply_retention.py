"""Apply the retention periods now, or with --dry-run list what would be deleted."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from retention import services

HEADINGS = {
    "accounts": "Comptes jamais confirmés",
    "decided": "Pièces de dossiers décidés",
    "withdrawn": "Dossiers retirés",
    "exports": "Exports des paiements",
    "students": "Adresses d'étudiants",
    "incidents": "Fils de signalements",
}


class Command(BaseCommand):
    help = "Supprime ce qui a dépassé sa durée de conservation (RGPD) ; --dry-run liste seulement."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="lister sans rien supprimer")
        parser.add_argument("--date", help="faire comme si nous étions ce jour (AAAA-MM-JJ)")

    def handle(self, *args, dry_run=False, date=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError(f"Date invalide : {date} (attendu AAAA-MM-JJ)") from error
        result = services.plan(today) if dry_run else services.apply(today)
        verb = "À supprimer" if dry_run else "Supprimé"
        for name, heading in HEADINGS.items():
            dues = getattr(result, name)
            self.stdout.write(f"{heading} : {len(dues)}")
            for due in dues:
                self.stdout.write(f"  - {verb} : {due.label} (échéance le {due.due_on:%d/%m/%Y})")
        if dry_run:
            self.stdout.write("Simulation : rien n'a été supprimé.")
