"""The Django admin, for the superusers who run the portal: in French, like the rest (its
title, the apps' names, the columns of the lists)."""

import pytest
from django.urls import reverse

from accounts.models import Organisation
from exports import services as export_services
from tests.factories import UserFactory
from tests.workflow_helpers import make_staff, submitted_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_the_admin_index_is_named_as_the_portal(superuser_client):
    page = superuser_client.get(reverse("admin:index")).content.decode()
    assert "<title>Administration du portail | Portail MSU — administration</title>" in page
    assert "Second facteur : applications d&#x27;authentification" in page
    assert "Second facteur : codes de secours" in page
    assert "Django" not in page.split("<title>")[1].split("</title>")[0]
    assert "OTP_TOTP" not in page and "OTP_STATIC" not in page
    # The models of django-otp and django-axes too (their own say "TOTP devices", "Axes").
    assert "Applications d&#x27;authentification" in page
    assert "Jeux de codes de secours" in page
    assert "Protection contre les tentatives de connexion" in page
    assert "devices" not in page and ">Axes<" not in page


@pytest.mark.parametrize(
    ("model", "headers"),
    [
        ("notifications_notification", ["Destinataire", "Type", "Envoi par courriel"]),
        ("exports_export", ["Liste", "Faculté", "État", "Demandé le"]),
        (
            "applications_application",
            ["Dossier", "Médecin", "RPPS", "UPP", "Niveaux demandés", "Faculté", "Transmis le"],
        ),
    ],
)
def test_the_lists_columns_are_in_french(superuser_client, model, headers):
    staff = make_staff()
    submitted_application(staff)
    export_services.request_export(staff.faculty, staff.secretariat, "directory", {}, "csv")
    page = superuser_client.get(reverse(f"admin:{model}_changelist")).content.decode()
    for header in headers:
        assert f">{header}<" in page or f">{header}</a>" in page, header


def test_the_dossiers_list_shows_the_queues_columns_and_filters_by_faculty_only(
    superuser_client,
):
    staff = make_staff()
    Organisation.objects.create(
        kind=Organisation.Kind.UPP, name="UPP du Causse", parent=staff.faculty
    )
    dossier = submitted_application(staff, levels=["externe", "niveau_1"])
    page = superuser_client.get(reverse("admin:applications_application_changelist"))
    html = page.content.decode()
    row = html.split(dossier.reference, 1)[1].split("</tr>", 1)[0]
    assert dossier.doctor.rpps in row
    assert "2e cycle (externes), Niveau 1" in row
    # The faculty filter offers faculties, not the ARS nor the UPP of the faculty.
    faculty_filter = html.split("Par faculté", 1)[1].split("</ul>", 1)[0]
    assert staff.faculty.name in faculty_filter
    assert "UPP du Causse" not in faculty_filter
