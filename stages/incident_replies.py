"""A reply on a student's own incident report, e-mailed to the student (who has no account,
hence no inbox) with their link to the thread: sent once by a task, swept like the students'
links when the task was lost."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from applications.services import WorkflowError

from . import links
from .records import IncidentMessage, StudentLink

log = logging.getLogger(__name__)


# A link reused for a reply has at least this long left; otherwise a new one goes.
LINK_LEFT = datetime.timedelta(days=7)
# A reply not sent after this long (its address refused, say) is no longer tried.
GIVE_UP_AFTER = datetime.timedelta(days=30)


def _student_link(placement, now):
    """The student's incident link to their current address with a week left at least, or a
    new one (whose own e-mail is then this reply's: it is marked sent with it)."""
    link = (
        StudentLink.objects.filter(
            placement=placement,
            purpose=StudentLink.Purpose.INCIDENT,
            email=placement.student.email,
            expires_at__gt=now + LINK_LEFT,
        )
        .order_by("-expires_at", "-pk")
        .first()
    )
    if link is None:
        return links.new_link(placement, StudentLink.Purpose.INCIDENT, now=now)
    link.placement = placement  # read with the message, its stage and faculty with it
    return link


def deliver(message_id, now=None):
    """E-mail the student that their report has a reply, once: the message row is locked while
    the e-mail leaves and marked at once. A student without an address is not told (the
    secretariat sees the thread, and the import is where an address is added)."""
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            IncidentMessage.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related(
                "incident__placement__student", "incident__placement__offer__period__faculty"
            )
            .filter(pk=message_id, tell_student=True, student_emailed_at__isnull=True)
            .first()
        )
        if message is None:
            return False
        placement = message.incident.placement
        try:
            link = _student_link(placement, now)
        except WorkflowError:  # no address any more
            message.tell_student = False
            message.save(update_fields=["tell_student"])
            return False
        links.mail_to_student(
            link,
            "emails/incident_reply_student",
            f"incident-reply-{message.pk}",
            incident=message.incident,
        ).send()
        message.student_emailed_at = now
        message.save(update_fields=["student_emailed_at"])
        if link.emailed_at is None:
            link.emailed_at = now
            link.save(update_fields=["emailed_at"])
    return True


def sweep(now=None):
    """Send the replies whose e-mail to the student did not leave (broker down, worker died).
    One that fails is logged and left for the next sweep, without holding up the others."""
    now = now or timezone.now()
    ids = IncidentMessage.objects.filter(
        tell_student=True,
        student_emailed_at__isnull=True,
        created_at__lte=now - links.SWEEP_GRACE,
        created_at__gt=now - GIVE_UP_AFTER,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(ids):
        try:
            sent += deliver(pk)
        except Exception:
            log.exception("The reply %s to a student's report could not be e-mailed.", pk)
    return sent
