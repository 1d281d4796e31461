"""The daily reminder job: what is due is derived from the database on every run.

Each reminder has a key naming its occurrence (which request and stage, which agrément and
stage, which year); the notification outbox refuses a key it already holds. So running the job
twice sends nothing twice, and a day missed (beat down) is caught up on the next run. When
several stages of one reminder became due while the job did not run, only the latest goes out:
a doctor should not get the 7-day and the 14-day reminder in the same minute.

Every job reads its candidates in one query, checks their keys in one query and inserts the new
notifications in bulk: the number of queries does not grow with the number of dossiers or
agréments (tests/bench/test_reminders.py)."""

import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from notifications.services import existing_keys, prepare, publish

from ..complements import describe_items
from ..dates import add_months
from ..models import Agrement, Application, ComplementRequest, SiteVisit
from ..workflow import CLOSED, Status
from .notices import dossier_context, link

COMPLEMENT_REMINDER_DAYS = (7, 14)  # after the request, if unanswered
VISIT_REMINDER_DAYS = 2  # before the visit
EXPIRY_REMINDER_MONTHS = (6, 3, 1)  # before the end of the agrément
TRAINING_REMINDER_MONTH = 9  # continuing training: at the start of the academic year
DECLARATION_MONTH = 1  # yearly declaration of the MSU remuneration


def latest_stage(today, stages):
    """The last (label, date) of `stages` reached by `today`, or None."""
    reached = [(day, label) for label, day in stages if day <= today]
    return max(reached)[1] if reached else None


def candidate(user, kind, key, context, link, digestible=False):
    """(key, how to render it): rendering waits until the key is known to be new."""
    return key, lambda: prepare(
        user, kind, key, f"emails/{kind}", context, link=link, digestible=digestible
    )


def _publish_new(candidates):
    """candidates: (key, render) pairs; render and store only those whose key is new."""
    if not candidates:
        return 0
    known = existing_keys(key for key, _render in candidates)
    return publish([render() for key, render in candidates if key not in known])


# --- Complement requests -------------------------------------------------------------------


def complement_stages(request):
    """The gentle reminders, then the overdue one, which is the last: with a short deadline,
    no "7 days ago" reminder may follow "the deadline has passed"."""
    asked = timezone.localdate(request.requested_at)
    overdue = request.due_date + datetime.timedelta(days=1)
    stages = [
        (f"{days}d", asked + datetime.timedelta(days=days)) for days in COMPLEMENT_REMINDER_DAYS
    ]
    return [(label, day) for label, day in stages if day < overdue] + [("overdue", overdue)]


def complement_reminders(today):
    requests = (
        ComplementRequest.objects.filter(
            answered_at__isnull=True, application__status=Status.INCOMPLETE
        )
        .select_related("application__doctor__user", "application__faculty__faculty_settings")
        .prefetch_related("application__requested_levels")
    )
    candidates = []
    for request in requests:
        stage = latest_stage(today, complement_stages(request))
        if stage is None:
            continue
        application = request.application
        user = application.doctor.user
        context = {
            **dossier_context(application),
            "request": request,
            "items": describe_items(request),
            "overdue": stage == "overdue",
            "days": (today - timezone.localdate(request.requested_at)).days,
        }
        candidates.append(
            candidate(
                user,
                "complement_reminder",
                f"complement_reminder:{request.pk}:{stage}:{user.pk}",
                context,
                link("applications:detail", application.pk),
            )
        )
    return _publish_new(candidates)


# --- Site visits ---------------------------------------------------------------------------


def visit_reminders(today):
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    end = start + datetime.timedelta(days=VISIT_REMINDER_DAYS + 1)
    visits = (
        SiteVisit.objects.filter(
            reported_at__isnull=True,
            application__status=Status.VISIT_SCHEDULED,
            scheduled_for__gte=start,
            scheduled_for__lt=end,
        )
        .select_related("application__doctor__user", "application__faculty__faculty_settings")
        .prefetch_related("visitors", "application__requested_levels", "application__doctor__sites")
    )
    candidates = []
    for visit in visits:
        application = visit.application
        when = visit.scheduled_for.isoformat()
        visitors = [v for v in visit.visitors.all() if v.is_active]
        context = {**dossier_context(application), "visit": visit, "visitors": visitors}
        for user in [application.doctor.user, *visitors]:
            candidates.append(
                candidate(
                    user,
                    "visit_reminder",
                    f"visit_reminder:{visit.pk}:{when}:{user.pk}",
                    {**context, "for_doctor": user.pk == application.doctor.user_id},
                    link("applications:detail", application.pk),
                    digestible=user.pk != application.doctor.user_id,  # the visitors
                )
            )
    return _publish_new(candidates)


# --- Agréments nearing their end -----------------------------------------------------------


def expiry_stages(agrement):
    return [(f"{m}m", add_months(agrement.valid_until, -m)) for m in EXPIRY_REMINDER_MONTHS]


def agrements_to_remind(today):
    """Agréments ending within the longest reminder window, not yet followed by a newer
    agrément of the same level nor by a renewal dossier under instruction."""
    # add_months clamps to the month's end (31 August - 6 months = 28 February, but 28 February
    # + 6 months = 28 August): a few days of margin, the exact stage is decided per agrément.
    horizon = add_months(today, max(EXPIRY_REMINDER_MONTHS)) + datetime.timedelta(days=3)
    newer = Agrement.objects.filter(
        doctor_id=OuterRef("doctor_id"),
        level=OuterRef("level"),
        valid_until__gt=OuterRef("valid_until"),
    )
    renewing = (
        Application.objects.filter(doctor_id=OuterRef("doctor_id"))
        .exclude(status__in=[Status.DRAFT, *CLOSED])
        .exclude(kind=Application.Kind.REVIEW)  # a review renews nothing
    )
    return (
        Agrement.objects.filter(valid_until__gte=today, valid_until__lte=horizon)
        .exclude(status=Agrement.Status.WITHDRAWN)
        .filter(doctor__user__is_active=True)
        .exclude(Exists(newer))
        .exclude(Exists(renewing))
        .select_related("doctor__user", "application__faculty__faculty_settings")
        .order_by("pk")
    )


def expiry_reminders(today):
    candidates = []
    for agrement in agrements_to_remind(today):
        stage = latest_stage(today, expiry_stages(agrement))
        if stage is None:
            continue
        user = agrement.doctor.user
        context = {
            "doctor": agrement.doctor,
            "agrement": agrement,
            "months_left": _months_left(today, agrement.valid_until),
        }
        candidates.append(
            candidate(
                user,
                "agrement_expiry",
                f"agrement_expiry:{agrement.pk}:{stage}:{user.pk}",
                context,
                link("home"),
            )
        )
    return _publish_new(candidates)


def _months_left(today, end):
    months = 0
    while add_months(today, months + 1) <= end:
        months += 1
    return months


# --- Yearly reminders ----------------------------------------------------------------------


def _msu_users(agrements):
    """Distinct doctor users holding one of these agréments (one query)."""
    from accounts.models import User

    return (
        User.objects.filter(is_active=True, doctor__agrements__in=agrements)
        .distinct()
        .order_by("pk")
    )


def training_reminders(today):
    """From September to December, once a year, to every MSU with an agrément in force."""
    if today.month < TRAINING_REMINDER_MONTH:
        return 0
    in_force = Agrement.objects.filter(valid_from__lte=today, valid_until__gte=today).exclude(
        status=Agrement.Status.WITHDRAWN
    )
    return _publish_new(
        [
            candidate(
                user,
                "training_reminder",
                f"training_reminder:{today.year}:{user.pk}",
                {"year": today.year},
                link("home"),
            )
            for user in _msu_users(in_force)
        ]
    )


def _euros(amount):
    """800.00 → "800", 812.50 → "812,50" (French, for the e-mail's sentence)."""
    if amount is None:
        return "—"
    if amount == amount.to_integral_value():
        return str(int(amount))
    return f"{amount:.2f}".replace(".", ",")


def declaration_reminders(today):
    """In January, to every MSU who hosted a student during the past calendar year: the yearly
    declaration of the Assurance Maladie MSU remuneration."""
    from remuneration.models import FeeRate
    from remuneration.statements import yearly_amount
    from stages.models import Placement

    if today.month != DECLARATION_MONTH:
        return 0
    year = today.year - 1
    hosted = Placement.objects.filter(
        start__lte=datetime.date(year, 12, 31), end__gte=datetime.date(year, 1, 1)
    ).values("offer_id")
    context = {
        "year": year,
        "amounts": {
            "zip": _euros(yearly_amount(FeeRate.Kind.YEARLY_ZIP, year)),
            "other": _euros(yearly_amount(FeeRate.Kind.YEARLY_OTHER, year)),
        },
    }
    from accounts.models import User

    users = (
        User.objects.filter(is_active=True, doctor__team_memberships__offer_id__in=hosted)
        .distinct()
        .order_by("pk")
    )
    return _publish_new(
        [
            candidate(
                user,
                "remuneration_declaration",
                f"remuneration_declaration:{year}:{user.pk}",
                context,
                link("remuneration:my_statements"),
            )
            for user in users
        ]
    )


JOBS = {
    "complement_reminders": complement_reminders,
    "visit_reminders": visit_reminders,
    "expiry_reminders": expiry_reminders,
    "training_reminders": training_reminders,
    "declaration_reminders": declaration_reminders,
}


def run_daily(today=None):
    """Run every reminder job for `today`; returns the number of new notifications per job."""
    today = today or timezone.localdate()
    return {name: job(today) for name, job in JOBS.items()}
