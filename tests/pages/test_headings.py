"""Every page names itself: a non-empty <h1> and <title>, whatever template it extends."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from applications.workflow import Status
from tests.workflow_helpers import advance, make_staff, submitted_application, visit_made

pytestmark = pytest.mark.django_db


def heading_and_title(html):
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    strip = lambda text: " ".join(re.sub(r"<[^>]+>", " ", text).split())  # noqa: E731
    return strip(h1.group(1)) if h1 else "", strip(title.group(1)) if title else ""


@pytest.mark.parametrize(
    ("name", "state", "who", "heading"),
    [
        ("request_complements", Status.SUBMITTED, "secretariat", "Demander des compléments"),
        ("schedule_visit", Status.ADMISSIBLE, "secretariat", "Programmer la visite"),
        ("record_visit", Status.VISIT_SCHEDULED, "visitor", "Enregistrer le rapport de visite"),
    ],
)
def test_the_staff_action_pages_have_a_heading_and_a_title(client, name, state, who, heading):
    staff = make_staff()
    application = advance(submitted_application(staff), staff, state)
    visit_made(application)  # a report is written from the day of the visit
    client.force_login(getattr(staff, who))
    response = client.get(reverse(f"applications:{name}", args=[application.pk]))
    assert response.status_code == 200
    h1, title = heading_and_title(response.content.decode())
    assert h1 == heading
    assert title.startswith(f"{heading} — {application.reference}")


def test_no_template_reads_a_block_through_self():
    """`{{ self.block }}` is Jinja's: Django renders it as an empty string, silently."""
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
        if re.search(r"\{\{\s*self\.", path.read_text())
    ]
    assert offenders == []
