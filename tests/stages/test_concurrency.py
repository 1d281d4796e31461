"""Two admins place students at the same moment: the capacity and the no-overlap rule hold.
Real row locks are needed, so these tests run on PostgreSQL only (CI sets DATABASE_URL)."""

import pytest

from stages import services
from stages.models import Placement
from tests.concurrency import POSTGRES_ONLY, run_together
from tests.factories import StaffFactory
from tests.stages_helpers import make_msu, semester, student, team
from tests.workflow_helpers import Role, make_staff

pytestmark = POSTGRES_ONLY


def at_the_same_moment(*placements):
    """Place each (offer, admin, student input) at the same moment; "ok" or the refusal."""
    return run_together(*[lambda p=p: services.place_student(*p) for p in placements])


@pytest.fixture
def setting():
    staff = make_staff()
    second_admin = StaffFactory(role=(Role.FACULTY_ADMIN, staff.faculty))
    period = semester(staff.faculty, staff.admin)
    msus = [make_msu(staff.faculty) for _ in range(2)]
    offers = [
        services.create_offer(period, staff.admin, "niveau_1", f"Cabinet {i}", team(msu))
        for i, msu in enumerate(msus)
    ]
    return staff.admin, second_admin, offers


def test_two_students_for_the_last_seat_one_is_refused(setting):
    admin, second_admin, (offer, _other) = setting
    outcomes = at_the_same_moment(
        (offer, admin, student("1001", "Alpha")), (offer, second_admin, student("1002", "Bravo"))
    )
    assert sorted(o == "ok" for o in outcomes) == [False, True]
    assert "est complet (1 étudiant sur 1)" in next(o for o in outcomes if o != "ok")
    assert Placement.objects.filter(offer=offer).count() == 1


def test_the_same_new_student_in_two_offers_at_once_is_placed_once(setting):
    admin, second_admin, (first, second) = setting
    outcomes = at_the_same_moment(
        (first, admin, student("2001")), (second, second_admin, student("2001"))
    )
    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    assert "se chevauchent" in next(o for o in outcomes if o != "ok")
    assert Placement.objects.filter(student__student_number="2001").count() == 1


def test_the_same_interne_given_to_two_tutors_at_once_gets_one(setting):
    import datetime

    from stages.models import Student, Tutoring

    admin, second_admin, (first, second) = setting
    interne = Student.objects.create(
        faculty=first.period.faculty,
        student_number="3001",
        last_name="Interne",
        first_name="Sam",
        promotion=2025,
        level="niveau_1",
    )
    tutors = [first.team.get().doctor, second.team.get().doctor]
    day = datetime.date(2026, 11, 22)
    outcomes = run_together(
        lambda: services.assign_tutor(tutors[0], interne, admin, day),
        lambda: services.assign_tutor(tutors[1], interne, second_admin, day),
    )
    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    assert "a déjà un tuteur" in next(o for o in outcomes if o != "ok")
    assert Tutoring.objects.filter(student=interne).count() == 1
