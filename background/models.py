"""The last run of each periodic job, written by the job itself (see `jobs.tracked`).

The heartbeat job's row is how the health page knows that beat (and a worker) are alive."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    name = models.CharField(_("tâche"), max_length=120, unique=True)
    started_at = models.DateTimeField(_("dernier départ"))
    finished_at = models.DateTimeField(_("dernière fin"), null=True, blank=True)
    succeeded = models.BooleanField(_("réussie"), null=True)
    result = models.CharField(_("résultat"), max_length=200, blank=True)
    error = models.CharField(_("erreur"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("exécution d'une tâche périodique")
        verbose_name_plural = _("exécutions des tâches périodiques")
        ordering = ["name"]

    def __str__(self):
        return self.name
