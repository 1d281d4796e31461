"""The notification outbox: each message once per recipient, whatever runs twice or fails."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from tests.factories import DoctorFactory, StaffFactory
from tests.workflow_helpers import make_staff

from . import failing_backend

pytestmark = pytest.mark.django_db
Status = Notification.EmailStatus


def _notify(user, key="test:1", subject_ref="MSU-2026-00001", digestible=False):
    return services.notify(
        user,
        "message_posted",
        key,
        "emails/daily_digest",  # any template folder works: a subject and two bodies
        {"items": [], "day": datetime.date(2026, 11, 22)},
        link=f"/dossiers/{subject_ref}/",
        digestible=digestible,
    )


@pytest.fixture
def flaky_smtp(settings):
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.FlakyEmailBackend"
    failing_backend.REFUSED.clear()
    yield failing_backend.REFUSED
    failing_backend.REFUSED.clear()
    failing_backend.State.down = False


def test_the_same_key_twice_sends_one_email(django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://msu.example.org"
    user = DoctorFactory().user
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify(user) is True
        assert _notify(user) is False
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify(user) is False  # a later run (beat twice, retried task)
    assert Notification.objects.filter(user=user).count() == 1
    assert len(mail.outbox) == 1
    row = Notification.objects.get(user=user)
    assert row.email_status == Status.SENT and row.emailed_at is not None
    # The Message-ID is the notification's: a resend would be the same message for clients.
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<notification-{row.pk}@msu.example.org>"


def test_delivering_twice_sends_once(django_capture_on_commit_callbacks):
    """Two workers given the same chunk (a re-delivered task): the second finds it sent."""
    user = DoctorFactory().user
    _notify(user)  # not committed: the delivery task has not run
    row = Notification.objects.get(user=user)
    assert services.deliver([row.pk]) == 0
    assert services.deliver([row.pk]) == 0
    assert len(mail.outbox) == 1


def test_a_refused_email_is_retried_later_and_sent_once(flaky_smtp):
    doctor = DoctorFactory().user
    other = DoctorFactory().user
    _notify(doctor, "a")
    _notify(other, "b")
    flaky_smtp.add(doctor.email)
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert services.deliver(ids) == 1
    failed = Notification.objects.get(user=doctor)
    assert failed.email_status == Status.FAILED
    assert "SMTP" in failed.last_error
    assert failing_backend.outbox_to(other.email)  # the other one went out regardless
    # The server is back: the sweeper sends what failed, nothing else.
    flaky_smtp.clear()
    services.sweep(now=timezone.now() + services.FAILED_RETRY_AFTER)
    services.deliver(ids)  # the task the sweeper enqueued (run here, outside a transaction)
    assert len(failing_backend.outbox_to(doctor.email)) == 1
    assert len(failing_backend.outbox_to(other.email)) == 1
    assert Notification.objects.get(user=doctor).email_status == Status.SENT


def test_the_sweeper_takes_a_pending_email_after_a_minute_and_a_failed_one_after_ten(
    flaky_smtp,
):
    # The sweep runs every minute: quick for an e-mail whose task was never enqueued (broker
    # down), patient with one the SMTP server refused (8 attempts must span an outage).
    waiting, refused = DoctorFactory().user, DoctorFactory().user
    _notify(waiting, "w")
    _notify(refused, "r")
    flaky_smtp.add(refused.email)
    services.deliver([Notification.objects.get(user=refused).pk])
    now = timezone.now()
    assert services.sweep(now=now) == 0
    assert services.sweep(now=now + datetime.timedelta(minutes=2)) == 1  # the pending one
    assert (
        services.sweep(now=now + services.FAILED_RETRY_AFTER + datetime.timedelta(seconds=1)) == 2
    )


def test_an_unreachable_smtp_server_leaves_every_email_to_a_retry(flaky_smtp):
    users = [DoctorFactory().user for _ in range(3)]
    for n, user in enumerate(users):
        _notify(user, f"k{n}")
    ids = list(Notification.objects.values_list("pk", flat=True))
    failing_backend.State.down = True
    assert services.deliver(ids) == 3
    assert set(Notification.objects.values_list("email_status", flat=True)) == {Status.FAILED}
    assert mail.outbox == []
    failing_backend.State.down = False
    assert services.deliver(ids) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)


def test_a_worker_killed_while_sending_leaves_the_email_to_the_sweeper():
    user = DoctorFactory().user
    _notify(user)
    row = Notification.objects.get(user=user)
    long_ago = timezone.now() - services.SENDING_TIMEOUT - datetime.timedelta(minutes=1)
    # The worker claimed the row and died: nobody else may take it at once...
    Notification.objects.filter(pk=row.pk).update(
        email_status=Status.SENDING, claimed_at=timezone.now()
    )
    assert services.deliver([row.pk]) == 0
    assert mail.outbox == []
    # ...but once the claim is older than any SMTP exchange, the sweeper sends it again.
    Notification.objects.filter(pk=row.pk).update(claimed_at=long_ago)
    services.sweep()
    services.deliver([row.pk])
    assert len(mail.outbox) == 1
    assert services.deliver([row.pk]) == 0
    assert len(mail.outbox) == 1


def test_staff_who_chose_the_digest_get_one_email_a_day(django_capture_on_commit_callbacks):
    staff = make_staff()
    user = staff.secretariat
    user.email_digest = True
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user, "m:1", "MSU-A", digestible=True)
        _notify(user, "m:2", "MSU-B", digestible=True)
    assert mail.outbox == []  # nothing at once
    day = datetime.date(2026, 11, 23)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_digests(day) == 1
        assert services.send_digests(day) == 0  # beat ran twice
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [user.email]
    assert "2 notifications" in digest.subject
    assert "/dossiers/MSU-A/" in digest.body and "/dossiers/MSU-B/" in digest.body
    assert set(
        Notification.objects.filter(key__startswith="m:").values_list("email_status", flat=True)
    ) == {Status.DIGESTED}
    # The next day, only what arrived since.
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user, "m:3", "MSU-C", digestible=True)
        services.send_digests(day + datetime.timedelta(days=1))
    assert len(mail.outbox) == 2
    assert "/dossiers/MSU-C/" in mail.outbox[1].body
    assert "/dossiers/MSU-A/" not in mail.outbox[1].body


def test_doctors_always_get_instant_emails_even_with_the_flag(django_capture_on_commit_callbacks):
    doctor = DoctorFactory().user
    doctor.email_digest = True  # e.g. an MSU who is also a visitor and chose the digest
    doctor.save()
    with django_capture_on_commit_callbacks(execute=True):
        _notify(doctor)
    assert len(mail.outbox) == 1


# --- The inbox in the portal ---------------------------------------------------------------


def test_the_inbox_lists_the_users_notifications_and_marks_them_read(client):
    user = DoctorFactory().user
    other = DoctorFactory().user
    _notify(user, "mine")
    _notify(other, "theirs")
    client.force_login(user)
    page = client.get(reverse("notifications:inbox"))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="fr-mb-2w notification notification--unread"') == 1
    # The badge in the menu, read « 1 non lue » by a screen reader (it said « 1 non lues »).
    assert 'id="unread-count">1<span class="fr-sr-only"> non lue</span>' in html
    mine = Notification.objects.get(key="mine")
    response = client.get(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302
    assert response.url == "/dossiers/MSU-2026-00001/"  # a path: any host and port
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert 'id="unread-count"' not in client.get(reverse("notifications:inbox")).content.decode()
    # Someone else's notification: a 404, and it stays unread.
    theirs = Notification.objects.get(key="theirs")
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(client):
    user = DoctorFactory().user
    _notify(user, "a")
    _notify(user, "b")
    client.force_login(user)
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert "2 notifications marquées comme lues." in response.content.decode()
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()


def test_only_staff_choose_the_digest(client):
    doctor = DoctorFactory().user
    client.force_login(doctor)
    assert (
        "Recevoir les notifications par e-mail"
        not in client.get(reverse("notifications:inbox")).content.decode()
    )
    response = client.post(
        reverse("notifications:preferences"), {"email_digest": "True"}, follow=True
    )
    assert "réservé aux équipes de la faculté" in response.content.decode()
    doctor.refresh_from_db()
    assert doctor.email_digest is False

    staff = StaffFactory(role=("secretariat", make_staff().faculty))
    client.force_login(staff)
    assert (
        "Un récapitulatif par jour" in client.get(reverse("notifications:inbox")).content.decode()
    )
    response = client.post(
        reverse("notifications:preferences"), {"email_digest": "True"}, follow=True
    )
    assert "préférence d&#x27;envoi est enregistrée" in response.content.decode()
    staff.refresh_from_db()
    assert staff.email_digest is True
