"""Benchmark (make bench): the secretariat's queue and a dossier page with a faculty holding
N submitted dossiers (a large faculty handles a few thousand a year).

Dossiers are submitted through the real service; the faculty asks no piece, so that building
thousands of them stays quick.
"""

import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import FacultySettings
from applications import services
from stages.levels import StageLevel
from tests.factories import ApplicationFactory, DoctorFactory
from tests.workflow_helpers import make_staff

pytestmark = pytest.mark.django_db

SIZE = 2000


def _measure(client, url, runs=15):
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    return statistics.median(timings) * 1000, len(captured)


def test_queue_with_thousands_of_dossiers(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    staff = make_staff()
    FacultySettings.objects.create(
        faculty=staff.faculty, required_pieces={level.value: [] for level in StageLevel}
    )
    start = time.perf_counter()
    for _n in range(SIZE):
        doctor = DoctorFactory(faculty=staff.faculty)
        application = ApplicationFactory(doctor=doctor, levels=["externe", "niveau_1"])
        services.submit(application, doctor.user)
    built = time.perf_counter() - start
    client.force_login(staff.secretariat)
    rows = [
        ("file, onglet « À vérifier »", reverse("applications:queue")),
        ("file, recherche par nom", reverse("applications:queue") + "?q=testeur1"),
        ("file, signalés", reverse("applications:queue") + "?age=retard"),
        ("file, page 40", reverse("applications:queue") + "?page=40&tri=nom"),
        ("dossier (vue secrétariat)", reverse("applications:detail", args=[application.pk])),
    ]
    print(f"\n{SIZE} dossiers transmis créés en {built:.1f} s")
    print(f"{'page':<32} {'médiane':>10} {'requêtes':>9}")
    for label, url in rows:
        median, queries = _measure(client, url)
        print(f"{label:<32} {median:>8.1f} ms {queries:>9}")
