"""What the secretariat and the visitors record while instructing a dossier."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .dossier import Application, Document, private_storage


class ComplementRequest(models.Model):
    """The secretariat sends the dossier back to the doctor: what is wrong, and by when.

    `items` holds section slugs ("profil", "exercice", "niveaux", "engagements") and piece codes
    ("piece:cv"); the doctor may change only those. `snapshot` is the dossier as it stood when
    the request was made, so that the secretariat sees what the doctor changed (`changes`).
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="complement_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    message = models.TextField(_("message au médecin"))
    due_date = models.DateField(_("à fournir avant le"))
    items = models.JSONField(_("éléments à corriger"), default=list)
    snapshot = models.JSONField(default=dict, editable=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    changes = models.JSONField(default=list, editable=False)

    class Meta:
        verbose_name = _("demande de compléments")
        verbose_name_plural = _("demandes de compléments")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"Compléments {self.application.reference} ({self.requested_at:%d/%m/%Y})"

    @property
    def is_open(self):
        return self.answered_at is None


class ReplacedPiece(models.Model):
    """A piece the secretariat had seen, replaced or removed by the doctor while answering a
    complement request: the file is kept (moved here, not copied) so that "what changed" can
    still open the version the request was about. Purged with the dossier (retention)."""

    complement_request = models.ForeignKey(
        ComplementRequest, on_delete=models.CASCADE, related_name="replaced_pieces"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="replaced_pieces"
    )
    piece = models.CharField(_("pièce"), max_length=20, choices=Document.Piece.choices)
    file = models.FileField(storage=private_storage, max_length=255)
    original_name = models.CharField(_("nom du fichier envoyé"), max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()
    replaced_at = models.DateTimeField(default=timezone.now)
    removed = models.BooleanField(default=False)  # removed rather than replaced

    class Meta:
        verbose_name = _("version remplacée d'une pièce")
        verbose_name_plural = _("versions remplacées des pièces")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_piece_display()} ({self.original_name})"


def attachment_path(instance, filename):
    ext = PurePosixPath(filename).suffix.lower()
    return f"messages/{instance.application_id}/{uuid.uuid4().hex}{ext}"


class Message(models.Model):
    """The thread between the doctor and the secretariat of the dossier's faculty."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_doctor = models.BooleanField()
    body = models.TextField(_("message"))
    attachment = models.FileField(
        storage=private_storage, upload_to=attachment_path, max_length=255, blank=True
    )
    attachment_name = models.CharField(max_length=255, blank=True)
    attachment_type = models.CharField(max_length=50, blank=True)
    attachment_size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # Read by the other side (the secretariat for a doctor's message, and the reverse).
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Message {self.pk} ({self.application.reference})"


class StaffNote(models.Model):
    """A private note of the faculty's staff; the doctor never sees it."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="staff_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("note interne"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("note interne")
        verbose_name_plural = _("notes internes")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Note {self.pk} ({self.application.reference})"


class SiteVisit(models.Model):
    class Recommendation(models.TextChoices):
        FAVOURABLE = "favourable", _("Favorable")
        RESERVED = "reserved", _("Réservé")
        UNFAVOURABLE = "unfavourable", _("Défavorable")

    # The checklist of the visit report: (field, label), in the order of the form.
    CHECKLIST = [
        ("check_confidentiality", _("Confidentialité des consultations assurée")),
        ("check_safety", _("Sécurité des locaux")),
        ("check_room", _("Une pièce disponible pour l'étudiant")),
        ("check_computer", _("Un poste informatique pour l'étudiant")),
        ("check_patient_mix", _("Patientèle variée, propice à l'apprentissage")),
        ("check_coordination", _("Coordination pluriprofessionnelle effective")),
        ("check_supervision", _("Temps de supervision prévu et réaliste")),
    ]

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="visit")
    scheduled_for = models.DateTimeField(_("date et heure de la visite"))
    visitors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="site_visits", verbose_name=_("visiteurs")
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    check_confidentiality = models.BooleanField(default=False)
    check_safety = models.BooleanField(default=False)
    check_room = models.BooleanField(default=False)
    check_computer = models.BooleanField(default=False)
    check_patient_mix = models.BooleanField(default=False)
    check_coordination = models.BooleanField(default=False)
    check_supervision = models.BooleanField(default=False)
    report = models.TextField(_("compte rendu"), blank=True)
    recommendation = models.CharField(
        _("avis"), max_length=15, choices=Recommendation.choices, blank=True
    )
    reported_at = models.DateTimeField(null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("visite du lieu de stage")
        verbose_name_plural = _("visites des lieux de stage")

    def __str__(self):
        return f"Visite {self.application.reference} ({self.scheduled_for:%d/%m/%Y})"

    @property
    def report_opens_on(self):
        """The visit's day: its report is written from then on, not before."""
        return timezone.localdate(self.scheduled_for)

    @property
    def report_is_open(self):
        return self.reported_at is None and timezone.localdate() >= self.report_opens_on

    @property
    def report_to_come(self):
        """Not reported, and its day not come yet: no form to offer."""
        return self.reported_at is None and timezone.localdate() < self.report_opens_on

    @property
    def checklist(self):
        return [(label, getattr(self, field)) for field, label in self.CHECKLIST]
