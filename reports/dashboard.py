"""The faculty dashboard's figures for a period, each as a table (the accessible alternative
to its chart), a chart and plain French sentences saying what it means.

Every figure is a fixed number of aggregate queries: the count does not grow with the number
of dossiers (tests/reports/test_dashboard.py asserts it). Processing times are computed from
the `Event` timeline: each transition starts a stint in its target state that lasts until the
next transition; a dossier's stints are summed per state in SQL, and the medians and 90th
percentiles over the dossiers are taken in Python."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import FacultySettings
from applications.dates import add_months
from applications.models import Agrement, Application, Event, RequestedLevel
from applications.selectors.queue import _flag_condition
from applications.workflow import CLOSED, Status
from exports.writers import Column
from remuneration import statements
from stages.levels import StageLevel
from stages.models import Offer, Period, Placement

from .models import StudentTarget

MONTHS = 24
DAY = 86400


@dataclass
class Figure:
    slug: str
    title: str
    columns: list  # exports.writers.Column, the first one names the rows
    rows: list  # one list of values per row
    sentences: list = field(default_factory=list)  # what the figure means, in French
    chart: dict = field(default_factory=dict)  # categories, series [(label, values)], unit
    total: list | None = None
    # (first day, last day) the figure covers when it is not the chosen period (the monthly
    # figures show the 24 months up to it): its CSV is named by them.
    span: tuple | None = None
    # The chart's axis is time, oldest first: on a phone it opens on its recent end.
    chart_over_time: bool = False


def _count(n, singular, plural):
    """« 1 dossier est… », « 2 dossiers sont… »: French puts 0 and 1 in the singular. The
    messages come through variables, out of the plural catalogue's reach (locale/fr, made from
    literal ngettext calls): the rule is applied here."""
    return ngettext(singular, plural, 2 if n > 1 else 1) % {"n": n}


def _ending_sentence(ending, renewing):
    """What the figure of the agréments ending within 6 months says in words (no « 0 d'entre
    eux »: none ending, none renewing are said as such)."""
    if not ending:
        return _("Aucun agrément ne prend fin dans les 6 mois.")
    sentence = _count(
        ending,
        "%(n)s agrément prend fin dans les 6 mois",
        "%(n)s agréments prennent fin dans les 6 mois",
    )
    if not renewing:
        return _("%(ending)s ; aucun renouvellement n'est en cours d'instruction.") % {
            "ending": sentence
        }
    if ending == 1:
        return _("%(ending)s ; son renouvellement est en cours d'instruction.") % {
            "ending": sentence
        }
    return _(
        "%(ending)s ; pour %(n)s d'entre eux, un dossier de renouvellement est en cours "
        "d'instruction."
    ) % {"ending": sentence, "n": renewing}


# The French abbreviations of the months (Django's "M" gives « jui » for both June and July).
SHORT_MONTHS = [
    gettext_lazy("janv."),
    gettext_lazy("févr."),
    gettext_lazy("mars"),
    gettext_lazy("avr."),
    gettext_lazy("mai"),
    gettext_lazy("juin"),
    gettext_lazy("juil."),
    gettext_lazy("août"),
    gettext_lazy("sept."),
    gettext_lazy("oct."),
    gettext_lazy("nov."),
    gettext_lazy("déc."),
]


def _short_month(day):
    """« juin 26 », « juil. 26 »: a chart's category, short and unambiguous."""
    return f"{SHORT_MONTHS[day.month - 1]} {day:%y}"


def _month_label(day):
    return date_format(day, "F Y").capitalize()


def _months_until(last_day, count=MONTHS):
    first = add_months(last_day.replace(day=1), -(count - 1))
    return [add_months(first, n) for n in range(count)]


def _span_of(months):
    """(first day, last day) of consecutive months."""
    return months[0], add_months(months[-1], 1) - datetime.timedelta(days=1)


def _aware(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _month_key(value):
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


# 1. Dossiers received and decided per month ------------------------------------------------


def activity(faculty, end):
    months = _months_until(end)
    since, until = _aware(months[0]), _aware(add_months(months[-1], 1))
    dossiers = Application.objects.filter(faculty=faculty)
    received = {
        (_month_key(r["month"]), r["kind"]): r["n"]
        for r in dossiers.filter(submitted_at__gte=since, submitted_at__lt=until)
        .annotate(month=TruncMonth("submitted_at"))
        .values("month", "kind")
        .annotate(n=Count("pk"))
    }
    decided = {
        (_month_key(r["month"]), r["kind"]): r["n"]
        for r in dossiers.filter(
            status=Status.DECIDED, status_changed_at__gte=since, status_changed_at__lt=until
        )
        .annotate(month=TruncMonth("status_changed_at"))
        .values("month", "kind")
        .annotate(n=Count("pk"))
    }
    initial, renewal = Application.Kind.INITIAL, Application.Kind.RENEWAL
    rows = [
        [
            _month_label(month),
            received.get((month, initial), 0),
            received.get((month, renewal), 0),
            decided.get((month, initial), 0),
            decided.get((month, renewal), 0),
        ]
        for month in months
    ]
    total = [_("Total"), *[sum(row[i] for row in rows) for i in range(1, 5)]]
    return Figure(
        "dossiers-par-mois",
        _("Dossiers reçus et décidés par mois (24 mois)"),
        [
            Column(_("Mois"), width=16),
            Column(_("Reçus — premières demandes"), "int"),
            Column(_("Reçus — renouvellements"), "int"),
            Column(_("Décidés — premières demandes"), "int"),
            Column(_("Décidés — renouvellements"), "int"),
        ],
        rows,
        [
            _("Sur les 24 mois de %(first)s à %(last)s, %(received)s et %(decided)s.")
            % {
                # Inside a sentence, the months keep their small letter (« de janvier 2025 »).
                "first": date_format(months[0], "F Y"),
                "last": date_format(months[-1], "F Y"),
                "received": _count(
                    total[1] + total[2],
                    "%(n)s dossier a été transmis (première transmission)",
                    "%(n)s dossiers ont été transmis (première transmission)",
                ),
                "decided": _count(
                    total[3] + total[4], "%(n)s a été décidé", "%(n)s ont été décidés"
                ),
            }
        ],
        {
            "categories": [_short_month(m) for m in months],
            "series": [
                (_("Reçus"), [row[1] + row[2] for row in rows]),
                (_("Décidés"), [row[3] + row[4] for row in rows]),
            ],
        },
        total,
        span=_span_of(months),
        chart_over_time=True,
    )


def activity_by_level(faculty, end):
    months = _months_until(end)
    since, until = _aware(months[0]), _aware(add_months(months[-1], 1))
    counts = {
        (_month_key(r["month"]), r["level"]): r["n"]
        for r in RequestedLevel.objects.filter(
            application__faculty=faculty,
            application__submitted_at__gte=since,
            application__submitted_at__lt=until,
        )
        .annotate(month=TruncMonth("application__submitted_at"))
        .values("month", "level")
        .annotate(n=Count("pk"))
    }
    levels = list(StageLevel)
    rows = [
        [_month_label(month), *[counts.get((month, level.value), 0) for level in levels]]
        for month in months
    ]
    totals = [sum(row[i + 1] for row in rows) for i in range(len(levels))]
    return Figure(
        "niveaux-par-mois",
        _("Niveaux demandés dans les dossiers reçus, par mois (24 mois)"),
        [Column(_("Mois"), width=16), *[Column(str(level.label), "int") for level in levels]],
        rows,
        [
            _(
                "Un dossier peut demander plusieurs niveaux : il compte alors dans chacun. "
                "Sur 24 mois, le niveau le plus demandé est « %(level)s »."
            )
            % {"level": levels[totals.index(max(totals))].label}
            if any(totals)
            else _("Aucun dossier reçu sur ces 24 mois.")
        ],
        {
            "categories": [str(level.label).split(" (")[0].split(" —")[0] for level in levels],
            "series": [(_("Niveaux demandés (24 mois)"), totals)],
        },
        [_("Total"), *totals],
        span=_span_of(months),
    )


# 2. Dossiers in each state now -------------------------------------------------------------


def states(faculty, now):
    settings = FacultySettings.for_faculty(faculty)
    flagged = _flag_condition({faculty.pk: settings}, now)
    dossiers = Application.objects.filter(faculty=faculty).order_by()
    # Two grouped counts: every state, then the old ones among the open states only (closed
    # dossiers are never flagged, and they are most of a faculty's history).
    flagged_counts = dict(
        dossiers.exclude(status__in=[Status.DRAFT, *CLOSED])
        .filter(flagged)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    counts = {
        status: (n, flagged_counts.get(status, 0))
        for status, n in dossiers.exclude(status=Status.DRAFT)
        .values_list("status")
        .annotate(n=Count("pk"))
    }
    shown = [s for s in Status if s != Status.DRAFT]
    rows = [[str(s.label), *counts.get(s.value, (0, 0))] for s in shown]
    in_progress = sum(counts.get(s.value, (0, 0))[0] for s in shown if s not in CLOSED)
    old = sum(row[2] for row in rows)
    return Figure(
        "etats",
        _("Dossiers dans chaque état aujourd'hui"),
        [
            Column(_("État"), width=24),
            Column(_("Dossiers"), "int"),
            Column(_("Dont signalés trop anciens"), "int"),
        ],
        rows,
        [
            _(
                "%(open)s ; %(old)s (plus de %(state)s mois dans le même état ou transmis "
                "depuis plus de %(total)s mois, selon les réglages de la faculté)."
            )
            % {
                "open": _count(
                    in_progress,
                    "%(n)s dossier est en cours d'instruction",
                    "%(n)s dossiers sont en cours d'instruction",
                ),
                "old": _count(
                    old, "%(n)s est signalé trop ancien", "%(n)s sont signalés trop anciens"
                ),
                "state": settings.alert_months_in_state,
                "total": settings.alert_months_total,
            }
        ],
        {
            "categories": [row[0] for row in rows],
            "series": [
                (_("Dossiers"), [row[1] for row in rows]),
                (_("Signalés"), [row[2] for row in rows]),
            ],
        },
    )


# 3. Processing times -------------------------------------------------------------------------

STAGES = [
    ("check", gettext_lazy("Vérification par le secrétariat"), (Status.SUBMITTED,)),
    ("wait", gettext_lazy("Attente des compléments du médecin"), (Status.INCOMPLETE,)),
    (
        "visit",
        gettext_lazy("Visite (de la recevabilité au rapport)"),
        (Status.ADMISSIBLE, Status.VISIT_SCHEDULED),
    ),
    (
        "commission",
        gettext_lazy("Attente de la commission (du rapport à l'ordre du jour)"),
        (Status.VISIT_DONE,),
    ),
    (
        "decision",
        gettext_lazy("Commission et décision (de l'ordre du jour à la dernière décision)"),
        (Status.IN_COMMISSION,),
    ),
]


def _epoch(column):
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM {column})"
    return f"(julianday({column}) * 86400.0)"


def stage_seconds(faculty, start, end):
    """{dossier id: {stage: seconds}} for the dossiers decided between start and end
    (inclusive), from their timeline; one query.

    A dossier's time in a state is the sum of the moments it left that state minus the sum
    of the moments it entered it (every state of a decided dossier but the last is left as
    often as it is entered): one grouped scan of the events, no window function or sort."""
    event = Event._meta.db_table
    application = Application._meta.db_table
    epoch = _epoch("e.created_at")
    sums = []
    for _slug, _label, statuses in STAGES:
        names = ", ".join(f"'{s.value}'" for s in statuses)
        sums.append(
            f"SUM(CASE WHEN e.from_status IN ({names}) THEN {epoch} ELSE 0 END)"
            f" - SUM(CASE WHEN e.to_status IN ({names}) THEN {epoch} ELSE 0 END)"
        )
    # Table names from the models' _meta, state names from the Status enum; every value the
    # request brings is a query parameter.
    sql = "\n".join(
        [
            f"SELECT e.application_id, {', '.join(sums)} FROM {event} e",  # nosec B608
            "WHERE e.to_status <> '' AND e.application_id IN (",
            f"SELECT a.id FROM {application} a WHERE a.faculty_id = %s AND a.status = %s",  # nosec B608
            "AND a.status_changed_at >= %s AND a.status_changed_at < %s)",
            "GROUP BY e.application_id",
        ]
    )
    params = [
        faculty.pk,
        Status.DECIDED.value,
        _aware(start),
        _aware(end + datetime.timedelta(days=1)),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            row[0]: {
                slug: float(round(value or 0))
                for (slug, _l, _s), value in zip(STAGES, row[1:], strict=True)
            }
            for row in cursor.fetchall()
        }


def quantile(values, q):
    """The q-quantile (0.5: median, 0.9: 90th percentile), interpolated between the two
    closest values; None without values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def days(seconds):
    return None if seconds is None else round(seconds / DAY, 1)


def day_text(value):
    if value is None:
        return "—"
    text = f"{value:.1f}".replace(".", ",").removesuffix(",0")
    return ngettext("%(n)s jour", "%(n)s jours", 2 if value >= 2 else 1) % {"n": text}


def processing_times(faculty, start, end):
    per_dossier = stage_seconds(faculty, start, end)
    totals = [sum(stages.values()) for stages in per_dossier.values()]
    without_wait = [sum(stages.values()) - stages["wait"] for stages in per_dossier.values()]
    lines = [
        (_("Délai total, de la transmission à la dernière décision"), totals),
        (_("Délai sans l'attente des compléments du médecin"), without_wait),
    ]
    lines += [
        (label, [stages[slug] for stages in per_dossier.values()])
        for slug, label, _statuses in STAGES
    ]
    rows = [
        [label, days(quantile(values, 0.5)), days(quantile(values, 0.9)), len(values)]
        for label, values in lines
    ]
    count = len(per_dossier)
    if count:
        median, p90 = rows[0][1], rows[0][2]
        median_own, p90_own = rows[1][1], rows[1][2]
        sentences = [
            _(
                "%(decided)s sur la période. La moitié l'ont été en moins de %(median)s après "
                "leur transmission, et 9 sur 10 en moins de %(p90)s."
            )
            % {
                "decided": _count(
                    count, "%(n)s dossier a été décidé", "%(n)s dossiers ont été décidés"
                ),
                "median": day_text(median),
                "p90": day_text(p90),
            },
            _(
                "Sans compter le temps passé à attendre les compléments demandés au médecin, "
                "la moitié des dossiers ont été décidés en moins de %(median)s, et 9 sur 10 "
                "en moins de %(p90)s."
            )
            % {"median": day_text(median_own), "p90": day_text(p90_own)},
            _(
                "Par étape : la médiane est la durée que la moitié des dossiers n'ont pas "
                "dépassée ; le 90e centile, celle que 9 dossiers sur 10 n'ont pas dépassée."
            ),
        ]
    else:
        sentences = [_("Aucun dossier décidé sur la période : pas de délai à calculer.")]
    return Figure(
        "delais",
        _("Délais de traitement des dossiers décidés sur la période"),
        [
            Column(_("Délai"), width=50),
            Column(_("Médiane (jours)"), "decimal"),
            Column(_("90e centile (jours)"), "decimal"),
            Column(_("Dossiers"), "int"),
        ],
        rows,
        sentences,
        {
            "categories": [
                _("Total"),
                _("Sans attente du médecin"),
                _("Vérification"),
                _("Attente du médecin"),
                _("Visite"),
                _("Attente commission"),
                _("Commission et décision"),
            ],
            "series": [
                (_("Médiane (jours)"), [row[1] or 0 for row in rows]),
                (_("90e centile (jours)"), [row[2] or 0 for row in rows]),
            ],
        },
    )


# 4. Agréments in force and ending --------------------------------------------------------------


def agrements_in_force(faculty, day):
    counts = {}
    upps = {}
    for r in (
        Agrement.objects.filter(
            application__faculty=faculty, valid_from__lte=day, valid_until__gte=day
        )
        .values("level", "doctor__upp_id", "doctor__upp__name")
        .annotate(n=Count("pk"))
    ):
        upps[r["doctor__upp_id"]] = r["doctor__upp__name"] or _("Sans UPP")
        counts[(r["doctor__upp_id"], r["level"])] = r["n"]
    levels = list(StageLevel)
    order = sorted(upps, key=lambda pk: (pk is None, upps[pk]))
    rows = [[upps[pk], *[counts.get((pk, level.value), 0) for level in levels]] for pk in order]
    for row in rows:
        row.append(sum(row[1:]))
    totals = [sum(row[i] for row in rows) for i in range(1, len(levels) + 2)]
    return Figure(
        "agrements",
        _("Agréments en vigueur par niveau et par UPP"),
        [
            Column(_("UPP"), width=22),
            *[Column(str(level.label), "int") for level in levels],
            Column(_("Total"), "int"),
        ],
        rows,
        [
            _("Au %(day)s, %(in_force)s.")
            % {
                "day": day.strftime("%d/%m/%Y"),
                "in_force": _count(
                    totals[-1], "%(n)s agrément est en vigueur", "%(n)s agréments sont en vigueur"
                ),
            }
        ],
        {
            "categories": [str(level.label).split(" (")[0].split(" —")[0] for level in levels],
            "series": [(_("Agréments en vigueur"), totals[:-1])],
        },
        [_("Total"), *totals],
    )


def agrements_ending(faculty, today):
    renewal = Application.objects.filter(
        doctor=OuterRef("doctor"), kind=Application.Kind.RENEWAL
    ).exclude(status__in=[Status.DRAFT, *CLOSED])
    horizons = (3, 6, 12)
    base = Agrement.objects.filter(
        application__faculty=faculty, valid_from__lte=today, valid_until__gte=today
    ).annotate(renewing=Exists(renewal))
    aggregates = {}
    for months in horizons:
        limit = add_months(today, months)
        aggregates[f"e{months}"] = Count("pk", filter=Q(valid_until__lte=limit))
        aggregates[f"r{months}"] = Count("pk", filter=Q(valid_until__lte=limit, renewing=True))
    result = base.aggregate(**aggregates)
    rows = [
        [
            ngettext("Dans les %(n)s mois", "Dans les %(n)s mois", m) % {"n": m},
            result[f"e{m}"],
            result[f"r{m}"],
            result[f"e{m}"] - result[f"r{m}"],
        ]
        for m in horizons
    ]
    return Figure(
        "agrements-a-echeance",
        _("Agréments arrivant à échéance"),
        [
            Column(_("Échéance"), width=20),
            Column(_("Agréments"), "int"),
            Column(_("Dont renouvellement en cours"), "int"),
            Column(_("Sans renouvellement en cours"), "int"),
        ],
        rows,
        [_ending_sentence(rows[1][1], rows[1][2])],
        {
            "categories": [row[0] for row in rows],
            "series": [
                (_("Renouvellement en cours"), [row[2] for row in rows]),
                (_("Sans renouvellement"), [row[3] for row in rows]),
            ],
        },
    )


# 5. Places offered and students placed ---------------------------------------------------------


def periods_of(faculty, start, end):
    return list(
        Period.objects.filter(faculty=faculty, start__gte=start, start__lte=end).order_by(
            "start", "kind", "pk"
        )
    )


def places(faculty, periods):
    offers = Offer.objects.filter(period__in=periods)
    offered = {
        (r["period"], r["level"]): r["n"]
        for r in offers.values("period", "level").annotate(n=Sum("capacity"))
    }
    placed = {
        (r["offer__period"], r["offer__level"]): r["n"]
        for r in Placement.objects.filter(offer__period__in=periods)
        .values("offer__period", "offer__level")
        .annotate(n=Count("pk"))
    }
    targets = {
        (t.period_id, t.level): t.students for t in StudentTarget.objects.filter(period__in=periods)
    }
    keys = sorted(
        {*offered, *targets},
        key=lambda key: (
            [p.pk for p in periods].index(key[0]),
            list(StageLevel.values).index(key[1]),
        ),
    )
    labels = {p.pk: p.label for p in periods}
    rows = [
        [
            labels[period],
            str(StageLevel(level).label),
            offered.get((period, level), 0),
            placed.get((period, level), 0),
            targets.get((period, level)),
        ]
        for period, level in keys
    ]
    missing = [row for row in rows if row[4] is not None and row[4] > row[2]]
    placed_total, offered_total = sum(r[3] for r in rows), sum(r[2] for r in rows)
    sentences = [
        _("%(placed)s pour %(offered)s sur les périodes choisies.")
        % {
            "placed": _count(placed_total, "%(n)s étudiant placé", "%(n)s étudiants placés"),
            "offered": _count(offered_total, "%(n)s place offerte", "%(n)s places offertes"),
        }
    ]
    for period, level, offered, _placed, target in missing:
        short = target - offered
        sentences.append(
            _("%(period)s, %(level)s : %(missing)s pour %(target)s.")
            % {
                "period": period,
                "level": level,
                "missing": ngettext("il manque %(n)s place", "il manque %(n)s places", short)
                % {"n": short},
                "target": ngettext("%(n)s étudiant à placer", "%(n)s étudiants à placer", target)
                % {"n": target},
            }
        )
    return Figure(
        "places",
        _("Places offertes et étudiants placés, par période et niveau"),
        [
            Column(_("Période"), width=30),
            Column(_("Niveau"), width=30),
            Column(_("Places offertes"), "int"),
            Column(_("Étudiants placés"), "int"),
            Column(_("Étudiants à placer"), "int"),
        ],
        rows,
        sentences,
        {
            "categories": [
                f"{row[0][:18]} · {row[1].split(' (')[0].split(' —')[0]}" for row in rows
            ],
            "series": [
                (_("Places offertes"), [row[2] for row in rows]),
                (_("Étudiants placés"), [row[3] for row in rows]),
                (_("Étudiants à placer"), [row[4] or 0 for row in rows]),
            ],
        },
    )


def places_by_upp(faculty, periods):
    offered = {
        r["upp__name"]: r["n"]
        for r in Offer.objects.filter(period__in=periods)
        .values("upp__name")
        .annotate(n=Sum("capacity"))
    }
    placed = {
        r["offer__upp__name"]: r["n"]
        for r in Placement.objects.filter(offer__period__in=periods)
        .values("offer__upp__name")
        .annotate(n=Count("pk"))
    }
    names = sorted({*offered, *placed}, key=lambda n: (n is None, n or ""))
    rows = [[name or _("Sans UPP"), offered.get(name, 0), placed.get(name, 0)] for name in names]
    return Figure(
        "places-par-upp",
        _("Places offertes et étudiants placés, par UPP"),
        [
            Column(_("UPP"), width=22),
            Column(_("Places offertes"), "int"),
            Column(_("Étudiants placés"), "int"),
        ],
        rows,
        [
            _("Taux d'occupation des places : %(rate)s %%.")
            % {
                "rate": round(100 * sum(r[2] for r in rows) / sum(r[1] for r in rows))
                if sum(r[1] for r in rows)
                else 0
            }
        ],
        {
            "categories": [row[0] for row in rows],
            "series": [
                (_("Places offertes"), [row[1] for row in rows]),
                (_("Étudiants placés"), [row[2] for row in rows]),
            ],
        },
    )


# 6. Fees ---------------------------------------------------------------------------------------


def fees(faculty, start, end):
    years = range(statements.academic_year_of(start), statements.academic_year_of(end) + 1)
    kinds = statements.KIND_ORDER
    labels = {k: statements.kind_label(k) for k in kinds}
    rows = []
    for year in years:
        payment = statements.payment_rows(faculty, year)
        amounts = {
            k: sum((r.amounts.get(k, Decimal("0.00")) for r in payment), Decimal("0.00"))
            for k in kinds
        }
        paid = {r.doctor.pk for r in payment if r.total > 0}
        rows.append(
            [
                statements.year_label(year),
                *[amounts[k] for k in kinds],
                sum(amounts.values(), Decimal("0.00")),
                len(paid),
            ]
        )
    return Figure(
        "remuneration",
        _("Sommes dues aux MSU par année universitaire et par nature"),
        [
            Column(_("Année universitaire"), width=14),
            *[Column(str(labels[k]), "money", 16) for k in kinds],
            Column(_("Total"), "money", 16),
            Column(_("MSU rémunérés"), "int"),
        ],
        rows,
        [
            _("%(year)s : %(total)s dus à %(n)s MSU.")
            % {"year": row[0], "total": _euros(row[-2]), "n": row[-1]}
            for row in rows
        ],
        {
            "categories": [row[0] for row in rows],
            "series": [(_("Total dû (€)"), [float(row[-2]) for row in rows])],
            "unit": "€",
        },
    )


def _euros(value):
    from remuneration.exports import euros

    return euros(value)


# All of them ---------------------------------------------------------------------------------


def figures(faculty, start, end, now=None):
    now = now or timezone.now()
    today = timezone.localdate(now)
    last = min(end, today)
    periods = periods_of(faculty, start, end)
    return [
        activity(faculty, last),
        activity_by_level(faculty, last),
        states(faculty, now),
        processing_times(faculty, start, end),
        agrements_in_force(faculty, last),
        agrements_ending(faculty, today),
        places(faculty, periods),
        places_by_upp(faculty, periods),
        fees(faculty, start, end),
    ]


FIGURES = {
    "dossiers-par-mois": lambda f, s, e, now: activity(f, min(e, timezone.localdate(now))),
    "niveaux-par-mois": lambda f, s, e, now: activity_by_level(f, min(e, timezone.localdate(now))),
    "etats": lambda f, s, e, now: states(f, now),
    "delais": lambda f, s, e, now: processing_times(f, s, e),
    "agrements": lambda f, s, e, now: agrements_in_force(f, min(e, timezone.localdate(now))),
    "agrements-a-echeance": lambda f, s, e, now: agrements_ending(f, timezone.localdate(now)),
    "places": lambda f, s, e, now: places(f, periods_of(f, s, e)),
    "places-par-upp": lambda f, s, e, now: places_by_upp(f, periods_of(f, s, e)),
    "remuneration": lambda f, s, e, now: fees(f, s, e),
}
