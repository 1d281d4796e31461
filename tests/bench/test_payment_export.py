"""Benchmark (make bench): a large faculty's year of fees.

3,000 MSUs in 1,500 binômes, two semesters, one interne per binôme and semester: 3,000
placements, 6,000 team lines. One offer is created and filled through the real services; the
rest are cloned in bulk. Measured:
- the payment rows of the year (`payment_rows`), and the whole export task (CSV and XLSX): time,
  number of queries (must grow with the chunks, not with the placements), peak Python memory;
- one MSU's statement (the page and the downloads): time and queries, the same for any faculty
  size.
"""

import datetime
import time
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from applications.models import Doctor, PracticeSite
from exports import services as export_services
from remuneration import services, statements
from stages import services as stage_services
from stages.models import Offer, Placement, Student, TeamMember
from tests.stages_helpers import make_msu, semester, student, team
from tests.workflow_helpers import make_staff

pytestmark = pytest.mark.django_db
BINOMES = 1500


def _clone_year(staff, periods):
    """The MSUs, offers, teams, students and placements (no agrément: the fees do not read them)."""
    users = User.objects.bulk_create(
        User(email=f"bench{i}@example.org", first_name="Dominique", last_name=f"Msu{i:05d}")
        for i in range(2 * BINOMES)
    )
    doctors = Doctor.objects.bulk_create(
        Doctor(user=u, civility="MME", rpps=f"8{i:010d}", faculty=staff.faculty)
        for i, u in enumerate(users)
    )
    sites = PracticeSite.objects.bulk_create(
        PracticeSite(
            doctor=d,
            kind="group",
            address="1 rue de l'Exemple",
            postal_code="34000",
            commune="Montpellier",
            zonage="zip" if i % 5 == 0 else "none",
            is_main=True,
        )
        for i, d in enumerate(doctors)
    )
    offers = Offer.objects.bulk_create(
        Offer(period=period, level="niveau_1", label=f"Binôme {b}", capacity=1)
        for period in periods
        for b in range(BINOMES)
    )
    TeamMember.objects.bulk_create(
        TeamMember(
            offer=offer,
            doctor=doctors[2 * (i % BINOMES) + k],
            site=sites[2 * (i % BINOMES) + k],
            half_days=5 - k,
            referent=k == 0,
        )
        for i, offer in enumerate(offers)
        for k in (0, 1)
    )
    students = Student.objects.bulk_create(
        Student(
            faculty=staff.faculty,
            student_number=f"B{i:07d}",
            last_name=f"Interne{i}",
            first_name="Sam",
            promotion=2025,
            level="niveau_1",
        )
        for i in range(len(offers))
    )
    Placement.objects.bulk_create(
        Placement(
            offer=offer,
            student=s,
            start=offer.period.start,
            end=offer.period.end,
        )
        for offer, s in zip(offers, students, strict=True)
    )
    return doctors


def _measure(function, memory=True):
    """(result, seconds, queries, peak MiB). The time is taken without tracemalloc, which slows
    Python down several times; the peak comes from a second run under it."""
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - started
    peak = 0
    if memory:
        tracemalloc.start()
        function()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return result, elapsed, len(queries), peak / 2**20


def test_a_large_facultys_year_of_fees():
    staff = make_staff()
    first = semester(staff.faculty, staff.admin)
    second = semester(staff.faculty, staff.admin, start=datetime.date(2027, 5, 1))
    msu = make_msu(staff.faculty, last_name="Aaron")
    offer = stage_services.create_offer(first, staff.admin, "niveau_1", "Réel", team(msu))
    stage_services.place_student(offer, staff.admin, student())
    doctors = _clone_year(staff, [first, second])
    placements = Placement.objects.count()
    assert placements == 2 * BINOMES + 1

    rows, elapsed, queries, peak = _measure(lambda: statements.payment_rows(staff.faculty, 2026))
    assert len(rows) == 2 * 2 * BINOMES + 1  # one per MSU and period
    assert sum(r.total for r in rows) == 3600 * placements
    print(
        f"\npayment_rows: {placements} placements → {len(rows)} rows in {elapsed:.2f} s, "
        f"{queries} queries, peak {peak:.1f} MiB"
    )
    assert queries < 40

    for fmt in ("csv", "xlsx"):
        export = services.request_export(staff.faculty, staff.admin, 2026, fmt)
        _done, elapsed, queries, _peak = _measure(
            lambda e=export: export_services.build_export(e.pk), memory=False
        )
        tracemalloc.start()
        export_services.build_export(
            services.request_export(staff.faculty, staff.admin, 2026, fmt).pk
        )
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        export.refresh_from_db()
        assert export.state == "done" and export.percent == 100
        print(
            f"export {fmt}: {elapsed:.2f} s, {queries} queries, peak {peak:.1f} MiB, "
            f"{export.file.size / 1024:.0f} KiB"
        )

    statement, elapsed, queries, _peak = _measure(
        lambda: statements.statement_for(staff.faculty, doctors[0], 2026)
    )
    assert statement.total() == 2 * 2000
    print(f"one MSU's statement: {elapsed * 1000:.0f} ms, {queries} queries")
    assert queries <= 8
