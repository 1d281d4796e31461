"""One row per file a user asked for: which list (`kind`, see `exports.registry`), with which
filters (`params`), in which format; built in the background, kept the faculty's
`retention_export_days`, then deleted with its file by the retention job."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from applications.models.dossier import private_storage


def export_path(instance, filename):
    return f"exports/{instance.faculty_id}/{uuid.uuid4().hex}-{filename}"


# The faculty setting's default (accounts.FacultySettings.retention_export_days);
# request_export sets the faculty's own.
DEFAULT_RETENTION_DAYS = 7


def default_expiry():
    return timezone.now() + datetime.timedelta(days=DEFAULT_RETENTION_DAYS)


class Export(models.Model):
    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"
        ODS = "ods", "ODS"

    class State(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Prêt")
        FAILED = "failed", _("Échec")

    kind = models.CharField(_("liste"), max_length=30)
    params = models.JSONField(_("filtres"), default=dict, blank=True)
    faculty = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("faculté")
    )
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.PENDING)
    done = models.PositiveIntegerField(_("lignes écrites"), default=0)
    total = models.PositiveIntegerField(_("lignes en tout"), default=0)
    file = models.FileField(
        storage=private_storage, upload_to=export_path, max_length=255, blank=True
    )
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=default_expiry)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["faculty", "kind", "-requested_at"]),
            models.Index(fields=["state", "requested_at"]),
            models.Index(fields=["expires_at"]),
        ]

    def __str__(self):
        return f"{self.kind} {self.faculty} ({self.format})"

    @property
    def spec(self):
        from .registry import get

        return get(self.kind)

    @property
    def kind_label(self):
        return self.spec.label

    @property
    def description(self):
        """The list and its filters in French, e.g. « Registre des agréments — niveau 1 »."""
        return self.spec.describe(self.params)

    @property
    def percent(self):
        return int(100 * self.done / self.total) if self.total else 0

    def count_label(self, n):
        return self.spec.count_label(n)

    @property
    def total_label(self):
        return self.spec.count_label(self.total)

    @property
    def filename(self):
        return self.spec.filename(self)
