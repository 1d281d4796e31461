"""The stage rules: periods, team eligibility, the placement guards and tutoring limits."""

import datetime

import pytest

from applications.services import WorkflowError
from stages import services
from stages.models import Offer, Period, Placement, Student, Tutoring
from tests.factories import FacultyFactory, StaffFactory
from tests.stages_helpers import (
    add_agrements,
    externe_period,
    make_msu,
    semester,
    student,
    team,
)
from tests.workflow_helpers import Role, make_staff

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def staff():
    return make_staff()


def messages(excinfo):
    return " ".join(excinfo.value.messages)


# Periods -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end, ok",
    [
        (D(2026, 11, 1), D(2027, 4, 30), True),
        (D(2027, 5, 1), D(2027, 10, 31), True),
        (D(2026, 11, 2), D(2027, 4, 30), False),
        (D(2026, 11, 1), D(2027, 5, 31), False),
    ],
)
def test_a_semester_runs_november_april_or_may_october(staff, start, end, ok):
    if ok:
        period = services.create_period(staff.faculty, staff.admin, "semester", start, end)
        assert period.label == f"Semestre du {start:%d/%m/%Y} au {end:%d/%m/%Y}"
        return
    with pytest.raises(WorkflowError) as excinfo:
        services.create_period(staff.faculty, staff.admin, "semester", start, end)
    assert "1er novembre au 30 avril" in messages(excinfo)
    assert not Period.objects.exists()


@pytest.mark.parametrize(
    "days, part_time",
    [
        (35, None),
        (36, False),
        (42, False),
        (56, False),
        (57, None),
        (77, None),
        (84, True),
        (112, True),
    ],
)
def test_externe_periods_last_6_to_8_weeks_full_time_or_12_to_16_part_time(staff, days, part_time):
    start = D(2027, 1, 4)
    end = start + datetime.timedelta(days=days - 1)
    if part_time is None:
        with pytest.raises(WorkflowError) as excinfo:
            services.create_period(staff.faculty, staff.admin, "externe", start, end)
        assert "6 à 8 semaines à temps plein ou 12 à 16 semaines" in messages(excinfo)
        return
    period = services.create_period(staff.faculty, staff.admin, "externe", start, end)
    assert period.part_time is part_time


def test_only_the_faculty_admin_creates_periods(staff):
    other_admin = make_staff().admin
    for user in (staff.secretariat, other_admin):
        with pytest.raises(WorkflowError) as excinfo:
            semester(staff.faculty, user)
        assert "administrateur de la faculté" in messages(excinfo)
    assert not Period.objects.exists()


@pytest.mark.parametrize("year", [1900, 9999])
def test_a_period_centuries_away_is_refused(staff, year):
    """A typo in the year made a period no student could ever be placed in."""
    with pytest.raises(WorkflowError) as excinfo:
        semester(staff.faculty, staff.admin, start=datetime.date(year, 5, 1))
    now = datetime.date.today().year
    assert messages(excinfo) == f"Une période se situe entre {now - 5} et {now + 3}."
    assert not Period.objects.exists()


def test_the_same_period_twice_is_refused_in_french(staff):
    semester(staff.faculty, staff.admin)
    with pytest.raises(WorkflowError) as excinfo:
        semester(staff.faculty, staff.admin)
    assert "existe déjà" in messages(excinfo)


# Offers and teams --------------------------------------------------------------------------


def test_a_team_of_three_with_a_referent_is_saved_with_their_main_sites(staff):
    period = semester(staff.faculty, staff.admin)
    msus = [make_msu(staff.faculty) for _ in range(3)]
    offer = services.create_offer(
        period, staff.admin, "niveau_1", "MSP du Lez", team(*msus, half_days=[4, 3, 2], referent=1)
    )
    members = list(offer.team.order_by("pk"))
    assert [m.half_days for m in members] == [4, 3, 2]
    assert [m.referent for m in members] == [False, True, False]
    assert [m.site for m in members] == [d.sites.get() for d in msus]


LEVEL_1 = "« Niveau 1 — stage chez le praticien (phase socle) »"


@pytest.mark.parametrize(
    "valid_from, valid_until, expected",
    [
        (
            D(2020, 1, 1),
            D(2027, 3, 31),
            "prend fin le 31/03/2027, avant la fin de la période (30/04/2027).",
        ),
        (
            D(2026, 12, 1),
            D(2031, 11, 30),
            "ne commence que le 01/12/2026, après le début de la période (01/11/2026).",
        ),
        (D(2019, 1, 1), D(2024, 12, 31), "a pris fin le 31/12/2024."),
    ],
)
def test_each_member_needs_an_agrement_for_the_level_over_the_whole_period(
    staff, valid_from, valid_until, expected
):
    period = semester(staff.faculty, staff.admin)
    good = make_msu(staff.faculty, last_name="Valide")
    bad = make_msu(
        staff.faculty, valid_from=valid_from, valid_until=valid_until, last_name="Courtois"
    )
    with pytest.raises(WorkflowError) as excinfo:
        services.create_offer(period, staff.admin, "niveau_1", "Cabinet", team(good, bad))
    assert excinfo.value.messages == [f"Dr Camille Courtois : son agrément {LEVEL_1} {expected}"]
    assert not Offer.objects.exists()


def test_an_agrement_for_another_level_does_not_count(staff):
    period = semester(staff.faculty, staff.admin)
    externe_only = make_msu(staff.faculty, levels=["externe"], last_name="Externat")
    with pytest.raises(WorkflowError) as excinfo:
        services.create_offer(period, staff.admin, "niveau_1", "Cabinet", team(externe_only))
    assert messages(excinfo) == (
        "Dr Camille Externat n'a pas d'agrément « Niveau 1 — stage chez le praticien (phase "
        "socle) »."
    )


def test_team_shape_rules(staff):
    period = semester(staff.faculty, staff.admin)
    msus = [make_msu(staff.faculty) for _ in range(4)]
    cases = [
        (team(*msus), "un à trois MSU"),
        ([], "un à trois MSU"),
        (team(msus[0], msus[0]), "deux fois"),
        (team(msus[0], msus[1], referent=None), "un et un seul MSU référent"),
    ]
    for members, expected in cases:
        with pytest.raises(WorkflowError) as excinfo:
            services.create_offer(period, staff.admin, "niveau_1", "Cabinet", members)
        assert expected in messages(excinfo)
    assert not Offer.objects.exists()


def test_levels_go_with_their_kind_of_period(staff):
    sem = semester(staff.faculty, staff.admin)
    ext = externe_period(staff.faculty, staff.admin)
    msu = make_msu(staff.faculty, levels=["externe", "niveau_1"])
    with pytest.raises(WorkflowError) as excinfo:
        services.create_offer(sem, staff.admin, "externe", "Cabinet", team(msu))
    assert "période d'externat" in messages(excinfo)
    with pytest.raises(WorkflowError):
        services.create_offer(ext, staff.admin, "niveau_1", "Cabinet", team(msu))
    assert services.create_offer(ext, staff.admin, "externe", "Cabinet", team(msu))


def test_docteur_junior_offers_exist_from_november_2026(staff):
    msu = make_msu(staff.faculty, levels=["docteur_junior"])
    may = semester(staff.faculty, staff.admin, start=D(2026, 5, 1))
    with pytest.raises(WorkflowError) as excinfo:
        services.create_offer(may, staff.admin, "docteur_junior", "MSP", team(msu))
    assert "qu'à partir du 01/11/2026" in messages(excinfo)
    november = semester(staff.faculty, staff.admin)
    assert services.create_offer(november, staff.admin, "docteur_junior", "MSP", team(msu))


def test_another_facultys_upp_is_refused(staff):
    from accounts.models import Organisation

    other_upp = Organisation.objects.create(
        kind="upp", name="UPP d'ailleurs", parent=FacultyFactory()
    )
    period = semester(staff.faculty, staff.admin)
    with pytest.raises(WorkflowError) as excinfo:
        services.create_offer(
            period, staff.admin, "niveau_1", "Cabinet", team(make_msu(staff.faculty)), upp=other_upp
        )
    assert "UPP n'est pas rattachée" in messages(excinfo)


# Placements --------------------------------------------------------------------------------


@pytest.fixture
def offer(staff):
    period = semester(staff.faculty, staff.admin)
    msus = [make_msu(staff.faculty, last_name=n) for n in ("Aubert", "Baron")]
    return services.create_offer(
        period, staff.admin, "niveau_1", "MSP du Lez", team(*msus, half_days=[5, 4]), capacity=2
    )


def test_a_placement_takes_the_period_dates_and_records_the_student(staff, offer):
    placement = services.place_student(offer, staff.admin, student())
    assert (placement.start, placement.end) == (D(2026, 11, 1), D(2027, 4, 30))
    assert placement.student.level == "niveau_1"
    assert placement.student.faculty == staff.faculty


def test_a_full_offer_refuses_the_next_student(staff, offer):
    services.place_student(offer, staff.admin, student("1"))
    services.place_student(offer, staff.admin, student("2"))
    with pytest.raises(WorkflowError) as excinfo:
        services.place_student(offer, staff.admin, student("3", "Colin"))
    assert messages(excinfo) == (
        "Le terrain de stage « MSP du Lez » est complet (2 étudiants sur 2)."
    )
    assert offer.placements.count() == 2
    assert not Student.objects.filter(student_number="3").exists()  # rolled back


def test_an_overlapping_placement_is_refused_and_names_the_other(staff, offer):
    services.place_student(offer, staff.admin, student("42"))
    other = services.create_offer(
        offer.period, staff.admin, "niveau_1", "Cabinet des Arceaux", team(make_msu(staff.faculty))
    )
    with pytest.raises(WorkflowError) as excinfo:
        services.place_student(other, staff.admin, student("42"))
    assert messages(excinfo) == (
        "Alix Martin est déjà placé(e) du 01/11/2026 au 30/04/2027 (« MSP du Lez ») : les deux "
        "stages se chevauchent."
    )
    assert Placement.objects.count() == 1


def test_an_externe_period_inside_a_semester_overlaps_too(staff):
    msu = make_msu(staff.faculty, levels=["externe"])
    first = services.create_offer(
        externe_period(staff.faculty, staff.admin, start=D(2027, 1, 4)),
        staff.admin,
        "externe",
        "A",
        team(msu),
    )
    second = services.create_offer(
        externe_period(staff.faculty, staff.admin, start=D(2027, 2, 8), weeks=8),
        staff.admin,
        "externe",
        "B",
        team(msu),
    )
    services.place_student(first, staff.admin, student("7"))
    with pytest.raises(WorkflowError) as excinfo:
        services.place_student(second, staff.admin, student("7"))
    assert "se chevauchent" in messages(excinfo)
    # The day after the first period ends is free.
    third = services.create_offer(
        externe_period(staff.faculty, staff.admin, start=D(2027, 2, 15)),
        staff.admin,
        "externe",
        "C",
        team(msu),
    )
    assert services.place_student(third, staff.admin, student("7"))


def test_the_same_student_twice_in_one_offer_is_refused(staff, offer):
    services.place_student(offer, staff.admin, student("9"))
    with pytest.raises(WorkflowError) as excinfo:
        services.place_student(offer, staff.admin, student("9"))
    assert "déjà placé(e) sur ce terrain" in messages(excinfo)


def test_an_agrement_ending_before_the_period_refuses_the_placement(staff, offer):
    """Agréments are checked again when a student is placed: a member's may have been
    shortened (a withdrawal) since the team was formed."""
    member = offer.team.get(doctor__user__last_name="Baron")
    member.doctor.agrements.update(valid_until=D(2027, 2, 28))
    with pytest.raises(WorkflowError) as excinfo:
        services.place_student(offer, staff.admin, student())
    assert "Dr Camille Baron : son agrément" in messages(excinfo)
    assert "prend fin le 28/02/2027, avant la fin de la période (30/04/2027)" in messages(excinfo)
    assert not Placement.objects.exists()


def test_an_externe_placement_follows_the_rhythm_of_its_period(staff):
    msu = make_msu(staff.faculty, levels=["externe"])
    part_time = externe_period(staff.faculty, staff.admin, weeks=14)
    offer = services.create_offer(part_time, staff.admin, "externe", "A", team(msu))
    with pytest.raises(WorkflowError) as excinfo:
        services.place_student(offer, staff.admin, student(), part_time=False)
    assert "à temps partiel" in messages(excinfo)
    assert services.place_student(offer, staff.admin, student(), part_time=True).part_time


def test_placing_needs_the_faculty_admin_and_changes_nothing_otherwise(staff, offer):
    for user in (staff.secretariat, make_staff().admin, offer.team.first().doctor.user):
        with pytest.raises(WorkflowError):
            services.place_student(offer, user, student())
    assert not Placement.objects.exists()
    assert not Student.objects.exists()


def test_lowering_capacity_below_the_students_placed_is_refused(staff, offer):
    services.place_student(offer, staff.admin, student("1"))
    services.place_student(offer, staff.admin, student("2"))
    members = [services.MemberInput(m.doctor, m.half_days, m.referent) for m in offer.team.all()]
    with pytest.raises(WorkflowError) as excinfo:
        services.update_offer(offer, staff.admin, offer.label, members, capacity=1)
    assert "sous le nombre d'étudiants placés (2)" in messages(excinfo)
    offer.refresh_from_db()
    assert offer.capacity == 2


# Tutoring ----------------------------------------------------------------------------------


def interne(faculty, number, promotion, level="niveau_1"):
    return Student.objects.create(
        faculty=faculty,
        student_number=number,
        last_name=f"Interne{number}",
        first_name="Sam",
        promotion=promotion,
        level=level,
    )


def test_a_tutor_follows_one_interne_per_promotion_and_three_at_most(staff):
    tutor = make_msu(staff.faculty, last_name="Tuteur")
    today = D(2026, 11, 22)
    for number, promotion in [("1", 2023), ("2", 2024), ("3", 2025)]:
        services.assign_tutor(tutor, interne(staff.faculty, number, promotion), staff.admin, today)

    with pytest.raises(WorkflowError) as excinfo:
        services.assign_tutor(tutor, interne(staff.faculty, "4", 2026), staff.admin, today)
    assert "suit déjà trois internes" in messages(excinfo)

    first = Tutoring.objects.get(student__student_number="1")
    services.end_tutoring(first, staff.admin, today)
    with pytest.raises(WorkflowError) as excinfo:
        services.assign_tutor(tutor, interne(staff.faculty, "5", 2024), staff.admin, today)
    assert messages(excinfo) == (
        "Dr Camille Tuteur suit déjà un interne de la promotion 2024 (Sam Interne2)."
    )
    assert services.assign_tutor(tutor, Student.objects.get(student_number="4"), staff.admin, today)
    assert tutor.tutorings.filter(ended_on__isnull=True).count() == 3


def test_tutoring_is_for_internes_with_a_tutor_holding_an_interne_agrement(staff):
    today = D(2026, 11, 22)
    externe_msu = make_msu(staff.faculty, levels=["externe"], last_name="Externat")
    with pytest.raises(WorkflowError) as excinfo:
        services.assign_tutor(
            externe_msu, interne(staff.faculty, "1", 2025, level="externe"), staff.admin, today
        )
    assert "concerne les internes" in messages(excinfo)
    assert "Dr Camille Externat n'a pas d'agrément en cours" in messages(excinfo)


def test_an_interne_has_one_tutor_at_a_time(staff):
    today = D(2026, 11, 22)
    student_row = interne(staff.faculty, "1", 2025)
    services.assign_tutor(make_msu(staff.faculty), student_row, staff.admin, today)
    with pytest.raises(WorkflowError) as excinfo:
        services.assign_tutor(make_msu(staff.faculty), student_row, staff.admin, today)
    assert "a déjà un tuteur" in messages(excinfo)


def test_ending_a_tutoring_twice_or_before_it_began_is_refused(staff):
    tutoring = services.assign_tutor(
        make_msu(staff.faculty), interne(staff.faculty, "1", 2025), staff.admin, D(2026, 11, 22)
    )
    with pytest.raises(WorkflowError) as excinfo:
        services.end_tutoring(tutoring, staff.admin, D(2026, 11, 1))
    assert "ne peut précéder son début" in messages(excinfo)
    services.end_tutoring(tutoring, staff.admin, D(2026, 12, 1))
    with pytest.raises(WorkflowError) as excinfo:
        services.end_tutoring(tutoring, staff.admin, D(2026, 12, 2))
    assert "déjà terminé" in messages(excinfo)


def test_superuser_manages_any_faculty(staff):
    root = StaffFactory(is_superuser=True)
    period = semester(staff.faculty, root)
    assert period.faculty == staff.faculty


def test_a_secretariat_member_is_not_a_stage_manager(staff):
    secretary = StaffFactory(role=(Role.SECRETARIAT, staff.faculty))
    assert not services.is_faculty_admin(secretary, staff.faculty.pk)


def test_a_known_student_number_under_another_name_is_refused_not_renamed(staff, offer):
    services.place_student(offer, staff.admin, student("111", "Martin", "Alix", 2025))
    other = services.create_offer(
        semester(staff.faculty, staff.admin, start=D(2027, 5, 1)),
        staff.admin,
        "saspas",
        "Cabinet SASPAS",
        team(make_msu(staff.faculty, levels=["saspas"])),
    )
    with pytest.raises(WorkflowError) as excinfo:
        services.place_student(other, staff.admin, student("111", "Bernard", "Alix", 2025))
    assert messages(excinfo) == (
        "Le numéro d'étudiant 111 est déjà celui de Alix Martin (promotion 2025) : vérifiez "
        "le numéro, le nom et la promotion saisis."
    )
    assert Student.objects.get(student_number="111").last_name == "Martin"
    # The same student, typed with other spaces and capitals, moves on to SASPAS.
    placed = services.place_student(other, staff.admin, student("111", " MARTIN", "alix", 2025))
    assert placed.student.last_name == "Martin"
    assert placed.student.level == "saspas"


def test_a_renewal_continuing_an_agrement_covers_the_period(staff):
    period = semester(staff.faculty, staff.admin)
    msu = make_msu(
        staff.faculty, valid_from=D(2022, 2, 1), valid_until=D(2027, 1, 31), last_name="Renouvel"
    )
    add_agrements(msu, ["niveau_1"], D(2027, 1, 15), D(2032, 1, 14))  # the renewal
    assert services.create_offer(period, staff.admin, "niveau_1", "Cabinet", team(msu))
    # A gap of one day is not covered.
    msu.agrements.filter(valid_from=D(2027, 1, 15)).update(valid_from=D(2027, 2, 2))
    with pytest.raises(WorkflowError) as excinfo:
        services.create_offer(period, staff.admin, "niveau_1", "Cabinet 2", team(msu))
    assert "prend fin le 31/01/2027, avant la fin de la période" in messages(excinfo)


def test_a_tutor_must_be_approved_by_the_interns_faculty(staff):
    other = make_staff()
    both = StaffFactory(role=(Role.FACULTY_ADMIN, staff.faculty))
    from accounts.models import Membership

    Membership.objects.create(user=both, organisation=other.faculty, role=Role.FACULTY_ADMIN)
    foreign_tutor = make_msu(other.faculty, last_name="Ailleurs")
    with pytest.raises(WorkflowError) as excinfo:
        services.assign_tutor(
            foreign_tutor, interne(staff.faculty, "1", 2025), both, D(2026, 11, 22)
        )
    assert "Dr Camille Ailleurs n'est pas un MSU agréé par la faculté de cet interne." == (
        messages(excinfo)
    )
