"""Faculty-scoped audit lines: what happens outside any one dossier (settings, roles, fee rates,
commission documents downloaded, retention runs). Dossier-scoped actions stay
`applications.Event` lines, the dossier's own timeline. Both are immutable the same way."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

from .triggers import immutable


class AuditEntry(models.Model):
    class Kind(models.TextChoices):
        SETTINGS_CHANGED = "settings_changed", _("Réglages de la faculté modifiés")
        MEMBERSHIP_ADDED = "membership_added", _("Rôle attribué")
        MEMBERSHIP_CHANGED = "membership_changed", _("Rôle modifié")
        MEMBERSHIP_REMOVED = "membership_removed", _("Rôle retiré")
        RATE_ADDED = "rate_added", _("Tarif ajouté")
        RATE_CHANGED = "rate_changed", _("Tarif modifié")
        RATE_REMOVED = "rate_removed", _("Tarif supprimé")
        SESSION_DOCUMENT_DOWNLOADED = (
            "session_document_downloaded",
            _("Document de commission téléchargé"),
        )
        ACCOUNTS_PURGED = "accounts_purged", _("Comptes jamais confirmés supprimés")
        EXPORTS_PURGED = "exports_purged", _("Exports de paiement supprimés")
        PAYMENTS_RECORDED = "payments_recorded", _("Paiements des MSU enregistrés")
        PAYMENT_CANCELLED = "payment_cancelled", _("Paiement enregistré annulé")
        STUDENT_CONTACTS_PURGED = "student_contacts_purged", _("Adresses d'étudiants effacées")
        INCIDENTS_PURGED = "incidents_purged", _("Fils de signalements effacés")

    # Empty for what is national (fee rates, accounts not yet attached to a faculty).
    faculty = models.ForeignKey(
        Organisation,
        verbose_name=_("faculté"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    summary = models.TextField(_("détail"), blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("ligne du journal d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["faculty", "created_at"])]
        triggers = immutable("audit_entry", ["id", "faculty", "kind", "summary", "created_at"])

    def __str__(self):
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are immutable")

    @property
    def label(self):
        return self.get_kind_display()
