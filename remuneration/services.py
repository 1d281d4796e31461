"""The faculty's payment export, asked for by an admin: a row of the shared export mechanism
(`exports.services`), built in the background by its task with its progress; see
`remuneration.export_kinds` for the file itself."""

from django.utils.translation import gettext as _

from applications.services import WorkflowError
from exports import services as export_services
from stages.services import is_faculty_admin

from .export_kinds import PAYMENTS, valid_year


def request_export(faculty, by, year, fmt):
    if not is_faculty_admin(by, faculty.pk):
        raise WorkflowError(
            _("Seul un administrateur de la faculté peut exporter les paiements des MSU.")
        )
    if not valid_year(year):
        raise WorkflowError(_("Choisissez une année universitaire."))
    return export_services.request_export(faculty, by, PAYMENTS, {"year": year}, fmt)
