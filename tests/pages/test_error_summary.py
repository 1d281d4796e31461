"""A form that comes back with errors: "Erreur" first in the title, the DSFR error summary at
the top of the page linking to each field, and the script that moves the focus to it."""

import re

import pytest
from django.urls import reverse

from tests.workflow_helpers import make_staff

pytestmark = pytest.mark.django_db


def title(html):
    return " ".join(re.search(r"<title>(.*?)</title>", html, re.S).group(1).split())


def test_a_form_with_errors_says_so_in_the_title_and_at_the_top(client):
    staff = make_staff()
    client.force_login(staff.admin)
    url = reverse("applications:faculty_settings", args=[staff.faculty.pk])
    assert not title(client.get(url).content.decode()).startswith("Erreur")
    response = client.post(url, {"years_required_externe": "x", "alert_months_total": "99"})
    html = response.content.decode()
    assert response.status_code == 400
    assert title(html).startswith("Erreur : Réglages de la faculté")
    main = html.split("<main", 1)[1]
    summary = main.split('id="resume-erreurs"', 1)[1].split("</div>", 1)[0]
    assert main.index('id="resume-erreurs"') < main.index("<h1")
    assert '<a href="#id_years_required_externe">' in summary
    assert "Saisissez un nombre entier." in summary
    assert 'src="/static/js/error-summary.js"' in html


def test_the_login_form_with_errors_too(client):
    response = client.post(reverse("accounts:login"), {"username": "", "password": ""})
    html = response.content.decode()
    assert title(html).startswith("Erreur")
    assert 'id="resume-erreurs"' in html
