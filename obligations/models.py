"""What an MSU does for their agrément once granted (DOMAIN.md, « MSU obligations »): the
attestations they upload (initial and continuing training, the signed charter), the UPP
meetings the faculty records with who attended, and where each MSU stands on each obligation.

`ObligationStatus` is derived: `services.refresh` recomputes a doctor's rows from the rules of
`rules.py` after every change here, and the daily job recomputes every MSU's (an agrément
granted or ended meanwhile). The MSU's own page reads the rules directly, never these rows."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from applications.models import Doctor, private_storage
from audit.triggers import immutable


class Obligation(models.TextChoices):
    INITIAL_TRAINING = "initial_training", _("Formation pédagogique initiale")
    CONTINUING_TRAINING = "continuing_training", _("Formation continue des MSU")
    CHARTER = "charter", _("Charte pédagogique signée")
    UPP_MEETING = "upp_meeting", _("Réunions de l'UPP")
    TUTORING = "tutoring", _("Tutorat de portfolio")


def attestation_path(instance, filename):
    ext = PurePosixPath(filename).suffix.lower()
    return f"obligations/{instance.doctor_id}/{uuid.uuid4().hex}{ext}"


class Attestation(models.Model):
    """A proof the MSU uploads: a training attestation or the signed pedagogical charter."""

    class Kind(models.TextChoices):
        INITIAL_TRAINING = "initial_training", _("Attestation de formation pédagogique initiale")
        CONTINUING_TRAINING = "continuing_training", _("Attestation de formation continue")
        CHARTER = "charter", _("Charte pédagogique signée")

    doctor = models.ForeignKey(
        Doctor, on_delete=models.CASCADE, related_name="attestations", verbose_name=_("médecin")
    )
    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    done_on = models.DateField(_("date de la formation ou de la signature"))
    body = models.CharField(_("organisme de formation"), max_length=200, blank=True)
    file = models.FileField(storage=private_storage, upload_to=attestation_path, max_length=255)
    original_name = models.CharField(_("nom du fichier envoyé"), max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("attestation d'obligation")
        verbose_name_plural = _("attestations d'obligations")
        ordering = ["-done_on", "-pk"]
        indexes = [models.Index(fields=["doctor", "kind", "done_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.done_on:%d/%m/%Y})"


class UppMeeting(models.Model):
    """A meeting of a UPP, recorded by the faculty with the MSUs who attended."""

    faculty = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="upp_meetings",
        limit_choices_to={"kind": Organisation.Kind.FACULTY},
    )
    upp = models.ForeignKey(
        Organisation,
        verbose_name=_("UPP"),
        on_delete=models.PROTECT,
        related_name="meetings",
        limit_choices_to={"kind": Organisation.Kind.UPP},
    )
    held_on = models.DateField(_("date de la réunion"))
    title = models.CharField(_("objet de la réunion"), max_length=200)
    attendees = models.ManyToManyField(
        Doctor, verbose_name=_("MSU présents"), blank=True, related_name="upp_meetings"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("réunion d'UPP")
        verbose_name_plural = _("réunions d'UPP")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.upp} — {self.title} ({self.held_on:%d/%m/%Y})"


class ObligationStatus(models.Model):
    """Where one MSU stands on one obligation (derived, see the module's docstring).
    `due_on`: the date the obligation falls due next (None when nothing is due)."""

    doctor = models.ForeignKey(Doctor, on_delete=models.CASCADE, related_name="obligations")
    faculty = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    obligation = models.CharField(max_length=20, choices=Obligation.choices)
    last_done_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    computed_on = models.DateField()

    class Meta:
        verbose_name = _("état d'une obligation")
        verbose_name_plural = _("états des obligations")
        constraints = [
            models.UniqueConstraint(
                fields=["doctor", "obligation"], name="obligation_status_unique"
            )
        ]
        indexes = [
            models.Index(fields=["faculty", "due_on", "obligation"], name="obligation_behind")
        ]

    def __str__(self):
        return f"{self.doctor} — {self.get_obligation_display()}"


class ObligationEvent(models.Model):
    """An immutable line of an MSU's obligations history (labels: applications/events.py)."""

    doctor = models.ForeignKey(Doctor, on_delete=models.PROTECT, related_name="obligation_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("événement des obligations")
        verbose_name_plural = _("événements des obligations")
        ordering = ["created_at", "pk"]
        triggers = immutable(
            "obligation_event", ["id", "doctor", "action", "comment", "created_at"]
        )

    def __str__(self):
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Events are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Events are immutable")

    @property
    def label(self):
        from applications.events import label_of

        return label_of(self.action)
