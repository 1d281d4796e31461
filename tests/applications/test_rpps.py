import pytest

from applications import rpps
from applications.forms.doctor import ProfileForm
from tests.factories import DoctorFactory


@pytest.mark.parametrize(
    ("value", "luhn"),
    [("10001234565", True), ("10001234566", False), ("80000000002", True)],
)
def test_luhn_check_digit(value, luhn):
    assert rpps.is_well_formed(value)
    assert rpps.luhn_ok(value) is luhn


@pytest.mark.parametrize("value", ["", "1000123456", "100012345655", "1000123456a", "ABCDEFGHIJK"])
def test_malformed_rpps(value):
    assert not rpps.is_well_formed(value)


def test_spaces_and_dots_pasted_by_doctors_are_removed():
    assert rpps.normalise(" 100 012.345-65 ") == "10001234565"


def profile_data(doctor, **overrides):
    data = {
        "civility": "MME",
        "last_name": "Morel",
        "first_name": "Élise",
        "rpps": "10001234565",
        "specialty": "general_practice",
        "degree_date": "2010-06-01",
        "registered_with_ordre": "on",
        "installation_date": "2012-01-01",
        "exercise_mode": "liberal",
        "faculty": doctor.faculty_id,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1000123456", "Le numéro RPPS compte exactement 11 chiffres (vous en avez saisi 10)."),
        ("100012345655", "Le numéro RPPS compte exactement 11 chiffres (vous en avez saisi 12)."),
        ("1000123456A", "Le numéro RPPS ne contient que des chiffres (11 au total)."),
    ],
)
def test_profile_form_refuses_malformed_rpps_in_french(db, value, message):
    doctor = DoctorFactory()
    form = ProfileForm(profile_data(doctor, rpps=value), instance=doctor)
    assert not form.is_valid()
    assert form.errors["rpps"] == [message]


def test_profile_form_accepts_a_failed_luhn_check(db):
    doctor = DoctorFactory()
    form = ProfileForm(profile_data(doctor, rpps="10001234566"), instance=doctor)
    assert form.is_valid(), form.errors


def test_an_rpps_already_used_by_another_doctor_is_refused(db):
    DoctorFactory(rpps="10001234565")
    doctor = DoctorFactory()
    form = ProfileForm(profile_data(doctor, rpps="10001234565"), instance=doctor)
    assert not form.is_valid()
    assert "déjà rattaché à un autre compte" in form.errors["rpps"][0]


def test_the_secretariat_is_told_to_check_an_rpps_that_fails_its_key(client, db):
    from django.urls import reverse

    from tests.workflow_helpers import make_staff, submitted_application

    staff = make_staff()
    application = submitted_application(staff)
    doctor = application.doctor
    doctor.rpps = "10001234566"  # well formed, wrong key: kept by the doctor
    doctor.save()
    client.force_login(staff.secretariat)
    wording = "vérifiez-le dans l&#x27;annuaire santé avant de déclarer le dossier recevable"
    detail = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "10001234566 ne passe pas le contrôle de clé" in detail and wording in detail
    assert "carte CPS" not in detail  # the doctor's wording
    complements = client.get(reverse("applications:request_complements", args=[application.pk]))
    assert wording in complements.content.decode()  # where the secretariat may ask for it
    doctor.rpps = "10001234565"
    doctor.save()
    detail = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "contrôle de clé" not in detail
