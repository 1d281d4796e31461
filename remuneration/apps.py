from django.apps import AppConfig


class RemunerationConfig(AppConfig):
    name = "remuneration"
    verbose_name = "Rémunération"

    def ready(self):
        from . import export_kinds  # noqa: F401  (registers the payment file)
