"""Every faculty: pages, e-mails and PDFs name the faculty of the dossier or of the signed-in
person, with its DUMG's details; a visitor sees a neutral national title; the footer's legal
pages exist and carry the faculty's details."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import FacultySettings
from tests.workflow_helpers import make_staff, submitted_application

pytestmark = pytest.mark.django_db


def title(html):
    return " ".join(re.search(r"<title>(.*?)</title>", html, re.S).group(1).split())


def with_details(staff, name):
    staff.faculty.name = name
    staff.faculty.save()
    FacultySettings.objects.update_or_create(
        faculty=staff.faculty,
        defaults={
            "dumg_name": "Département de médecine générale de Nice",
            "dumg_address": "28 avenue de Valombrose\n06107 Nice",
            "dumg_email": "dumg@nice.example.org",
            "dumg_phone": "04 00 00 00 00",
            "publication_director": "La doyenne de la faculté",
        },
    )
    return staff


def test_a_nice_doctor_sees_and_receives_nice_not_montpellier(
    client, django_capture_on_commit_callbacks
):
    staff = with_details(make_staff(), "Faculté de médecine de Nice")
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted_application(staff)
    receipt = next(m for m in mail.outbox if m.to == [application.doctor.user.email])
    assert "Département de médecine générale de Nice" in receipt.body
    assert "Faculté de médecine de Nice" in receipt.body and "Montpellier" not in receipt.body
    client.force_login(application.doctor.user)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert title(html).endswith("— Faculté de médecine de Nice")
    assert '<p class="fr-header__service-tagline">Faculté de médecine de Nice</p>' in html
    header = html.split("</header>", 1)[0]
    footer = html.split('id="pied-de-page"', 1)[1]
    assert "dumg@nice.example.org" in footer
    assert "Montpellier" not in header and "Montpellier" not in footer


def test_staff_pages_name_their_faculty_and_a_visitor_gets_a_national_title(client):
    staff = with_details(make_staff(), "Faculté de médecine de Nice")
    client.force_login(staff.secretariat)
    assert title(client.get(reverse("applications:queue")).content.decode()).endswith(
        "— Faculté de médecine de Nice"
    )
    client.logout()
    html = client.get(reverse("home")).content.decode()
    assert "Facultés de médecine — départements de médecine générale" in title(html)
    assert "Montpellier" not in html


def test_the_footer_pages_exist_with_the_faculty_details(client):
    staff = with_details(make_staff(), "Faculté de médecine de Nice")
    footer = client.get(reverse("home")).content.decode().split('id="pied-de-page"', 1)[1]
    for name in ("accessibility", "legal_notice", "privacy"):
        assert f'href="{reverse(name)}"' in footer
        assert client.get(reverse(name)).status_code == 200
    client.force_login(staff.admin)
    legal = client.get(reverse("legal_notice")).content.decode()
    assert "28 avenue de Valombrose" in legal and "La doyenne de la faculté" in legal
    assert "Déclaration d'accessibilité" in client.get(reverse("accessibility")).content.decode()
