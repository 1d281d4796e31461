"""One row per message and recipient. Its unique `key` names the occurrence (which request,
which reminder stage, which year), so that asking twice for the same message (beat running
twice, two workers racing, a task retried) finds the row instead of sending again."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("à envoyer")
        DIGEST = "digest", _("dans le prochain récapitulatif")
        SENDING = "sending", _("envoi en cours")
        SENT = "sent", _("envoyé")
        DIGESTED = "digested", _("envoyé dans un récapitulatif")
        FAILED = "failed", _("échec, nouvel essai prévu")

    # None for a recipient without an account (a specialty's coordinating professor): `email`
    # then holds the address; such a row is e-mail only, it has no inbox.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("destinataire"),
    )
    email = models.EmailField(_("adresse du destinataire sans compte"), blank=True)
    kind = models.CharField(_("type"), max_length=40)
    key = models.CharField(max_length=200, unique=True)
    subject = models.CharField(_("objet"), max_length=255)
    body_text = models.TextField()
    body_html = models.TextField()
    # One line for the inbox, rendered from the kind's summary.txt (the e-mail body is a letter).
    summary = models.CharField(_("résumé"), max_length=300, blank=True)
    # A path on this site ("/dossiers/12/"): the inbox links to it on whatever host and port
    # the portal is served; e-mails prefix SITE_URL.
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, db_index=True)
    email_status = models.CharField(
        max_length=10,
        choices=EmailStatus.choices,
        default=EmailStatus.PENDING,
        verbose_name=_("envoi par courriel"),
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(_("envoyée par courriel le"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(email=""),
                name="notification_has_a_recipient",
            )
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_inbox"),
            models.Index(fields=["email_status", "created_at"], name="notification_outbox"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.user or self.email}"

    @property
    def address(self):
        """Where the e-mail goes: the account's address, or the one recorded for a recipient
        without an account."""
        return self.user.email if self.user_id else self.email

    @property
    def is_read(self):
        return self.read_at is not None

    @property
    def email_link(self):
        """The link as an e-mail needs it: absolute, on SITE_URL."""
        if self.link.startswith("/"):
            return settings.SITE_URL.rstrip("/") + self.link
        return self.link
