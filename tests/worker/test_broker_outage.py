"""Nothing lost when the broker fails: a real worker, a real Redis of the test's own that the
test stops and restarts, PostgreSQL.

- With the broker stopped, a doctor submits through the page and gets the normal confirmation;
  once the broker is back, the sweepers (sent as beat sends them) deliver the receipt once and
  build the dossier PDF once. The same for a doctor's message and a complement request.
- A worker holding a task while Redis restarts keeps working and processes what comes next.
- The health page says which part is down.
"""

import datetime
import email
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, GeneratedDocument
from applications.tasks import sweep_documents
from applications.workflow import Status
from background.models import JobRun
from background.tasks import heartbeat
from notifications.models import Notification
from notifications.tasks import sweep_notifications
from tests.factories import ApplicationFactory, DoctorFactory, UserFactory
from tests.workflow_helpers import attach_required_pieces, make_staff

from .conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)
Sent = Notification.EmailStatus.SENT


def _dossier(staff):
    doctor = DoctorFactory(faculty=staff.faculty)
    application = ApplicationFactory(doctor=doctor, levels=["externe", "niveau_1"])
    attach_required_pieces(application)
    return application


def _submit_through_the_page(client, application):
    client.force_login(application.doctor.user)
    return client.post(reverse("applications:submit", args=[application.pk]), follow=True)


def _as_if_a_minute_passed():
    """The sweepers only take work older than their grace period (a minute or two): age what
    is pending instead of waiting, as if beat's next run had come."""
    earlier = timezone.now() - datetime.timedelta(minutes=5)
    Notification.objects.exclude(email_status=Sent).update(created_at=earlier)
    GeneratedDocument.objects.update(requested_at=earlier)


def _run_the_sweepers():
    """What beat sends every minute or two, through the broker, to the worker."""
    _as_if_a_minute_passed()
    return [sweep_notifications.delay(), sweep_documents.delay()]


def _emails_to(worker, address):
    return [m for m in worker.emails() if f"To: {address}" in m]


def _text(raw):
    """The decoded text part of an e-mail the worker wrote."""
    message = email.message_from_string(raw.strip())
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            if part.get("Content-Transfer-Encoding", "").lower() in ("quoted-printable", "base64"):
                return part.get_payload(decode=True).decode(part.get_content_charset())
            return part.get_payload()  # 8bit: already text
    return ""


def _builds_stored(worker):
    return re.findall(r"build_document\[[^\]]+\] succeeded in [\d.]+s: True", worker.output())


def _sweeps_done(worker, count):
    wait_until(
        lambda: (
            len(re.findall(r"sweep_documents\[[^\]]+\] succeeded", worker.output())) >= count
            and len(re.findall(r"sweep_notifications\[[^\]]+\] succeeded", worker.output()))
            >= count
        ),
        message=f"{count} runs of the sweepers",
    )


def test_a_submission_while_the_broker_is_down_gets_its_receipt_and_pdf_once_it_is_back(
    private_broker, start_worker, client
):
    worker = start_worker()
    application = _dossier(make_staff())
    private_broker.stop()

    response = _submit_through_the_page(client, application)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Votre dossier a été transmis au secrétariat du DUMG" in page
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED
    receipt = Notification.objects.get(kind="submission_receipt")
    assert receipt.email_status == Notification.EmailStatus.PENDING  # kept, not lost
    document = GeneratedDocument.objects.get(subject_key=f"dossier:{application.pk}")
    assert (document.requested_revision, document.built_revision) == (1, 0)

    private_broker.start()
    worker.wait_for_log(r"Connected to .*[\s\S]*Connected to ", timeout=60)  # reconnected
    _run_the_sweepers()
    address = application.doctor.user.email
    wait_until(lambda: _emails_to(worker, address), message="the receipt")
    wait_until(
        lambda: GeneratedDocument.objects.get(pk=document.pk).built_revision == 1,
        message="the dossier PDF",
    )
    # Beat goes on sweeping: nothing goes out or is built a second time.
    _run_the_sweepers()
    _sweeps_done(worker, 2)
    (receipt_email,) = _emails_to(worker, address)
    assert application.reference in _text(receipt_email)
    assert Notification.objects.get(pk=receipt.pk).email_status == Sent
    assert len(_builds_stored(worker)) == 1
    folder = Path(settings.PRIVATE_STORAGE_ROOT) / "generated" / f"dossier-{application.pk}"
    assert len(list(folder.glob("*.pdf"))) == 1


def test_a_message_and_a_complement_request_while_the_broker_is_down_go_out_once(
    private_broker, start_worker, client
):
    worker = start_worker()
    staff = make_staff()
    application = _dossier(staff)
    _submit_through_the_page(client, application)  # broker up: receipt and PDF go at once
    wait_until(lambda: _emails_to(worker, application.doctor.user.email), message="receipt")
    private_broker.stop()

    # The doctor writes to the secretariat, then the secretariat asks for a complement.
    response = client.post(
        reverse("applications:post_message", args=[application.pk]),
        {"body": "Faut-il joindre l'attestation de l'Ordre ?"},
        follow=True,
    )
    assert response.status_code == 200 and "Message envoyé." in response.content.decode()
    client.force_login(staff.secretariat)
    response = client.post(
        reverse("applications:request_complements", args=[application.pk]),
        {
            "items": ["piece:cv"],
            "message": "Le CV transmis est illisible.",
            "due_date": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
            "version": Application.objects.get(pk=application.pk).version,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Demande de compléments envoyée au médecin." in response.content.decode()
    assert Application.objects.get(pk=application.pk).status == Status.INCOMPLETE

    private_broker.start()
    worker.wait_for_log(r"Connected to .*[\s\S]*Connected to ", timeout=60)
    _run_the_sweepers()
    secretary, doctor = staff.secretariat.email, application.doctor.user.email
    wait_until(
        lambda: any("Nouveau message" in m for m in _emails_to(worker, secretary)),
        message="the message e-mail",
    )
    wait_until(lambda: len(_emails_to(worker, doctor)) == 2, message="the complement request")
    _run_the_sweepers()
    _sweeps_done(worker, 2)
    # The secretary also had the notice of the new dossier; the message's e-mail is once.
    (message_email,) = [m for m in _emails_to(worker, secretary) if "Nouveau message" in m]
    assert f"a écrit un message sur le dossier {application.reference}" in _text(message_email)
    _receipt, request = _emails_to(worker, doctor)
    assert "illisible" in _text(request)
    assert not Notification.objects.exclude(email_status=Sent).exists()


def test_a_password_reset_while_the_broker_is_down_is_sent_all_the_same(
    private_broker, client, mailoutbox
):
    # No row keeps a reset for a sweeper (its link is a secret we do not store): it is sent
    # beside the request, and the link works.
    user = UserFactory(email="oubli@example.org")
    private_broker.stop()

    response = client.post(
        reverse("accounts:password_reset"), {"email": "oubli@example.org"}, follow=True
    )

    assert "Vérifiez votre messagerie" in response.content.decode()
    wait_until(lambda: mailoutbox, timeout=20, message="the reset e-mail")
    (sent,) = mailoutbox
    assert sent.to == ["oubli@example.org"]
    link = re.search(r"https?://[^/\s]+(/compte/mot-de-passe/nouveau/\S+)", sent.body).group(1)
    page = client.get(link, follow=True)
    assert 'name="new_password1"' in page.content.decode()
    assert page.context["validlink"] and page.context["form"].user == user


def test_a_worker_holding_a_task_survives_a_redis_restart(private_broker, start_worker, client):
    # The threads pool: the consumer's loop goes on while a task runs, so the connection loss
    # is seen with the task unacknowledged (Celery 5.7.0 crashed there: msu_portal/broker.py).
    worker = start_worker(args=("-P", "threads", "-c", "2"), DOCUMENT_BUILD_PAUSE_SECONDS=4)
    staff = make_staff()
    first = _dossier(staff)
    _submit_through_the_page(client, first)
    worker.wait_for_log(r"build_document\[.*\] received")

    private_broker.restart()  # while the worker holds the build

    wait_until(
        lambda: GeneratedDocument.objects.get(subject_key=f"dossier:{first.pk}").built_revision,
        message="the build held during the restart",
    )
    worker.wait_for_log(r"Connected to .*[\s\S]*Connected to ", timeout=60)
    second = _dossier(staff)
    _submit_through_the_page(client, second)
    wait_until(
        lambda: GeneratedDocument.objects.get(subject_key=f"dossier:{second.pk}").built_revision,
        timeout=90,
        message="a build submitted after the restart",
    )
    assert worker.process.poll() is None, worker.output()  # the same process, still running
    assert "Unrecoverable error" not in worker.output()
    assert "Connection to broker lost" in worker.output()  # it did see the restart


def test_the_health_page_names_the_part_that_is_down(private_broker, start_worker, client):
    start_worker()
    heartbeat.delay()
    wait_until(lambda: JobRun.objects.filter(name="background.tasks.heartbeat").exists())

    response = client.get(reverse("health"))
    assert response.status_code == 200, response.content.decode()
    assert response.content.decode().startswith("Tout fonctionne.")

    private_broker.stop()
    response = client.get(reverse("health"))
    text = response.content.decode()
    assert response.status_code == 503
    assert text.startswith("Indisponible : file des tâches (Redis).")
    assert "base de données : disponible" in text
