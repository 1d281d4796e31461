"""Each one's menu and home: what a doctor still applying, an MSU and the superuser see."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import DoctorFactory
from tests.stages_helpers import make_msu
from tests.workflow_helpers import make_staff, submitted_application

pytestmark = pytest.mark.django_db


def menu(client):
    html = client.get(reverse("home")).content.decode()
    return html.split('id="navigation"', 1)[1].split("</nav>", 1)[0]


def test_mes_stages_and_mes_releves_only_for_a_doctor_with_an_agrement(client):
    staff = make_staff()
    applicant = DoctorFactory()
    client.force_login(applicant.user)
    assert "Mes stages" not in menu(client) and "Mes relevés" not in menu(client)
    msu = make_msu(staff.faculty)
    client.force_login(msu.user)
    assert "Mes stages" in menu(client) and "Mes relevés" in menu(client)


def test_the_superuser_home_leads_to_the_queue_and_the_admin(client):
    staff = make_staff()
    application = submitted_application(staff)
    superuser = User.objects.create_superuser("racine@example.org", "mot-de-passe-solide-42")
    client.force_login(superuser)
    home = client.get(reverse("home")).content.decode()
    assert reverse("applications:queue") in home and reverse("admin:index") in home
    assert "Dossiers à instruire" in home
    queue = client.get(reverse("applications:queue"))
    assert queue.status_code == 200
    assert application.reference in queue.content.decode()
