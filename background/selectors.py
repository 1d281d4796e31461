"""What of the background side each person may see: a faculty admin their faculty's e-mails and
documents, a superuser everything. Plain querysets (no DISTINCT), so that services can lock
them."""

from django.db.models import F, Q

from accounts.models import Membership
from applications.models import Doctor, GeneratedDocument
from notifications.models import Notification
from stages.selectors import admin_faculties

Status = Notification.EmailStatus
STUCK = [Status.PENDING, Status.SENDING, Status.FAILED]


def can_see_background(user):
    return user.is_authenticated and (user.is_superuser or admin_faculties(user).exists())


def notifications_of(user):
    """The notifications of people of the user's faculties: its doctors and its members."""
    rows = Notification.objects.all()
    if not user.is_superuser:
        faculties = admin_faculties(user).values("pk")
        rows = rows.filter(
            Q(user_id__in=Doctor.objects.filter(faculty__in=faculties).values("user_id"))
            | Q(user_id__in=Membership.objects.filter(organisation__in=faculties).values("user_id"))
        )
    return rows


def notifications_to_deliver(user):
    """E-mails not sent yet: waiting, being sent, or failed."""
    return notifications_of(user).filter(email_status__in=STUCK).order_by("created_at", "pk")


def documents_of(user):
    rows = GeneratedDocument.objects.all()
    if not user.is_superuser:
        faculties = admin_faculties(user).values("pk")
        rows = rows.filter(
            Q(application__faculty__in=faculties) | Q(session__faculty__in=faculties)
        )
    return rows


def documents_to_build(user):
    """PDFs whose newest version is not stored yet (waiting, or failed: `error` says why)."""
    return (
        documents_of(user)
        .filter(requested_revision__gt=F("built_revision"))
        .order_by("requested_at", "pk")
    )
