"""A reply on a student's own incident report, e-mailed to the student (who has no account,
hence no inbox) with their link to the thread: sent once by a task, swept like the students'
links when the task was lost."""

from django.db import transaction
from django.utils import timezone

from accounts.faculties import signature
from accounts.mailer import build_mail, render_templated_mail
from applications.services import WorkflowError
from notifications.services import absolute

from . import links
from .records import IncidentMessage, StudentLink


def _student_link(placement, now):
    """The student's incident link still valid the longest, or a new one (whose own e-mail is
    then this reply's: it is marked sent with it)."""
    link = (
        StudentLink.objects.filter(
            placement=placement, purpose=StudentLink.Purpose.INCIDENT, expires_at__gt=now
        )
        .order_by("-expires_at", "-pk")
        .first()
    )
    return link or links.new_link(placement, StudentLink.Purpose.INCIDENT, now=now)


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
        faculty = placement.offer.period.faculty
        subject, text, html = render_templated_mail(
            "emails/incident_reply_student",
            {
                "incident": message.incident,
                "student": placement.student,
                "offer": placement.offer,
                "link": absolute(links.url(link)),
                "expires_at": timezone.localtime(link.expires_at),
                "INSTITUTION_NAME": faculty.name,
                "SIGNATURE": signature(faculty),
            },
        )
        build_mail(
            [link.email],
            subject,
            text,
            html,
            headers={"Message-ID": f"<incident-reply-{message.pk}@msu>"},
        ).send()
        message.student_emailed_at = now
        message.save(update_fields=["student_emailed_at"])
        if link.emailed_at is None:
            link.emailed_at = now
            link.save(update_fields=["emailed_at"])
    return True


def sweep(now=None):
    """Send the replies whose e-mail to the student did not leave (broker down, worker died)."""
    now = now or timezone.now()
    ids = IncidentMessage.objects.filter(
        tell_student=True,
        student_emailed_at__isnull=True,
        created_at__lte=now - links.SWEEP_GRACE,
    ).values_list("pk", flat=True)
    return sum(deliver(pk) for pk in list(ids))
