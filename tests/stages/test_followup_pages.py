"""The follow-up pages without an object id, per role (the id-taking ones are in the
permission matrix), and the query counts of the new list pages: the same number of queries
whatever they list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stages import evaluations, incidents, links, services
from stages.records import Audience, StudentLink
from tests.stages_helpers import make_msu, semester, student, team
from tests.workflow_helpers import make_staff

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["stages:criteria", "stages:evaluations", "stages:import_template"]


@pytest.fixture
def staff():
    return make_staff()


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_the_admin_pages_are_the_faculty_admins(client, staff, name):
    client.force_login(staff.admin)
    assert client.get(reverse(name)).status_code == 200
    for user in (staff.secretariat, staff.visitor, staff.commission, make_msu(staff.faculty).user):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403, (name, user)
    client.logout()
    assert client.get(reverse(name)).status_code == 302


def test_the_incident_list_is_for_those_who_follow_stages(client, staff):
    for user in (staff.admin, staff.secretariat, make_msu(staff.faculty).user):
        client.force_login(user)
        assert client.get(reverse("stages:incidents")).status_code == 200
    for user in (staff.visitor, staff.commission):
        client.force_login(user)
        assert client.get(reverse("stages:incidents")).status_code == 404


def test_the_student_pages_refuse_a_made_up_token(client):
    for name in ("stages:student_evaluation", "stages:student_incident"):
        response = client.get(reverse(name, args=["nimporte-quoi"]))
        assert response.status_code == 404
        assert "Ce lien n&#x27;est pas valide." in response.content.decode()


class Growing:
    """A faculty whose lists grow: one more MSU team, placed student, student evaluation (a
    poor one) and incident each round."""

    def __init__(self):
        self.staff = make_staff()
        self.period = semester(self.staff.faculty, self.staff.admin)
        self.msu = make_msu(self.staff.faculty)
        for audience in Audience.values:
            evaluations.create_default_grid(self.staff.faculty, self.staff.admin, audience)
        self.criteria = evaluations.grid(self.staff.faculty.pk, Audience.STUDENT)
        self.rounds = 0

    def grow(self):
        self.rounds += 1
        n = self.rounds
        partner = make_msu(self.staff.faculty)
        offer = services.create_offer(
            self.period,
            self.staff.admin,
            "niveau_1",
            f"Cabinet {n}",
            team(self.msu, partner, half_days=[4, 4]),
        )
        placement = services.place_student(offer, self.staff.admin, student(number=f"2200{n:04d}"))
        placement.student.email = f"etudiant{n}@example.org"
        placement.student.save(update_fields=["email"])
        link = links.new_link(placement, StudentLink.Purpose.EVALUATION)
        evaluations.record_student_evaluation(link.pk, {c.pk: 1 + n % 4 for c in self.criteria})
        incidents.report(placement, self.msu.user, f"Difficulté {n}", "Texte.")


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), len(response.content)


@pytest.mark.parametrize(
    ("name", "who"),
    [
        ("stages:evaluations", "admin"),
        ("stages:incidents", "admin"),
        ("stages:incidents", "secretariat"),
        ("stages:incidents", "msu"),
        ("stages:msu_evaluations", "admin"),
    ],
)
def test_the_list_pages_cost_the_same_whatever_they_list(client, name, who):
    world = Growing()
    user = world.msu.user if who == "msu" else getattr(world.staff, who)
    client.force_login(user)
    args = [world.msu.pk] if name == "stages:msu_evaluations" else []
    url = reverse(name, args=args)
    world.grow()
    small, small_size = _queries(client, url)
    for _ in range(3):
        world.grow()
    large, large_size = _queries(client, url)
    assert large_size > small_size  # the page lists more
    assert large == small, (name, small, large)


def test_the_demo_has_evaluations_and_an_incident():
    from django.core.management import call_command

    from accounts.models import Membership
    from stages.records import Evaluation, Incident

    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)  # idempotent
    stages = set(Evaluation.objects.values_list("stage", flat=True))
    assert {"start", "middle", "student"} <= stages
    assert Evaluation.objects.filter(stage="student", poor=True).count() == 1
    assert not Evaluation.objects.filter(stage="end").exists()  # left to the demo MSU
    incident = Incident.objects.get()
    assert incident.messages.count() == 2 and incident.status == "open"
    assert Membership.objects.filter(
        role=Membership.Role.UPP_COORDINATOR, user__email="coordination.upp@example.org"
    ).exists()


def test_the_incident_list_paginates(client, monkeypatch):
    from msu_portal import pagination

    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    world = Growing()
    for _ in range(3):
        world.grow()
    client.force_login(world.staff.secretariat)
    url = reverse("stages:incidents")
    first = client.get(url, {"statut": "open"}).content.decode()
    assert "Page 1 sur 2" in first and "statut=open&amp;page=2" in first
    assert "Difficulté 1" in client.get(url, {"statut": "open", "page": 2}).content.decode()
