"""The coordinating professor of each specialty other than general practice, per faculty:
informed by e-mail when a dossier for a stage ambulatoire hors MG of their specialty is
submitted and when it is decided (seed 003)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

from ..specialties import OtherSpecialty


class SpecialtyCoordinator(models.Model):
    faculty = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="specialty_coordinators",
        limit_choices_to={"kind": Organisation.Kind.FACULTY},
    )
    specialty = models.CharField(_("spécialité"), max_length=120, choices=OtherSpecialty.choices)
    name = models.CharField(_("nom du professeur coordonnateur"), max_length=200)
    email = models.EmailField(_("adresse électronique"))

    class Meta:
        verbose_name = _("professeur coordonnateur de spécialité")
        verbose_name_plural = _("professeurs coordonnateurs de spécialité")
        ordering = ["faculty", "specialty"]
        constraints = [
            models.UniqueConstraint(
                fields=["faculty", "specialty"], name="specialty_coordinator_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_specialty_display()} — {self.name}"
