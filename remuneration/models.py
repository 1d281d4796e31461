"""Dated fee rates. (The payment exports are rows of `exports.Export`.)"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from stages.levels import StageLevel

from . import fees


class FeeRate(models.Model):
    """One amount of DOMAIN.md's fee table, valid from one date until another (inclusive).

    Monthly amounts per level and kind; the yearly Assurance Maladie amounts have no level.
    A new rate is a new row: statements of the past keep being computed with the old one.
    """

    class Kind(models.TextChoices):
        HONORAIRES = fees.HONORAIRES, _("Honoraires pédagogiques")
        SUPERVISION = fees.SUPERVISION, _("Indemnité de supervision (docteur junior)")
        ZONE = fees.ZONE, _("Supplément MSU exerçant en ZIP, ZAC ou QPV (docteur junior)")
        PDSA = fees.PDSA, _("Supplément supervision de la permanence des soins (docteur junior)")
        COSCOM = fees.COSCOM, _("Supplément signataire COSCOM (étudiant à temps plein)")
        YEARLY_ZIP = "yearly_zip", _("Rémunération annuelle Assurance Maladie, cabinet en ZIP")
        YEARLY_OTHER = "yearly_other", _("Rémunération annuelle Assurance Maladie, hors ZIP")

    YEARLY = (Kind.YEARLY_ZIP, Kind.YEARLY_OTHER)

    level = models.CharField(_("niveau"), max_length=20, choices=StageLevel.choices, blank=True)
    kind = models.CharField(_("nature du montant"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(
        _("montant (€)"),
        max_digits=9,
        decimal_places=2,
        help_text=_("Par mois de stage à temps plein ; par an pour l'Assurance Maladie."),
    )
    valid_from = models.DateField(_("en vigueur du"))
    valid_until = models.DateField(_("jusqu'au (inclus)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("tarif")
        verbose_name_plural = _("tarifs")
        ordering = ["level", "kind", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="fee_rate_valid_period",
            ),
            models.UniqueConstraint(
                fields=["level", "kind", "valid_from"], name="fee_rate_unique_start"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_level_display()} {self.amount} €"

    def overlapping(self):
        """Rows of the same level and kind in force on some day of this one's validity: two
        of them would both be counted for that day."""
        rows = FeeRate.objects.filter(level=self.level, kind=self.kind).exclude(pk=self.pk)
        if self.valid_until is not None:
            rows = rows.filter(valid_from__lte=self.valid_until)
        return rows.filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=self.valid_from)
        )

    def clean(self):
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError(_("La fin de validité ne peut précéder son début."))
        if self.valid_from and self.kind:
            other = self.overlapping().first()
            if other is not None:
                raise ValidationError(
                    _(
                        "Un tarif de même nature pour ce niveau est déjà en vigueur sur cette "
                        "période (%(amount)s € du %(start)s%(end)s) : terminez-le d'abord, la "
                        "veille du début du nouveau tarif."
                    )
                    % {
                        "amount": other.amount,
                        "start": other.valid_from.strftime("%d/%m/%Y"),
                        "end": (
                            _(" au %(date)s") % {"date": other.valid_until.strftime("%d/%m/%Y")}
                            if other.valid_until
                            else ""
                        ),
                    }
                )

    def as_rate(self):
        return fees.Rate(self.level, self.kind, self.amount, self.valid_from, self.valid_until)


def export_path(instance, filename):
    """Kept for the initial migration (payment exports now live in `exports`)."""
    return f"exports/{instance.faculty_id}/{filename}"
