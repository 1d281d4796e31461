"""Nobody reaches a dossier or a piece that isn't theirs: 404, never a leak, nothing changed."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from applications.models import Application, Document
from tests.factories import ApplicationFactory, DoctorFactory, FacultyFactory, StaffFactory
from tests.files import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(client):
    """A dossier of doctor A with one piece, submitted."""
    application = ApplicationFactory(levels=["externe"])
    client.force_login(application.doctor.user)
    url = reverse("applications:step", args=[application.pk, "pieces"])
    client.post(url, {p: pdf_upload(f"{p}.pdf") for p in ["cv", "no_conviction", "insurance"]})
    client.post(reverse("applications:submit", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == "submitted"
    client.logout()
    return application


def urls_of(application):
    document = application.documents.first()
    return [
        ("get", reverse("applications:detail", args=[application.pk])),
        ("get", reverse("applications:resume", args=[application.pk])),
        ("get", reverse("applications:step", args=[application.pk, "profil"])),
        ("post", reverse("applications:step", args=[application.pk, "niveaux"])),
        ("post", reverse("applications:submit", args=[application.pk])),
        ("post", reverse("applications:withdraw", args=[application.pk])),
        ("get", reverse("applications:document", args=[application.pk, document.pk])),
        ("post", reverse("applications:document_delete", args=[application.pk, document.pk])),
    ]


def snapshot(application):
    application = Application.objects.get(pk=application.pk)
    return (
        application.status,
        application.levels,
        application.updated_at,
        list(Document.objects.filter(application=application).values_list("pk", "file")),
    )


def test_another_doctor_gets_404_everywhere_and_changes_nothing(client, mine):
    intruder = DoctorFactory()
    client.force_login(intruder.user)
    before = snapshot(mine)
    for method, url in urls_of(mine):
        data = {"levels": ["niveau_1"], "confirm": "on"} if method == "post" else None
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, url
    assert snapshot(mine) == before


def test_a_document_id_of_another_dossier_under_my_dossier_id_is_404(client, mine):
    own = ApplicationFactory()
    client.force_login(own.doctor.user)
    foreign = mine.documents.first()
    url = reverse("applications:document", args=[own.pk, foreign.pk])
    assert client.get(url).status_code == 404


def test_secretariat_of_another_faculty_gets_404_and_changes_nothing(client, mine):
    stranger = StaffFactory(role=(Membership.Role.SECRETARIAT, FacultyFactory()))
    client.force_login(stranger)
    before = snapshot(mine)
    document = mine.documents.first()
    assert client.get(reverse("applications:detail", args=[mine.pk])).status_code == 404
    url = reverse("applications:document", args=[mine.pk, document.pk])
    assert client.get(url).status_code == 404
    # The doctor-only actions: refused before anything is read (staff are not doctors).
    for method, url in urls_of(mine):
        if method == "post":
            response = client.post(url, {"levels": ["niveau_1"], "confirm": "on"})
            assert response.status_code in (403, 404), url
    assert snapshot(mine) == before
    assert mine.reference not in client.get(reverse("home")).content.decode()


def test_secretariat_of_the_faculty_sees_the_submitted_dossier_but_cannot_act_as_doctor(
    client, mine
):
    staff = StaffFactory(role=(Membership.Role.SECRETARIAT, mine.faculty))
    client.force_login(staff)
    assert client.get(reverse("applications:detail", args=[mine.pk])).status_code == 200
    document = mine.documents.first()
    response = client.get(reverse("applications:document", args=[mine.pk, document.pk]))
    assert response.status_code == 200
    before = snapshot(mine)
    response = client.post(reverse("applications:withdraw", args=[mine.pk]), {"confirm": "on"})
    assert response.status_code == 403
    assert snapshot(mine) == before
    queue = client.get(reverse("applications:queue")).content.decode()
    assert mine.reference in queue


def test_secretariat_does_not_see_drafts(client):
    draft = ApplicationFactory()
    staff = StaffFactory(role=(Membership.Role.SECRETARIAT, draft.faculty))
    client.force_login(staff)
    assert client.get(reverse("applications:detail", args=[draft.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, mine):
    for method, url in urls_of(mine):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
