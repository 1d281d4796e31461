"""One language: a browser asking for English gets French pages, Django's own messages
included (field errors, password rules)."""

import pytest
from django.urls import reverse

from tests.workflow_helpers import make_staff

pytestmark = pytest.mark.django_db

ENGLISH = ["Password", "This field is required", "This password is too short", "Enter a valid"]


def english_in(response):
    html = response.content.decode()
    return [text for text in ENGLISH if text in html]


def test_the_login_page_is_french_for_an_english_browser(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    assert "Mot de passe" in response.content.decode()
    assert english_in(response) == []


def test_form_errors_are_french_for_an_english_browser(client):
    response = client.post(
        reverse("accounts:signup"),
        {"email": "pas-une-adresse", "password1": "court", "password2": "court"},
        HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9",
    )
    html = response.content.decode()
    assert "Ce champ est obligatoire." in html
    assert "Ce mot de passe est trop court." in html
    assert "Saisissez une adresse de courriel valide." in html
    assert english_in(response) == []


def test_a_staff_page_is_french_for_an_english_browser(client):
    staff = make_staff()
    client.force_login(staff.secretariat)
    response = client.get(reverse("applications:queue"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    assert "Dossiers" in response.content.decode()
    assert english_in(response) == []
