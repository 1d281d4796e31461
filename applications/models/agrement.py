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
        # The outcomes of a review dossier (Application.Kind.REVIEW), on the agrément reviewed.
        CONFIRMED = "confirmed", _("Agrément confirmé")
        SHORTENED = "shortened", _("Agrément maintenu pour une durée réduite")
        SUSPENDED = "suspended", _("Agrément suspendu")
        WITHDRAWN = "withdrawn", _("Agrément retiré")

    requested_level = models.OneToOneField(
        RequestedLevel, on_delete=models.CASCADE, related_name="decision"
    )
    authority = models.CharField(_("autorité"), max_length=5, choices=Authority.choices)
    decided_on = models.DateField(_("date de la décision"))
    reference = models.CharField(_("référence de l'acte"), max_length=100)
    outcome = models.CharField(_("décision"), max_length=10, choices=Outcome.choices)
    reason = models.TextField(_("motif"), blank=True)
    # A review's outcome: from when it applies (suspension, withdrawal) and until when (the
    # shortened agrément's new end, the suspension's end; none: a suspension until lifted).
    effective_on = models.DateField(_("prend effet le"), null=True, blank=True)
    until = models.DateField(_("jusqu'au"), null=True, blank=True)
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


REVIEW_OUTCOMES = [
    Decision.Outcome.CONFIRMED,
    Decision.Outcome.SHORTENED,
    Decision.Outcome.SUSPENDED,
    Decision.Outcome.WITHDRAWN,
]


class Agrement(models.Model):
    class Status(models.TextChoices):
        """Where the agrément stands in its life after the decision (its dates say the rest:
        upcoming, to renew, expired). Set only by applications.services.agrements."""

        IN_FORCE = "in_force", _("En vigueur")
        UNDER_REVIEW = "under_review", _("En réexamen")
        SUSPENDED = "suspended", _("Suspendu")
        WITHDRAWN = "withdrawn", _("Retiré")

    doctor = models.ForeignKey(Doctor, on_delete=models.PROTECT, related_name="agrements")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="agrements")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="agrement")
    level = models.CharField(_("niveau"), max_length=20, choices=StageLevel.choices)
    authority = models.CharField(_("autorité"), max_length=5, choices=Authority.choices)
    reference = models.CharField(_("référence"), max_length=100)
    valid_from = models.DateField(_("valable du"))
    valid_until = models.DateField(_("valable jusqu'au"))
    status = models.CharField(
        _("statut"),
        max_length=15,
        choices=Status.choices,
        default=Status.IN_FORCE,
        editable=False,
    )
    status_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    # The first day it no longer counts, once withdrawn.
    withdrawn_on = models.DateField(_("retiré à compter du"), null=True, blank=True)
    # The doctor declared a change of main practice site: a review is proposed to the
    # secretariat (cleared when one is opened).
    review_proposed_at = models.DateTimeField(null=True, blank=True, editable=False)
    review_proposal = models.CharField(max_length=300, blank=True, editable=False)

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

    @property
    def counts(self):
        """Whether it still lets its MSU host students today (not suspended nor withdrawn)."""
        return self.status in COUNTING

    def spans(self):
        """The periods during which it lets its MSU host students: its validity, ended the day
        before a withdrawal, cut by its suspensions (each until its end, or its lifting, or
        open-ended). Reads `suspensions` (prefetch it for a list)."""
        last = self.valid_until
        if self.withdrawn_on is not None:
            last = min(last, self.withdrawn_on - datetime.timedelta(days=1))
        spans, start = [], self.valid_from
        for suspension in sorted(self.suspensions.all(), key=lambda s: s.starts_on):
            end = suspension.last_day
            if end is not None and end < suspension.starts_on:
                continue  # lifted on the day it began
            if suspension.starts_on > start:
                spans.append((start, min(last, suspension.starts_on - datetime.timedelta(days=1))))
            if end is None:
                start = None
                break
            start = max(start, end + datetime.timedelta(days=1))
        if start is not None:
            spans.append((start, last))
        return [(first, end) for first, end in spans if first <= end]


class AgrementSuspension(models.Model):
    """A suspension of an agrément decided at the end of a review: from `starts_on`, until
    `ends_on` inclusive or, without one, until it is lifted (`lifted_on`, the first day the
    agrément counts again)."""

    agrement = models.ForeignKey(Agrement, on_delete=models.PROTECT, related_name="suspensions")
    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="suspension", null=True, blank=True
    )
    starts_on = models.DateField(_("suspendu à compter du"))
    ends_on = models.DateField(_("jusqu'au"), null=True, blank=True)
    lifted_on = models.DateField(_("levée le"), null=True, blank=True)
    lift_reference = models.CharField(_("référence de la levée"), max_length=100, blank=True)
    lift_reason = models.TextField(_("motif de la levée"), blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("suspension d'agrément")
        verbose_name_plural = _("suspensions d'agrément")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="suspension_period",
            )
        ]

    def __str__(self):
        return f"{self.agrement} — {self.starts_on:%d/%m/%Y}"

    @property
    def last_day(self):
        """The last day suspended, or None while it runs until lifted."""
        if self.lifted_on is not None:
            lifted = self.lifted_on - datetime.timedelta(days=1)
            return min(lifted, self.ends_on) if self.ends_on else lifted
        return self.ends_on


class Reexamination(models.Model):
    """What a review dossier (Application.Kind.REVIEW) is about: why the secretariat opened it."""

    class Cause(models.TextChoices):
        SITE_CHANGE = "site_change", _("Changement de lieu d'exercice")
        EVALUATIONS = "evaluations", _("Évaluations des étudiants défavorables")
        COORDINATOR = "coordinator", _("Demande du coordonnateur")
        ARS = "ars", _("Demande de l'ARS")
        OTHER = "other", _("Autre motif")

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="reexamination"
    )
    cause = models.CharField(_("motif du réexamen"), max_length=15, choices=Cause.choices)
    comment = models.TextField(_("commentaire"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("réexamen d'agrément")
        verbose_name_plural = _("réexamens d'agrément")

    def __str__(self):
        return f"{self.application.reference} — {self.get_cause_display()}"


def validity_end(start: datetime.date, years: int) -> datetime.date:
    """The last day of an agrément of `years` starting on `start` (5 years from 1 March 2026
    run to 28 February 2031 inclusive)."""
    return add_months(start, 12 * years) - datetime.timedelta(days=1)


# The statuses in which an agrément lets its MSU host students (Agrement.counts).
COUNTING = (Agrement.Status.IN_FORCE, Agrement.Status.UNDER_REVIEW)
