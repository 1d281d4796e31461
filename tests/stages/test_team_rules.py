"""The team rules of an offer: half-days given for every member or for none (refused otherwise,
naming the member), the weekly minimum per level as a faculty setting (niveau 1: 8 half-days,
SASPAS: one day), checked on the offer form in French; the COSCOM supplement of a part-time
student counted for half."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import FacultySettings
from applications.services import WorkflowError
from remuneration import statements
from stages import services
from tests.stages_helpers import make_msu, semester, student, team
from tests.workflow_helpers import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_staff()


def refusal(callable_, *args, **kwargs):
    with pytest.raises(WorkflowError) as error:
        callable_(*args, **kwargs)
    return " ".join(error.value.messages)


def test_half_days_for_some_members_only_are_refused_naming_the_member(staff):
    arnaud = make_msu(staff.faculty, last_name="Arnaud")
    blanc = make_msu(staff.faculty, last_name="Blanc")
    period = semester(staff.faculty, staff.admin)
    message = refusal(
        services.create_offer,
        period,
        staff.admin,
        "niveau_1",
        "MSP",
        team(arnaud, blanc, half_days=[8, 0]),
    )
    assert f"Dr {blanc}" in message and "indiquez ses demi-journées" in message
    assert f"Dr {arnaud}" not in message
    # None given: shared equally; all given: accepted.
    services.create_offer(period, staff.admin, "niveau_1", "MSP 1", team(arnaud, blanc))
    services.create_offer(
        period, staff.admin, "niveau_1", "MSP 2", team(arnaud, blanc, half_days=[5, 4])
    )


def test_the_niveau_1_weekly_minimum_is_a_faculty_setting(staff):
    msu = make_msu(staff.faculty)
    period = semester(staff.faculty, staff.admin)
    message = refusal(
        services.create_offer, period, staff.admin, "niveau_1", "Cabinet", team(msu, half_days=[4])
    )
    assert "au moins 8 demi-journées par semaine" in message and "en compte 4" in message
    services.create_offer(period, staff.admin, "niveau_1", "Cabinet 8", team(msu, half_days=[8]))

    FacultySettings.objects.create(faculty=staff.faculty, min_half_days_niveau_1=9)
    message = refusal(
        services.create_offer, period, staff.admin, "niveau_1", "Cabinet", team(msu, half_days=[8])
    )
    assert "au moins 9 demi-journées" in message


def test_saspas_asks_at_least_one_day(staff):
    msu = make_msu(staff.faculty, levels=("saspas",))
    period = semester(staff.faculty, staff.admin)
    message = refusal(
        services.create_offer, period, staff.admin, "saspas", "Cabinet", team(msu, half_days=[1])
    )
    assert "au moins 2 demi-journées par semaine" in message
    services.create_offer(period, staff.admin, "saspas", "Cabinet", team(msu, half_days=[2]))


def test_the_offer_form_says_what_is_wrong_in_french(client, staff):
    arnaud = make_msu(staff.faculty, last_name="Arnaud")
    blanc = make_msu(staff.faculty, last_name="Blanc")
    period = semester(staff.faculty, staff.admin)
    client.force_login(staff.admin)
    url = reverse("stages:offer_create", args=[period.pk])
    response = client.post(
        url,
        {
            "label": "MSP du Port",
            "level": "niveau_1",
            "capacity": 1,
            "referent": "0",
            "doctor_0": arnaud.pk,
            "half_days_0": 4,
            "doctor_1": blanc.pk,
            "half_days_1": "",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Dr {blanc} : indiquez ses demi-journées par semaine" in html.replace("&#x27;", "'")
    assert period.offers.count() == 0
    # An update is held to the same rules.
    offer = services.create_offer(
        period, staff.admin, "niveau_1", "MSP", team(arnaud, blanc, half_days=[5, 4])
    )
    response = client.post(
        reverse("stages:offer_edit", args=[offer.pk]),
        {
            "label": "MSP",
            "capacity": 1,
            "referent": "0",
            "doctor_0": arnaud.pk,
            "half_days_0": 3,
            "doctor_1": blanc.pk,
            "half_days_1": 2,
        },
    )
    assert response.status_code == 400
    assert "au moins 8 demi-journées par semaine" in response.content.decode()
    assert sorted(offer.team.values_list("half_days", flat=True)) == [4, 5]


def test_the_faculty_setting_is_on_the_settings_page(client, staff):
    client.force_login(staff.admin)
    url = reverse("applications:faculty_settings", args=[staff.faculty.pk])
    html = client.get(url).content.decode()
    assert "Stages : rythme hebdomadaire minimal" in html
    assert 'name="min_half_days_niveau_1"' in html and 'value="8"' in html


def test_coscom_of_a_part_time_student_counts_for_half(staff):
    """Semester May–October 2025 (before the end of COSCOM): 300 € × 6 × ½ = 900 €, beside the
    honoraires 600 € × 6 × ½ = 1 800 €."""
    signatory = make_msu(staff.faculty, last_name="Coscom")
    period = semester(staff.faculty, staff.admin, start=datetime.date(2025, 5, 1))
    offer = services.create_offer(
        period, staff.admin, "niveau_1", "Cabinet", team(signatory, coscom={0})
    )
    services.place_student(offer, staff.admin, student(), part_time=True)
    statement = statements.statement_for(staff.faculty, signatory, 2024)
    assert {kind: str(statement.total(kind)) for kind in statement.kinds} == {
        "honoraires": "1800.00",
        "coscom": "900.00",
    }
