"""Who gets which e-mail, with which link, and that each one is in their portal inbox too."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from applications import selectors, services
from applications.models import Decision
from applications.workflow import Status
from notifications.models import Notification
from tests.workflow_helpers import advance, make_staff, submitted_application

pytestmark = pytest.mark.django_db


def url(name, *args):
    return settings.SITE_URL + reverse(name, args=args)


def to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_decision_email_links_each_letter_and_lands_in_the_inbox(
    client, django_capture_on_commit_callbacks
):
    staff = make_staff()
    app = advance(submitted_application(staff), staff, Status.IN_COMMISSION)
    doctor = app.doctor.user
    with django_capture_on_commit_callbacks(execute=True):
        advance(app, staff, Status.DECIDED)
    (email,) = to(doctor.email)
    assert app.reference in email.subject
    for decision in Decision.objects.filter(requested_level__application=app):
        letter = url("applications:decision_letter", app.pk, decision.pk)
        assert letter in email.body
        assert f'href="{letter}"' in email.alternatives[0][0]
    assert [m.to for m in mail.outbox] == [[doctor.email]]  # nobody else
    client.force_login(doctor)
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert email.subject in inbox


def test_receipt_goes_to_the_doctor_with_the_dossier_link_once_per_submission(
    django_capture_on_commit_callbacks,
):
    staff = make_staff()
    with django_capture_on_commit_callbacks(execute=True):
        app = submitted_application(staff)
    (receipt,) = to(app.doctor.user.email)
    assert url("applications:detail", app.pk) in receipt.body
    # A resubmission after a complement request is a new occurrence: « compléments reçus »,
    # not a second receipt.
    incomplete = advance(app, staff, Status.INCOMPLETE)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(incomplete, incomplete.doctor.user)
    receipts = Notification.objects.filter(kind="submission_receipt", user=app.doctor.user)
    assert receipts.count() == 1
    received = Notification.objects.get(kind="complements_received", user=app.doctor.user)
    assert received.subject.startswith("Compléments reçus pour votre dossier")
    assert len(to(app.doctor.user.email)) == 2


def test_a_doctors_message_goes_to_each_secretary_of_the_faculty_only(
    django_capture_on_commit_callbacks,
):
    staff, other_faculty = make_staff(), make_staff()
    second_secretary = make_staff(staff.faculty).secretariat
    app = submitted_application(staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(app, app.doctor.user, "Ma question.")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [staff.secretariat.email, second_secretary.email]
    )
    assert not to(other_faculty.secretariat.email)
    for email in mail.outbox:
        assert url("applications:detail", app.pk) in email.body


# --- Review additions ----------------------------------------------------------------------


def _open_as(client, user, address):
    """Open a notification's link (a path of the site) or an e-mail's link (on SITE_URL)."""
    client.force_login(user)
    if not address.startswith("/"):
        assert address.startswith(settings.SITE_URL), address
        address = address[len(settings.SITE_URL) :]
    return client.get(address)


def test_every_link_of_a_whole_instruction_opens_for_its_recipient(
    client, django_capture_on_commit_callbacks
):
    """Receipt, visit scheduled/assigned, convocation (and its agenda), decision: each
    recipient can open the link of their notification, and the one the e-mail points at."""
    staff = make_staff()
    with django_capture_on_commit_callbacks(execute=True):
        app = submitted_application(staff)
    for step in (Status.ADMISSIBLE, Status.VISIT_SCHEDULED, Status.VISIT_DONE):
        with django_capture_on_commit_callbacks(execute=True):
            app = advance(app, staff, step)
    with django_capture_on_commit_callbacks(execute=True):
        app = advance(app, staff, Status.IN_COMMISSION)
    with django_capture_on_commit_callbacks(execute=True):
        app = advance(app, staff, Status.DECIDED)
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {"submission_receipt", "visit_scheduled", "visit_assigned", "decision"} <= kinds
    assert "commission_convocation" in kinds
    for notification in Notification.objects.select_related("user"):
        assert notification.link.startswith("/"), notification.link
        assert settings.SITE_URL + notification.link in notification.body_text
        response = _open_as(client, notification.user, notification.link)
        assert response.status_code == 200, (notification.kind, notification.user)
        # Through the inbox too: the notification's own redirect lands there.
        opened = client.get(reverse("notifications:open", args=[notification.pk]))
        assert opened.status_code == 302 and opened.url == notification.link
    convocation = Notification.objects.filter(kind="commission_convocation").first()
    agenda = url("applications:session_agenda_pdf", selectors.current_session(app).pk)
    assert agenda in convocation.body_text
    response = _open_as(client, convocation.user, agenda)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_a_doctor_who_also_sits_on_the_staff_gets_doctor_emails_at_once(
    django_capture_on_commit_callbacks,
):
    """docs/decisions.md: 'Doctors always get instant e-mails: their messages have deadlines.'
    An MSU who is also a visitor of the faculty (common) and chose the digest for staff mail
    must still get the complement request at once, not in tomorrow's digest."""
    from accounts.models import Membership

    staff = make_staff()
    app = submitted_application(staff)
    doctor = app.doctor.user
    Membership.objects.create(user=doctor, organisation=staff.faculty, role=Membership.Role.VISITOR)
    doctor.email_digest = True
    doctor.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        advance(app, staff, Status.INCOMPLETE)
    assert len(to(doctor.email)) == 1
