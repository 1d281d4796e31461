"""The faculty's payment file as a kind of the shared export mechanism (`exports`): for the
faculty's admins only, the lines not yet sent of an academic year — one per MSU and period the
first time, then the corrections of what changed since (`ledger`)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Membership
from exports.registry import ExportKind, register

from . import exports, ledger, statements

PAYMENTS = "payments"
CHUNK = 200  # placements between two progress writes
# Years a URL or an export may name: beyond, the statement's dates would not even exist.
MIN_YEAR, MAX_YEAR = 2000, 2100


def valid_year(year):
    return isinstance(year, int) and MIN_YEAR <= year <= MAX_YEAR


def _clean(params):
    from exports.services import ExportError

    try:
        year = int(params.get("year"))
    except (TypeError, ValueError):
        year = None
    if not valid_year(year):
        raise ExportError(_("Choisissez une année universitaire."))
    return {"year": year}


def _source(export, progress=None):
    year = export.params["year"]
    count = statements.payment_placements(export.faculty, year).count()
    lines = ledger.record(export, progress=progress and (lambda d, t: progress(d, t)), chunk=CHUNK)
    table = exports.payment_table(lines, year)
    table.extra["count"] = count
    return table


register(
    ExportKind(
        slug=PAYMENTS,
        label=gettext_lazy("Paiements des MSU"),
        roles=frozenset({Membership.Role.FACULTY_ADMIN}),
        count_label=lambda n: ngettext("%(n)s placement", "%(n)s placements", n) % {"n": n},
        clean=_clean,
        source=_source,
        filename=lambda export: exports.payment_filename(
            export.faculty, export.params["year"], export.format
        ),
        describe=lambda params: (
            # A line per MSU and period: « 1 placement » of a team of two gives two lines.
            _("Paiements des MSU %(year)s (une ligne par MSU et par période)")
            % {"year": statements.year_label(params["year"])}
        ),
        denied=gettext_lazy(
            "Seul un administrateur de la faculté peut exporter les paiements des MSU."
        ),
    )
)
