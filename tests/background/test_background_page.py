"""The background page: a faculty admin sees their faculty's e-mails and PDFs still to send or
build, the last run of each periodic job, and asks for a retry; the health page."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from applications.models import GeneratedDocument
from background.jobs import HEARTBEAT
from background.models import JobRun
from msu_portal.celery import app as celery_app
from notifications.models import Notification
from notifications.tasks import sweep_notifications
from tests.factories import UserFactory
from tests.workflow_helpers import make_staff, submitted_application

pytestmark = pytest.mark.django_db
Status = Notification.EmailStatus
PAGE = reverse("background:status")


def _stuck(staff, count):
    """`count` dossiers whose receipt failed for good and whose PDF is still to build."""
    apps = [submitted_application(staff) for _ in range(count)]  # on-commit never runs here
    Notification.objects.filter(user__in=[a.doctor.user for a in apps]).update(
        email_status=Status.FAILED, attempts=8, last_error="SMTPServerDisconnected"
    )
    # The secretariat's notice of each new dossier is not what these tests are about.
    Notification.objects.filter(kind="dossier_received").update(email_status=Status.SENT)
    return apps


def test_a_faculty_admin_sees_their_faculty_s_stuck_emails_and_pdfs_only(client):
    staff, other = make_staff(), make_staff()
    (mine,) = _stuck(staff, 1)
    (theirs,) = _stuck(other, 1)
    client.force_login(staff.admin)
    page = client.get(PAGE).content.decode()
    assert "<title>Suivi des envois" in page  # the menu's name
    assert mine.reference in page and theirs.reference not in page
    assert mine.doctor.user.email in page and theirs.doctor.user.email not in page
    assert "échec après 8 essais" in page and "plus de nouvel essai automatique" in page
    assert "Dossier" in page  # the PDF's kind, in French
    assert "Réessayer maintenant" in page
    assert "Envoi des e-mails en attente" in page and "chaque minute" in page
    assert "jamais exécutée" in page


def test_the_page_costs_the_same_queries_with_ten_times_more_rows(
    client, django_assert_num_queries
):
    staff = make_staff()
    _stuck(staff, 2)
    client.force_login(staff.admin)
    client.get(PAGE)  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(PAGE).status_code == 200
    _stuck(staff, 20)
    with django_assert_num_queries(len(few)):
        page = client.get(PAGE).content.decode()
    assert "22 e-mails non envoyés" in page
    assert "Page 1 sur 1" not in page  # 25 a page: all on one


def test_only_faculty_admins_and_superusers_see_the_page(client):
    staff = make_staff()
    for user, status in [
        (staff.secretariat, 403),
        (staff.admin, 200),
        (UserFactory(is_superuser=True, is_staff=True), 200),
    ]:
        client.force_login(user)
        assert client.get(PAGE).status_code == status


def test_retry_now_sends_a_failed_email_and_builds_a_failed_pdf(
    client, django_capture_on_commit_callbacks
):
    staff = make_staff()
    (app,) = _stuck(staff, 1)
    receipt = Notification.objects.get(kind="submission_receipt", user=app.doctor.user)
    document = GeneratedDocument.objects.get(subject_key=f"dossier:{app.pk}")
    GeneratedDocument.objects.filter(pk=document.pk).update(attempts=5, error="OSError: disque")
    client.force_login(staff.admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("background:retry_notification", args=[receipt.pk]))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[app.doctor.user.email]]
    assert Notification.objects.get(pk=receipt.pk).email_status == Status.SENT
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("background:retry_document", args=[document.pk]))
    document.refresh_from_db()
    assert document.built_revision == document.requested_revision and document.file
    page = client.get(PAGE).content.decode()
    assert "Aucun e-mail en attente" in page and "Aucun document en attente" in page

    # Once sent, a second click says so instead of sending again.
    response = client.post(reverse("background:retry_notification", args=[receipt.pk]), follow=True)
    assert "a déjà été envoyé" in response.content.decode()
    assert len(mail.outbox) == 1


def test_another_faculty_s_email_cannot_be_retried(client):
    staff, other = make_staff(), make_staff()
    (theirs,) = _stuck(other, 1)
    receipt = Notification.objects.get(kind="submission_receipt", user=theirs.doctor.user)
    client.force_login(staff.admin)
    response = client.post(reverse("background:retry_notification", args=[receipt.pk]))
    assert response.status_code == 404
    assert Notification.objects.get(pk=receipt.pk).email_status == Status.FAILED


def test_a_periodic_job_records_its_last_run(client):
    sweep_notifications.delay()  # eager here
    run = JobRun.objects.get(name="notifications.tasks.sweep_notifications")
    assert run.succeeded and run.finished_at >= run.started_at
    client.force_login(make_staff().admin)
    page = client.get(PAGE).content.decode()
    assert run.started_at.astimezone(timezone.get_current_timezone()).strftime("%d/%m/%Y") in page
    assert "réussie" in page
    # Every periodic job by what it does, never by its task's name.
    assert "Effacement des données arrivées au terme de leur conservation" in page
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] not in page


# --- /sante/ ----------------------------------------------------------------------------------


@pytest.fixture
def with_broker():
    """The health checks as with a broker (the unit tests run tasks inline otherwise)."""
    if not celery_app.conf.broker_url or not str(celery_app.conf.broker_url).startswith("redis"):
        pytest.skip("pas de broker Redis (CELERY_BROKER_URL)")
    celery_app.conf.task_always_eager = False  # restored by the autouse fixture


def _beat(minutes_ago):
    at = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    JobRun.objects.update_or_create(
        name=HEARTBEAT, defaults={"started_at": at, "finished_at": at, "succeeded": True}
    )


def test_health_is_200_when_all_is_up(client, with_broker):
    _beat(minutes_ago=1)
    response = client.get(reverse("health"))
    assert response.status_code == 200, response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "planificateur des tâches (beat) : disponible" in response.content.decode()


def test_health_names_a_silent_beat(client, with_broker):
    _beat(minutes_ago=10)
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.content.decode().startswith("Indisponible : planificateur des tâches (beat).")
    # The web container's own probe leaves beat out.
    assert client.get(reverse("health") + "?sans=beat").status_code == 200


def test_health_names_an_unwritable_storage(client, settings, tmp_path, with_broker):
    _beat(minutes_ago=0)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.PRIVATE_STORAGE_ROOT = blocker / "private"
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.content.decode().startswith("Indisponible : stockage des fichiers.")


def test_without_a_broker_nothing_is_scheduled_and_health_is_200(client):
    # `make run`: tasks inline, no beat expected.
    assert client.get(reverse("health")).status_code == 200


def test_stuck_documents_selector_ignores_built_ones():
    from background.selectors import documents_to_build

    staff = make_staff()
    (app,) = _stuck(staff, 1)
    GeneratedDocument.objects.filter(application=app).update(built_revision=F("requested_revision"))
    assert not documents_to_build(staff.admin).exists()
