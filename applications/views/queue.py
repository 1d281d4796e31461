"""The secretariat's queue page: tabs, filters, search, sort and pagination over
`selectors.queue`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import Organisation, display_name
from stages.levels import StageLevel

from .. import selectors, services
from ..forms.commission import BatchAgendaForm
from ..models import Application, CommissionSession
from ..models.dossier import reference_of
from ..selectors import queue
from ..services import WorkflowError
from ..templatetags.french_dates import days_text
from ..workflow import Status
from .feedback import flash_errors


def _open_sessions(user):
    """The open sessions of the faculties whose secretariat the user is."""
    return CommissionSession.objects.filter(
        closed_at__isnull=True, faculty_id__in=selectors.secretariat_faculties(user)
    ).order_by("meets_at")


EXPORT_FILTERS = ("etat", "niveau", "upp", "type", "age", "q", "tri")


@login_required
def queue_page(request):
    settings_map = queue.settings_by_faculty(request.user)
    if not settings_map:
        raise PermissionDenied(_("La file des dossiers est réservée au secrétariat du DUMG."))
    params = request.GET
    tab = queue.TAB_BY_SLUG.get(params.get("onglet"), queue.TABS[0])
    searching = bool((params.get("q") or "").strip())
    filtered = queue.filtered(request.user, params, settings_map=settings_map)
    faculties, level = queue.kept_counts_for(params, settings_map)
    tabs = queue.counted_tabs(filtered, faculties=faculties, level=level)
    # A search looks in every tab: a doctor is found wherever their dossier stands.
    shown = None if searching else tab
    count = sum(n for t, n in tabs) if searching else dict(tabs)[tab]
    page = queue.paginate(
        queue.page_rows(filtered, shown, params.get("tri")), count, params.get("page")
    )
    # Labels translated once per page: get_FOO_display() re-hashes every choice's lazy label
    # (a gettext each) on each call.
    statuses = {s.value: str(s.label) for s in Status}
    kinds = {k.value: str(k.label) for k in Application.Kind}
    levels = {v: str(label) for v, label in StageLevel.choices}
    detail_url = reverse("applications:detail", args=[987654321]).replace("987654321", "{}")
    now = timezone.now()
    rows = []
    for a in page.object_list:
        age = queue.age_of(a, settings_map[a["faculty_id"]], now)
        tab_of = queue.tab_of(a["status"])
        rows.append(
            {
                "pk": a["pk"],
                "reference": reference_of(a["created_at"], a["pk"]),
                "url": detail_url.format(a["pk"]),
                "doctor": display_name(a["first_name"], a["last_name"], a["email"]),
                "rpps": a["rpps"],
                "upp": a["upp"] or "—",
                "flag_total": age.flag_total,
                "flag_state": age.flag_state,
                "days_total": days_text(age.days_total),
                "days_in_state": days_text(age.days_in_state),
                "tab_slug": tab_of.slug,
                "tab_label": str(tab_of.label),
                "status": statuses.get(a["status"], a["status"]),
                "kind": kinds.get(a["kind"], a["kind"]),
                "levels": [levels.get(level, level) for level in a["levels"]],
            }
        )
    batch_form, postponed = None, []
    if tab.slug == "commission" and not searching:
        batch_form = BatchAgendaForm(sessions=_open_sessions(request.user))
        # Dossiers in commission whose postponed level waits for the next agenda (their other
        # levels are decided or to decide: they stay counted under "En commission").
        postponed = list(
            Application.objects.filter(
                faculty_id__in=list(settings_map),
                status=Status.IN_COMMISSION,
                pk__in=selectors.awaiting_levels().values("application_id"),
            )
            .select_related("doctor__user")
            .order_by("submitted_at", "pk")
        )
    return render(
        request,
        "applications/staff/queue.html",
        {
            "tabs": [{"tab": t, "count": n, "current": t == tab} for t, n in tabs],
            "elsewhere": [{"tab": t, "count": n} for t, n in tabs if n and t != tab],
            "tab": tab,
            "searching": searching,
            "page": page,
            "rows": rows,
            "params": params,
            "keep": _without(params, "onglet", "page"),
            "keep_page": _without(params, "page"),
            "statuses": _options(
                [(s.value, s.label) for s in Status if s != Status.DRAFT], params.get("etat")
            ),
            "levels": _options(StageLevel.choices, params.get("niveau")),
            "upps": _options(
                Organisation.objects.filter(
                    kind=Organisation.Kind.UPP, parent_id__in=list(settings_map)
                ).values_list("pk", "name"),
                params.get("upp"),
            ),
            "kinds": _options(Application.Kind.choices, params.get("type")),
            "ages": _options(queue.AGES.items(), params.get("age")),
            # The "ready for commission" tab: tick dossiers, put them on a session at once.
            "batch_form": batch_form,
            "postponed": postponed,
            # The export button sends the tab and the filters shown (exports app, kind "queue").
            "export_faculty_id": next(iter(settings_map)),
            "export_params": [
                (key, params[key]) for key in EXPORT_FILTERS if params.get(key) not in (None, "")
            ],
            "sorts": _options(
                [
                    ("anciennete", _("Plus anciens d'abord")),
                    ("-anciennete", _("Plus récents d'abord")),
                    ("etat", _("Depuis le plus longtemps dans leur état")),
                    ("nom", _("Nom du médecin")),
                ],
                params.get("tri"),
            ),
        },
    )


def _options(choices, current):
    """(value, label, chosen) for a filter's <select>, the chosen one being the request's."""
    return [(str(value), label, str(value) == current) for value, label in choices]


def _without(params, *keys):
    copy = params.copy()
    for key in keys:
        copy.pop(key, None)
    return copy.urlencode()


@login_required
@require_POST
def add_to_session(request):
    """The dossiers ticked in the "ready for commission" tab, onto one session's agenda."""
    if not selectors.secretariat_faculties(request.user).exists():
        raise PermissionDenied(_("Seul le secrétariat du DUMG compose l'ordre du jour."))
    back = reverse("applications:queue") + "?onglet=commission"
    form = BatchAgendaForm(request.POST, sessions=_open_sessions(request.user))
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect(back)
    ids = {int(v) for v in request.POST.getlist("dossiers") if v.isdigit()}
    applications = list(
        selectors.applications_visible_to(request.user).filter(pk__in=ids).order_by("pk")
    )
    if len(applications) != len(ids):
        raise Http404
    session = form.cleaned_data["session"]
    try:
        services.add_several_to_agenda(session, applications, request.user)
    except WorkflowError as error:
        flash_errors(request, error)
        return redirect(back)
    messages.success(
        request,
        ngettext(
            "%(n)d dossier inscrit à l'ordre du jour de la %(session)s.",
            "%(n)d dossiers inscrits à l'ordre du jour de la %(session)s.",
            len(applications),
        )
        % {"n": len(applications), "session": str(session).lower()},
    )
    return redirect("applications:session", session.pk)
