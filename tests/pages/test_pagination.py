"""Every list page paginates the same way (msu_portal.pagination, partials/pagination.html):
a page of rows, « Page n sur N », links that keep the other parameters, a wrong page number
giving the nearest page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.workflow import Status
from msu_portal import pagination
from tests.workflow_helpers import advance, make_staff, submitted_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_per_page(monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)


def _rows(html):
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr")


def test_commission_sessions_paginate(client, two_per_page):
    staff = make_staff()
    for n in range(5):
        services.create_session(
            staff.faculty,
            staff.secretariat,
            timezone.now() + datetime.timedelta(days=10 + n),
            f"Salle {n}",
            [staff.commission],
        )
    client.force_login(staff.secretariat)
    url = reverse("applications:sessions")
    first = client.get(url).content.decode()
    assert _rows(first) == 2 and "Page 1 sur 3" in first and "page=2" in first
    last = client.get(url, {"page": 3}).content.decode()
    assert _rows(last) == 1 and "Page 3 sur 3" in last
    assert "Page 3 sur 3" in client.get(url, {"page": 99}).content.decode()  # the nearest page
    # The latest session first, the same order on every page: no session twice, none missed.
    seen = "".join(client.get(url, {"page": n}).content.decode() for n in (1, 2, 3))
    assert all(seen.count(f"Salle {n}<") == 1 for n in range(5))


def test_the_visitors_visits_paginate(client, two_per_page):
    staff = make_staff()
    for _ in range(3):
        advance(submitted_application(staff), staff, Status.VISIT_SCHEDULED)
    client.force_login(staff.visitor)
    url = reverse("applications:my_visits")
    first = client.get(url).content.decode()
    assert _rows(first) == 2 and "Page 1 sur 2" in first
    assert _rows(client.get(url, {"page": 2}).content.decode()) == 1


def test_the_exports_list_paginates(client, two_per_page):
    from exports import services as export_services

    staff = make_staff()
    for _ in range(3):
        export_services.request_export(staff.faculty, staff.secretariat, "queue", {}, "csv")
    client.force_login(staff.secretariat)
    url = reverse("exports:list")
    first = client.get(url).content.decode()
    assert _rows(first) == 2 and "Page 1 sur 2" in first
    assert _rows(client.get(url, {"page": 2}).content.decode()) == 1
