"""Commission sessions: their agenda and the opinion given per requested level."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

from .dossier import Application, RequestedLevel


class CommissionSession(models.Model):
    faculty = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="commission_sessions"
    )
    meets_at = models.DateTimeField(_("date et heure de la séance"))
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="commission_sessions", verbose_name=_("membres")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when the secretariat closes the session: the opinions are then fixed.
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("séance de commission")
        verbose_name_plural = _("séances de commission")
        ordering = ["-meets_at"]

    def __str__(self):
        return _("Commission du %(date)s") % {"date": f"{self.meets_at:%d/%m/%Y}"}

    @property
    def is_closed(self):
        return self.closed_at is not None


class AgendaItem(models.Model):
    session = models.ForeignKey(CommissionSession, on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="agenda_items"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("dossier inscrit à l'ordre du jour")
        verbose_name_plural = _("ordre du jour")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "application"], name="agenda_unique_item")
        ]

    def __str__(self):
        return f"{self.session} — {self.application.reference}"


class Review(models.Model):
    """The commission's opinion on one requested level, at one session."""

    class Opinion(models.TextChoices):
        FAVOURABLE = "favourable", _("Favorable")
        UNFAVOURABLE = "unfavourable", _("Défavorable")
        POSTPONED = "postponed", _("Ajourné")

    session = models.ForeignKey(CommissionSession, on_delete=models.CASCADE, related_name="reviews")
    requested_level = models.ForeignKey(
        RequestedLevel, on_delete=models.CASCADE, related_name="reviews"
    )
    opinion = models.CharField(_("avis"), max_length=15, choices=Opinion.choices)
    reason = models.TextField(_("motif"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("avis de la commission")
        verbose_name_plural = _("avis de la commission")
        ordering = ["requested_level_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "requested_level"], name="review_one_per_level_and_session"
            )
        ]

    def __str__(self):
        return f"{self.requested_level} — {self.get_opinion_display()}"
