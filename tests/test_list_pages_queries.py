"""Every list page costs the same number of queries whatever it lists: stage periods, offers and
their placements, tutoring, the MSU's stages and statements, the faculty's fees and payment
lines, the inbox,
the visitor's visits, the commission sessions."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.services import create_session
from exports import services as export_services
from notifications.services import notify
from remuneration import services as remuneration
from stages import services as stages
from tests.stages_helpers import externe_period, make_msu, semester, student, team
from tests.workflow_helpers import advance, make_staff, submitted_application

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _queries(client, url):
    """(queries, size of the page): the page must list more when there is more."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured), len(response.content)


class World:
    """A faculty whose lists grow by `grow()`: one more offer with its team and a placed
    student, one more tutee, notification, visit and session each time."""

    def __init__(self):
        self.staff = make_staff()
        self.msu = make_msu(self.staff.faculty, levels=("niveau_1", "externe"))
        self.period = semester(self.staff.faculty, self.staff.admin)
        self.rounds = 0

    def grow(self):
        self.rounds += 1
        n = self.rounds
        partner = make_msu(self.staff.faculty, levels=("niveau_1",))
        offer = stages.create_offer(
            self.period,
            self.staff.admin,
            "niveau_1",
            f"Cabinet {n}",
            team(self.msu, partner, half_days=[4, 4]),
            capacity=2,
        )
        stages.place_student(offer, self.staff.admin, student(number=f"2100{n:04d}"))
        self.offer = offer
        # A payment export each round: more payment lines (the partner's, the MSU's
        # correction) on the payment page and the statement.
        export = remuneration.request_export(self.staff.faculty, self.staff.admin, 2026, "csv")
        export_services.build_export(export.pk)
        for user in (self.msu.user, self.staff.secretariat):
            notify(
                user,
                "submission_receipt",
                f"liste:{n}:{user.pk}",
                "emails/submission_receipt",
                {"application": None, "doctor": self.msu, "levels": []},
            )
        advance(submitted_application(self.staff), self.staff, "visit_scheduled")
        externe_period(
            self.staff.faculty, self.staff.admin, start=datetime.date(2027, 1, 4) + 49 * n * DAY
        )
        create_session(
            self.staff.faculty,
            self.staff.secretariat,
            timezone.now() + n * DAY,
            f"Salle {n}",
            [self.staff.commission],
        )


@pytest.fixture
def world():
    return World()


PAGES = {
    "périodes": lambda w: ("admin", reverse("stages:admin_home")),
    "terrains d'une période": lambda w: ("admin", reverse("stages:period", args=[w.period.pk])),
    "tutorat": lambda w: ("admin", reverse("stages:tutoring")),
    "rémunération (faculté)": lambda w: ("admin", reverse("remuneration:faculty_home")),
    "paiements (faculté)": lambda w: (
        "admin",
        reverse("remuneration:payment_lines") + "?year=2026",
    ),
    "mes stages": lambda w: ("msu", reverse("stages:mine")),
    "relevé de l'année": lambda w: (
        "msu",
        reverse("remuneration:statement", args=[w.staff.faculty.pk, w.msu.pk, 2026]),
    ),
    "notifications": lambda w: ("secretariat", reverse("notifications:inbox")),
    "mes visites": lambda w: ("visitor", reverse("applications:my_visits")),
    "séances de commission": lambda w: ("secretariat", reverse("applications:sessions")),
}


def _user(world, who):
    return world.msu.user if who == "msu" else getattr(world.staff, who)


@pytest.mark.parametrize("page", list(PAGES))
def test_a_list_page_costs_the_same_queries_with_more_rows(client, world, page, settings):
    settings.TIME_ZONE = "Europe/Paris"
    world.grow()
    who, url = PAGES[page](world)
    client.force_login(_user(world, who))
    few, small = _queries(client, url)
    for _ in range(3):
        world.grow()
    more, large = _queries(client, url)
    assert large > small, "the page does not list what was added"
    assert more == few


def test_an_offer_page_costs_the_same_queries_with_more_placements(client, world):
    world.grow()
    # Room left after the next placement: a full offer shows no placement form (smaller page).
    type(world.offer).objects.filter(pk=world.offer.pk).update(capacity=50)
    client.force_login(world.staff.admin)
    url = reverse("stages:offer", args=[world.offer.pk])
    few, small = _queries(client, url)
    stages.place_student(world.offer, world.staff.admin, student(number="29990001"))
    more, large = _queries(client, url)
    assert large > small and more == few
