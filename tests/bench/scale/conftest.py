"""The large-faculty benchmarks read the data set of `make bench-data` where it is.

`make bench` points DATABASE_URL at that database (BENCH_DATABASE_URL); no test database is
created, and each benchmark runs inside a transaction rolled back at its end (sign-ins write
sessions)."""

import pytest
from django.db import connection


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    """Use the configured database (the data set) instead of creating one, brought up to the
    code's migrations: a data set made before a new migration still serves."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("migrate", verbosity=0)


@pytest.fixture
def large(db):
    if connection.vendor != "postgresql":
        pytest.skip("les mesures à l'échelle se font sur PostgreSQL (make bench-data)")
    from applications.models import Application
    from tests.bench.dataset import SIZES, ensure_faculty

    faculties = {}
    for size in SIZES:
        faculty, upps, staff = ensure_faculty(size)
        count = Application.objects.filter(faculty=faculty).count()
        if count < size:
            pytest.fail(f"{faculty.name} : {count} dossiers ; lancez d'abord `make bench-data`")
        faculties[size] = (faculty, staff)
    return faculties
