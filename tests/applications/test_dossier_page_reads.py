"""The dossier page reads: a plain visit writes nothing, and marks messages read only when
the other side wrote something new."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import services
from applications.models import Message
from tests.workflow_helpers import make_staff, submitted_application

pytestmark = pytest.mark.django_db


def _writes(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [
        q["sql"] for q in captured if q["sql"].split(None, 1)[0] in ("UPDATE", "INSERT", "DELETE")
    ]


@pytest.mark.parametrize("reader", ["secretariat", "doctor"])
def test_a_visit_with_nothing_new_writes_nothing(client, reader):
    staff = make_staff()
    application = submitted_application(staff)
    doctor = application.doctor.user
    services.post_message(application, staff.secretariat, "Bien reçu.")
    services.post_message(application, doctor, "Merci.")
    user = staff.secretariat if reader == "secretariat" else doctor
    client.force_login(user)
    url = reverse("applications:detail", args=[application.pk])
    first = _writes(client, url)
    assert len(first) == 1 and "applications_message" in first[0]  # the other side's message
    assert _writes(client, url) == []
    other_side = doctor if reader == "secretariat" else staff.secretariat
    services.post_message(application, other_side, "Une précision.")
    assert len(_writes(client, url)) == 1
    assert not Message.objects.filter(
        application=application, read_at=None, from_doctor=(reader == "secretariat")
    ).exists()


def _tables_read(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured], len(captured)


def _dossier_page_of(client, reader):
    """(staff, dossier, its page's address) with `reader` signed in and the page read once."""
    staff = make_staff()
    application = submitted_application(staff)
    user = staff.secretariat if reader == "secretariat" else application.doctor.user
    client.force_login(user)
    url = reverse("applications:detail", args=[application.pk])
    client.get(url)
    return staff, application, url


@pytest.mark.parametrize("reader", ["secretariat", "doctor"])
def test_the_signed_in_person_is_read_once_per_page(client, reader):
    """Header, menu, faculty and the dossier's roles share one read of the memberships and the
    user comes with their doctor profile: the dossier page stays within its budget."""
    _staff, _application, url = _dossier_page_of(client, reader)
    sql, count = _tables_read(client, url)
    memberships = [q for q in sql if q.startswith('SELECT "accounts_membership"')]
    doctors = [q for q in sql if q.startswith('SELECT "applications_doctor"')]
    assert len(memberships) <= 1, memberships  # the doctor's: known empty from the 2FA check
    assert doctors == []  # read with the user
    # 24 and more before issue 15. The visit comes with the dossier, the header's unread count
    # with the user, the staff page skips the lists the dossier's query knows are empty, and
    # the doctor's asks for open complement requests only on a dossier sent back.
    assert count <= 12
    for page in (reverse("applications:queue"), reverse("home")) if reader == "secretariat" else ():
        sql, _count = _tables_read(client, page)
        assert len([q for q in sql if q.startswith('SELECT "accounts_membership"')]) == 1, page


@pytest.mark.parametrize("reader", ["secretariat", "doctor"])
def test_the_summary_names_the_doctors_upp_in_the_same_number_of_queries(client, reader):
    from accounts.models import Organisation

    staff, application, url = _dossier_page_of(client, reader)
    with CaptureQueriesContext(connection) as without_upp:
        page = client.get(url).content.decode()
    assert "unité pédagogique de proximité" in page  # the acronym explained
    upp = Organisation.objects.create(
        kind=Organisation.Kind.UPP, name="UPP des Garrigues", parent=staff.faculty
    )
    application.doctor.upp = upp
    application.doctor.save()
    with CaptureQueriesContext(connection) as with_upp:
        page = client.get(url).content.decode()
    assert "UPP des Garrigues" in page
    assert len(with_upp) == len(without_upp)
