"""The secretariat's queue page: tabs, filters, search, sort and pagination over
`selectors.queue`."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.models import Organisation
from stages.levels import StageLevel

from ..models import Application
from ..selectors import queue
from ..workflow import Status


@login_required
def queue_page(request):
    settings_map = queue.settings_by_faculty(request.user)
    if not settings_map:
        raise PermissionDenied(_("La file des dossiers est réservée au secrétariat du DUMG."))
    params = request.GET
    tab = queue.TAB_BY_SLUG.get(params.get("onglet"), queue.TABS[0])
    searching = bool((params.get("q") or "").strip())
    filtered = queue.filtered(request.user, params, settings_map=settings_map)
    tabs = queue.counted_tabs(
        filtered, faculties=settings_map if queue.is_unfiltered(params) else None
    )
    # A search looks in every tab: a doctor is found wherever their dossier stands.
    shown = None if searching else tab
    count = sum(n for t, n in tabs) if searching else dict(tabs)[tab]
    page = queue.paginate(
        queue.page_rows(filtered, shown, params.get("tri")), count, params.get("page")
    )
    rows = [
        {
            "application": a,
            "age": queue.age_of(a, settings_map[a.faculty_id]),
            "tab": queue.tab_of(a.status),
        }
        for a in page.object_list
    ]
    return render(
        request,
        "applications/staff/queue.html",
        {
            "tabs": [{"tab": t, "count": n, "current": t == tab} for t, n in tabs],
            "tab": tab,
            "searching": searching,
            "page": page,
            "rows": rows,
            "params": params,
            "keep": _without(params, "onglet", "page"),
            "keep_page": _without(params, "page"),
            "statuses": [(s.value, s.label) for s in Status if s != Status.DRAFT],
            "levels": StageLevel.choices,
            "upps": Organisation.objects.filter(
                kind=Organisation.Kind.UPP, parent_id__in=list(settings_map)
            ),
            "kinds": Application.Kind.choices,
            "ages": queue.AGES.items(),
            "sorts": [
                ("anciennete", _("Plus anciens d'abord")),
                ("-anciennete", _("Plus récents d'abord")),
                ("etat", _("Depuis le plus longtemps dans leur état")),
                ("nom", _("Nom du médecin")),
            ],
        },
    )


def _without(params, *keys):
    copy = params.copy()
    for key in keys:
        copy.pop(key, None)
    return copy.urlencode()
