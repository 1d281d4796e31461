"""The faculty's actions on stages: periods, offers and their team, placements, tutoring.

Each action runs in a transaction, checks that the actor administers the faculty, checks the
rules of DOMAIN.md and refuses with French sentences (WorkflowError) without changing
anything. Views call these; nothing else writes stage rows.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import FacultySettings, Organisation
from applications.models import Agrement, Doctor, PracticeSite
from applications.services import WorkflowError

from .levels import StageLevel, rules_for
from .models import (
    INTERNE_LEVELS,
    Offer,
    Period,
    Placement,
    Student,
    Suspension,
    TeamMember,
    Tutoring,
)

MAX_TEAM = 3
# Externes: 6–8 weeks full time or 12–16 weeks part time (a started week counts).
EXTERNE_WEEKS = {False: (6, 8), True: (12, 16)}


def _date(value):
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def is_faculty_admin(user, faculty_id):
    from .selectors import admin_faculties

    return admin_faculties(user).filter(pk=faculty_id).exists()


def require_faculty_admin(user, faculty_id):
    if not is_faculty_admin(user, faculty_id):
        raise WorkflowError(_("Seul un administrateur de la faculté peut gérer les stages."))


# Periods ---------------------------------------------------------------------------------


def semester_bounds(start):
    """The semester starting on `start` (1 November or 1 May), or None."""
    if (start.month, start.day) == (11, 1):
        return start, datetime.date(start.year + 1, 4, 30)
    if (start.month, start.day) == (5, 1):
        return start, datetime.date(start.year, 10, 31)
    return None


def externe_rhythm(start, end):
    """True (part time), False (full time) or None when the length fits neither rhythm."""
    weeks = -(-((end - start).days + 1) // 7)
    for part_time, (low, high) in EXTERNE_WEEKS.items():
        if low <= weeks <= high:
            return part_time
    return None


# The years a period may fall in: the past ones still to record, the next ones to prepare. A
# typo such as 01/05/9999 made a period no one could place a student in.
YEARS_BACK, YEARS_AHEAD = 5, 3


def period_problems(kind, start, end):
    if end <= start:
        return [_("La fin de la période doit suivre son début.")]
    year = timezone.localdate().year
    if start.year < year - YEARS_BACK or end.year > year + YEARS_AHEAD:
        return [
            _("Une période se situe entre %(first)s et %(last)s.")
            % {"first": year - YEARS_BACK, "last": year + YEARS_AHEAD}
        ]
    if kind == Period.Kind.SEMESTER:
        if semester_bounds(start) != (start, end):
            return [
                _("Un semestre va du 1er novembre au 30 avril ou du 1er mai au 31 octobre suivant.")
            ]
        return []
    if externe_rhythm(start, end) is None:
        weeks = -(-((end - start).days + 1) // 7)
        return [
            _(
                "Une période d'externat dure 6 à 8 semaines à temps plein ou 12 à 16 semaines à "
                "temps partiel ; celle-ci en compte %(weeks)s."
            )
            % {"weeks": weeks}
        ]
    return []


def create_period(faculty, by, kind, start, end, label=""):
    require_faculty_admin(by, faculty.pk)
    problems = period_problems(kind, start, end)
    if problems:
        raise WorkflowError(*problems)
    part_time = kind == Period.Kind.EXTERNE and externe_rhythm(start, end)
    if not label:
        if kind == Period.Kind.SEMESTER:
            label = _("Semestre du %(start)s au %(end)s") % {
                "start": _date(start),
                "end": _date(end),
            }
        else:
            label = _("Externat du %(start)s au %(end)s") % {
                "start": _date(start),
                "end": _date(end),
            }
    try:
        with transaction.atomic():
            return Period.objects.create(
                faculty=faculty, kind=kind, start=start, end=end, label=label, part_time=part_time
            )
    except IntegrityError:
        raise WorkflowError(_("Cette période existe déjà.")) from None


# Offers and their team -------------------------------------------------------------------


@dataclass
class MemberInput:
    doctor: Doctor
    half_days: int = 0
    referent: bool = False
    site: PracticeSite | None = None
    supervises_pdsa: bool = False
    coscom: bool = False


def covered_spans(agrements):
    """The periods the agréments let their MSU host students (Agrement.spans: their
    validities, less suspensions and what follows a withdrawal) merged into continuous spans:
    a renewal starting before, or the day after, the end of the previous agrément continues it."""
    spans = []
    for first, last in sorted(span for agrement in agrements for span in agrement.spans()):
        if spans and first <= spans[-1][1] + datetime.timedelta(days=1):
            spans[-1][1] = max(spans[-1][1], last)
        else:
            spans.append([first, last])
    return spans


def _stopped(agrements, start, end, name, level_label):
    """Why an agrément whose validity meets the period no longer counts for it: withdrawn, or
    suspended over part of it (None when neither)."""
    for agrement in agrements:
        if agrement.valid_from > end or agrement.valid_until < start:
            continue
        if agrement.withdrawn_on is not None and agrement.withdrawn_on <= end:
            return _(
                "%(name)s : son agrément « %(level)s » a été retiré à compter du %(date)s."
            ) % {
                "name": name,
                "level": level_label,
                "date": _date(agrement.withdrawn_on),
            }
        for suspension in agrement.suspensions.all():
            last = suspension.last_day
            if suspension.starts_on > end or (last is not None and last < start):
                continue
            if last is None:
                return _(
                    "%(name)s : son agrément « %(level)s » est suspendu depuis le %(from)s, "
                    "jusqu'à sa levée."
                ) % {"name": name, "level": level_label, "from": _date(suspension.starts_on)}
            return _(
                "%(name)s : son agrément « %(level)s » est suspendu du %(from)s au %(until)s."
            ) % {
                "name": name,
                "level": level_label,
                "from": _date(suspension.starts_on),
                "until": _date(last),
            }
    return None


def agrement_problem(doctor, level, start, end, agrements=None):
    """Why `doctor` cannot host `level` from `start` to `end`, or None. Agréments for the level
    (one, or a renewal continuing it) must cover the whole period, neither suspended nor
    withdrawn over it."""
    if agrements is None:
        agrements = list(doctor.agrements.filter(level=level).prefetch_related("suspensions"))
    agrements = [a for a in agrements if a.level == level]
    level_label = StageLevel(level).label
    spans = covered_spans(agrements)
    if any(first <= start and last >= end for first, last in spans):
        return None
    name = _("Dr %(name)s") % {"name": doctor}
    stopped = _stopped(agrements, start, end, name, level_label)
    if stopped:
        return stopped
    if not spans:
        return _("%(name)s n'a pas d'agrément « %(level)s ».") % {
            "name": name,
            "level": level_label,
        }
    ends_in = [last for first, last in spans if first <= start <= last]
    if ends_in:
        return _(
            "%(name)s : son agrément « %(level)s » prend fin le %(until)s, avant la fin de la "
            "période (%(end)s)."
        ) % {"name": name, "level": level_label, "until": _date(ends_in[0]), "end": _date(end)}
    later = [first for first, last in spans if first > start]
    if later:
        return _(
            "%(name)s : son agrément « %(level)s » ne commence que le %(from)s, après le début "
            "de la période (%(start)s)."
        ) % {"name": name, "level": level_label, "from": _date(min(later)), "start": _date(start)}
    return _("%(name)s : son agrément « %(level)s » a pris fin le %(until)s.") % {
        "name": name,
        "level": level_label,
        "until": _date(max(last for first, last in spans)),
    }


def team_problems(level, period, members):
    """Every reason the team cannot host `level` over `period`, naming the member at fault."""
    problems = []
    if not 1 <= len(members) <= MAX_TEAM:
        problems.append(_("Une équipe compte un à trois MSU."))
    doctors = [m.doctor.pk for m in members]
    if len(set(doctors)) != len(doctors):
        problems.append(_("Un même MSU figure deux fois dans l'équipe."))
    referents = [m for m in members if m.referent]
    if members and len(referents) != 1:
        problems.append(_("Désignez un et un seul MSU référent."))
    agrements = {}
    for agrement in Agrement.objects.filter(doctor_id__in=doctors, level=level).prefetch_related(
        "suspensions"
    ):
        agrements.setdefault(agrement.doctor_id, []).append(agrement)
    for member in members:
        problem = agrement_problem(
            member.doctor, level, period.start, period.end, agrements.get(member.doctor.pk, [])
        )
        if problem:
            problems.append(problem)
        if member.site is not None and member.site.doctor_id != member.doctor.pk:
            problems.append(
                _("Dr %(name)s : ce lieu d'accueil n'est pas un de ses lieux d'exercice.")
                % {"name": member.doctor}
            )
        if member.half_days > 10:
            problems.append(
                _("Dr %(name)s : une semaine compte au plus 10 demi-journées.")
                % {"name": member.doctor}
            )
    problems += half_days_problems(level, period.faculty, members)
    return problems


def weekly_minimum(level, faculty):
    """The team's weekly minimum of half-days for `level` (a faculty setting), or 0."""
    rules = FacultySettings.for_faculty(faculty)
    return {
        StageLevel.NIVEAU_1: rules.min_half_days_niveau_1,
        StageLevel.SASPAS: rules.min_half_days_saspas,
    }.get(level, 0)


def half_days_problems(level, faculty, members):
    """Half-days are given for every member or for none (the shares of the fees follow them:
    a member left blank would get nothing); when given, the team reaches the level's weekly
    minimum."""
    given = [m for m in members if m.half_days]
    if not given:
        return []
    problems = [
        _(
            "Dr %(name)s : indiquez ses demi-journées par semaine, comme pour les autres MSU "
            "de l'équipe (ou n'en indiquez pour aucun : les honoraires sont alors partagés à "
            "parts égales)."
        )
        % {"name": m.doctor}
        for m in members
        if not m.half_days
    ]
    minimum = weekly_minimum(level, faculty)
    total = sum(m.half_days for m in members)
    if total < minimum:
        problems.append(
            ngettext(
                "Un stage « %(level)s » demande au moins %(min)s demi-journées par semaine à "
                "l'équipe ; celle-ci en compte %(n)s.",
                "Un stage « %(level)s » demande au moins %(min)s demi-journées par semaine à "
                "l'équipe ; celle-ci en compte %(n)s.",
                total,
            )
            % {"level": StageLevel(level).label, "min": minimum, "n": total}
        )
    return problems


def offer_problems(period, level, upp):
    problems = []
    externe = level == StageLevel.EXTERNE
    if externe != (period.kind == Period.Kind.EXTERNE):
        problems.append(
            _(
                "Les externes sont accueillis sur une période d'externat, les internes sur un "
                "semestre."
            )
        )
    rules = rules_for(level)
    if not rules.open_on(period.start):
        problems.append(
            _("Le niveau « %(level)s » n'existe qu'à partir du %(date)s.")
            % {"level": StageLevel(level).label, "date": _date(rules.available_from)}
        )
    if upp is not None and (
        upp.kind != Organisation.Kind.UPP or upp.parent_id != period.faculty_id
    ):
        problems.append(_("Cette UPP n'est pas rattachée à la faculté."))
    return problems


def _save_team(offer, members):
    offer.team.all().delete()
    TeamMember.objects.bulk_create(
        TeamMember(
            offer=offer,
            doctor=m.doctor,
            half_days=m.half_days,
            referent=m.referent,
            site=m.site or m.doctor.main_site,
            supervises_pdsa=m.supervises_pdsa,
            coscom=m.coscom,
        )
        for m in members
    )


@transaction.atomic
def create_offer(period, by, level, label, members, capacity=1, upp=None):
    require_faculty_admin(by, period.faculty_id)
    problems = offer_problems(period, level, upp) + team_problems(level, period, members)
    if capacity < 1:
        problems.append(_("La capacité est d'au moins un étudiant."))
    if problems:
        raise WorkflowError(*problems)
    offer = Offer.objects.create(
        period=period, level=level, label=label, capacity=capacity, upp=upp
    )
    _save_team(offer, members)
    return offer


@transaction.atomic
def update_offer(offer, by, label, members, capacity, upp=None):
    require_faculty_admin(by, offer.period.faculty_id)
    offer = Offer.objects.select_for_update().select_related("period").get(pk=offer.pk)
    problems = offer_problems(offer.period, offer.level, upp)
    problems += team_problems(offer.level, offer.period, members)
    placed = offer.placements.count()
    if capacity < max(placed, 1):
        problems.append(
            _("La capacité ne peut descendre sous le nombre d'étudiants placés (%(n)s).")
            % {"n": placed}
        )
    if problems:
        raise WorkflowError(*problems)
    offer.label, offer.capacity, offer.upp = label, capacity, upp
    offer.save(update_fields=["label", "capacity", "upp"])
    _save_team(offer, members)
    return offer


# Placements ------------------------------------------------------------------------------


@dataclass
class StudentInput:
    student_number: str
    last_name: str
    first_name: str
    promotion: int


def _same(a, b):
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _student(faculty, data, level):
    """The faculty's student with this number (created if new), locked so that two placements
    of the same student are checked one after the other. A number already known under another
    name or promotion is refused: a typing error must not rename a student everywhere."""
    number = data.student_number.strip()
    student, created = Student.objects.get_or_create(
        faculty=faculty,
        student_number=number,
        defaults={
            "last_name": data.last_name.strip(),
            "first_name": data.first_name.strip(),
            "promotion": data.promotion,
            "level": level,
        },
    )
    student = Student.objects.select_for_update().get(pk=student.pk)
    if not created and not (
        _same(student.last_name, data.last_name)
        and _same(student.first_name, data.first_name)
        and student.promotion == data.promotion
    ):
        raise WorkflowError(
            _(
                "Le numéro d'étudiant %(number)s est déjà celui de %(student)s (promotion "
                "%(promotion)s) : vérifiez le numéro, le nom et la promotion saisis."
            )
            % {"number": number, "student": student, "promotion": student.promotion}
        )
    if student.level != level:  # the student moves on (niveau 1, then SASPAS…)
        student.level = level
        student.save(update_fields=["level"])
    return student


def dates_problems(period, start, end, end_reason=""):
    """Why the actual dates of a placement cannot be [start, end] within `period`."""
    problems = []
    if start < period.start or end > period.end:
        problems.append(
            _("Les dates du stage doivent rester dans la période (du %(start)s au %(end)s).")
            % {"start": _date(period.start), "end": _date(period.end)}
        )
    if end < start:
        problems.append(_("La fin du stage ne peut précéder son début."))
    if end < period.end and not end_reason:
        problems.append(
            _(
                "Le stage finit avant la fin de la période (%(end)s) : indiquez le motif de la "
                "fin anticipée."
            )
            % {"end": _date(period.end)}
        )
    if end_reason and end_reason not in Placement.EndReason.values:
        problems.append(_("Choisissez un motif de fin anticipée de la liste."))
    return problems


def overlap_problems(student, start, end, exclude_pk=None, exclude_offer=None):
    others = Placement.objects.filter(student=student, start__lte=end, end__gte=start)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if exclude_offer is not None:
        others = others.exclude(offer=exclude_offer)
    return [
        _(
            "%(student)s est déjà placé(e) du %(start)s au %(end)s (« %(offer)s ») : les "
            "deux stages se chevauchent."
        )
        % {
            "student": student,
            "start": _date(other.start),
            "end": _date(other.end),
            "offer": other.offer.label,
        }
        for other in others.select_related("offer")
    ]


def placement_problems(offer, student, part_time, start=None, end=None):
    period = offer.period
    start, end = start or period.start, end or period.end
    problems = []
    placed = offer.placements.count()
    if placed >= offer.capacity:
        problems.append(
            ngettext(
                "Le terrain de stage « %(offer)s » est complet (%(n)s étudiant sur %(cap)s).",
                "Le terrain de stage « %(offer)s » est complet (%(n)s étudiants sur %(cap)s).",
                placed,
            )
            % {"offer": offer.label, "n": placed, "cap": offer.capacity}
        )
    problems += overlap_problems(student, start, end, exclude_offer=offer)
    if offer.placements.filter(student=student).exists():
        problems.append(
            _("%(student)s est déjà placé(e) sur ce terrain de stage.") % {"student": student}
        )
    team = list(offer.team.select_related("doctor__user"))
    agrements = {}
    for agrement in Agrement.objects.filter(
        doctor_id__in=[m.doctor_id for m in team], level=offer.level
    ).prefetch_related("suspensions"):
        agrements.setdefault(agrement.doctor_id, []).append(agrement)
    for member in team:
        problem = agrement_problem(
            member.doctor,
            offer.level,
            period.start,
            period.end,
            agrements.get(member.doctor_id, []),
        )
        if problem:
            problems.append(problem)
    if not team:
        problems.append(_("Ce terrain de stage n'a pas d'équipe de MSU."))
    if period.kind == Period.Kind.EXTERNE and part_time != period.part_time:
        problems.append(
            _("Cette période d'externat est à temps partiel.")
            if period.part_time
            else _("Cette période d'externat est à temps plein.")
        )
    return problems


@transaction.atomic
def place_student(
    offer, by, student_data, part_time=False, start=None, end=None, end_reason="", dates_note=""
):
    """Place a student in `offer` for its period, or from `start` to `end` within it (a late
    start, an early end with its reason). Refused when the offer is full, when the student
    already has an overlapping placement, or when an agrément of the team ends before the
    period does."""
    require_faculty_admin(by, offer.period.faculty_id)
    # The offer's row lock serialises placements in it (capacity); the student's row lock
    # serialises the student's placements everywhere (overlaps).
    offer = Offer.objects.select_for_update().select_related("period").get(pk=offer.pk)
    start, end = start or offer.period.start, end or offer.period.end
    student = _student(offer.period.faculty, student_data, offer.level)
    problems = dates_problems(offer.period, start, end, end_reason)
    problems += placement_problems(offer, student, part_time, start, end)
    if problems:
        raise WorkflowError(*problems)
    return Placement.objects.create(
        offer=offer,
        student=student,
        part_time=part_time,
        start=start,
        end=end,
        end_reason=end_reason if end < offer.period.end else "",
        dates_note=dates_note.strip(),
        created_by=by,
    )


def _lock_placement(placement):
    return (
        Placement.objects.select_for_update()
        .select_related("offer__period", "student")
        .get(pk=placement.pk)
    )


def suspension_problems(placement, start, end, reason, exclude_pk=None):
    problems = []
    if end < start:
        problems.append(_("La fin de la suspension ne peut précéder son début."))
    if start < placement.start or end > placement.end:
        problems.append(
            _("Une suspension reste dans les dates du stage (du %(start)s au %(end)s).")
            % {"start": _date(placement.start), "end": _date(placement.end)}
        )
    if not reason.strip():
        problems.append(_("Indiquez le motif de la suspension."))
    others = placement.suspensions.filter(start__lte=end, end__gte=start)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    for other in others:
        problems.append(
            _("Une suspension est déjà inscrite du %(start)s au %(end)s : elles se chevauchent.")
            % {"start": _date(other.start), "end": _date(other.end)}
        )
    return problems


@transaction.atomic
def change_placement_dates(placement, by, start, end, end_reason="", dates_note=""):
    """The actual dates of a placement (within its period). Its suspensions must stay inside
    them; the student's other placements must not overlap them. Fees already exported are
    not changed: the next payment export carries the difference as a correction line."""
    require_faculty_admin(by, placement.offer.period.faculty_id)
    placement = _lock_placement(placement)
    Student.objects.select_for_update().filter(pk=placement.student_id).first()
    period = placement.offer.period
    problems = dates_problems(period, start, end, end_reason)
    problems += overlap_problems(placement.student, start, end, exclude_pk=placement.pk)
    for suspension in placement.suspensions.all():
        if suspension.start < start or suspension.end > end:
            problems.append(
                _(
                    "La suspension du %(start)s au %(end)s sortirait des nouvelles dates du "
                    "stage : modifiez-la ou retirez-la d'abord."
                )
                % {"start": _date(suspension.start), "end": _date(suspension.end)}
            )
    if problems:
        raise WorkflowError(*problems)
    placement.start, placement.end = start, end
    placement.end_reason = end_reason if end < period.end else ""
    placement.dates_note = dates_note.strip()
    placement.save(update_fields=["start", "end", "end_reason", "dates_note"])
    return placement


@transaction.atomic
def add_suspension(placement, by, start, end, reason):
    require_faculty_admin(by, placement.offer.period.faculty_id)
    placement = _lock_placement(placement)
    problems = suspension_problems(placement, start, end, reason)
    if problems:
        raise WorkflowError(*problems)
    return Suspension.objects.create(
        placement=placement, start=start, end=end, reason=reason.strip(), created_by=by
    )


@transaction.atomic
def remove_suspension(suspension, by):
    require_faculty_admin(by, suspension.placement.offer.period.faculty_id)
    _lock_placement(suspension.placement)
    suspension.delete()


@transaction.atomic
def remove_placement(placement, by):
    require_faculty_admin(by, placement.offer.period.faculty_id)
    # How the stage went is kept: a placement with an evaluation or a report stays.
    if placement.evaluations.exists() or placement.incidents.exists():
        raise WorkflowError(
            _(
                "Ce stage a déjà des évaluations ou des signalements de difficulté : il ne peut "
                "plus être retiré."
            )
        )
    placement.delete()


# Portfolio tutoring ----------------------------------------------------------------------


@transaction.atomic
def assign_tutor(tutor, student, by, started_on):
    """An MSU tutors an interne's portfolio: one interne per promotion, three at most."""
    require_faculty_admin(by, student.faculty_id)
    # Tutor then student: two admins giving the same interne to two tutors wait on the
    # student's row, and the second one sees the first tutoring.
    tutor = Doctor.objects.select_for_update().get(pk=tutor.pk)
    student = Student.objects.select_for_update().get(pk=student.pk)
    problems = []
    if not Agrement.objects.filter(
        doctor=tutor, application__faculty_id=student.faculty_id
    ).exists():
        problems.append(
            _("Dr %(name)s n'est pas un MSU agréé par la faculté de cet interne.") % {"name": tutor}
        )
    if student.level not in INTERNE_LEVELS:
        problems.append(_("Le tutorat de portfolio concerne les internes."))
    if not Agrement.objects.filter(
        doctor=tutor,
        level__in=INTERNE_LEVELS,
        valid_from__lte=started_on,
        valid_until__gte=started_on,
        status__in=[Agrement.Status.IN_FORCE, Agrement.Status.UNDER_REVIEW],
    ).exists():
        problems.append(
            _("Dr %(name)s n'a pas d'agrément en cours pour accueillir des internes.")
            % {"name": tutor}
        )
    active = list(tutor.tutorings.filter(ended_on__isnull=True).select_related("student"))
    if len(active) >= Tutoring.MAX_ACTIVE:
        problems.append(_("Dr %(name)s suit déjà trois internes, le maximum.") % {"name": tutor})
    same = [t for t in active if t.promotion == student.promotion]
    if same:
        problems.append(
            _("Dr %(name)s suit déjà un interne de la promotion %(promotion)s (%(student)s).")
            % {"name": tutor, "promotion": student.promotion, "student": same[0].student}
        )
    current = Tutoring.objects.filter(student=student, ended_on__isnull=True).first()
    if current is not None:
        problems.append(
            _("%(student)s a déjà un tuteur (Dr %(name)s).")
            % {"student": student, "name": current.tutor}
        )
    if problems:
        raise WorkflowError(*problems)
    return Tutoring.objects.create(
        tutor=tutor,
        student=student,
        promotion=student.promotion,
        started_on=started_on,
        created_by=by,
    )


@transaction.atomic
def end_tutoring(tutoring, by, ended_on):
    require_faculty_admin(by, tutoring.student.faculty_id)
    tutoring = Tutoring.objects.select_for_update().get(pk=tutoring.pk)
    if tutoring.ended_on is not None:
        raise WorkflowError(_("Ce tutorat est déjà terminé."))
    if ended_on < tutoring.started_on:
        raise WorkflowError(_("La fin du tutorat ne peut précéder son début."))
    tutoring.ended_on = ended_on
    tutoring.save(update_fields=["ended_on"])
    return tutoring
