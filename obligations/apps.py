from django.apps import AppConfig


class ObligationsConfig(AppConfig):
    name = "obligations"
    verbose_name = "Obligations des MSU"

    def ready(self):
        from . import kinds  # noqa: F401  (registers the export of the MSUs behind)
