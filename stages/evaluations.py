"""Evaluations of a placement: the referent MSU's at the start, middle and end of the stage,
and the student's of the stage (through a signed link, stages.student_links).

When each is due (pure, over the placement's dates):
- start: open from the first day, reminded 14 days after it;
- middle: open from 14 days before the middle of the stage, reminded on the middle day;
- end: open from 14 days before the last day, reminded 7 days before it;
- the student's: the link is e-mailed 14 days before the last day (when the student has an
  address), valid 30 days, usable once.

A **poor** evaluation (flagged to the faculty) is one where at least one criterion is at the
lowest level (« Insuffisant », 1 out of 4) or whose average is under 2.5 out of 4, i.e. closer to
« À améliorer » than to « Satisfaisant ». The rule is `is_poor`.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.services import WorkflowError
from notifications.services import existing_keys, prepare, publish

from .models import Placement, TeamMember
from .records import (
    Audience,
    Evaluation,
    EvaluationCriterion,
    EvaluationScore,
    StudentLink,
)

Stage = Evaluation.Stage
Level = EvaluationScore.Level

MSU_STAGES = (Stage.START, Stage.MIDDLE, Stage.END)
# The stage's slug in the MSU's address (/mes-stages/placements/12/evaluation/fin/).
SLUGS = {Stage.START: "debut", Stage.MIDDLE: "milieu", Stage.END: "fin"}
STAGE_OF_SLUG = {slug: stage for stage, slug in SLUGS.items()}

POOR_AVERAGE = Decimal("2.5")
START_REMINDER_AFTER = datetime.timedelta(days=14)
WINDOW_BEFORE = datetime.timedelta(days=14)  # middle and end open this long before their day
END_REMINDER_BEFORE = datetime.timedelta(days=7)
STUDENT_LINK_BEFORE_END = datetime.timedelta(days=14)
# Reminders stop this long after the end of the stage (an evaluation never filled is left to
# the faculty, who sees it missing).
REMINDERS_STOP_AFTER = datetime.timedelta(days=30)

DEFAULT_CRITERIA = {
    Audience.MSU: [
        gettext_lazy("Assiduité et ponctualité"),
        gettext_lazy("Relation avec les patients"),
        gettext_lazy("Démarche clinique et raisonnement"),
        gettext_lazy("Connaissances et gestes techniques"),
        gettext_lazy("Travail en équipe et coordination des soins"),
        gettext_lazy("Progression et autonomie"),
    ],
    Audience.STUDENT: [
        gettext_lazy("Accueil et intégration au cabinet"),
        gettext_lazy("Disponibilité du maître de stage et temps de supervision"),
        gettext_lazy("Diversité des situations cliniques rencontrées"),
        gettext_lazy("Progression vers l'autonomie"),
        gettext_lazy("Conditions matérielles (salle, ordinateur, dossiers)"),
    ],
}


def _date(value):
    return formats.date_format(value, "SHORT_DATE_FORMAT")


# --- Rules over plain values ---------------------------------------------------------------


def midpoint(start, end):
    return start + datetime.timedelta(days=(end - start).days // 2)


def schedule(start, end):
    """{stage: (opens on, reminded on)} for a placement from `start` to `end`."""
    middle = midpoint(start, end)
    return {
        Stage.START: (start, start + START_REMINDER_AFTER),
        Stage.MIDDLE: (middle - WINDOW_BEFORE, middle),
        Stage.END: (end - WINDOW_BEFORE, end - END_REMINDER_BEFORE),
    }


def average(scores):
    """The mean of the scores, to the hundredth (half up)."""
    scores = list(scores)
    return (Decimal(sum(scores)) / Decimal(len(scores))).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def is_poor(scores):
    """Any criterion at the lowest level, or an average under POOR_AVERAGE."""
    scores = list(scores)
    return bool(scores) and (min(scores) == Level.POOR or average(scores) < POOR_AVERAGE)


# --- The grid ------------------------------------------------------------------------------


def grid(faculty_id, audience):
    return list(
        EvaluationCriterion.objects.filter(
            faculty_id=faculty_id, audience=audience, active=True
        ).order_by("position", "pk")
    )


def _require_admin(by, faculty_id):
    from .services import require_faculty_admin

    require_faculty_admin(by, faculty_id)


@transaction.atomic
def create_default_grid(faculty, by, audience):
    """The default criteria of DEFAULT_CRITERIA, for a faculty whose grid is empty."""
    _require_admin(by, faculty.pk)
    if EvaluationCriterion.objects.filter(faculty=faculty, audience=audience).exists():
        raise WorkflowError(_("Cette grille a déjà des critères."))
    EvaluationCriterion.objects.bulk_create(
        EvaluationCriterion(faculty=faculty, audience=audience, label=str(label), position=i)
        for i, label in enumerate(DEFAULT_CRITERIA[audience], start=1)
    )


@transaction.atomic
def add_criterion(faculty, by, audience, label):
    _require_admin(by, faculty.pk)
    label = " ".join(label.split())
    if not label:
        raise WorkflowError(_("Donnez l'intitulé du critère."))
    last = (
        EvaluationCriterion.objects.filter(faculty=faculty, audience=audience)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    return EvaluationCriterion.objects.create(
        faculty=faculty, audience=audience, label=label, position=(last or 0) + 1
    )


@transaction.atomic
def update_criterion(criterion, by, label, position, active):
    """A criterion's new wording, place or retirement. Past evaluations keep the wording they
    were scored with."""
    _require_admin(by, criterion.faculty_id)
    label = " ".join(label.split())
    if not label:
        raise WorkflowError(_("Donnez l'intitulé du critère."))
    criterion = EvaluationCriterion.objects.select_for_update().get(pk=criterion.pk)
    criterion.label, criterion.position, criterion.active = label, position, active
    criterion.save(update_fields=["label", "position", "active"])
    return criterion


# --- Recording an evaluation ---------------------------------------------------------------


def _save(placement, stage, author, criteria, scores, comment):
    """scores: {criterion pk: level}; every criterion of the grid must be scored."""
    done = Evaluation.objects.filter(placement=placement, stage=stage).first()
    if done is not None:
        raise WorkflowError(
            _("Cette évaluation a déjà été remplie le %(date)s.")
            % {"date": _date(timezone.localdate(done.submitted_at))}
        )
    problems = []
    if not criteria:
        problems.append(_("La faculté n'a pas encore défini sa grille d'évaluation."))
    values = []
    for criterion in criteria:
        value = scores.get(criterion.pk)
        if value not in Level.values:
            problems.append(
                _("Choisissez un niveau pour « %(criterion)s ».") % {"criterion": criterion.label}
            )
        values.append(value)
    if problems:
        raise WorkflowError(*problems)
    evaluation = Evaluation.objects.create(
        placement=placement,
        stage=stage,
        author=author,
        comment=comment.strip(),
        average=average(values),
        poor=is_poor(values),
    )
    EvaluationScore.objects.bulk_create(
        EvaluationScore(evaluation=evaluation, criterion=c, label=c.label, score=v)
        for c, v in zip(criteria, values, strict=True)
    )
    return evaluation


def referent_of(placement):
    member = placement.offer.team.filter(referent=True).select_related("doctor__user").first()
    return member.doctor if member else None


@transaction.atomic
def record_evaluation(placement, by, stage, scores, comment="", today=None):
    """The referent MSU's evaluation of the student, once per stage, from its opening day."""
    today = today or timezone.localdate()
    # The placement's row lock: the referent submitting twice at once records one evaluation.
    placement = (
        Placement.objects.select_for_update()
        .select_related("offer__period", "student")
        .get(pk=placement.pk)
    )
    if stage not in MSU_STAGES:
        raise WorkflowError(_("Cette évaluation n'existe pas."))
    doctor = getattr(by, "doctor", None)
    if (
        doctor is None
        or not TeamMember.objects.filter(
            offer_id=placement.offer_id, doctor=doctor, referent=True
        ).exists()
    ):
        raise WorkflowError(_("Seul le maître de stage référent remplit les évaluations."))
    opens, _reminded = schedule(placement.start, placement.end)[stage]
    if today < opens:
        raise WorkflowError(
            _("%(evaluation)s s'ouvre le %(date)s.")
            % {"evaluation": Stage(stage).label, "date": _date(opens)}
        )
    criteria = grid(placement.offer.period.faculty_id, Audience.MSU)
    return _save(placement, stage, by, criteria, scores, comment)


@transaction.atomic
def record_student_evaluation(link_pk, scores, comment=""):
    """The student's evaluation of the stage, through their link (used once)."""
    from .links import check_usable

    link = StudentLink.objects.select_for_update().select_related("placement").get(pk=link_pk)
    check_usable(link, StudentLink.Purpose.EVALUATION)
    placement = Placement.objects.select_related("offer__period").get(pk=link.placement_id)
    criteria = grid(placement.offer.period.faculty_id, Audience.STUDENT)
    evaluation = _save(placement, Stage.STUDENT, None, criteria, scores, comment)
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    return evaluation


# --- Reminders (the daily job) -------------------------------------------------------------


def _referents():
    return TeamMember.objects.filter(referent=True).select_related("doctor__user")


def msu_reminders(today):
    """The referent MSU of each placement whose evaluation reached its reminder day unfilled.
    One notification per placement, stage and MSU (keyed): running twice sends nothing twice;
    when several stages became due while the job did not run, each is reminded once."""
    horizon = today - REMINDERS_STOP_AFTER
    # Placements started 14 days ago at least and ended within the last 30 days.
    placements = (
        Placement.objects.filter(start__lte=today - START_REMINDER_AFTER, end__gte=horizon)
        .select_related("offer__period__faculty", "student")
        .prefetch_related("evaluations")
        .order_by("pk")
    )
    referents = {
        m.offer_id: m
        for m in _referents().filter(offer__placements__in=placements).distinct()
        if m.doctor.user.is_active
    }
    candidates = []
    for placement in placements:
        member = referents.get(placement.offer_id)
        if member is None:
            continue
        done = {e.stage for e in placement.evaluations.all()}
        for stage, (_opens, remind_on) in schedule(placement.start, placement.end).items():
            if stage in done or remind_on > today:
                continue
            user = member.doctor.user
            key = f"evaluation_reminder:{placement.pk}:{stage}:{user.pk}"
            candidates.append((key, user, placement, stage))
    known = existing_keys(c[0] for c in candidates)
    fresh = [
        prepare(
            user,
            "evaluation_reminder",
            key,
            "emails/evaluation_reminder",
            {
                "placement": placement,
                "student": placement.student,
                "offer": placement.offer,
                "evaluation": Stage(stage).label,
            },
            link=reverse("stages:evaluate", args=[placement.pk, SLUGS[stage]]),
        )
        for key, user, placement, stage in candidates
        if key not in known
    ]
    return publish(fresh)


def student_links_due(today):
    """Placements whose student should now get the link to evaluate the stage: 14 days before
    the end at the latest, a known address, no evaluation yet and no evaluation link sent."""
    linked = StudentLink.objects.filter(
        placement_id=OuterRef("pk"), purpose=StudentLink.Purpose.EVALUATION
    )
    evaluated = Evaluation.objects.filter(placement_id=OuterRef("pk"), stage=Stage.STUDENT)
    return (
        Placement.objects.filter(
            end__lte=today + STUDENT_LINK_BEFORE_END,
            end__gte=today - REMINDERS_STOP_AFTER,
        )
        .exclude(student__email="")
        .exclude(Exists(linked))
        .exclude(Exists(evaluated))
        .select_related("student")
        .order_by("pk")
    )
