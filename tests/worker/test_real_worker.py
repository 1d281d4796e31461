"""The background work on a real worker process, a real Redis and PostgreSQL.

- A submission's dossier PDF is built by the worker, and its receipt e-mailed.
- The reminder job enqueued twice (two runs racing on a threaded worker) sends each due e-mail
  once.
- A worker killed (SIGKILL) in the middle of a PDF build: the task is redelivered to the next
  worker, which stores exactly one complete PDF.
"""

import datetime
import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from applications import services
from applications.models import Agrement, ComplementRequest, GeneratedDocument
from applications.tasks import send_daily_reminders
from applications.workflow import Status
from notifications.models import Notification
from tests.factories import ApplicationFactory, DoctorFactory
from tests.workflow_helpers import advance, attach_required_pieces, make_staff

from .conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def _new_dossier(staff=None):
    staff = staff or make_staff()
    doctor = DoctorFactory(faculty=staff.faculty)
    application = ApplicationFactory(doctor=doctor, levels=["externe", "niveau_1"])
    attach_required_pieces(application)
    return staff, application


def _dossier_pdf(application):
    return GeneratedDocument.objects.filter(subject_key=f"dossier:{application.pk}").first()


def _stored_pdfs(application, private_root):
    folder = private_root / "generated" / f"dossier-{application.pk}"
    return sorted(folder.glob("*.pdf")) if folder.exists() else []


def test_submitting_builds_the_dossier_pdf_on_the_worker(start_worker, settings):
    worker = start_worker()
    _staff, application = _new_dossier()
    services.submit(application, application.doctor.user)  # commits: the tasks leave now

    document = wait_until(
        lambda: (d := _dossier_pdf(application)) and d.built_revision == 1 and d,
        message="the dossier PDF",
    )
    assert "applications.tasks.build_document" in worker.output()
    with document.file.open("rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    text = "".join(page.extract_text() for page in reader.pages)
    assert application.doctor.user.last_name in text
    assert application.doctor.rpps in text
    assert len(reader.pages) == document.pages > 1
    assert len(_stored_pdfs(application, settings.PRIVATE_STORAGE_ROOT)) == 1
    # The receipt went out through the notification outbox, from the worker too.
    # (The secretariat's notice of the new dossier goes out too.)
    doctor = application.doctor.user.email

    def receipts():
        return [m for m in worker.emails() if f"To: {doctor}" in m]

    wait_until(receipts, message="the receipt e-mail")
    (receipt,) = receipts()
    assert doctor in receipt
    assert application.reference in receipt


def test_the_reminder_job_twice_sends_each_email_once(start_worker):
    # Two runs of the job on two threads of one worker, at the same time.
    worker = start_worker(args=("-P", "threads", "-c", "4"))
    staff = make_staff()
    incomplete = advance(_submitted(staff), staff, Status.INCOMPLETE)
    ComplementRequest.objects.filter(application=incomplete).update(
        requested_at=timezone.now() - datetime.timedelta(days=8)
    )
    decided = advance(_submitted(staff), staff, Status.DECIDED)
    Agrement.objects.filter(application=decided).update(
        valid_until=timezone.localdate() + datetime.timedelta(days=50)
    )
    expected = {
        "complement_reminder": 1,  # day 8 of the request: the 7-day reminder
        "agrement_expiry": 2,  # two agréments ending in 50 days: the 3-month reminder each
        "training_reminder": 1 if timezone.localdate().month >= 9 else 0,
    }
    wait_until(
        lambda: (
            not Notification.objects.exclude(email_status=Notification.EmailStatus.SENT).exists()
        ),
        message="the e-mails of the set-up sent",
    )
    before = set(_message_ids(worker))

    first, second = send_daily_reminders.delay(), send_daily_reminders.delay()
    assert first.id != second.id
    wait_until(
        lambda: len(re.findall(r"send_daily_reminders\[.*\] succeeded", worker.output())) == 2,
        message="both runs of the job",
    )
    wait_until(
        lambda: (
            not Notification.objects.exclude(email_status=Notification.EmailStatus.SENT).exists()
        ),
        message="every notification sent",
    )
    sent_ids = _message_ids(worker)
    assert len(sent_ids) == len(set(sent_ids)), "an e-mail went out twice"
    new_ids = [pk for pk in sent_ids if pk not in before]
    kinds = list(Notification.objects.filter(pk__in=new_ids).values_list("kind", flat=True))
    assert {kind: kinds.count(kind) for kind in expected} == expected, worker.output()
    assert len(new_ids) == sum(expected.values())


def _message_ids(worker):
    """The notification id of every e-mail the worker sent (its Message-ID)."""
    return [
        int(n) for n in re.findall(r"Message-ID: <notification-(\d+)@", "".join(worker.emails()))
    ]


def _submitted(staff):
    _staff, application = _new_dossier(staff)
    services.submit(application, application.doctor.user)
    return application


def test_a_worker_killed_during_a_pdf_build_leaves_exactly_one_complete_pdf(start_worker, settings):
    fast_redelivery = {
        "CELERY_VISIBILITY_TIMEOUT": 2,
        "CELERY_UNACKED_RESTORE_INTERVAL": 1,
        "CELERY_UNACKED_RESTORE_THROTTLE": 1,
    }
    # The first worker pauses in each build, so that it is surely killed in the middle.
    doomed = start_worker("doomed", DOCUMENT_BUILD_PAUSE_SECONDS=30, **fast_redelivery)
    _staff, application = _new_dossier()
    services.submit(application, application.doctor.user)
    doomed.wait_for_log(r"Task applications\.tasks\.build_document\[.*\] received")
    doomed.kill()

    document = _dossier_pdf(application)
    assert document.built_revision == 0 and not document.file  # nothing half-stored
    assert _stored_pdfs(application, settings.PRIVATE_STORAGE_ROOT) == []

    rescuer = start_worker("rescuer", **fast_redelivery)
    document = wait_until(
        lambda: (d := _dossier_pdf(application)) and d.built_revision == 1 and d,
        timeout=90,
        message="the redelivered build",
    )
    assert re.search(r"build_document\[.*\] succeeded", rescuer.output())
    stored = _stored_pdfs(application, settings.PRIVATE_STORAGE_ROOT)
    assert len(stored) == 1
    reader = PdfReader(stored[0])
    assert len(reader.pages) == document.pages > 1
    assert application.doctor.rpps in reader.pages[0].extract_text()
    assert document.requested_revision == 1
