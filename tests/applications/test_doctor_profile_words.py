"""How an official act names a doctor and agrees with them: by the civility they gave."""

import pytest

from applications.models import Doctor


@pytest.mark.parametrize(
    ("civility", "titled", "ending"),
    [
        (Doctor.Civility.DR_MME, "la docteure Camille Exemple", "e"),
        (Doctor.Civility.DR_M, "le docteur Camille Exemple", ""),
        ("", "le docteur Camille Exemple", "(e)"),
    ],
)
def test_the_doctor_is_named_and_agreed_with_by_civility(civility, titled, ending):
    from accounts.models import User

    doctor = Doctor(civility=civility, user=User(first_name="Camille", last_name="Exemple"))
    assert doctor.titled == titled
    assert doctor.feminine_ending == ending
