"""The authority's decision per requested level, and the agrément a granted level creates."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stages.levels import Authority, StageLevel

from ..dates import add_months
from .dossier import Application, Doctor, RequestedLevel

# From this many months before its end, an agrément invites a renewal dossier.
RENEWAL_WINDOW_MONTHS = 6


class Decision(models.Model):
    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Agrément accordé")
        REFUSED = "refused", _("Agrément refusé")

    requested_level = models.OneToOneField(
        RequestedLevel, on_delete=models.CASCADE, related_name="decision"
    )
    authority = models.CharField(_("autorité"), max_length=5, choices=Authority.choices)
    decided_on = models.DateField(_("date de la décision"))
    reference = models.CharField(_("référence de l'acte"), max_length=100)
    outcome = models.CharField(_("décision"), max_length=10, choices=Outcome.choices)
    reason = models.TextField(_("motif"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["requested_level_id"]

    def __str__(self):
        return f"{self.requested_level} — {self.get_outcome_display()}"


class Agrement(models.Model):
    doctor = models.ForeignKey(Doctor, on_delete=models.PROTECT, related_name="agrements")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="agrements")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="agrement")
    level = models.CharField(_("niveau"), max_length=20, choices=StageLevel.choices)
    authority = models.CharField(_("autorité"), max_length=5, choices=Authority.choices)
    reference = models.CharField(_("référence"), max_length=100)
    valid_from = models.DateField(_("valable du"))
    valid_until = models.DateField(_("valable jusqu'au"))

    class Meta:
        verbose_name = _("agrément")
        verbose_name_plural = _("agréments")
        ordering = ["-valid_until", "level"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="agrement_valid_period",
            )
        ]

    def __str__(self):
        return f"{self.get_level_display()} — {self.doctor} ({self.valid_until:%d/%m/%Y})"

    def renewal_opens_on(self):
        return add_months(self.valid_until, -RENEWAL_WINDOW_MONTHS)

    def state(self, today=None):
        """'active', 'renewable' (in its last six months) or 'expired'."""
        today = today or timezone.localdate()
        if today > self.valid_until:
            return "expired"
        if today < self.valid_from:
            return "upcoming"
        if today >= self.renewal_opens_on():
            return "renewable"
        return "active"

    STATE_LABELS = {
        "upcoming": _("À venir"),
        "active": _("En cours"),
        "renewable": _("À renouveler"),
        "expired": _("Expiré"),
    }

    def state_label(self, today=None):
        return self.STATE_LABELS[self.state(today)]


def validity_end(start: datetime.date, years: int) -> datetime.date:
    """The last day of an agrément of `years` starting on `start` (5 years from 1 March 2026
    run to 28 February 2031 inclusive)."""
    return add_months(start, 12 * years) - datetime.timedelta(days=1)
