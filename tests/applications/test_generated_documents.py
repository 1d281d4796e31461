"""The PDFs' life cycle in the portal: built after commit, a new version replacing the old one
only once complete, idempotent builds, downloads and what the pages show meanwhile."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications import selectors
from applications.models import Application, Decision, GeneratedDocument
from applications.services import documents
from applications.workflow import Status
from tests.workflow_helpers import advance, make_staff, submitted_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_staff()


def dossier_pdf(application):
    return GeneratedDocument.objects.get(subject_key=f"dossier:{application.pk}")


def stored(settings, application):
    folder = settings.PRIVATE_STORAGE_ROOT / "generated" / f"dossier-{application.pk}"
    return sorted(p.name for p in folder.glob("*.pdf")) if folder.exists() else []


def pdf_text(response):
    content = b"".join(response.streaming_content)
    reader = PdfReader(io.BytesIO(content))
    return reader, "".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def submitted(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return submitted_application(staff)


def test_submission_builds_the_dossier_pdf_and_both_sides_download_it(
    submitted, staff, client, settings
):
    document = dossier_pdf(submitted)
    assert (document.requested_revision, document.built_revision) == (1, 1)
    assert len(stored(settings, submitted)) == 1
    for user in (submitted.doctor.user, staff.secretariat):
        client.force_login(user)
        page = client.get(reverse("applications:detail", args=[submitted.pk])).content.decode()
        assert 'id="dossier-pdf-link"' in page
        assert "En cours de génération" not in page
        response = client.get(reverse("applications:dossier_pdf", args=[submitted.pk]))
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
        assert f'filename="dossier-{submitted.reference}.pdf"' in response["Content-Disposition"]
        reader, text = pdf_text(response)
        assert len(reader.pages) == document.pages
        assert submitted.doctor.rpps in text


def test_a_new_version_replaces_the_old_only_once_built(
    submitted, staff, client, settings, django_capture_on_commit_callbacks
):
    first_file = dossier_pdf(submitted).file.name
    # The visit report asks for a new version; its build has not run yet (no commit here).
    app = advance(submitted, staff, Status.VISIT_DONE)
    document = dossier_pdf(app)
    assert document.is_building and document.is_available
    assert document.file.name == first_file
    client.force_login(staff.secretariat)
    page = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert "En cours de génération" in page
    assert "la précédente reste disponible" in page
    assert 'hx-trigger="every 3s"' in page  # the card polls until the new version is there
    _reader, text = pdf_text(client.get(reverse("applications:dossier_pdf", args=[app.pk])))
    assert "Cabinet adapté" not in text  # still the version without the visit report
    # The build runs (as the worker would, committing): the new version is stored, the old
    # file removed.
    with django_capture_on_commit_callbacks(execute=True):
        assert documents.build(document.pk, document.requested_revision) is True
    document.refresh_from_db()
    assert not document.is_building
    assert document.file.name != first_file
    assert stored(settings, app) == [document.file.name.rsplit("/", 1)[1]]
    card = client.get(reverse("applications:dossier_pdf_status", args=[app.pk])).content.decode()
    assert "hx-trigger" not in card and 'id="dossier-pdf-link"' in card
    _reader, text = pdf_text(client.get(reverse("applications:dossier_pdf", args=[app.pk])))
    assert "Cabinet adapté" in text


def test_a_build_runs_once_per_revision(submitted, settings):
    document = dossier_pdf(submitted)
    assert documents.build(document.pk, 1) is False  # re-delivered task: already stored
    document.refresh_from_db()
    assert document.built_revision == 1
    assert len(stored(settings, submitted)) == 1


def test_an_older_task_builds_the_newest_version_and_the_newer_task_then_skips(
    submitted, staff, settings, django_capture_on_commit_callbacks
):
    app = advance(submitted, staff, Status.VISIT_DONE)  # revision 2 asked
    document = documents.request_dossier_pdf(Application.objects.get(pk=app.pk))  # and 3
    assert document.requested_revision == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert documents.build(document.pk, 2) is True
    document.refresh_from_db()
    assert document.built_revision == 3
    assert documents.build(document.pk, 3) is False
    assert len(stored(settings, app)) == 1


def test_a_file_left_by_a_killed_build_is_removed_by_the_next_build(
    submitted, settings, django_capture_on_commit_callbacks
):
    folder = settings.PRIVATE_STORAGE_ROOT / "generated" / f"dossier-{submitted.pk}"
    (folder / "r2-deadbeef0000.pdf").write_bytes(b"%PDF-1.4 half written")
    document = documents.request_dossier_pdf(submitted)
    with django_capture_on_commit_callbacks(execute=True):
        assert documents.build(document.pk, document.requested_revision)
    document.refresh_from_db()
    assert stored(settings, submitted) == [document.file.name.rsplit("/", 1)[1]]


def test_the_sweeper_rebuilds_a_lost_build(submitted, django_capture_on_commit_callbacks):
    document = documents.request_dossier_pdf(submitted)  # its task was lost with the broker
    assert documents.sweep() == 0  # too recent: its task may still be on its way
    GeneratedDocument.objects.filter(pk=document.pk).update(
        requested_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert documents.sweep() == 1
    document.refresh_from_db()
    assert document.built_revision == document.requested_revision == 2


def test_before_the_first_build_the_page_says_it_is_coming(staff, client):
    app = submitted_application(staff)  # submitted, the build not run
    client.force_login(app.doctor.user)
    page = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert "sera prêt dans un instant" in page
    assert 'id="dossier-pdf-link"' not in page
    response = client.get(reverse("applications:dossier_pdf", args=[app.pk]), follow=True)
    assert "en cours de génération" in response.content.decode()


def test_decision_letters_agenda_and_minutes(staff, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        app = advance(submitted_application(staff), staff, Status.DECIDED)
    decisions = Decision.objects.filter(requested_level__application=app)
    assert decisions.count() == 2
    client.force_login(app.doctor.user)
    page = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert page.count('class="fr-link fr-link--sm fr-icon-download-line') == 2
    for decision in decisions:
        response = client.get(reverse("applications:decision_letter", args=[app.pk, decision.pk]))
        assert response["Content-Type"] == "application/pdf"
        _reader, text = pdf_text(response)
        assert decision.reference in text
    session = selectors.current_session(app)
    client.force_login(staff.commission)
    page = client.get(reverse("applications:session", args=[session.pk])).content.decode()
    assert 'id="agenda-pdf"' in page and 'id="minutes-pdf"' in page
    _reader, agenda = pdf_text(
        client.get(reverse("applications:session_agenda_pdf", args=[session.pk]))
    )
    assert app.reference in agenda
    _reader, minutes = pdf_text(
        client.get(reverse("applications:session_minutes_pdf", args=[session.pk]))
    )
    assert app.reference in minutes
    assert "Favorable" in minutes or "favorable" in minutes


def test_the_visitor_and_the_commission_see_the_decision_but_not_its_letter(
    staff, client, django_capture_on_commit_callbacks
):
    """The letter is the doctor's, kept by the secretariat: the dossier's visitor and the
    members of its session read the outcome on the page, without a link, and the URL typed
    anyway is a 404."""
    with django_capture_on_commit_callbacks(execute=True):
        app = advance(submitted_application(staff), staff, Status.DECIDED)
    decision = Decision.objects.filter(requested_level__application=app).first()
    letter = reverse("applications:decision_letter", args=[app.pk, decision.pk])
    for user in (staff.visitor, staff.commission):
        client.force_login(user)
        page = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
        assert decision.reference in page
        assert letter not in page
        assert client.get(letter).status_code == 404
    client.force_login(staff.secretariat)
    page = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert letter in page
    assert client.get(letter)["Content-Type"] == "application/pdf"


def test_the_doctors_copy_leaves_out_the_visit_report(
    submitted, staff, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        app = advance(submitted, staff, Status.VISIT_DONE)
    url = reverse("applications:dossier_pdf", args=[app.pk])
    client.force_login(staff.secretariat)
    _reader, staff_copy = pdf_text(client.get(url))
    assert "Cabinet adapté à l'accueil d'un étudiant." in staff_copy
    client.force_login(app.doctor.user)
    _reader, doctor_copy = pdf_text(client.get(url))
    assert "Cabinet adapté" not in doctor_copy
    assert "Rapport de visite du lieu de stage" in staff_copy
    assert "Rapport de visite du lieu de stage" not in doctor_copy
    assert app.doctor.rpps in doctor_copy  # the rest of the dossier is there


def test_a_slow_older_build_never_overwrites_a_newer_one_stored_meanwhile(
    submitted, staff, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Worker A renders revision 2; while it renders, revision 3 is asked for and worker B
    stores it. A must then discard its file, not point the document back at revision 2."""
    document = documents.request_dossier_pdf(submitted)  # revision 2
    real_render = documents._render
    calls = []

    def render_while_another_worker_stores_a_newer_one(doc):
        built = real_render(doc)
        if not calls:
            calls.append(doc.pk)
            newer = documents.request_dossier_pdf(Application.objects.get(pk=submitted.pk))
            assert newer.requested_revision == 3
            with django_capture_on_commit_callbacks(execute=True):
                assert documents.build(doc.pk, 3) is True  # worker B
        return built

    monkeypatch.setattr(documents, "_render", render_while_another_worker_stores_a_newer_one)
    with django_capture_on_commit_callbacks(execute=True):
        assert documents.build(document.pk, 2) is False  # worker A lost the race
    document.refresh_from_db()
    assert document.built_revision == 3
    assert document.file.name.rsplit("/", 1)[1].startswith("r3-")
    assert stored(settings, submitted) == [document.file.name.rsplit("/", 1)[1]]


def test_the_decided_dossier_pdf_is_rebuilt_with_its_state_and_its_decisions(
    submitted, staff, client, django_capture_on_commit_callbacks
):
    """The PDF kept said « En commission » after the decisions, without them in its history."""
    with django_capture_on_commit_callbacks(execute=True):
        in_commission = advance(submitted, staff, Status.IN_COMMISSION)  # built: visit report
    with django_capture_on_commit_callbacks(execute=True):
        decided = advance(in_commission, staff, Status.DECIDED)
    document = dossier_pdf(decided)
    assert not document.is_building and document.built_revision == document.requested_revision
    client.force_login(staff.secretariat)
    _reader, text = pdf_text(client.get(reverse("applications:dossier_pdf", args=[decided.pk])))
    text = " ".join(text.split())
    assert re.search(r"État au 1?\d?(er)? \w+ 20\d\d : Décidé", text)
    assert "Décisions enregistrées" in text
