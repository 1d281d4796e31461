"""PDFs the portal produces (dossier, decision letter, the letter lifting a suspension,
commission agenda and minutes).

One row per document; each request bumps `requested_revision` and enqueues a build. A build
writes a new file and points the row at it only once it is complete, so the previous version
stays downloadable meanwhile. Builds are idempotent: a build whose revision is already built
does nothing (re-delivered task, two workers racing)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .dossier import private_storage


class GeneratedDocument(models.Model):
    class Kind(models.TextChoices):
        DOSSIER = "dossier", _("Dossier complet")
        # The same without the visit report, which the doctor's pages do not show either.
        DOSSIER_FOR_DOCTOR = "dossier_doctor", _("Dossier complet, copie du médecin")
        DECISION_LETTER = "decision_letter", _("Lettre de décision")
        AGENDA = "agenda", _("Ordre du jour de la commission")
        MINUTES = "minutes", _("Procès-verbal de la commission")
        LIFT_LETTER = "lift_letter", _("Lettre de levée de suspension")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # "dossier:12", "decision_letter:34", "agenda:5", "lift_letter:3": one per subject.
    subject_key = models.CharField(max_length=60, unique=True)
    application = models.ForeignKey(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="generated_documents",
    )
    decision = models.OneToOneField(
        "applications.Decision",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="letter",
    )
    # The act lifting a suspension, recorded on the agrément (no dossier decides it).
    suspension = models.OneToOneField(
        "applications.AgrementSuspension",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="lift_letter",
    )
    session = models.ForeignKey(
        "applications.CommissionSession",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="generated_documents",
    )
    requested_revision = models.PositiveIntegerField(default=0)
    requested_at = models.DateTimeField(default=timezone.now)
    built_revision = models.PositiveIntegerField(default=0)
    file = models.FileField(storage=private_storage, max_length=255, blank=True)
    pages = models.PositiveIntegerField(default=0)
    omitted = models.JSONField(default=list, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("document produit")
        verbose_name_plural = _("documents produits")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.subject_key}, v{self.built_revision})"

    @property
    def is_available(self):
        """A complete version exists (maybe not the latest requested)."""
        return self.built_revision > 0 and bool(self.file)

    @property
    def is_building(self):
        return self.requested_revision > self.built_revision
