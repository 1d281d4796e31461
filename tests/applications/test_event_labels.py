"""Every event of a dossier reads as French on the timeline page (doctor and staff) and in the
dossier PDF: one labelling function, covering every action the code records."""

import ast
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from applications.documents.dossier_pdf import build_dossier_pdf
from applications.events import LABELS, label_of
from applications.workflow import Action, Status
from tests.workflow_helpers import advance, make_staff, submitted_application

CODE_NAME = re.compile(r"\b[a-z]+_[a-z_]+\b")


def recorded_actions():
    """The action strings written by `record_event(application, by, "action", …)` or
    `Event.objects.create(…, action="…")` anywhere in the project's apps."""
    found = set()
    for app in (
        "applications",
        "stages",
        "remuneration",
        "accounts",
        "notifications",
        "obligations",
    ):
        for path in Path(settings.BASE_DIR, app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name == "record_event" and len(node.args) >= 3:
                    arg = node.args[2]
                    if isinstance(arg, ast.Constant):
                        found.add(arg.value)
                for keyword in node.keywords:
                    if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                        found.add(keyword.value.value)
    return found


def test_every_workflow_action_and_every_recorded_event_has_a_label():
    assert set(Action.values) <= set(LABELS)
    assert recorded_actions() - set(LABELS) == set()


def test_an_unknown_action_never_shows_its_code_name():
    assert str(label_of("some_future_action")) == "Autre événement"


def timeline(html):
    return html.split('id="historique"', 1)[1].split("</ol>", 1)[0]


@pytest.mark.django_db
def test_the_timeline_and_the_pdf_show_french_labels_to_doctor_and_staff(client):
    staff = make_staff()
    application = advance(submitted_application(staff), staff, Status.DECIDED)
    url = reverse("applications:detail", args=[application.pk])
    for user in (application.doctor.user, staff.secretariat):
        client.force_login(user)
        items = timeline(client.get(url).content.decode())
        assert "<li>" in items
        assert CODE_NAME.findall(items) == []
    pdf = build_dossier_pdf(application).content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace(
        "\n", " "
    )
    assert "give_opinion" not in text and "record_decision" not in text


@pytest.mark.django_db
def test_each_line_says_what_happened_and_the_state_it_left_when_the_label_does_not(client):
    """The last decision read « Décidé » while the ones before it read « Décision enregistrée »:
    every line now says what happened, and adds the dossier's new state only where it is news."""
    staff = make_staff()
    application = advance(submitted_application(staff), staff, Status.DECIDED)
    client.force_login(staff.secretariat)
    url = reverse("applications:detail", args=[application.pk])
    lines = [
        re.sub(r"<[^>]+>", "", line).split(" — ", 2)[2].strip()
        for line in timeline(client.get(url).content.decode()).split("<li>")[1:]
    ]
    assert "Décidé" not in lines
    assert any(line.startswith("Décisions enregistrées (état : Décidé)") for line in lines), lines
    assert "Dossier transmis" in lines  # « Transmis » already said: no « (état : Transmis) »
    assert "Dossier déclaré recevable" in lines
    pdf = build_dossier_pdf(application).content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "(état : Décidé)" in " ".join(text.split())
