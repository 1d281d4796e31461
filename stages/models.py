"""Periods, stage offers with their MSU team, students, placements and portfolio tutoring.

Rows are created and changed through `stages.services`, which hold the rules (team
eligibility, capacity, overlaps); the constraints below are the last line of defence.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

from .levels import StageLevel

INTERNE_LEVELS = [
    StageLevel.NIVEAU_1,
    StageLevel.SASPAS,
    StageLevel.DOCTEUR_JUNIOR,
    StageLevel.HORS_MG,
]


class Period(models.Model):
    """A semester (November–April, May–October) or, for externes, a shorter period of 6–8
    weeks full time or 12–16 weeks part time."""

    class Kind(models.TextChoices):
        SEMESTER = "semester", _("Semestre (internes et docteurs juniors)")
        EXTERNE = "externe", _("Période de stage des externes")

    faculty = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="stage_periods",
        limit_choices_to={"kind": Organisation.Kind.FACULTY},
        verbose_name=_("faculté"),
    )
    kind = models.CharField(_("type de période"), max_length=10, choices=Kind.choices)
    label = models.CharField(_("intitulé"), max_length=120)
    start = models.DateField(_("début"))
    end = models.DateField(_("fin"))
    # Externes: a period of 12–16 weeks is part time (set from its length by the service).
    part_time = models.BooleanField(_("temps partiel"), default=False)

    class Meta:
        verbose_name = _("période de stage")
        verbose_name_plural = _("périodes de stage")
        ordering = ["-start", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="period_end_after_start"
            ),
            models.UniqueConstraint(
                fields=["faculty", "kind", "start", "end"], name="period_unique_dates"
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def days(self):
        return (self.end - self.start).days + 1

    def rhythm_label(self):
        # An interne's semester is six months full time (a "Rythme" column said « semestre »).
        return _("temps partiel") if self.part_time else _("temps plein")

    def description(self):
        """The period in one phrase, saying its dates and rhythm once: the default label
        ("Semestre du 01/11/2026 au 30/04/2027") already gives both for a semester."""
        start, end = f"{self.start:%d/%m/%Y}", f"{self.end:%d/%m/%Y}"
        text = self.label
        if not (start in text and end in text):
            text = _("%(label)s, du %(start)s au %(end)s") % {
                "label": text,
                "start": start,
                "end": end,
            }
        rhythm = str(self.rhythm_label())
        # A semester is always full time: its label says enough.
        if self.kind != self.Kind.SEMESTER and rhythm.lower() not in self.label.lower():
            text = f"{text} ({rhythm})"
        return text


class Offer(models.Model):
    """A terrain de stage for one period: a team of one to three MSUs hosting students of one
    level, up to `capacity` students at a time."""

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="offers", verbose_name=_("période")
    )
    upp = models.ForeignKey(
        Organisation,
        verbose_name=_("UPP"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stage_offers",
        limit_choices_to={"kind": Organisation.Kind.UPP},
    )
    level = models.CharField(_("niveau"), max_length=20, choices=StageLevel.choices)
    label = models.CharField(_("intitulé du terrain de stage"), max_length=200)
    capacity = models.PositiveSmallIntegerField(_("capacité (étudiants sur la période)"), default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("terrain de stage")
        verbose_name_plural = _("terrains de stage")
        ordering = ["period", "label", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="offer_capacity_min")
        ]

    def __str__(self):
        return f"{self.label} — {self.period}"


class TeamMember(models.Model):
    """An MSU of an offer's team, with the weekly half-days they host and their situation
    (which supplements they are owed)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="team")
    doctor = models.ForeignKey(
        "applications.Doctor", on_delete=models.PROTECT, related_name="team_memberships"
    )
    site = models.ForeignKey(
        "applications.PracticeSite",
        verbose_name=_("lieu d'accueil"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Son zonage (ZIP, ZAC, QPV) ouvre droit au supplément docteur junior."),
    )
    half_days = models.PositiveSmallIntegerField(_("demi-journées par semaine"), default=0)
    referent = models.BooleanField(_("MSU référent"), default=False)
    supervises_pdsa = models.BooleanField(
        _("supervise la permanence des soins (PDSA) du docteur junior"), default=False
    )
    coscom = models.BooleanField(_("signataire d'un contrat COSCOM"), default=False)

    class Meta:
        verbose_name = _("MSU de l'équipe")
        verbose_name_plural = _("MSU de l'équipe")
        ordering = ["-referent", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "doctor"], name="team_member_unique"),
            models.UniqueConstraint(
                fields=["offer"], condition=models.Q(referent=True), name="team_one_referent"
            ),
            models.CheckConstraint(
                condition=models.Q(half_days__lte=10), name="team_member_half_days_max"
            ),
        ]

    def __str__(self):
        return str(self.doctor)


class Student(models.Model):
    faculty = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="students", verbose_name=_("faculté")
    )
    student_number = models.CharField(_("numéro d'étudiant"), max_length=20)
    last_name = models.CharField(_("nom"), max_length=150)
    first_name = models.CharField(_("prénom"), max_length=150)
    promotion = models.PositiveSmallIntegerField(
        _("promotion"), help_text=_("Année d'entrée dans le cycle, par exemple 2025.")
    )
    level = models.CharField(_("niveau"), max_length=20, choices=StageLevel.choices)
    # Where the student's links (evaluation of the stage, report of a difficulty) are sent.
    email = models.EmailField(_("adresse électronique"), blank=True)

    class Meta:
        verbose_name = _("étudiant")
        verbose_name_plural = _("étudiants")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["faculty", "student_number"], name="student_unique_number"
            )
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class Placement(models.Model):
    """A student placed in an offer for its period: from the period's start to its end unless
    the student started late or left early (the actual dates, within the period), less the
    suspensions. Fees are counted over the days really spent (DOMAIN.md)."""

    class EndReason(models.TextChoices):
        LEFT = "left", _("Départ de l'étudiant")
        ILLNESS = "illness", _("Maladie")
        CHANGE = "change", _("Changement de stage")
        OTHER = "other", _("Autre motif")

    offer = models.ForeignKey(
        Offer,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("terrain de stage"),
    )
    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, related_name="placements", verbose_name=_("étudiant")
    )
    part_time = models.BooleanField(_("temps partiel"), default=False)
    # The actual dates, within the offer's period (its dates by default); set by the services
    # only. Overlaps between a student's placements are one indexed query on them.
    start = models.DateField(_("début effectif"), editable=False)
    end = models.DateField(_("fin effective"), editable=False)
    end_reason = models.CharField(
        _("motif de la fin anticipée"), max_length=10, choices=EndReason.choices, blank=True
    )
    dates_note = models.CharField(_("précisions sur les dates"), max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["start", "pk"]
        indexes = [models.Index(fields=["student", "start", "end"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="placement_end_after_start"
            )
        ]

    def __str__(self):
        return f"{self.student} — {self.offer}"

    @property
    def late_start(self):
        return self.start > self.offer.period.start

    @property
    def early_end(self):
        return self.end < self.offer.period.end

    @property
    def shortened(self):
        return self.late_start or self.early_end


class Suspension(models.Model):
    """Days a placed student was away (illness, leave…): not counted in the fees."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="suspensions")
    start = models.DateField(_("suspendu du"))
    end = models.DateField(_("jusqu'au (inclus)"))
    reason = models.CharField(_("motif"), max_length=255)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("suspension de stage")
        verbose_name_plural = _("suspensions de stage")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="suspension_end_after_start"
            )
        ]

    def __str__(self):
        return f"{self.placement} ({self.start:%d/%m/%Y}–{self.end:%d/%m/%Y})"

    @property
    def days(self):
        return (self.end - self.start).days + 1


class Tutoring(models.Model):
    """Portfolio tutoring: an MSU follows internes, one per promotion, up to three at a time."""

    MAX_ACTIVE = 3

    tutor = models.ForeignKey(
        "applications.Doctor",
        on_delete=models.PROTECT,
        related_name="tutorings",
        verbose_name=_("tuteur"),
    )
    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, related_name="tutorings", verbose_name=_("interne")
    )
    promotion = models.PositiveSmallIntegerField(_("promotion"))
    started_on = models.DateField(_("début du tutorat"))
    ended_on = models.DateField(_("fin du tutorat"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("tutorat de portfolio")
        verbose_name_plural = _("tutorats de portfolio")
        ordering = ["-started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tutor", "promotion"],
                condition=models.Q(ended_on__isnull=True),
                name="tutoring_one_per_promotion",
            ),
            models.UniqueConstraint(
                fields=["student"],
                condition=models.Q(ended_on__isnull=True),
                name="tutoring_one_tutor_per_student",
            ),
        ]

    def __str__(self):
        return f"{self.tutor} → {self.student}"


# Evaluations, incidents, imports and the student's links (stages/records.py).
from .records import (  # noqa: E402, F401
    Evaluation,
    EvaluationCriterion,
    EvaluationScore,
    ImportBatch,
    Incident,
    IncidentMessage,
    StudentLink,
)
