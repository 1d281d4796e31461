"""The Django admin, for the superusers who run the portal: in French, like the rest (its
title, the apps' names, the columns of the lists)."""

import pytest
from django.urls import reverse

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


@pytest.mark.parametrize(
    ("model", "headers"),
    [
        ("notifications_notification", ["Destinataire", "Type", "Envoi par courriel"]),
        ("exports_export", ["Liste", "Faculté", "État", "Demandé le"]),
        ("applications_application", ["Médecin", "Faculté", "Transmis le"]),
    ],
)
def test_the_lists_columns_are_in_french(superuser_client, model, headers):
    staff = make_staff()
    submitted_application(staff)
    export_services.request_export(staff.faculty, staff.secretariat, "directory", {}, "csv")
    page = superuser_client.get(reverse(f"admin:{model}_changelist")).content.decode()
    for header in headers:
        assert f">{header}<" in page or f">{header}</a>" in page, header
