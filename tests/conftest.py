import pytest
from django.core.management import call_command

from msu_portal.celery import app as celery_app

from .factories import ApplicationFactory, DoctorFactory


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Uploaded pieces land in a throw-away folder for each test."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories hash a password per user; PBKDF2's deliberate slowness costs ~0.3 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_eager():
    """Unit tests run tasks inline; the worker tests start a real worker instead."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def reference(db):
    call_command("load_reference", verbosity=0)


@pytest.fixture
def doctor(db):
    return DoctorFactory()


@pytest.fixture
def doctor_client(client, doctor):
    client.force_login(doctor.user)
    return client


@pytest.fixture
def draft(doctor):
    return ApplicationFactory(doctor=doctor)
