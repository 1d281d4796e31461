"""The faculty's lists as kinds of the shared export mechanism: the queue (the tab and filters
on screen), the register of agréments (filters by level, UPP, status) and the directory of
MSUs. Read by the secretariat and the faculty admin of the faculty."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Membership, Organisation
from applications.selectors import queue
from applications.workflow import Status
from exports.registry import ExportKind, register
from stages.levels import StageLevel

from . import lists

STAFF = frozenset({Membership.Role.SECRETARIAT, Membership.Role.FACULTY_ADMIN})
QUEUE_FILTERS = ("onglet", "etat", "niveau", "upp", "type", "age", "q", "tri")
REGISTER_FILTERS = ("niveau", "upp", "statut")


def _stem(export, name):
    day = timezone.localtime(export.requested_at).date()
    return f"{name}-{day:%Y-%m-%d}.{export.format}"


def _keep(params, names):
    """The filters the list knows, as short strings; anything else is dropped."""
    return {name: str(params[name])[:100] for name in names if params.get(name) not in (None, "")}


def _upp_name(pk):
    if not str(pk).isdigit():
        return ""
    upp = Organisation.objects.filter(pk=int(pk), kind=Organisation.Kind.UPP).first()
    return upp.name if upp else ""


def _describe_queue(params):
    tab = queue.TAB_BY_SLUG.get(params.get("onglet"), queue.TABS[0])
    parts = [str(tab.label)]
    if params.get("etat") in Status.values:
        parts.append(str(Status(params["etat"]).label))
    if params.get("niveau") in StageLevel.values:
        parts.append(str(StageLevel(params["niveau"]).label))
    if params.get("upp"):
        parts.append(_upp_name(params["upp"]))
    if params.get("age") in queue.AGES:
        parts.append(str(queue.AGES[params["age"]]))
    if params.get("q"):
        parts.append(f"« {params['q']} »")
    return _("File des dossiers — %(filters)s") % {"filters": ", ".join(p for p in parts if p)}


def _describe_register(params):
    parts = []
    if params.get("niveau") in StageLevel.values:
        parts.append(str(StageLevel(params["niveau"]).label))
    if params.get("upp"):
        parts.append(_upp_name(params["upp"]))
    if params.get("statut") in lists.REGISTER_STATUSES:
        parts.append(str(lists.register_status_labels()[params["statut"]]))
    if not parts:
        return _("Registre des agréments")
    return _("Registre des agréments — %(filters)s") % {"filters": ", ".join(parts)}


def _queue_source(export, progress=None):
    if export.requested_by is None:
        raise ValueError("the export's author was deleted")
    return lists.queue_source(export.requested_by, export.faculty, export.params)


register(
    ExportKind(
        slug="queue",
        label=gettext_lazy("File des dossiers"),
        roles=STAFF,
        count_label=lambda n: ngettext("%(n)s dossier", "%(n)s dossiers", n) % {"n": n},
        clean=lambda params: _keep(params, QUEUE_FILTERS),
        source=_queue_source,
        filename=lambda export: _stem(export, "dossiers"),
        describe=_describe_queue,
    )
)

register(
    ExportKind(
        slug="agrements",
        label=gettext_lazy("Registre des agréments"),
        roles=STAFF,
        count_label=lambda n: ngettext("%(n)s agrément", "%(n)s agréments", n) % {"n": n},
        clean=lambda params: _keep(params, REGISTER_FILTERS),
        source=lambda export, progress=None: lists.register_source(export.faculty, export.params),
        filename=lambda export: _stem(export, "registre-agrements"),
        describe=_describe_register,
    )
)

register(
    ExportKind(
        slug="directory",
        label=gettext_lazy("Annuaire des MSU"),
        roles=STAFF,
        count_label=lambda n: ngettext("%(n)s MSU", "%(n)s MSU", n) % {"n": n},
        clean=lambda params: {},
        source=lambda export, progress=None: lists.directory_source(export.faculty),
        filename=lambda export: _stem(export, "annuaire-msu"),
        describe=lambda params: _("Annuaire des MSU"),
    )
)
