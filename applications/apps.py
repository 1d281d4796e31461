from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "Dossiers d'agrément"

    def ready(self):
        from . import signals  # noqa: F401
