"""Two admins place students at the same moment: the capacity and the no-overlap rule hold.
Real row locks are needed, so these tests run on PostgreSQL only (CI sets DATABASE_URL)."""

import threading

import pytest
from django.db import connection

from applications.services import WorkflowError
from stages import services
from stages.models import Placement
from tests.factories import StaffFactory
from tests.stages_helpers import make_msu, semester, student, team
from tests.workflow_helpers import Role, make_staff

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks (select_for_update); set DATABASE_URL to a "
        "PostgreSQL database to run",
    ),
    pytest.mark.django_db(transaction=True),
]


def at_the_same_moment(*calls):
    """Run each (offer, admin, student input) placement — or any callable — in its own
    thread, released together; one outcome per call: "ok" or the refusal."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, *call):
        try:
            barrier.wait(timeout=10)
            if callable(call[0]):
                call[0]()
            else:
                services.place_student(*call)
            outcomes[index] = "ok"
        except WorkflowError as error:
            outcomes[index] = str(error)
        except Exception as error:  # reported by the test, not lost in the thread
            outcomes[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck on a lock"
    return outcomes


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
    assert "est complet (1 étudiant(s) sur 1)" in next(o for o in outcomes if o != "ok")
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
    outcomes = at_the_same_moment(
        (lambda: services.assign_tutor(tutors[0], interne, admin, day),),
        (lambda: services.assign_tutor(tutors[1], interne, second_admin, day),),
    )
    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    assert "a déjà un tuteur" in next(o for o in outcomes if o != "ok")
    assert Tutoring.objects.filter(student=interne).count() == 1
