"""How stages go, and the people put in them: imported lists, evaluations, the student's links,
incident reports. Each model references a placement (or a faculty) and none changes the rows of
`stages.models`; they are imported by it so that Django registers them in the `stages` app.

Rows are written by `stages.imports`, `stages.evaluations` and `stages.incidents` only.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    MSU = "msu", _("Évaluation de l'étudiant par le maître de stage")
    STUDENT = "student", _("Évaluation du stage par l'étudiant")


class EvaluationCriterion(models.Model):
    """One line of a faculty's evaluation grid, for the MSU's evaluations of the student or for
    the student's evaluation of the stage. A criterion used once is never deleted, only
    retired (`active`): past evaluations keep their wording (copied on each score)."""

    faculty = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="evaluation_criteria",
        verbose_name=_("faculté"),
    )
    audience = models.CharField(_("grille"), max_length=10, choices=Audience.choices)
    label = models.CharField(_("critère"), max_length=200)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    active = models.BooleanField(_("en usage"), default=True)

    class Meta:
        verbose_name = _("critère d'évaluation")
        verbose_name_plural = _("critères d'évaluation")
        ordering = ["audience", "position", "pk"]

    def __str__(self):
        return self.label


class Evaluation(models.Model):
    """An evaluation of one placement: the MSU's at the start, middle and end of the stage, or
    the student's of the stage. One of each per placement."""

    class Stage(models.TextChoices):
        START = "start", _("Évaluation de début de stage")
        MIDDLE = "middle", _("Évaluation de mi-stage")
        END = "end", _("Évaluation de fin de stage")
        STUDENT = "student", _("Évaluation du stage par l'étudiant")

    placement = models.ForeignKey(
        "stages.Placement", on_delete=models.CASCADE, related_name="evaluations"
    )
    stage = models.CharField(_("évaluation"), max_length=10, choices=Stage.choices)
    # The MSU who filled it; empty for the student's (who has no account).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(_("commentaire"), blank=True)
    average = models.DecimalField(_("moyenne"), max_digits=3, decimal_places=2)
    poor = models.BooleanField(_("évaluation défavorable"), default=False)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("évaluation de stage")
        verbose_name_plural = _("évaluations de stage")
        ordering = ["placement", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "stage"], name="evaluation_once")
        ]

    def __str__(self):
        return f"{self.get_stage_display()} — {self.placement}"


class EvaluationScore(models.Model):
    class Level(models.IntegerChoices):
        POOR = 1, _("Insuffisant")
        FAIR = 2, _("À améliorer")
        GOOD = 3, _("Satisfaisant")
        VERY_GOOD = 4, _("Très satisfaisant")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(EvaluationCriterion, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("critère"), max_length=200)  # as worded when it was scored
    score = models.PositiveSmallIntegerField(_("niveau"), choices=Level.choices)

    class Meta:
        verbose_name = _("note d'un critère")
        verbose_name_plural = _("notes des critères")
        ordering = ["evaluation", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=4), name="evaluation_score_range"
            )
        ]

    def __str__(self):
        return f"{self.label} : {self.score}"


class StudentLink(models.Model):
    """A link e-mailed to a student (who has no account): to evaluate the stage (usable once)
    or to report a difficulty and follow the report. The token in the address is this row's id
    signed with the site's secret (django.core.signing); the row holds its expiry and use."""

    class Purpose(models.TextChoices):
        EVALUATION = "evaluation", _("évaluer le stage")
        INCIDENT = "incident", _("signaler une difficulté")

    placement = models.ForeignKey(
        "stages.Placement", on_delete=models.CASCADE, related_name="student_links"
    )
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    email = models.EmailField(_("adresse de l'étudiant"))
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("lien envoyé à l'étudiant")
        verbose_name_plural = _("liens envoyés aux étudiants")
        ordering = ["-created_at", "pk"]
        indexes = [models.Index(fields=["emailed_at", "created_at"], name="student_link_outbox")]

    def __str__(self):
        return f"{self.get_purpose_display()} — {self.placement_id}"


class Incident(models.Model):
    """A difficulty reported during a stage by an MSU of the team or by the student."""

    class Status(models.TextChoices):
        OPEN = "open", _("ouvert")
        HANDLED = "handled", _("traité")

    placement = models.ForeignKey(
        "stages.Placement",
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("stage"),
    )
    subject = models.CharField(_("objet"), max_length=200)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_student = models.BooleanField(default=False)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("signalé le"), default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("signalement de difficulté")
        verbose_name_plural = _("signalements de difficulté")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "-created_at"], name="incident_queue")]

    def __str__(self):
        return self.subject


class IncidentMessage(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_student = models.BooleanField(default=False)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)
    # A reply on the student's own report: the student (who has no account, hence no inbox)
    # is e-mailed their link to it; `student_emailed_at` says the e-mail left.
    tell_student = models.BooleanField(default=False)
    student_emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message d'un signalement")
        verbose_name_plural = _("messages des signalements")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:60]


class ImportBatch(models.Model):
    """A file of students and placements read for one period: its lines as read (JSON), shown
    as a preview, then imported once."""

    faculty = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey("stages.Period", on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(_("fichier"), max_length=255)
    rows = models.JSONField(default=list)
    all_or_nothing = models.BooleanField(_("tout ou rien"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("import d'étudiants")
        verbose_name_plural = _("imports d'étudiants")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.filename
