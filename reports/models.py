"""What the dashboard needs that no other table holds: the number of students the faculty has
to place, entered by its admin per period and level (the offer side is `stages.Offer`)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stages.levels import StageLevel
from stages.models import Period


class StudentTarget(models.Model):
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="student_targets")
    level = models.CharField(_("niveau"), max_length=20, choices=StageLevel.choices)
    students = models.PositiveIntegerField(_("étudiants à placer"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("étudiants à placer")
        verbose_name_plural = _("étudiants à placer")
        constraints = [
            models.UniqueConstraint(fields=["period", "level"], name="student_target_unique")
        ]

    def __str__(self):
        return f"{self.period} — {self.get_level_display()} : {self.students}"
