"""What a submitted dossier shows cannot change behind the secretariat's back, and bad input
changes nothing (found by review: each test failed before its fix)."""

import pytest
from django.urls import reverse

from accounts.models import Organisation
from applications import selectors, services
from applications.forms.doctor import ProfileForm
from applications.models import Application, Doctor
from applications.services import WorkflowError
from applications.uploads import check_upload
from tests.factories import ApplicationFactory, DoctorFactory, FacultyFactory, UserFactory
from tests.files import pdf_of_size, pdf_upload, upload

pytestmark = pytest.mark.django_db


def submit_complete(client, application):
    url = reverse("applications:step", args=[application.pk, "pieces"])
    pieces = ["cv", "no_conviction", "insurance", "training"]
    client.post(url, {p: pdf_upload(f"{p}.pdf") for p in pieces})
    client.post(reverse("applications:submit", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == "submitted"


def test_no_second_dossier_while_one_is_in_instruction(client, doctor, draft):
    client.force_login(doctor.user)
    submit_complete(client, draft)
    response = client.post(reverse("applications:start"), follow=True)
    assert "est en cours d&#x27;instruction" in response.content.decode()
    assert Application.objects.filter(doctor=doctor).count() == 1
    assert "Commencer une demande" not in client.get(reverse("home")).content.decode()
    with pytest.raises(WorkflowError):
        services.start_application(doctor, doctor.user)


def test_a_new_dossier_can_start_once_the_previous_one_is_withdrawn(client, doctor, draft):
    services.withdraw(draft, doctor.user)
    client.force_login(doctor.user)
    assert "Commencer une demande" in client.get(reverse("home")).content.decode()
    client.post(reverse("applications:start"))
    assert Application.objects.filter(doctor=doctor, status="draft").count() == 1


def test_profile_form_keeps_the_faculty_of_a_dossier_under_instruction(doctor):
    # A dossier sent back for complements is edited through the same profile step: the
    # faculty field is locked there, whatever is posted.
    other = FacultyFactory()
    data = {
        "civility": "MME",
        "last_name": "Morel",
        "first_name": "Élise",
        "rpps": doctor.rpps,
        "specialty": "general_practice",
        "degree_date": "2010-06-01",
        "installation_date": "2012-01-01",
        "exercise_mode": "liberal",
        "faculty": other.pk,
    }
    form = ProfileForm(data, instance=doctor, lock_faculty=True)
    assert form.is_valid(), form.errors
    assert form.save().faculty_id != other.pk
    assert Doctor.objects.get(pk=doctor.pk).faculty_id != other.pk


def test_draft_follows_the_faculty_chosen_in_the_profile(client, doctor, draft):
    other = FacultyFactory()
    Doctor.objects.filter(pk=doctor.pk).update(faculty=other)
    services.save_step(draft, doctor.user)
    draft.refresh_from_db()
    assert draft.faculty_id == other.pk


@pytest.mark.parametrize("value", ["１０００１２３４５６５", "١٠٠٠١٢٣٤٥٦٥", "1000123456²"])
def test_rpps_with_non_ascii_digits_is_refused(client, doctor, draft, value):
    client.force_login(doctor.user)
    data = {
        "civility": "MME",
        "last_name": "Morel",
        "first_name": "Élise",
        "rpps": value,
        "specialty": "general_practice",
        "degree_date": "2010-06-01",
        "installation_date": "2012-01-01",
        "exercise_mode": "liberal",
        "faculty": doctor.faculty_id,
    }
    before = doctor.rpps
    response = client.post(reverse("applications:step", args=[draft.pk, "profil"]), data)
    assert response.status_code == 400
    assert "ne contient que des chiffres (11 au total)" in response.content.decode()
    assert Doctor.objects.get(pk=doctor.pk).rpps == before


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00" + b"\x00" * 60 + b"%PDF-1.4 hidden in an executable",
        b"<html><body>%PDF-1.7</body></html>",
    ],
)
def test_a_file_merely_containing_the_pdf_marker_is_not_a_pdf(data):
    with pytest.raises(Exception) as error:
        check_upload(upload("piece.pdf", data))
    assert error.value.code == "bad_type"


def test_the_empty_file_check_of_our_own_says_so():
    with pytest.raises(Exception) as error:
        check_upload(upload("vide.pdf", b""))
    assert error.value.code == "empty"
    assert "est vide" in error.value.message % error.value.params


def test_exactly_10_mb_is_accepted(settings):
    data = pdf_of_size(settings.UPLOAD_MAX_BYTES)
    assert len(data) == settings.UPLOAD_MAX_BYTES
    assert check_upload(upload("limite.pdf", data)).content_type == "application/pdf"


def test_a_pending_sign_up_cannot_be_taken_over_by_signing_up_again(client, mailoutbox):
    from accounts import signup

    victim = signup.register_doctor("cible@example.org", "secret-de-la-cible-1", "A", "B")
    first_token = signup.make_token(victim)
    signup.register_doctor("cible@example.org", "secret-de-l-intrus-2", "C", "D")
    assert signup.read_token(first_token) is None  # the victim's old link no longer activates
    response = client.post(reverse("accounts:confirm", args=[first_token]))
    assert response.status_code == 400
    victim.refresh_from_db()
    assert not victim.is_active


def test_forbidden_and_missing_pages_are_french(client, doctor):
    staff = UserFactory()
    from accounts.models import Membership

    Membership.objects.create(
        user=staff, organisation=doctor.faculty, role=Membership.Role.SECRETARIAT
    )
    client.force_login(staff)
    response = client.post(reverse("applications:start"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Accès refusé" in page and "réservé aux médecins candidats" in page
    response = client.get("/dossiers/999999/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_a_post_only_address_opened_from_a_bookmark_is_a_french_page(client, doctor):
    """Django's empty 405 showed as Chromium's English « HTTP ERROR 405 »."""
    client.force_login(doctor.user)
    drafts = Application.objects.count()
    for name in ("applications:start", "applications:renew"):
        response = client.get(reverse(name))
        assert response.status_code == 405 and response["Allow"] == "POST"
        page = response.content.decode()
        assert "<title>Action à lancer depuis sa page" in page
        assert "Rien n'a été modifié." in page
    assert Application.objects.count() == drafts


def test_max_students_is_bounded(client, doctor, draft):
    client.force_login(doctor.user)
    site = doctor.sites.get()
    data = {
        "sites-TOTAL_FORMS": "1",
        "sites-INITIAL_FORMS": "1",
        "sites-MIN_NUM_FORMS": "0",
        "sites-MAX_NUM_FORMS": "5",
        "sites-0-id": site.pk,
        "sites-0-doctor": doctor.pk,
        "sites-0-kind": site.kind,
        "sites-0-address": site.address,
        "sites-0-postal_code": site.postal_code,
        "sites-0-commune": site.commune,
        "sites-0-zonage": "none",
        "sites-0-is_main": "on",
        "practice_description": "Cabinet",
        "max_students": "0",
    }
    url = reverse("applications:step", args=[draft.pk, "exercice"])
    response = client.post(url, data)
    assert response.status_code == 400
    assert "supérieure ou égale à 1" in response.content.decode()
    response = client.post(url, {**data, "max_students": "999"})
    assert "inférieure ou égale à 3" in response.content.decode()
    assert Application.objects.get(pk=draft.pk).max_students == 1


def test_deleting_the_main_site_makes_the_remaining_one_main(client, doctor, draft):
    from tests.factories import PracticeSiteFactory

    main = doctor.sites.get()
    other = PracticeSiteFactory(doctor=doctor, is_main=False, commune="Sète")
    client.force_login(doctor.user)

    def row(i, site, **extra):
        values = {
            "id": site.pk,
            "doctor": doctor.pk,
            "kind": site.kind,
            "address": site.address,
            "postal_code": site.postal_code,
            "commune": site.commune,
            "zonage": site.zonage,
            **({"is_main": "on"} if site.is_main else {}),
            **extra,
        }
        return {f"sites-{i}-{k}": v for k, v in values.items()}

    data = {
        "sites-TOTAL_FORMS": "2",
        "sites-INITIAL_FORMS": "2",
        "sites-MIN_NUM_FORMS": "0",
        "sites-MAX_NUM_FORMS": "5",
        **row(0, main, DELETE="on"),
        **row(1, other),
        "practice_description": "Cabinet",
        "max_students": "1",
    }
    response = client.post(reverse("applications:step", args=[draft.pk, "exercice"]), data)
    assert response.status_code == 302
    assert list(doctor.sites.values_list("commune", "is_main")) == [("Sète", True)]


def test_save_draft_keeps_a_half_filled_profile(client, reference):
    doctor = DoctorFactory(rpps="", degree_date=None, installation_date=None, faculty=None)
    application = ApplicationFactory(doctor=doctor, faculty=None)
    client.force_login(doctor.user)
    faculty = Organisation.objects.get(name="Faculté de médecine Montpellier-Nîmes")
    response = client.post(
        reverse("applications:step", args=[application.pk, "profil"]),
        {
            "first_name": "Élise",
            "last_name": "Morel",
            "faculty": faculty.pk,
            "degree_date": "2010-06-01",
            "save_draft": "1",
        },
    )
    assert response.status_code == 302
    doctor.refresh_from_db()
    assert doctor.degree_date.isoformat() == "2010-06-01" and doctor.faculty == faculty
    assert doctor.rpps == ""
    # …but a malformed value is still refused in a draft.
    response = client.post(
        reverse("applications:step", args=[application.pk, "profil"]),
        {"first_name": "Élise", "last_name": "Morel", "rpps": "123", "save_draft": "1"},
    )
    assert response.status_code == 400
    # …and the dossier cannot be submitted with the profile incomplete.
    problems = selectors.completeness_problems(application)
    assert any(p.startswith("Profil : indiquez") and "le numéro RPPS" in p for p in problems)
