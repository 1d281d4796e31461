"""The stage pages as their users see them: the faculty admin's periods, offers, placements
and tutoring, the MSU's "Mes stages", and what outsiders get (404, nothing changed)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organisation
from applications.models import Doctor
from stages import services
from stages.models import Offer, Period, Placement, Student, TeamMember, Tutoring
from tests.factories import DoctorFactory, FacultyFactory
from tests.stages_helpers import externe_period, make_msu, semester, student, team
from tests.workflow_helpers import make_staff

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def msu(staff):
    return make_msu(staff.faculty, last_name="Durand")


@pytest.fixture
def offer(staff, msu):
    period = semester(staff.faculty, staff.admin)
    return services.create_offer(
        period, staff.admin, "niveau_1", "Cabinet des Arceaux", team(msu, half_days=[8])
    )


def html(response):
    return response.content.decode()


def offer_data(label="Cabinet du Lez", capacity=1, level="niveau_1", rows=(), referent=0):
    """POST data of the offer form; `rows` are (doctor, half_days) pairs."""
    data = {"label": label, "level": level, "upp": "", "capacity": capacity}
    data["referent"] = str(referent)
    for i, (doctor, half_days) in enumerate(rows):
        data[f"doctor_{i}"] = doctor.pk
        data[f"half_days_{i}"] = half_days
    return data


def placement_data(number="21001234", last_name="Martin", first_name="Alix", promotion=2025):
    return {
        "student_number": number,
        "last_name": last_name,
        "first_name": first_name,
        "promotion": promotion,
    }


# Periods -----------------------------------------------------------------------------------


def test_the_admin_creates_a_period_through_the_form_and_sees_it_listed(client, staff):
    client.force_login(staff.admin)
    page = html(client.get(reverse("stages:admin_home")))
    assert "Nouvelle période" in page
    assert 'name="faculty"' not in page  # one faculty: nothing to choose

    response = client.post(
        reverse("stages:admin_home"),
        {"kind": "semester", "start": "2026-11-01", "end": "2027-04-30", "label": ""},
    )
    period = Period.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("stages:period", args=[period.pk])
    assert period.faculty == staff.faculty

    page = html(client.get(reverse("stages:admin_home")))
    assert "Semestre du 01/11/2026 au 30/04/2027" in page
    assert reverse("stages:period", args=[period.pk]) in page


def test_a_wrong_semester_is_refused_in_french_and_the_typed_label_is_kept(client, staff):
    client.force_login(staff.admin)
    response = client.post(
        reverse("stages:admin_home"),
        {"kind": "semester", "start": "2026-11-02", "end": "2027-04-30", "label": "Hiver"},
    )
    assert response.status_code == 400
    assert "du 1er mai au 31 octobre suivant" in html(response)
    assert 'value="Hiver"' in html(response)
    assert not Period.objects.exists()


# Offers ------------------------------------------------------------------------------------


def test_the_admin_creates_an_offer_with_its_team_and_sees_it_on_the_period(client, staff, msu):
    second = make_msu(staff.faculty, last_name="Lefebvre")
    upp = Organisation.objects.create(kind="upp", name="UPP de Béziers", parent=staff.faculty)
    Organisation.objects.create(kind="upp", name="UPP d'ailleurs", parent=FacultyFactory())
    period = semester(staff.faculty, staff.admin)
    client.force_login(staff.admin)
    url = reverse("stages:offer_create", args=[period.pk])
    form = html(client.get(url))
    assert "Dr Camille Durand" in form and "Dr Camille Lefebvre" in form
    assert "2e cycle (externes)" not in form  # a semester hosts internes only
    assert "UPP de Béziers" in form and "ailleurs" not in form

    data = offer_data(capacity=2, rows=[(msu, 6), (second, 3)], referent=1)
    response = client.post(url, {**data, "upp": upp.pk})
    offer = Offer.objects.get()
    assert offer.upp == upp
    assert response.status_code == 302
    assert response.url == reverse("stages:offer", args=[offer.pk])
    members = {m.doctor: m for m in offer.team.all()}
    assert members[second].referent and not members[msu].referent
    assert (members[msu].half_days, members[second].half_days) == (6, 3)

    page = html(client.get(reverse("stages:period", args=[period.pk])))
    assert "Cabinet du Lez" in page
    assert "Dr Camille Lefebvre" in page and "référent" in page
    # The badge agrees with the referent: « référente » for a woman.
    Doctor.objects.filter(pk=second.pk).update(civility=Doctor.Civility.DR_MME)
    page = html(client.get(reverse("stages:period", args=[period.pk])))
    assert ">référente</span>" in page
    assert "UPP de Béziers" in page and "0 / 2" in page


def test_a_member_whose_agrement_ends_before_the_period_is_named_and_nothing_is_created(
    client, staff, msu
):
    short = make_msu(staff.faculty, valid_until=D(2027, 3, 31), last_name="Bernard")
    period = semester(staff.faculty, staff.admin)
    client.force_login(staff.admin)
    response = client.post(
        reverse("stages:offer_create", args=[period.pk]),
        offer_data(label="Maison de santé du Lez", rows=[(msu, 4), (short, 4)]),
    )
    assert response.status_code == 400
    page = html(response)
    assert (
        "Dr Camille Bernard : son agrément « Niveau 1 — stage chez le praticien (phase socle) » "
        "prend fin le 31/03/2027, avant la fin de la période (30/04/2027)."
    ) in page
    assert 'value="Maison de santé du Lez"' in page
    assert not Offer.objects.exists() and not TeamMember.objects.exists()


def test_a_team_without_a_referent_is_refused(client, staff, msu):
    period = semester(staff.faculty, staff.admin)
    client.force_login(staff.admin)
    data = offer_data(rows=[(msu, 4)])
    data["referent"] = "2"  # the third row, left empty
    response = client.post(reverse("stages:offer_create", args=[period.pk]), data)
    assert response.status_code == 400
    assert "Désignez un et un seul MSU référent." in html(response)
    assert not Offer.objects.exists()


def test_editing_an_offer_shows_its_team_and_saves_the_changes(client, staff, msu, offer):
    second = make_msu(staff.faculty, last_name="Lefebvre")
    client.force_login(staff.admin)
    url = reverse("stages:offer_edit", args=[offer.pk])
    page = html(client.get(url))
    assert 'value="Cabinet des Arceaux"' in page
    assert f'<option value="{msu.pk}" selected>' in page
    assert 'name="half_days_0" value="8"' in page

    data = offer_data(
        label="Cabinet des Arceaux (binôme)", capacity=2, rows=[(msu, 5), (second, 4)]
    )
    del data["level"]
    response = client.post(url, data)
    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.label, offer.capacity) == ("Cabinet des Arceaux (binôme)", 2)
    assert sorted(m.doctor.user.last_name for m in offer.team.all()) == ["Durand", "Lefebvre"]
    assert offer.team.get(referent=True).doctor == msu


# Placements --------------------------------------------------------------------------------


def test_placing_a_student_shows_them_on_the_offer_and_on_the_msus_page(client, staff, msu, offer):
    client.force_login(staff.admin)
    response = client.post(reverse("stages:place", args=[offer.pk]), placement_data(), follow=True)
    page = html(response)
    assert response.redirect_chain[-1][0] == reverse("stages:offer", args=[offer.pk])
    assert "Alix Martin est placé(e)" in page
    assert "21001234" in page and "2025" in page and "temps plein" in page
    placement = Placement.objects.get()
    assert (placement.start, placement.end) == (D(2026, 11, 1), D(2027, 4, 30))

    client.force_login(msu.user)
    page = html(client.get(reverse("stages:mine")))
    assert "Cabinet des Arceaux" in page
    assert "Alix Martin" in page and "21001234" in page and "promotion 2025" in page
    assert reverse("remuneration:my_statements") in page


def test_a_full_offer_refuses_and_keeps_the_typed_student_number(client, staff, offer):
    services.place_student(offer, staff.admin, student())
    client.force_login(staff.admin)
    response = client.post(
        reverse("stages:place", args=[offer.pk]),
        placement_data(number="21009999", last_name="Petit", first_name="Noé"),
    )
    assert response.status_code == 400
    page = html(response)
    assert "« Cabinet des Arceaux » est complet (1 étudiant sur 1)" in page
    assert 'value="21009999"' in page and 'value="Petit"' in page
    assert Placement.objects.count() == 1
    assert not Student.objects.filter(student_number="21009999").exists()


def test_an_agrement_ending_before_the_period_refuses_the_placement(client, staff):
    msu = make_msu(staff.faculty, last_name="Roux")
    period = semester(staff.faculty, staff.admin)
    offer = services.create_offer(period, staff.admin, "niveau_1", "Cabinet Roux", team(msu))
    # The agrément was cut short after the offer was made.
    msu.agrements.update(valid_until=D(2027, 1, 31))
    client.force_login(staff.admin)
    response = client.post(reverse("stages:place", args=[offer.pk]), placement_data())
    assert response.status_code == 400
    assert "Dr Camille Roux : son agrément" in html(response)
    assert "prend fin le 31/01/2027" in html(response)
    assert not Placement.objects.exists()


def test_the_part_time_box_follows_the_rhythm_of_an_externe_period(client, staff):
    msu = make_msu(staff.faculty, levels=("externe",))
    period = externe_period(staff.faculty, staff.admin, weeks=12)
    offer = services.create_offer(period, staff.admin, "externe", "Externat Roux", team(msu))
    client.force_login(staff.admin)
    page = html(client.get(reverse("stages:offer", args=[offer.pk])))
    assert 'name="part_time" id="id_part_time" checked' in page
    assert "externat est à temps partiel." in page


def test_removing_a_placement_frees_the_offer(client, staff, offer):
    placement = services.place_student(offer, staff.admin, student())
    client.force_login(staff.admin)
    url = reverse("stages:placement_remove", args=[placement.pk])
    # The offer's page links to a confirmation; a one-click POST only shows it too.
    assert f'href="{url}"' in html(client.get(reverse("stages:offer", args=[offer.pk])))
    for response in (client.get(url), client.post(url)):
        assert "Retirer Alix Martin du terrain de stage" in html(response)
        assert Placement.objects.exists()
    response = client.post(url, {"confirme": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("stages:offer", args=[offer.pk])
    assert "Alix Martin est retiré(e)" in html(response)
    assert not Placement.objects.exists()


# What each one may see ---------------------------------------------------------------------


def test_another_facultys_admin_gets_404_and_their_posts_change_nothing(client, staff, offer):
    placement = services.place_student(offer, staff.admin, student())
    other_tutor = make_msu(staff.faculty)
    interne = services.place_student(
        services.create_offer(
            offer.period, staff.admin, "niveau_1", "Autre", team(other_tutor), capacity=1
        ),
        staff.admin,
        student(number="21005555", last_name="Blanc"),
    ).student
    tutoring = services.assign_tutor(other_tutor, interne, staff.admin, D(2026, 11, 1))
    outsider = make_staff().admin
    client.force_login(outsider)
    period = offer.period
    gets = [
        reverse("stages:period", args=[period.pk]),
        reverse("stages:offer_create", args=[period.pk]),
        reverse("stages:offer", args=[offer.pk]),
        reverse("stages:offer_edit", args=[offer.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = {
        reverse("stages:offer_create", args=[period.pk]): offer_data(rows=[(other_tutor, 4)]),
        reverse("stages:offer_edit", args=[offer.pk]): offer_data(label="Piraté", capacity=5),
        reverse("stages:place", args=[offer.pk]): placement_data(number="21007777"),
        reverse("stages:placement_remove", args=[placement.pk]): {"confirme": "1"},
        reverse("stages:tutoring_end", args=[tutoring.pk]): {"confirme": "1"},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    offer.refresh_from_db()
    assert (offer.label, offer.capacity) == ("Cabinet des Arceaux", 1)
    assert Offer.objects.count() == 2 and Placement.objects.count() == 2
    assert Tutoring.objects.get().ended_on is None
    assert not Student.objects.filter(student_number="21007777").exists()
    # Their own pages do not list the other faculty's work.
    assert "Cabinet des Arceaux" not in html(client.get(reverse("stages:admin_home")))
    tutoring_page = html(client.get(reverse("stages:tutoring")))
    assert "Blanc" not in tutoring_page and "21005555" not in tutoring_page


def test_a_doctor_and_the_secretariat_reach_no_admin_page(client, staff, msu, offer):
    placement = services.place_student(offer, staff.admin, student())
    urls = [
        reverse("stages:period", args=[offer.period.pk]),
        reverse("stages:offer_create", args=[offer.period.pk]),
        reverse("stages:offer", args=[offer.pk]),
        reverse("stages:offer_edit", args=[offer.pk]),
    ]
    for user in (msu.user, staff.secretariat):
        client.force_login(user)
        assert client.get(reverse("stages:admin_home")).status_code in (403, 404)
        assert client.get(reverse("stages:tutoring")).status_code in (403, 404)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        url = reverse("stages:placement_remove", args=[placement.pk])
        assert client.post(url, {"confirme": "1"}).status_code == 404
    assert Placement.objects.exists()


def test_the_msus_page_shows_only_their_own_teams(client, staff, msu, offer):
    services.place_student(offer, staff.admin, student())
    other = make_msu(staff.faculty, last_name="Girard")
    other_offer = services.create_offer(
        offer.period, staff.admin, "niveau_1", "Cabinet Girard", team(other)
    )
    services.place_student(
        other_offer, staff.admin, student(number="21008888", last_name="Secret", first_name="Léa")
    )
    client.force_login(msu.user)
    page = html(client.get(reverse("stages:mine")))
    assert "Alix Martin" in page
    assert "Cabinet Girard" not in page
    assert "Secret" not in page and "21008888" not in page


def test_mes_stages_is_for_doctors_only(client, staff):
    client.force_login(staff.admin)
    assert client.get(reverse("stages:mine")).status_code == 404
    client.force_login(DoctorFactory().user)  # a doctor in no team yet
    page = html(client.get(reverse("stages:mine")))
    assert "Vous ne figurez dans aucune équipe" in page


# Tutoring ----------------------------------------------------------------------------------


def test_the_admin_assigns_then_ends_a_tutoring_through_the_page(client, staff, msu, offer):
    interne = services.place_student(offer, staff.admin, student()).student
    client.force_login(staff.admin)
    url = reverse("stages:tutoring")
    page = html(client.get(url))
    assert "Dr Camille Durand" in page and "Alix" in page
    assert f'value="{timezone.localdate().isoformat()}"' in page

    response = client.post(
        url, {"tutor": msu.pk, "student": interne.pk, "started_on": "2026-11-01"}, follow=True
    )
    assert "Dr Camille Durand est le tuteur de portfolio de Alix Martin." in html(response)
    tutoring = Tutoring.objects.get()
    assert (tutoring.tutor, tutoring.promotion, tutoring.ended_on) == (msu, 2025, None)
    assert "en cours" in html(response)

    client.force_login(msu.user)
    mine = html(client.get(reverse("stages:mine")))
    assert "Mes tutorats de portfolio" in mine and "depuis le 01/11/2026" in mine

    client.force_login(staff.admin)
    url = reverse("stages:tutoring_end", args=[tutoring.pk])
    assert "Terminer aujourd&#x27;hui le tutorat" in html(client.post(url))
    assert Tutoring.objects.get(pk=tutoring.pk).ended_on is None
    response = client.post(url, {"confirme": "1"}, follow=True)
    assert "terminé" in html(response)
    tutoring.refresh_from_db()
    assert tutoring.ended_on == timezone.localdate()


def test_a_second_tutor_for_the_same_interne_is_refused_on_the_form(client, staff, msu, offer):
    interne = services.place_student(offer, staff.admin, student()).student
    services.assign_tutor(msu, interne, staff.admin, D(2026, 11, 1))
    other = make_msu(staff.faculty, last_name="Girard")
    client.force_login(staff.admin)
    response = client.post(
        reverse("stages:tutoring"),
        {"tutor": other.pk, "student": interne.pk, "started_on": "2026-12-01"},
    )
    assert response.status_code == 400
    assert "Alix Martin a déjà un tuteur (Dr Camille Durand)." in html(response)
    assert 'value="2026-12-01"' in html(response)
    assert Tutoring.objects.count() == 1


def test_an_admin_of_two_faculties_chooses_the_faculty_of_a_new_period(client, staff):
    other = make_staff()
    Membership.objects.create(
        user=staff.admin, organisation=other.faculty, role=Membership.Role.FACULTY_ADMIN
    )
    client.force_login(staff.admin)
    assert 'name="faculty"' in html(client.get(reverse("stages:admin_home")))
    response = client.post(
        reverse("stages:admin_home"),
        {
            "faculty": other.faculty.pk,
            "kind": "externe",
            "start": "2027-01-04",
            "end": "2027-02-14",
        },
    )
    assert response.status_code == 302
    period = Period.objects.get()
    assert (period.faculty, period.part_time) == (other.faculty, False)
    # The other faculty's own admin sees it.
    client.force_login(other.admin)
    assert client.get(reverse("stages:period", args=[period.pk])).status_code == 200


def test_pages_with_students_and_amounts_are_never_cached(client):
    """Shared computers and proxies must not keep a copy of students' names or fees."""
    staff = make_staff()
    msu = make_msu(staff.faculty)
    for user, url in [
        (msu.user, reverse("stages:mine")),
        (msu.user, reverse("remuneration:my_statements")),
        (staff.admin, reverse("stages:admin_home")),
        (staff.admin, reverse("remuneration:faculty_home")),
    ]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= set(response["Cache-Control"].split(", ")), url


def test_a_full_offer_shows_no_placement_form_but_the_way_to_raise_its_capacity(
    client, staff, offer
):
    services.place_student(offer, staff.admin, student())
    client.force_login(staff.admin)
    page = html(client.get(reverse("stages:offer", args=[offer.pk])))
    assert "Terrain de stage complet" in page
    assert "Il accueille déjà 1 étudiant, sa capacité." in page
    assert 'name="student_number"' not in page
    assert reverse("stages:offer_edit", args=[offer.pk]) in page
