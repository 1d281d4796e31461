"""The secretariat hears of what needs them (a dossier sent, complements sent, a visit report
filed), honouring their digest choice; a doctor answering a request gets « compléments reçus »,
not a second receipt."""

import pytest
from django.core import mail

from applications import services
from applications.workflow import Status
from notifications.models import Notification
from tests.workflow_helpers import advance, make_staff, submitted_application

pytestmark = pytest.mark.django_db


def subjects(to):
    return [m.subject for m in mail.outbox if m.to == [to]]


def test_the_secretariat_is_told_of_a_dossier_its_complements_and_a_visit_report(
    django_capture_on_commit_callbacks,
):
    staff = make_staff()
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted_application(staff)
    reference = application.reference
    assert subjects(staff.secretariat.email) == [f"Nouveau dossier {reference} à vérifier"]
    # The inbox's line names the levels asked, as words (not a Python list).
    summary = Notification.objects.get(kind="dossier_received").summary
    levels = ", ".join(str(level.label) for level in application.levels)
    assert f"demande l'agrément pour : {levels}. Dossier à vérifier." in summary
    # No bracket inside a bracket: a level's label has its own (« (phase socle) »).
    assert "[" not in summary and "))" not in summary
    doctor = application.doctor.user.email
    assert subjects(doctor) == [f"Accusé de réception de votre dossier {reference}"]

    with django_capture_on_commit_callbacks(execute=True):
        application = advance(application, staff, Status.INCOMPLETE)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(application, application.doctor.user)
    assert subjects(doctor) == [f"Compléments reçus pour votre dossier {reference}"]
    assert subjects(staff.secretariat.email) == [f"Compléments reçus sur le dossier {reference}"]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        advance(application, staff, Status.VISIT_DONE)
    assert f"Rapport de visite enregistré sur le dossier {reference}" in subjects(
        staff.secretariat.email
    )
    summary = Notification.objects.get(kind="visit_reported").summary
    assert "a rendu son rapport" in summary and "avis favorable" in summary


def test_a_secretary_who_chose_the_digest_gets_it_there(django_capture_on_commit_callbacks):
    staff = make_staff()
    staff.secretariat.email_digest = True
    staff.secretariat.save()
    with django_capture_on_commit_callbacks(execute=True):
        submitted_application(staff)
    assert subjects(staff.secretariat.email) == []
    notice = Notification.objects.get(kind="dossier_received")
    assert notice.email_status == Notification.EmailStatus.DIGEST
