"""Benchmark (make bench, after make bench-data): the queue and the dossier page of a faculty
of 100 k dossiers, against anchors measured in the same run.

- the Django admin's changelist of the same dossiers, with the same joins and filters
  (applications/admin.py): the queue must be at least 3 times faster, in 10 queries at most;
- the login page: the queue and the staff dossier page must cost at most 10 times as much;
- the same queue at 1 k, 10 k and 100 k dossiers: its time must stay flat (at most 2 times).
"""

import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership, User
from applications.models import Application

RUNS = 9


def measure_side_by_side(pages, runs=RUNS):
    """{label: (median ms, queries of one request)} for {label: (client, url)}, the pages taken
    in turn within each run: a machine that slows down for a while (a shared host does) slows
    the anchors as much as the pages, and the ratios hold."""
    queries = {}
    for label, (client, url) in pages.items():
        response = client.get(url)  # warm-up, and the session's once-a-minute write done
        assert response.status_code == 200, (url, response.status_code)
        # Queries counted apart: the debug cursor that records them costs time of its own.
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries[label] = len(captured)
    timings = {label: [] for label in pages}
    for _ in range(runs):
        for label, (client, url) in pages.items():
            start = time.perf_counter()
            response = client.get(url)
            timings[label].append(time.perf_counter() - start)
            assert response.status_code == 200
    return {label: (statistics.median(timings[label]) * 1000, queries[label]) for label in pages}


def _superuser():
    user, _ = User.objects.get_or_create(
        email="banc-superuser@example.org",
        defaults={"is_superuser": True, "is_staff": True, "first_name": "Banc"},
    )
    return user


def _queue_urls(faculty):
    queue = reverse("applications:queue")
    doctor = (
        Application.objects.filter(faculty=faculty, status="decided")
        .select_related("doctor__user")
        .order_by("pk")[500]
        .doctor.user
    )
    return {
        "premier onglet": queue,
        "recherche (nom)": f"{queue}?q={doctor.last_name}",
        "filtre (niveau)": f"{queue}?niveau=niveau_1&onglet=decides",
        "page 200": f"{queue}?onglet=decides&page=200",
    }


def _admin_urls(faculty):
    changelist = reverse("admin:applications_application_changelist")
    base = f"{changelist}?faculty__id__exact={faculty.pk}"
    doctor = (
        Application.objects.filter(faculty=faculty, status="decided")
        .select_related("doctor__user")
        .order_by("pk")[500]
        .doctor.user
    )
    return {
        "premier onglet": f"{base}&status__exact=submitted",
        "recherche (nom)": f"{base}&q={doctor.last_name}",
        "filtre (niveau)": f"{base}&status__exact=decided&requested_levels__level=niveau_1",
        "page 200": f"{base}&status__exact=decided&p=199",
    }


def test_queue_and_dossier_page_at_the_scale_of_a_large_faculty(large):
    faculty, staff = large[100_000]
    secretariat = staff[Membership.Role.SECRETARIAT]

    anonymous, as_admin, as_staff = Client(), Client(), Client()
    as_admin.force_login(_superuser())
    as_staff.force_login(secretariat)
    dossier = Application.objects.filter(faculty=faculty, status="decided").order_by("-pk").first()
    pages = {"connexion": (anonymous, reverse("accounts:login"))}
    for label, url in _admin_urls(faculty).items():
        pages[f"admin {label}"] = (as_admin, url)
    for label, url in _queue_urls(faculty).items():
        pages[label] = (as_staff, url)
    pages["dossier"] = (as_staff, reverse("applications:detail", args=[dossier.pk]))
    as_doctor = Client()
    as_doctor.force_login(dossier.doctor.user)
    pages["dossier (médecin)"] = (as_doctor, reverse("applications:detail", args=[dossier.pk]))
    measured = measure_side_by_side(pages)
    login_ms, _ = measured["connexion"]
    admin = {label: measured[f"admin {label}"] for label in _admin_urls(faculty)}
    queue = {label: measured[label] for label in _queue_urls(faculty)}
    detail_ms, detail_queries = measured["dossier"]
    doctor_ms, doctor_queries = measured["dossier (médecin)"]

    print(f"\nAncre : page de connexion {login_ms:.1f} ms")
    print(
        f"{'100 k dossiers':<18} {'file':>9} {'req.':>5} {'admin':>9} {'req.':>5} "
        f"{'admin/file':>10} {'file/connexion':>14}"
    )
    failures = []
    for label, (ms, queries) in queue.items():
        admin_ms, admin_queries = admin[label]
        speedup = admin_ms / ms
        vs_login = ms / login_ms
        print(
            f"{label:<18} {ms:>7.1f}ms {queries:>5} {admin_ms:>7.1f}ms {admin_queries:>5} "
            f"{speedup:>9.1f}× {vs_login:>13.1f}×"
        )
        if speedup < 3 or queries > 10 or vs_login > 10:
            failures.append(label)
    print(
        f"{'dossier (secrét.)':<18} {detail_ms:>7.1f}ms {detail_queries:>5} {'':>9} {'':>5} "
        f"{'':>10} {detail_ms / login_ms:>13.1f}×"
    )
    print(
        f"{'dossier (médecin)':<18} {doctor_ms:>7.1f}ms {doctor_queries:>5} {'':>9} {'':>5} "
        f"{'':>10} {doctor_ms / login_ms:>13.1f}×"
    )
    if detail_ms / login_ms > 10:
        failures.append("dossier")
    if doctor_ms / login_ms > 10:
        failures.append("dossier (médecin)")

    # The same queue pages at 1 k, 10 k and 100 k dossiers, side by side.
    print(f"\n{'file':<18} {'1 k':>9} {'10 k':>9} {'100 k':>9} {'100 k / 1 k':>12}")
    sized = {}
    for size, (small_faculty, small_staff) in sorted(large.items()):
        as_secretariat = Client()
        as_secretariat.force_login(small_staff[Membership.Role.SECRETARIAT])
        for label, url in _queue_urls(small_faculty).items():
            sized[(size, label)] = (as_secretariat, url)
    measured = measure_side_by_side(sized)
    by_size = {size: {} for size in large}
    for (size, label), (ms, _) in measured.items():
        by_size[size][label] = ms
    for label in queue:
        row = [by_size[size][label] for size in sorted(by_size)]
        growth = row[-1] / row[0]
        print(f"{label:<18} " + " ".join(f"{ms:>7.1f}ms" for ms in row) + f" {growth:>11.1f}×")
        if growth > 2:
            failures.append(f"{label} (croissance)")
    print("objectifs atteints" if not failures else f"objectifs NON atteints : {failures}")
