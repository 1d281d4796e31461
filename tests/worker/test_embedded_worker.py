"""The embedded default of `make run`: a real worker on kombu's filesystem broker (no Redis, no
service to install) builds the PDF of a submission while the page has already answered."""

import contextlib
import os

import pytest
from django.db import connection

from applications import services
from applications.models import GeneratedDocument
from msu_portal.celery import app as celery_app
from tests.factories import ApplicationFactory, DoctorFactory
from tests.workflow_helpers import attach_required_pieces, make_staff

from .conftest import Worker, fresh_pools, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


@contextlib.contextmanager
def filesystem_broker(folder, monkeypatch):
    """This process publishes to the same folder as the worker (as runserver does). Celery
    reads CELERY_BROKER_URL from the environment before its settings."""
    monkeypatch.setenv("CELERY_BROKER_URL", "filesystem://")
    saved = {
        key: celery_app.conf[key]
        for key in ("broker_url", "broker_transport", "broker_transport_options")
    }
    celery_app.conf.update(
        broker_url="filesystem://",
        broker_transport=None,
        broker_transport_options={
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "control_folder": str(folder / "control"),
        },
        task_always_eager=False,
    )
    fresh_pools()
    try:
        yield
    finally:
        monkeypatch.undo()
        celery_app.conf.update(**saved)
        fresh_pools()


def test_make_run_builds_the_pdf_in_the_background_without_redis(tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        if os.environ.get("CI"):
            pytest.fail("la base de test doit être PostgreSQL pour être partagée avec le worker")
        pytest.skip("la base de test doit être PostgreSQL pour être partagée avec le worker")
    folder = tmp_path / "broker"
    folder.mkdir()
    worker = Worker(
        tmp_path, "embarque", CELERY_BROKER_URL="filesystem://", CELERY_FILESYSTEM_FOLDER=folder
    )
    try:
        staff = make_staff()
        doctor = DoctorFactory(faculty=staff.faculty)
        application = ApplicationFactory(doctor=doctor, levels=["externe"])
        attach_required_pieces(application)
        with filesystem_broker(folder, monkeypatch):
            services.submit(application, doctor.user)
            # The click has returned: nothing is built yet in this process.
            document = GeneratedDocument.objects.get(subject_key=f"dossier:{application.pk}")
            assert document.is_building
            built = wait_until(
                lambda: GeneratedDocument.objects.filter(pk=document.pk, built_revision=1).first(),
                message="the PDF built by the worker",
            )
        assert built.pages > 1
        assert "applications.tasks.build_document" in worker.output()
    finally:
        worker.stop()
