"""The secretariat's queue: tabs as a secretariat thinks, filters, search, sort, and the age
flags of each dossier. Counts come from one aggregate query; the page from one query plus a
prefetch, whatever the number of dossiers."""

import re
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.memberships import memberships_of
from accounts.models import FacultySettings, Organisation
from stages.levels import StageLevel

from ..dates import add_months
from ..lookups import AnyOf
from ..models import Application, Doctor, QueueCount, QueueLevelCount, RequestedLevel
from ..text import fold
from ..workflow import CLOSED, Status
from .roles import FACULTY_WIDE_ROLES, staff_faculties


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
    "nom": ("doctor__search_name", "pk"),
}
PAGE_SIZE = 25
DIRECT_UP_TO = 500  # rows skipped before a page is read in two steps (DeferredRows)
# A dossier number as the portal prints it (MSU-2026-00042), or its last part.
DOSSIER_NUMBER = re.compile(r"^(?:msu-)?(?:\d{4}-)?0*(\d{1,9})$", re.IGNORECASE)


def tab_of(status):
    return next(tab for tab in TABS if status in tab.statuses)


def faculty_ids(user):
    """The ids of the faculties whose instruction the user sees (one query).

    Filtering on a list of ids, not on a membership subquery, lets PostgreSQL use the queue's
    indexes: with the subquery it misestimated the rows and sorted whole faculties."""
    return list(staff_faculties(user).values_list("organisation_id", flat=True))


def base_queryset(user, faculties=None):
    """Every dossier the user instructs (non-drafts of the faculties of their staff roles)."""
    ids = faculty_ids(user) if faculties is None else list(faculties)
    return Application.objects.filter(faculty_id__in=ids).exclude(status=Status.DRAFT)


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
    """{faculty id: its settings (the defaults when none were saved)} of the faculties the
    user instructs, in one query (the ids then name the faculties for every other query)."""
    if user.is_superuser:
        faculties = (
            Organisation.objects.filter(pk__in=staff_faculties(user))
            .select_related("faculty_settings")
            .order_by("pk")
        )
    else:  # the request's memberships, already read for the header and the menu
        faculties = sorted(
            {
                m.organisation
                for m in memberships_of(user)
                if m.role in FACULTY_WIDE_ROLES and m.organisation.kind == Organisation.Kind.FACULTY
            },
            key=lambda f: f.pk,
        )
    return {f.pk: FacultySettings.for_faculty(f) for f in faculties}


# Up to this many doctors matching a name search, the dossiers are asked by their doctor ids.
NAME_MATCHES_LISTED = 2000


def search_condition(search):
    """Each word matches the doctor's name (accents and case folded), RPPS or dossier number.

    A word of digits is an RPPS (or a dossier number), a word with letters a name: each side
    then has one index to use (the RPPS prefix one, the names' trigrams). Asking both of every
    word made PostgreSQL scan every doctor, the OR of the two conditions serving neither.

    The names are looked up first, in a query of their own (`_name_condition`)."""
    words = Q()
    names = []
    for word in search.split():
        number = DOSSIER_NUMBER.match(word)
        if word.isdigit():
            condition = Q(doctor__rpps__startswith=word)
        elif not number:
            names.append(fold(word))
            continue
        else:
            condition = Q(doctor__search_name__contains=fold(word))
        # A dossier's number, but not an RPPS's 11 digits read as one.
        if number and not (word.isdigit() and len(word) >= 11):
            condition |= Q(pk=int(number.group(1)))
        words &= condition
    if names:
        words &= _name_condition(names)
    return words


def _name_condition(names):
    """The dossiers of the doctors whose name holds every word of `names`.

    Joined to the dossiers, the trigram match is estimated at a thousand doctors or so whatever
    the name, and PostgreSQL then reads the whole faculty's dossiers (50 ms at 100 k). Given the
    doctors' ids, it reads just their dossiers through the doctor index (4 ms). A name shared by
    more doctors than NAME_MATCHES_LISTED keeps the join, which is then the better plan."""
    doctors = Doctor.objects.filter(*[Q(search_name__contains=name) for name in names]).values_list(
        "pk", flat=True
    )
    ids = list(doctors[: NAME_MATCHES_LISTED + 1])
    if len(ids) > NAME_MATCHES_LISTED:
        return Q(doctor__in=doctors)
    return Q(AnyOf("doctor_id", ids))


def filtered(user, params, now=None, settings_map=None):
    """The user's dossiers narrowed by the filters (not by the tab). `settings_map`: the
    result of settings_by_faculty, when the caller has it already (it names the faculties)."""
    now = now or timezone.now()
    settings_map = settings_map if settings_map is not None else settings_by_faculty(user)
    queryset = base_queryset(user, faculties=settings_map)
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
        queryset = queryset.filter(_flag_condition(settings_map, now))
    elif age in AGES:
        queryset = queryset.filter(submitted_at__lt=add_months(now, -int(age)))
    search = (params.get("q") or "").strip()
    if search:
        queryset = queryset.filter(search_condition(search))
    return queryset


def tab_counts(queryset, faculties=None, level=None):
    """{tab slug: count} in one query. `faculties`: the queryset is all of these faculties'
    dossiers, unfiltered (or filtered on `level` alone); on PostgreSQL the counts then come
    from the rows the triggers keep (models.queue) instead of a scan of the faculty."""
    if faculties is not None and connection.vendor == "postgresql":
        kept = QueueLevelCount.objects.filter(level=level) if level else QueueCount.objects
        rows = kept.filter(faculty_id__in=list(faculties)).values_list("status")
        by_status = dict(rows.annotate(n=Sum("count")))
    else:
        by_status = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
    return {
        tab.slug.replace("-", "_"): sum(by_status.get(s, 0) for s in tab.statuses) for tab in TABS
    }


def counted_tabs(queryset, faculties=None, level=None):
    """[(tab, count)] in the tabs' order."""
    counts = tab_counts(queryset, faculties, level)
    return [(tab, counts[tab.slug.replace("-", "_")]) for tab in TABS]


FILTERS = ("etat", "niveau", "upp", "type", "age", "q")


def kept_counts_for(params, settings_map):
    """(faculties, level) for counted_tabs when the triggers' counts answer for these filters
    (none, or a level alone), else (None, None): the filtered dossiers are then counted."""
    used = [name for name in FILTERS if (params.get(name) or "").strip()]
    if not used:
        return settings_map, None
    if used == ["niveau"] and params["niveau"] in StageLevel.values:
        return settings_map, params["niveau"]
    return None, None


# The columns a row shows, and no more, read as plain values: building 25 × 4 model instances
# (dossier, doctor, user, UPP) and prefetching their levels was most of the page's time.
ROW_FIELDS = {
    "pk": "pk",
    "created_at": "created_at",
    "status": "status",
    "kind": "kind",
    "submitted_at": "submitted_at",
    "status_changed_at": "status_changed_at",
    "faculty_id": "faculty_id",
    "rpps": "doctor__rpps",
    "first_name": "doctor__user__first_name",
    "last_name": "doctor__user__last_name",
    "email": "doctor__user__email",
    "upp": "doctor__upp__name",
}


def page_rows(queryset, tab, sort):
    """The tab's dossiers in the chosen order (`tab=None`: every tab, for a search)."""
    ordering = SORTS.get(sort, SORTS["anciennete"])
    if tab is not None:
        queryset = queryset.filter(status__in=tab.statuses)
    return queryset.order_by(*ordering)


def _as_rows(queryset):
    names = list(ROW_FIELDS)
    return [dict(zip(names, values, strict=True)) for values in queryset]


def _row_values(queryset):
    return queryset.values_list(*ROW_FIELDS.values())


class DeferredRows:
    """A page of dossiers (dicts of ROW_FIELDS) read in two steps: their ids from the index
    that serves the order (page 200 reads 5,000 index entries, never the joined rows before
    it), then the 25 rows with their joins."""

    def __init__(self, queryset, count):
        self.queryset = queryset
        self._count = count

    def count(self):  # what Paginator asks; the tab counts already know it
        return self._count

    def __getitem__(self, window):
        if window.start < DIRECT_UP_TO:  # near the top, one query with the joins is cheaper
            rows = _as_rows(_row_values(self.queryset)[window])
        else:
            ids = list(self.queryset.values_list("pk", flat=True)[window])
            page = _row_values(self.queryset.order_by().filter(pk__in=ids))
            by_pk = {row["pk"]: row for row in _as_rows(page)}
            rows = [by_pk[pk] for pk in ids]
        levels = RequestedLevel.objects.filter(application_id__in=[r["pk"] for r in rows])
        by_dossier = {}
        for application_id, level in levels.order_by("pk").values_list("application_id", "level"):
            by_dossier.setdefault(application_id, []).append(level)
        for row in rows:
            row["levels"] = by_dossier.get(row["pk"], [])
        return rows


def paginate(queryset, count, number):
    """The requested page of `queryset` (dicts of ROW_FIELDS and their "levels"), whose size
    the tab counts already gave."""
    return Paginator(DeferredRows(queryset, count), PAGE_SIZE).get_page(number)


@dataclass
class Age:
    days_total: int | None
    days_in_state: int
    flag_state: bool
    flag_total: bool


def age_of(row, settings, now=None):
    """The ages of a page row (a dict of ROW_FIELDS) against its faculty's thresholds."""
    now = now or timezone.now()
    status, submitted_at, changed_at = row["status"], row["submitted_at"], row["status_changed_at"]
    in_progress = status not in CLOSED
    return Age(
        days_total=(now - submitted_at).days if submitted_at else None,
        days_in_state=(now - changed_at).days,
        flag_state=in_progress and changed_at < add_months(now, -settings.alert_months_in_state),
        flag_total=in_progress
        and submitted_at is not None
        and submitted_at < add_months(now, -settings.alert_months_total),
    )
