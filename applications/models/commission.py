"""Commission sessions: their members and attendance, the agenda, each member's own opinion
and the commission's opinion per requested level (with the vote count)."""

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
    president = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("président de séance"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Bumped by every opinion, attendance and agenda change: a close prepared on a page showing
    # an older state is refused (the minutes would hold something its author never saw).
    version = models.PositiveIntegerField(default=0, editable=False)
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
    # The levels examined at this session: those undecided and without a fixed opinion when
    # the dossier was put on the agenda (a postponed level comes back alone).
    levels = models.ManyToManyField(RequestedLevel, related_name="agenda_items")
    # The doctor's main practice site when the dossier was put on the agenda: the letters to
    # the ARS and the UFR name the site the commission examined, even once the doctor has
    # moved (they named the current one, also for an older session).
    site_name = models.CharField(_("lieu d'exercice examiné"), max_length=200, blank=True)
    site_postal_code = models.CharField(_("code postal du lieu examiné"), max_length=5, blank=True)
    site_commune = models.CharField(_("commune du lieu examiné"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("dossier inscrit à l'ordre du jour")
        verbose_name_plural = _("ordre du jour")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "application"], name="agenda_unique_item")
        ]

    def __str__(self):
        return f"{self.session} — {self.application.reference}"


class Attendance(models.Model):
    """Whether a member of the session was present, excused or absent at the meeting."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Présent")
        EXCUSED = "excused", _("Excusé")
        ABSENT = "absent", _("Absent")

    session = models.ForeignKey(
        CommissionSession, on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("présence"), max_length=10, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="attendance_one_per_member")
        ]

    def __str__(self):
        return f"{self.member} — {self.get_status_display()}"


class MemberOpinion(models.Model):
    """One member's own opinion on one requested level, before or at the meeting."""

    class Opinion(models.TextChoices):
        FAVOURABLE = "favourable", _("Favorable")
        UNFAVOURABLE = "unfavourable", _("Défavorable")
        ABSTENTION = "abstention", _("Abstention")

    session = models.ForeignKey(
        CommissionSession, on_delete=models.CASCADE, related_name="member_opinions"
    )
    requested_level = models.ForeignKey(
        RequestedLevel, on_delete=models.CASCADE, related_name="member_opinions"
    )
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opinion = models.CharField(_("avis"), max_length=15, choices=Opinion.choices)
    reason = models.TextField(_("motif"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("avis d'un membre")
        verbose_name_plural = _("avis des membres")
        ordering = ["requested_level_id", "member__last_name", "member__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "requested_level", "member"],
                name="member_opinion_one_per_member_and_level",
            )
        ]

    def __str__(self):
        return f"{self.requested_level} — {self.get_opinion_display()}"


class Review(models.Model):
    """The commission's opinion on one requested level, at one session, with the vote count
    (computed from the members' opinions, editable by the president)."""

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
    votes_for = models.PositiveSmallIntegerField(_("voix pour"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("voix contre"), default=0)
    votes_abstain = models.PositiveSmallIntegerField(_("abstentions"), default=0)
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

    @property
    def vote_count(self):
        """« 2 pour, 1 contre, 0 abstention », as the minutes print it."""
        return _("%(for)d pour, %(against)d contre, %(abstain)d abstention") % {
            "for": self.votes_for,
            "against": self.votes_against,
            "abstain": self.votes_abstain,
        }
