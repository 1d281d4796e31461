"""The faculty sends a student their links (to evaluate the stage, to report a difficulty),
e.g. when the student asks again or their address was added late."""

from django.db import transaction
from django.utils.translation import gettext as _

from applications.services import WorkflowError
from background.enqueue import enqueue_on_commit

from . import links, tasks
from .models import Placement
from .records import Evaluation


@transaction.atomic
def send_links(placement, by):
    """Both links, or the incident link alone once the student has evaluated the stage."""
    from .services import require_faculty_admin

    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("student", "offer__period")
        .get(pk=placement.pk)
    )
    require_faculty_admin(by, placement.offer.period.faculty_id)
    purposes = [links.Purpose.INCIDENT]
    if not Evaluation.objects.filter(placement=placement, stage=Evaluation.Stage.STUDENT).exists():
        purposes.insert(0, links.Purpose.EVALUATION)
    created = [links.new_link(placement, purpose, by) for purpose in purposes]
    for link in created:
        enqueue_on_commit(tasks.send_student_link, link.pk)
    if not created:
        raise WorkflowError(_("Aucun lien à envoyer."))
    return created
