"""`manage.py health [--only beat,...]`: the checks of `/sante/`, for container probes that
have no web server (beat). Exit status 1 when a part is down."""

import sys

from django.core.management.base import BaseCommand

from background import health


class Command(BaseCommand):
    help = "Vérifie la base de données, la file des tâches, le stockage et le planificateur."

    def add_arguments(self, parser):
        parser.add_argument("--only", default="", help="parties à vérifier, séparées par virgule")

    def handle(self, *args, only="", **options):
        names = [name for name in only.split(",") if name] or None
        results = health.run(names)
        for _key, label, problem in results:
            self.stdout.write(f"{label} : {problem or 'disponible'}")
        if any(problem for _key, _label, problem in results):
            sys.exit(1)
