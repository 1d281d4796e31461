"""The secretariat's queue: tabs as a secretariat thinks, filters, search, sort, and the age
flags of each dossier. Counts come from one aggregate query; the page from one query plus a
prefetch, whatever the number of dossiers."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import FacultySettings, Organisation
from stages.levels import StageLevel

from ..dates import add_months
from ..models import Application
from ..workflow import CLOSED, Status
from .roles import staff_faculties


@dataclass(frozen=True)
class Tab:
    slug: str
    label: object
    statuses: tuple


TABS = [
    Tab("a-verifier", _("À vérifier"), (Status.SUBMITTED,)),
    Tab("attente-medecin", _("En attente du médecin"), (Status.INCOMPLETE,)),
    Tab(
        "visite",
        _("Visite à programmer ou rapport attendu"),
        (Status.ADMISSIBLE, Status.VISIT_SCHEDULED),
    ),
    Tab("commission", _("Prêts pour la commission"), (Status.VISIT_DONE,)),
    Tab("decision", _("En commission, décision attendue"), (Status.IN_COMMISSION,)),
    Tab("decides", _("Décidés ou retirés"), (Status.DECIDED, Status.WITHDRAWN)),
]
TAB_BY_SLUG = {tab.slug: tab for tab in TABS}

AGES = {
    "retard": _("Signalés (trop anciens)"),
    "1": _("Transmis depuis plus d'un mois"),
    "3": _("Transmis depuis plus de 3 mois"),
    "6": _("Transmis depuis plus de 6 mois"),
}

SORTS = {
    "anciennete": ("submitted_at", "pk"),
    "-anciennete": ("-submitted_at", "-pk"),
    "etat": ("status_changed_at", "pk"),
    "nom": ("doctor__user__last_name", "doctor__user__first_name", "pk"),
}


def base_queryset(user):
    """Every dossier the user instructs (non-drafts of the faculties of their staff roles)."""
    return Application.objects.filter(faculty__in=staff_faculties(user)).exclude(
        status=Status.DRAFT
    )


def _flag_condition(settings_by_faculty, now):
    """Q of the dossiers older than their faculty's thresholds (and still in progress)."""
    condition = Q(pk__in=[])
    for faculty_id, settings in settings_by_faculty.items():
        state_limit = add_months(now, -settings.alert_months_in_state)
        total_limit = add_months(now, -settings.alert_months_total)
        condition |= Q(faculty_id=faculty_id) & (
            Q(status_changed_at__lt=state_limit) | Q(submitted_at__lt=total_limit)
        )
    return condition & ~Q(status__in=CLOSED)


def settings_by_faculty(user):
    faculties = list(Organisation.objects.filter(pk__in=staff_faculties(user)))
    saved = {s.faculty_id: s for s in FacultySettings.objects.filter(faculty__in=faculties)}
    return {f.pk: saved.get(f.pk) or FacultySettings(faculty=f) for f in faculties}


def filtered(user, params, now=None, settings_map=None):
    """The user's dossiers narrowed by the filters (not by the tab). `settings_map`: the
    result of settings_by_faculty, when the caller has it already."""
    now = now or timezone.now()
    queryset = base_queryset(user)
    status = params.get("etat")
    if status in Status.values:
        queryset = queryset.filter(status=status)
    level = params.get("niveau")
    if level in StageLevel.values:
        queryset = queryset.filter(requested_levels__level=level)
    upp = params.get("upp")
    if upp and upp.isdigit():
        queryset = queryset.filter(doctor__upp_id=int(upp))
    kind = params.get("type")
    if kind in Application.Kind.values:
        queryset = queryset.filter(kind=kind)
    age = params.get("age")
    if age == "retard":
        settings_map = settings_map or settings_by_faculty(user)
        queryset = queryset.filter(_flag_condition(settings_map, now))
    elif age in AGES:
        queryset = queryset.filter(submitted_at__lt=add_months(now, -int(age)))
    search = (params.get("q") or "").strip()
    if search:
        words = Q()
        for word in search.split():
            words &= (
                Q(doctor__user__last_name__icontains=word)
                | Q(doctor__user__first_name__icontains=word)
                | Q(doctor__rpps__startswith=word)
            )
        queryset = queryset.filter(words)
    return queryset


def tab_counts(queryset):
    """{tab slug: count} in one query."""
    ids = queryset.values("pk")
    return Application.objects.filter(pk__in=ids).aggregate(
        **{
            tab.slug.replace("-", "_"): Count("pk", filter=Q(status__in=tab.statuses))
            for tab in TABS
        }
    )


def counted_tabs(queryset):
    """[(tab, count)] in the tabs' order."""
    counts = tab_counts(queryset)
    return [(tab, counts[tab.slug.replace("-", "_")]) for tab in TABS]


def page_rows(queryset, tab, sort):
    ordering = SORTS.get(sort, SORTS["anciennete"])
    return (
        Application.objects.filter(pk__in=queryset.values("pk"), status__in=tab.statuses)
        .select_related("doctor__user", "doctor__upp", "faculty")
        .prefetch_related("requested_levels")
        .order_by(*ordering)
    )


@dataclass
class Age:
    days_total: int | None
    days_in_state: int
    flag_state: bool
    flag_total: bool


def age_of(application, settings, now=None):
    now = now or timezone.now()
    in_progress = application.status not in CLOSED
    total = (now - application.submitted_at).days if application.submitted_at else None
    return Age(
        days_total=total,
        days_in_state=(now - application.status_changed_at).days,
        flag_state=in_progress
        and application.status_changed_at < add_months(now, -settings.alert_months_in_state),
        flag_total=in_progress
        and application.submitted_at is not None
        and application.submitted_at < add_months(now, -settings.alert_months_total),
    )
