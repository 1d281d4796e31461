"""Our msgids are French and have no French catalogue: each one must show as written. A msgid
that is also in Django's or a library's catalogue would be translated by it instead ("Close"
came out as « Fermer » on a closed session's badge)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from applications.workflow import Status
from tests.workflow_helpers import advance, make_staff, submitted_application

TEMPLATE_MSGID = re.compile(r'\{%\s*translate\s+"([^"]+)"')
PYTHON_MSGID = re.compile(r'\b_\(\s*"([^"\\]+)"\s*\)')
APPS = ("accounts", "applications", "notifications", "stages", "remuneration", "msu_portal")


def msgids():
    found = set()
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        found |= set(TEMPLATE_MSGID.findall(path.read_text()))
    for app in APPS:
        for path in Path(settings.BASE_DIR, app).rglob("*.py"):
            if "migrations" not in path.parts:
                found |= set(PYTHON_MSGID.findall(path.read_text()))
    return found


def test_the_scan_finds_the_msgids():
    assert {"Se connecter", "Ouverte", "Clôturée"} <= msgids()


def test_no_msgid_is_translated_by_another_catalogue():
    with translation.override("fr"):
        changed = {m: translation.gettext(m) for m in msgids() if translation.gettext(m) != m}
    assert changed == {}


@pytest.mark.django_db
def test_a_closed_session_reads_cloturee(client):
    staff = make_staff()
    advance(submitted_application(staff), staff, Status.IN_COMMISSION)
    client.force_login(staff.secretariat)
    html = client.get(reverse("applications:sessions")).content.decode()
    assert '<span class="fr-badge fr-badge--success">Clôturée</span>' in html
    assert "Fermer</span>" not in html and "FERMER" not in html
