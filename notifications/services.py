"""Creating notifications and delivering their e-mails, each once.

- `publish` stores rows whose key is new (others are skipped), inside the caller's transaction
  (the business action's: the e-mail is part of what it commits), and tries to enqueue their
  delivery after commit. Asking twice for the same message is harmless; a broker down at
  commit time only delays the e-mail until the next sweep (every minute).
- `deliver` claims rows (`pending`/`failed` → `sending`, committed, skipping rows another worker
  holds), sends, and marks each `sent` right after the SMTP server took it. A worker killed in
  between leaves a `sending` row that `sweep` sends again after SENDING_TIMEOUT, with the same
  Message-ID, so that mail clients collapse the rare double. Nothing is lost; see
  docs/decisions.md, "Background work".
- Staff who chose the daily digest get one e-mail a day listing their notifications.
"""

import datetime
import smtplib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F, IntegerField, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone

from accounts.faculties import faculty_of_user, signature
from accounts.mailer import build_mail, render_summary, render_templated_mail

from .models import Notification

Status = Notification.EmailStatus

CHUNK = 200  # notifications per delivery task
# A pending row older than this lost its task (or the broker was down when it was enqueued).
# Short, so that an e-mail waits at most a minute or two after the broker is back; a row whose
# task is merely queued may be enqueued twice, which `_claim` makes harmless.
PENDING_GRACE = datetime.timedelta(minutes=1)
SENDING_TIMEOUT = datetime.timedelta(minutes=30)  # far beyond one SMTP exchange
# A failed e-mail waits this long after its last attempt before the sweeper tries it again: the
# sweep runs every minute, and an SMTP outage must not burn the 8 attempts in 8 minutes.
FAILED_RETRY_AFTER = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 8
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)
EMAIL_ONLY_KINDS = ("digest", "signup_confirmation", "signup_already_registered")


def absolute(path):
    """The address of a path of this site, for an e-mail (read outside any request)."""
    return Notification(link=path).email_link


def _faculty_of(user, context):
    for name in ("application", "session", "agrement"):
        obj = context.get(name)
        obj = getattr(obj, "application", obj) if name == "agrement" else obj
        faculty = getattr(obj, "faculty", None)
        if faculty is not None:
            return faculty
    return faculty_of_user(user)


def prepare(user, kind, key, template_dir, context, link="", digestible=False):
    """An unsaved notification for `user`, rendered now (the inbox shows the same text).

    `link` is a path of the site ("/dossiers/12/"): stored as such for the inbox, made absolute
    for the e-mail. The inbox's one line comes from the kind's `summary.txt`.
    `digestible`: a notice to staff, which may wait for their daily digest if they chose it;
    what a doctor receives as a doctor (deadlines) always leaves at once."""
    faculty = _faculty_of(user, context)
    full_context = {
        "recipient": user,
        "link": absolute(link),
        # Signed by the faculty of the dossier (or session), else the recipient's own.
        "INSTITUTION_NAME": faculty.name if faculty else settings.INSTITUTION_NAME,
        "SIGNATURE": signature(faculty),
        **context,
    }
    subject, text, html = render_templated_mail(template_dir, full_context)
    return Notification(
        user=user,
        kind=kind,
        key=key,
        subject=subject[:255],
        summary=render_summary(template_dir, full_context)[:300],
        body_text=text,
        body_html=html,
        link=link,
        email_status=Status.DIGEST if digestible and user.email_digest else Status.PENDING,
    )


def notify_address(email, name, kind, key, template_dir, context, faculty=None):
    """E-mail someone who has no account (a specialty's coordinating professor), once per key,
    through the same outbox. No inbox, no link into the portal. True when new."""
    full_context = {
        "recipient_name": name,
        "INSTITUTION_NAME": faculty.name if faculty else settings.INSTITUTION_NAME,
        "SIGNATURE": signature(faculty),
        **context,
    }
    subject, text, html = render_templated_mail(template_dir, full_context)
    notification = Notification(
        user=None,
        email=email,
        kind=kind,
        key=key,
        subject=subject[:255],
        summary=render_summary(template_dir, full_context)[:300],
        body_text=text,
        body_html=html,
        email_status=Status.PENDING,
    )
    return publish([notification]) == 1


def notify(user, kind, key, template_dir, context, link="", digestible=False):
    """Notify one user, once per key. Returns True when the notification is new."""
    return publish([prepare(user, kind, key, template_dir, context, link, digestible)]) == 1


def existing_keys(keys):
    return set(Notification.objects.filter(key__in=list(keys)).values_list("key", flat=True))


def publish(notifications):
    """Store the notifications whose key is new and send their e-mails after commit.

    A constant number of queries whatever the number of notifications (bulk insert); a row
    another process inserted meanwhile is skipped by the unique key."""
    fresh = {}
    for notification in notifications:
        fresh.setdefault(notification.key, notification)
    known = existing_keys(fresh)
    new = [n for key, n in fresh.items() if key not in known]
    if not new:
        return 0
    Notification.objects.bulk_create(new, ignore_conflicts=True, batch_size=2000)
    ids = list(
        Notification.objects.filter(
            key__in=[n.key for n in new], email_status=Status.PENDING
        ).values_list("pk", flat=True)
    )
    schedule_delivery(ids)
    return len(new)


def schedule_delivery(ids):
    from background.enqueue import enqueue_on_commit

    from .tasks import deliver_notifications

    for i in range(0, len(ids), CHUNK):
        enqueue_on_commit(deliver_notifications, ids[i : i + CHUNK])


def message_id(notification):
    domain = urlsplit(settings.SITE_URL).hostname or "msu.invalid"
    return f"<notification-{notification.pk}@{domain}>"


def _claim(ids):
    """Take the deliverable rows among `ids`, committed as `sending` before any e-mail leaves."""
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(
                pk__in=ids,
                email_status__in=[Status.PENDING, Status.FAILED],
                attempts__lt=MAX_ATTEMPTS,
            )
        )
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(
            email_status=Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
        )
    return rows


def deliver(ids):
    """Send the e-mails of these notifications that are still to send. Returns the number of
    failures (left `failed`, for a retry)."""
    rows = _claim(ids)
    if not rows:
        return 0
    failures = 0
    try:
        connection = get_connection()
        connection.open()
    except TRANSIENT_ERRORS as exc:  # the server is unreachable: all of them wait for a retry
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(
            email_status=Status.FAILED, last_error=str(exc)[:500]
        )
        return len(rows)
    with connection:
        for notification in rows:
            mail = build_mail(
                [notification.address],
                notification.subject,
                notification.body_text,
                notification.body_html,
                headers={"Message-ID": message_id(notification)},
                connection=connection,
            )
            try:
                mail.send()
            except TRANSIENT_ERRORS as exc:
                failures += 1
                Notification.objects.filter(pk=notification.pk).update(
                    email_status=Status.FAILED, last_error=str(exc)[:500]
                )
                continue
            Notification.objects.filter(pk=notification.pk).update(
                email_status=Status.SENT, emailed_at=timezone.now()
            )
    return failures


def sweep(now=None):
    """Re-enqueue what a lost task, a dead worker or a failed SMTP exchange left behind."""
    now = now or timezone.now()
    Notification.objects.filter(
        email_status=Status.SENDING, claimed_at__lt=now - SENDING_TIMEOUT
    ).update(email_status=Status.FAILED, last_error="worker lost while sending")
    ids = list(
        Notification.objects.filter(
            Q(email_status=Status.PENDING, created_at__lt=now - PENDING_GRACE)
            | (
                Q(email_status=Status.FAILED, attempts__lt=MAX_ATTEMPTS)
                & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - FAILED_RETRY_AFTER))
            )
        ).values_list("pk", flat=True)
    )
    schedule_delivery(ids)
    return len(ids)


def send_digests(today=None):
    """One e-mail per staff member who chose the digest, listing what arrived since the last
    one. Keyed by day: a second run the same day sends nothing."""
    today = today or timezone.localdate()
    user_ids = (
        Notification.objects.filter(email_status=Status.DIGEST)
        .values_list("user_id", flat=True)
        .distinct()
    )
    sent = 0
    for user_id in list(user_ids):
        sent += _digest_for(user_id, today)
    return sent


@transaction.atomic
def _digest_for(user_id, today):
    key = f"digest:{user_id}:{today.isoformat()}"
    if Notification.objects.filter(key=key).exists():
        return 0
    items = list(
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("user")
        .filter(user_id=user_id, email_status=Status.DIGEST)
        .order_by("created_at", "pk")
    )
    if not items:
        return 0
    user = items[0].user
    digest = prepare(
        user,
        "digest",
        key,
        "emails/daily_digest",
        {"items": items, "day": today},
        link=reverse("notifications:inbox"),
    )
    digest.email_status = Status.PENDING  # the digest itself is e-mailed at once
    digest.save()
    Notification.objects.filter(pk__in=[n.pk for n in items]).update(
        email_status=Status.DIGESTED, emailed_at=timezone.now()
    )
    schedule_delivery([digest.pk])
    return 1


def mark_read(user, notification_id=None):
    rows = inbox(user).filter(read_at__isnull=True)
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    return rows.update(read_at=timezone.now())


def inbox(user):
    """What the user sees in the portal (the digests are only the e-mail of the others; the
    sign-up e-mails are only the way into the account)."""
    return Notification.objects.filter(user=user).exclude(kind__in=EMAIL_ONLY_KINDS)


UNREAD_AT_SIGN_IN = "unread_notifications_read_with_user"


def unread_count(user):
    """The unread notifications of the portal's inbox. The signed-in person's count comes with
    their row (accounts.backends, `unread_subquery`): the header shows it on every page."""
    counted = getattr(user, UNREAD_AT_SIGN_IN, None)
    if counted is not None:
        return counted
    return inbox(user).filter(read_at__isnull=True).count()


def unread_subquery(user_model):
    """COUNT of the unread notifications of each row of `user_model`'s table, as SQL of our
    own: the ORM's Subquery(… annotate(Count)) took 1.5 ms to compile on every page, and
    every page's header shows this count (the SQL itself takes 0.2 ms)."""
    quote = connection.ops.quote_name
    meta = Notification._meta

    def column(name):
        return f"n.{quote(meta.get_field(name).column)}"

    users = quote(user_model._meta.db_table)
    kinds = ", ".join(["%s"] * len(EMAIL_ONLY_KINDS))
    # Names from the models' metadata, values as parameters: nothing here comes from a request.
    sql = (
        f"SELECT COUNT(*) FROM {quote(meta.db_table)} n "  # nosec B608
        f"WHERE {column('user')} = {users}.{quote(user_model._meta.pk.column)} "
        f"AND {column('read_at')} IS NULL AND {column('kind')} NOT IN ({kinds})"
    )
    return RawSQL(sql, EMAIL_ONLY_KINDS, output_field=IntegerField())  # nosec B611
