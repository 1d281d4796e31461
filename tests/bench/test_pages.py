"""Benchmarks (make bench, not make test): the doctor's heaviest pages.

Prints wall time per render and the number of SQL queries, for a dossier asking for all 5
levels, with 5 practice sites and every piece uploaded.
"""

import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ApplicationFactory, PracticeSiteFactory
from tests.files import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_dossier(client):
    application = ApplicationFactory(
        levels=["externe", "niveau_1", "saspas", "docteur_junior", "hors_mg"],
    )
    for n in range(4):
        PracticeSiteFactory(doctor=application.doctor, is_main=False, commune=f"Commune {n}")
    client.force_login(application.doctor.user)
    pieces = ["cv", "no_conviction", "insurance", "training"]
    client.post(
        reverse("applications:step", args=[application.pk, "pieces"]),
        {p: pdf_upload(f"{p}.pdf") for p in pieces},
    )
    return application


@pytest.mark.parametrize("slug", ["profil", "exercice", "niveaux", "pieces", "recapitulatif"])
def test_step_page_render(client, full_dossier, slug):
    url = reverse("applications:step", args=[full_dossier.pk, slug])
    client.get(url)  # warm the template cache
    timings = []
    for _ in range(20):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    print(
        f"\n{slug:>14}: median {statistics.median(timings) * 1000:.1f} ms, "
        f"max {max(timings) * 1000:.1f} ms, {len(queries)} SQL queries"
    )
