"""What the dashboard lets the faculty admin change: the number of students to place per
period and level. One function, one transaction, the admin's right checked."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.services import WorkflowError
from stages.models import Period
from stages.services import is_faculty_admin

from .models import StudentTarget


@transaction.atomic
def set_targets(faculty, by, values):
    """`values`: {(period id, level): number of students or None to clear}. All or nothing."""
    if not is_faculty_admin(by, faculty.pk):
        raise WorkflowError(
            _("Seul un administrateur de la faculté peut saisir les étudiants à placer.")
        )
    periods = {
        p.pk: p for p in Period.objects.filter(faculty=faculty, pk__in={k[0] for k in values})
    }
    if len(periods) != len({k[0] for k in values}):
        raise WorkflowError(_("Une des périodes n'appartient pas à votre faculté."))
    changed = 0
    for (period_id, level), students in values.items():
        if students is None:
            changed += StudentTarget.objects.filter(period_id=period_id, level=level).delete()[0]
            continue
        StudentTarget.objects.update_or_create(
            period_id=period_id,
            level=level,
            defaults={"students": students, "updated_by": by, "updated_at": timezone.now()},
        )
        changed += 1
    return changed
