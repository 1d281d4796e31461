"""Destructive actions ask first: a confirmation page (no script needed) at the action's own
URL; a POST without its confirmation field changes nothing."""

import pytest
from django.urls import reverse

from applications.models import Document
from tests.applications.test_submission import add_pieces

pytestmark = pytest.mark.django_db


def test_deleting_a_piece_asks_first(client, doctor_client, draft):
    add_pieces(doctor_client, draft, pieces=("cv",))
    document = Document.objects.get(application=draft, piece="cv")
    url = reverse("applications:document_delete", args=[draft.pk, document.pk])
    for response in (doctor_client.get(url), doctor_client.post(url)):
        page = response.content.decode()
        assert response.status_code == 200
        assert "Supprimer la pièce « Curriculum vitae »" in page and 'name="confirme"' in page
        assert Document.objects.filter(pk=document.pk).exists()
    response = doctor_client.post(url, {"confirme": "1"})
    assert response.status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()


def test_closing_a_commission_session_asks_first(client):
    from applications.models import CommissionSession
    from tests.workflow_helpers import attend_all, make_staff, past_session

    staff = make_staff()
    session = past_session(staff)
    attend_all(session, staff.secretariat)
    session = CommissionSession.objects.get(pk=session.pk)
    client.force_login(staff.secretariat)
    url = reverse("applications:session_close", args=[session.pk])
    response = client.post(url, {"version": session.version})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Clore la séance et arrêter les avis ?" in page and "ne peut pas être annulée" in page
    assert f'name="version" value="{session.version}"' in page  # carried to the confirmation
    assert not CommissionSession.objects.get(pk=session.pk).is_closed
    response = client.post(url, {"version": session.version, "confirme": "1"})
    assert response.status_code == 302
    assert CommissionSession.objects.get(pk=session.pk).is_closed
