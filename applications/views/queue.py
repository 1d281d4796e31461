"""The secretariat's queue page: tabs, filters, search, sort and pagination over
`selectors.queue`."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.models import Organisation
from stages.levels import StageLevel

from .. import selectors
from ..models import Application
from ..selectors import queue
from ..workflow import Status


@login_required
def queue_page(request):
    if not selectors.staff_faculties(request.user).exists():
        raise PermissionDenied(_("La file des dossiers est réservée au secrétariat du DUMG."))
    params = request.GET
    tab = queue.TAB_BY_SLUG.get(params.get("onglet"), queue.TABS[0])
    settings_map = queue.settings_by_faculty(request.user)
    filtered = queue.filtered(request.user, params, settings_map=settings_map)
    paginator = Paginator(queue.page_rows(filtered, tab, params.get("tri")), 25)
    page = paginator.get_page(params.get("page"))
    rows = [
        {"application": a, "age": queue.age_of(a, settings_map[a.faculty_id])}
        for a in page.object_list
    ]
    return render(
        request,
        "applications/staff/queue.html",
        {
            "tabs": [
                {"tab": t, "count": count, "current": t == tab}
                for t, count in queue.counted_tabs(filtered)
            ],
            "tab": tab,
            "page": page,
            "rows": rows,
            "params": params,
            "keep": _without(params, "onglet", "page"),
            "keep_page": _without(params, "page"),
            "statuses": [(s.value, s.label) for s in Status if s != Status.DRAFT],
            "levels": StageLevel.choices,
            "upps": Organisation.objects.filter(
                kind=Organisation.Kind.UPP, parent__in=selectors.staff_faculties(request.user)
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
