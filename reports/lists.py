"""The lists the faculty exports, each as one annotated queryset and its French columns: the
queue (the dossiers of a tab and its filters), the register of agréments and the directory
of MSUs. Read only; every row is of the faculty asked for."""

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, ExtractYear, LPad, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import FacultySettings
from applications.dates import add_months
from applications.models import (
    Agrement,
    Application,
    Decision,
    Doctor,
    PracticeSite,
    RequestedLevel,
)
from applications.models.agrement import RENEWAL_WINDOW_MONTHS
from applications.selectors import queue
from applications.workflow import CLOSED, Status
from exports.sources import QuerySource
from exports.writers import Column
from remuneration.statements import academic_year_of, year_bounds
from stages.levels import Authority, StageLevel
from stages.models import Placement, TeamMember, Tutoring

from .sql import DaysSince, JoinedText, Label

# The queue ---------------------------------------------------------------------------------


def _levels_of_application():
    return Subquery(
        RequestedLevel.objects.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(names=JoinedText(Label("level", StageLevel.choices)))
        .values("names"),
        output_field=CharField(),
    )


def queue_source(user, faculty, params, now=None):
    """The dossiers of the tab and filters `params` (the queue page's query string), of
    `faculty` only, in the page's order."""
    now = now or timezone.now()
    settings = FacultySettings.for_faculty(faculty)
    tab = queue.TAB_BY_SLUG.get(params.get("onglet"), queue.TABS[0])
    filtered = queue.filtered(user, params, now=now, settings_map={faculty.pk: settings})
    ordering = queue.SORTS.get(params.get("tri"), queue.SORTS["anciennete"])
    state_limit = add_months(now, -settings.alert_months_in_state)
    total_limit = add_months(now, -settings.alert_months_total)
    open_ = ~Q(status__in=CLOSED)
    too_old = open_ & Q(submitted_at__lt=total_limit)
    stuck = open_ & Q(status_changed_at__lt=state_limit)
    # A search looks in every tab, as on the page.
    searching = bool((params.get("q") or "").strip())
    statuses = Q() if searching else Q(status__in=tab.statuses)
    rows = (
        Application.objects.filter(statuses, pk__in=filtered.values("pk"), faculty=faculty)
        .annotate(
            number=Concat(
                Value("MSU-"),
                ExtractYear("created_at"),
                Value("-"),
                LPad(Cast("pk", CharField()), 5, Value("0")),
                output_field=CharField(),
            ),
            kind_label=Label("kind", Application.Kind.choices),
            status_label=Label("status", Status.choices),
            levels_label=_levels_of_application(),
            submitted_on=TruncDate("submitted_at"),
            changed_on=TruncDate("status_changed_at"),
            decided_on=Subquery(
                Decision.objects.filter(requested_level__application=OuterRef("pk"))
                .order_by()
                .values("requested_level__application")
                .annotate(last=Max("decided_on"))
                .values("last")
            ),
            age_days=DaysSince("submitted_at", now),
            state_days=DaysSince("status_changed_at", now),
            flags=Case(
                When(too_old & stuck, then=Value(_("trop ancien ; en attente trop longue"))),
                When(too_old, then=Value(_("trop ancien"))),
                When(stuck, then=Value(_("en attente trop longue"))),
                default=Value(""),
                output_field=CharField(),
            ),
        )
        .order_by(*ordering)
    )
    columns_fields = [
        (Column(_("Dossier"), width=16, ours=True), "number"),
        (Column(_("Nom"), width=20), "doctor__user__last_name"),
        (Column(_("Prénom"), width=16), "doctor__user__first_name"),
        (Column(_("RPPS"), width=14), "doctor__rpps"),
        (Column(_("UPP"), width=18), "doctor__upp__name"),
        (Column(_("Type de demande"), width=18, ours=True), "kind_label"),
        (Column(_("Niveaux demandés"), width=40, ours=True), "levels_label"),
        (Column(_("État"), width=20, ours=True), "status_label"),
        (Column(_("Transmis le"), "date", 12), "submitted_on"),
        (Column(_("Dernier changement d'état le"), "date", 14), "changed_on"),
        (Column(_("Décidé le"), "date", 12), "decided_on"),
        (Column(_("Âge (jours depuis la transmission)"), "int", 12), "age_days"),
        (Column(_("Jours dans l'état"), "int", 12), "state_days"),
        (Column(_("Signalements"), width=30, ours=True), "flags"),
    ]
    return QuerySource(
        _("Dossiers — %(tab)s") % {"tab": tab.label},
        [c for c, _f in columns_fields],
        rows,
        [f for _c, f in columns_fields],
    )


# The register of agréments -----------------------------------------------------------------

REGISTER_STATUSES = {
    "en_cours": "En cours",
    "a_renouveler": "À renouveler",
    "expire": "Expiré",
    "renouvele": "Renouvelé",
    "a_venir": "À venir",
    "en_reexamen": "En réexamen",
    "suspendu": "Suspendu",
    "retire": "Retiré",
}


def register_status_labels():
    return {
        "en_cours": _("En cours"),
        "a_renouveler": _("À renouveler"),
        "expire": _("Expiré"),
        "renouvele": _("Renouvelé"),
        "a_venir": _("À venir"),
        "en_reexamen": _("En réexamen"),
        "suspendu": _("Suspendu"),
        "retire": _("Retiré"),
    }


def _main_site(field):
    return Subquery(
        PracticeSite.objects.filter(doctor=OuterRef("doctor"))
        .order_by("-is_main", "pk")
        .values(field)[:1]
    )


def agrements_of(faculty, today=None):
    """The agréments the faculty instructed, each with its status today: renewed (a later
    agrément of the same doctor and level exists), expired, upcoming, to renew (in its last
    six months), or in force."""
    today = today or timezone.localdate()
    renewed = Exists(
        Agrement.objects.filter(
            doctor=OuterRef("doctor"),
            level=OuterRef("level"),
            valid_from__gt=OuterRef("valid_from"),
        )
    )
    labels = register_status_labels()
    return (
        Agrement.objects.filter(application__faculty=faculty)
        .annotate(
            renewed=renewed,
            register_status=Case(
                # Its life after the decision first: a withdrawn or suspended agrément no
                # longer counts, whatever its dates.
                When(status=Agrement.Status.WITHDRAWN, then=Value("retire")),
                When(status=Agrement.Status.SUSPENDED, then=Value("suspendu")),
                When(renewed=True, then=Value("renouvele")),
                When(status=Agrement.Status.UNDER_REVIEW, then=Value("en_reexamen")),
                When(valid_until__lt=today, then=Value("expire")),
                When(valid_from__gt=today, then=Value("a_venir")),
                When(
                    valid_until__lt=add_months(today, RENEWAL_WINDOW_MONTHS),
                    then=Value("a_renouveler"),
                ),
                default=Value("en_cours"),
                output_field=CharField(),
            ),
        )
        .annotate(register_status_label=Label("register_status", labels.items()))
    )


def register_queryset(faculty, filters, today=None):
    rows = agrements_of(faculty, today)
    if filters.get("niveau") in StageLevel.values:
        rows = rows.filter(level=filters["niveau"])
    if str(filters.get("upp", "")).isdigit():
        rows = rows.filter(doctor__upp_id=int(filters["upp"]))
    if filters.get("statut") in REGISTER_STATUSES:
        rows = rows.filter(register_status=filters["statut"])
    return rows.annotate(
        level_label=Label("level", StageLevel.choices),
        authority_label=Label("authority", Authority.choices),
        site_name=_main_site("name"),
        site_commune=_main_site("commune"),
        site_zonage=Label(_main_site("zonage"), PracticeSite.Zonage.choices),
        max_students=Coalesce("application__max_students", 1),
        associate_of=_associate_of(),
    ).order_by("doctor__user__last_name", "doctor__user__first_name", "level", "valid_from", "pk")


def _associate_of():
    """« MSU associé de Dr Prénom Nom » (« associée » for a docteure) for an agrément granted
    to an MSU associé, else ""."""
    return Case(
        When(
            ~Q(application__associate_role="") & Q(application__associate_msu__isnull=False),
            then=Concat(
                Case(
                    When(
                        doctor__civility=Doctor.Civility.DR_MME,
                        then=Value(_("MSU associée de Dr ")),
                    ),
                    default=Value(_("MSU associé de Dr ")),
                ),
                "application__associate_msu__user__first_name",
                Value(" "),
                "application__associate_msu__user__last_name",
                output_field=CharField(),
            ),
        ),
        default=Value(""),
        output_field=CharField(),
    )


def register_source(faculty, filters, today=None):
    columns_fields = [
        (Column(_("Nom"), width=20), "doctor__user__last_name"),
        (Column(_("Prénom"), width=16), "doctor__user__first_name"),
        (Column(_("RPPS"), width=14), "doctor__rpps"),
        (Column(_("Niveau"), width=34, ours=True), "level_label"),
        (Column(_("Autorité"), width=26, ours=True), "authority_label"),
        (Column(_("Référence"), width=18), "reference"),
        (Column(_("Valable du"), "date", 12), "valid_from"),
        (Column(_("Valable jusqu'au"), "date", 12), "valid_until"),
        (Column(_("Statut"), width=14, ours=True), "register_status_label"),
        (Column(_("UPP"), width=18), "doctor__upp__name"),
        (Column(_("Lieu d'exercice"), width=28), "site_name"),
        (Column(_("Commune"), width=18), "site_commune"),
        (Column(_("Zonage"), width=30, ours=True), "site_zonage"),
        (Column(_("Étudiants au plus"), "int", 10), "max_students"),
        (Column(_("MSU associé"), width=30), "associate_of"),
    ]
    return QuerySource(
        _("Registre des agréments"),
        [c for c, _f in columns_fields],
        register_queryset(faculty, filters, today),
        [f for _c, f in columns_fields],
    )


# The directory of MSUs ---------------------------------------------------------------------

# An agrément suspended or withdrawn no longer makes its doctor an approved MSU.
COUNTING = [Agrement.Status.IN_FORCE, Agrement.Status.UNDER_REVIEW]


def approved_doctors(faculty, today=None):
    """Doctors holding an agrément of the faculty in force today."""
    today = today or timezone.localdate()
    in_force = Agrement.objects.filter(
        doctor=OuterRef("pk"),
        application__faculty=faculty,
        valid_from__lte=today,
        valid_until__gte=today,
        status__in=COUNTING,
    )
    return Doctor.objects.filter(Exists(in_force))


def directory_queryset(faculty, today=None):
    today = today or timezone.localdate()
    start, end = year_bounds(academic_year_of(today))
    levels = Subquery(
        Agrement.objects.filter(
            doctor=OuterRef("pk"),
            application__faculty=faculty,
            valid_from__lte=today,
            valid_until__gte=today,
            status__in=COUNTING,
        )
        .order_by()
        .values("doctor")
        .annotate(names=JoinedText(Label("level", StageLevel.choices)))
        .values("names"),
        output_field=CharField(),
    )

    def count(queryset, group):
        return Coalesce(
            Subquery(
                queryset.order_by().values(group).annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
            0,
        )

    year_offers = TeamMember.objects.filter(
        doctor=OuterRef("pk"),
        offer__period__faculty=faculty,
        offer__period__start__gte=start,
        offer__period__start__lte=end,
    )
    year_placements = Placement.objects.filter(
        offer__team__doctor=OuterRef("pk"),
        offer__period__faculty=faculty,
        start__gte=start,
        start__lte=end,
    )
    tutees = Tutoring.objects.filter(
        tutor=OuterRef("pk"), student__faculty=faculty, ended_on__isnull=True
    )
    charter = Subquery(
        Application.objects.filter(doctor=OuterRef("pk"), faculty=faculty)
        .exclude(status=Status.DRAFT)
        .order_by("-submitted_at", "-pk")
        .values("commit_charter")[:1]
    )
    return (
        approved_doctors(faculty, today)
        .annotate(
            levels_label=levels,
            site_name=_main_site_of_doctor("name"),
            site_address=_main_site_of_doctor("address"),
            site_postal_code=_main_site_of_doctor("postal_code"),
            site_commune=_main_site_of_doctor("commune"),
            offers_count=count(year_offers, "doctor"),
            placements_count=count(year_placements, "offer__team__doctor"),
            tutees_count=count(tutees, "tutor"),
            charter_signed=charter,
        )
        .order_by("user__last_name", "user__first_name", "pk")
    )


def _main_site_of_doctor(field):
    return Subquery(
        PracticeSite.objects.filter(doctor=OuterRef("pk"))
        .order_by("-is_main", "pk")
        .values(field)[:1]
    )


def directory_source(faculty, today=None):
    columns_fields = [
        (Column(_("Nom"), width=20), "user__last_name"),
        (Column(_("Prénom"), width=16), "user__first_name"),
        (Column(_("RPPS"), width=14), "rpps"),
        (Column(_("Adresse électronique"), width=28), "user__email"),
        (Column(_("Téléphone"), width=14), "phone"),
        (Column(_("Lieu d'exercice principal"), width=28), "site_name"),
        (Column(_("Adresse"), width=28), "site_address"),
        (Column(_("Code postal"), width=10), "site_postal_code"),
        (Column(_("Commune"), width=18), "site_commune"),
        (Column(_("UPP"), width=18), "upp__name"),
        (Column(_("Niveaux agréés"), width=40, ours=True), "levels_label"),
        (Column(_("Terrains de stage de l'année"), "int", 12), "offers_count"),
        (Column(_("Étudiants placés dans l'année"), "int", 12), "placements_count"),
        (Column(_("Tutorés en cours"), "int", 10), "tutees_count"),
        (Column(_("Formation pédagogique initiale le"), "date", 14), "training_completed_on"),
        (Column(_("Charte pédagogique signée"), width=12, ours=True), "charter_text"),
    ]
    queryset = directory_queryset(faculty, today).annotate(
        charter_text=Case(
            When(charter_signed=True, then=Value(_("Oui"))),
            When(charter_signed=False, then=Value(_("Non"))),
            default=Value(""),
            output_field=CharField(),
        )
    )
    return QuerySource(
        _("Annuaire des MSU"),
        [c for c, _f in columns_fields],
        queryset,
        [f for _c, f in columns_fields],
    )
