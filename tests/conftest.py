import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from msu_portal.celery import app as celery_app

from .factories import ApplicationFactory, DoctorFactory

# Modules whose module-scoped fixture is costly to build (the permission matrix's world, a
# clamd, a moto server, the import graph): under pytest-xdist they stay on one process.
WHOLE_MODULES = {
    "tests.applications.test_permission_matrix",
    "tests.applications.test_object_storage",
    "tests.security.test_antivirus",
    "tests.architecture.test_layout",
}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    """Groups for pytest-xdist (`make test`, `--dist loadgroup`): the modules above run whole on
    one process. Every other test is sent on its own, in pytest-django's order: the
    transactional tests last, since each empties the database at its end (the rows the
    migrations wrote included), which a test after it on the same process would miss. (A group
    is sent before single tests: a transactional one must never be in a group.) The real-worker
    tests each use a Redis database of their process's own (tests/worker/conftest.py)."""
    for item in items:
        module = item.module.__name__
        if module in WHOLE_MODULES:
            item.add_marker(pytest.mark.xdist_group(module))


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


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and lockout e-mail marks live in the cache: one test's must not
    leak into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """`client.force_login(staff)` stands for a full sign-in, second factor included: the
    session is marked verified with a TOTP device of the user (created if needed). The
    second-factor tests sign in through the pages instead (tests/accounts)."""
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from accounts import two_factor

        if not two_factor.requires_second_factor(user):
            return
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="tests", confirmed=True)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)
