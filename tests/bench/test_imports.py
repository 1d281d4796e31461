"""Benchmark (make bench): a scolarité's file of 500 students imported into a semester.

250 offers of two seats (their MSUs holding agréments), a CSV of 500 new students, each line
placing one: the file is read, previewed (the whole import run and rolled back) and imported,
through the real services. Measured: time and queries of each step. The import of 500 lines
must take seconds, not minutes (asserted loosely: under 30 s on the 2-core machine)."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stages import imports, services
from stages.models import Placement
from tests.stages_helpers import make_msu, semester, team
from tests.workflow_helpers import make_staff

pytestmark = pytest.mark.django_db
LINES = 500


def _measure(label, func):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - started
    print(f"\n{label}: {elapsed:.2f} s, {len(queries)} queries")
    return result, elapsed


def test_a_file_of_500_lines_imports_in_seconds():
    staff = make_staff()
    period = semester(staff.faculty, staff.admin)
    offers = [
        services.create_offer(
            period, staff.admin, "niveau_1", f"Cabinet {i}", team(make_msu(staff.faculty)), 2
        )
        for i in range(LINES // 2)
    ]
    lines = ["numero_etudiant;nom;prenom;promotion;terrain;temps_partiel;email"]
    lines += [
        f"2300{i:04d};Nom{i};Prénom{i};2025;{offers[i // 2].pk};;etudiant{i}@example.org"
        for i in range(LINES)
    ]
    upload = SimpleUploadedFile("liste.csv", "\n".join(lines).encode())

    batch, _ = _measure("read", lambda: imports.create_batch(period, staff.admin, upload))
    results, preview_time = _measure("preview", lambda: imports.preview(batch, staff.admin))
    assert all(r.ok for r in results) and Placement.objects.count() == 0
    results, import_time = _measure("import", lambda: imports.run(batch, staff.admin))
    assert Placement.objects.count() == LINES
    assert preview_time < 30 and import_time < 30
