"""Dated fee rates, and the lines of the payment exports with what was paid. (The payment
files themselves are rows of `exports.Export`.)"""

from django.conf import settings
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
        COSCOM = fees.COSCOM, _("Supplément signataire COSCOM")
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


class PaymentLine(models.Model):
    """One line of a payment export, frozen as it was sent to the accounting department: what
    one MSU was owed for one period (nature "payment"), or the difference a later change of a
    placement made to what earlier exports sent (nature "correction", positive or negative).
    A paid amount is never changed: a change after an export is a new correction line, on the
    next export. The accounting department's payment (date, mandate or batch) is recorded on
    the line by the faculty's admin, one by one or from its file."""

    class Nature(models.TextChoices):
        PAYMENT = "payment", _("Paiement")
        CORRECTION = "correction", _("Correction")

    REFERENCE_PREFIX = "MSU-"

    faculty = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("année universitaire"))
    doctor = models.ForeignKey(
        "applications.Doctor", on_delete=models.PROTECT, related_name="payment_lines"
    )
    period = models.ForeignKey("stages.Period", on_delete=models.PROTECT, related_name="+")
    nature = models.CharField(_("nature"), max_length=12, choices=Nature.choices)
    # {fee kind: "123.45"}: the amounts of the line by kind (a correction's may be negative).
    amounts = models.JSONField(_("montants par nature"), default=dict)
    total = models.DecimalField(_("montant (€)"), max_digits=11, decimal_places=2)
    students = models.IntegerField(_("étudiants"), default=0)
    # A correction: the references of the earlier lines of the same MSU and period.
    corrects = models.JSONField(_("lignes corrigées"), default=list, blank=True)
    # The export that sent it (emptied when the export's file is deleted after its retention).
    export = models.ForeignKey(
        "exports.Export", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    exported_at = models.DateTimeField(_("exportée le"))
    paid_on = models.DateField(_("payée le"), null=True, blank=True)
    payment_reference = models.CharField(_("mandat ou lot"), max_length=100, blank=True)
    paid_recorded_at = models.DateTimeField(null=True, blank=True)
    paid_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("ligne de paiement")
        verbose_name_plural = _("lignes de paiement")
        ordering = ["exported_at", "pk"]
        indexes = [
            models.Index(fields=["faculty", "year", "doctor"]),
            models.Index(fields=["doctor", "faculty"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(paid_on__isnull=True) | ~models.Q(payment_reference=""),
                name="payment_line_paid_has_reference",
            )
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self):
        """The line's reference in the files, e.g. « MSU-0000042 »: the accounting department
        returns it with the payment."""
        return f"{self.REFERENCE_PREFIX}{self.pk:07d}"

    @classmethod
    def pk_of_reference(cls, text):
        """The pk a reference names, or None when it is not one."""
        text = (text or "").strip().upper()
        if not text.startswith(cls.REFERENCE_PREFIX):
            return None
        digits = text[len(cls.REFERENCE_PREFIX) :]
        return int(digits) if digits.isdigit() and len(digits) <= 12 else None

    @property
    def paid(self):
        return self.paid_on is not None


def export_path(instance, filename):
    """Kept for the initial migration (payment exports now live in `exports`)."""
    return f"exports/{instance.faculty_id}/{filename}"
