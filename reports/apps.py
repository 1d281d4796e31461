from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Rapports"

    def ready(self):
        from . import kinds  # noqa: F401  (registers the queue, register and directory exports)
