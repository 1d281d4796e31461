"""The faculty's list of MSUs behind on an obligation, as a kind of the shared export (the
filters on screen: obligation, UPP, name)."""

from django.db.models import Case, CharField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Organisation
from exports.registry import ExportKind, register
from exports.sources import QuerySource
from exports.writers import Column

from . import rules, selectors
from .models import Obligation


def _keep(params):
    return {
        name: str(params[name])[:100]
        for name in selectors.BEHIND_FILTERS
        if params.get(name) not in (None, "")
    }


def _describe(params):
    parts = []
    if params.get("obligation") in rules.TRACKED:
        parts.append(str(Obligation(params["obligation"]).label))
    if str(params.get("upp", "")).isdigit():
        upp = Organisation.objects.filter(pk=int(params["upp"]), kind="upp").first()
        parts.append(upp.name if upp else "")
    if params.get("q"):
        parts.append(f"« {params['q']} »")
    parts = [p for p in parts if p]
    if not parts:
        return _("MSU en retard sur une obligation")
    return _("MSU en retard sur une obligation — %(filters)s") % {"filters": ", ".join(parts)}


def behind_source(faculty, params, today=None):
    today = today or timezone.localdate()
    rows = selectors.behind(faculty, params, today).annotate(
        obligation_label=Case(
            *[
                When(obligation=value, then=Value(str(label)))
                for value, label in Obligation.choices
            ],
            default=Value(""),
            output_field=CharField(),
        ),
    )
    columns_fields = [
        (Column(_("Nom"), width=20), "doctor__user__last_name"),
        (Column(_("Prénom"), width=16), "doctor__user__first_name"),
        (Column(_("RPPS"), width=14), "doctor__rpps"),
        (Column(_("Adresse électronique"), width=28), "doctor__user__email"),
        (Column(_("UPP"), width=18), "doctor__upp__name"),
        (Column(_("Obligation"), width=30, ours=True), "obligation_label"),
        (Column(_("Échéance"), "date", 12), "due_on"),
        (Column(_("Dernière réalisation"), "date", 14), "last_done_on"),
    ]
    return QuerySource(
        _("MSU en retard"),
        [c for c, _f in columns_fields],
        rows,
        [f for _c, f in columns_fields],
    )


register(
    ExportKind(
        slug="obligations_behind",
        label=gettext_lazy("MSU en retard sur une obligation"),
        roles=selectors.STAFF,
        count_label=lambda n: (
            ngettext("%(n)s obligation en retard", "%(n)s obligations en retard", n) % {"n": n}
        ),
        clean=_keep,
        source=lambda export, progress=None: behind_source(export.faculty, export.params),
        filename=lambda export: (
            f"msu-en-retard-{timezone.localtime(export.requested_at):%Y-%m-%d}.{export.format}"
        ),
        describe=_describe,
    )
)
