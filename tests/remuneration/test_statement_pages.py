"""The statements as their readers see them: the MSU's list and statement page (amounts of a
binôme, semester filter, the yearly Assurance Maladie note kept out of the total), who may read
which statement (everyone else gets a 404), the faculty's remuneration page and the rates."""

import datetime
from dataclasses import dataclass

import pytest
from django.urls import reverse

from accounts.models import Organisation
from applications.models import Doctor, PracticeSite
from stages import services
from stages.models import Offer
from tests.factories import StaffFactory, UserFactory
from tests.stages_helpers import make_msu, semester, student, team
from tests.workflow_helpers import make_staff

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def euros(text):
    """'3 600,00 €' as the pages write it (non-breaking spaces)."""
    return text.replace(" ", NBSP)


@dataclass
class Binome:
    staff: object
    a: Doctor  # 5 half-days, referent
    b: Doctor  # 4 half-days
    offer: Offer
    year: int = 2026

    @property
    def faculty(self):
        return self.staff.faculty

    def url(self, doctor, year=None, semester=None, fmt=None):
        args = [self.faculty.pk, doctor.pk, year or self.year]
        query = f"?semestre={semester}" if semester else ""
        if fmt:
            return reverse("remuneration:statement_download", args=[*args, fmt]) + query
        return reverse("remuneration:statement", args=args) + query


def build_binome(second_semester=False):
    """A niveau 1 interne hosted from 1 November 2026 to 30 April 2027 by a binôme (Aubert 5
    half-days, Bernard 4): 3 600 € shared 2 000 / 1 600. With `second_semester`, Aubert
    alone hosts another interne from May to October 2027 (another 3 600 €)."""
    staff = make_staff()
    a = make_msu(staff.faculty, last_name="Aubert", zonage=PracticeSite.Zonage.ZIP)
    b = make_msu(staff.faculty, last_name="Bernard")
    period = semester(staff.faculty, staff.admin)
    offer = services.create_offer(
        period, staff.admin, "niveau_1", "Cabinet des Tilleuls", team(a, b, half_days=[5, 4])
    )
    services.place_student(offer, staff.admin, student("21000001", "Martin", "Alix"))
    if second_semester:
        later = semester(staff.faculty, staff.admin, start=datetime.date(2027, 5, 1))
        alone = services.create_offer(later, staff.admin, "niveau_1", "Cabinet Aubert", team(a))
        services.place_student(alone, staff.admin, student("21000002", "Petit", "Noé"))
    return Binome(staff, a, b, offer)


@pytest.fixture
def binome():
    return build_binome()


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_each_msu_of_the_binome_sees_their_share_of_the_semester(client, binome):
    response = page(client, binome.a.user, binome.url(binome.a))
    assert response.status_code == 200
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    html = response.content.decode()
    assert "Alix Martin" in html and "Cabinet des Tilleuls" in html
    assert binome.a.rpps in html
    assert "5/9" in html
    assert euros("2 000,00 €") in html.split('id="releve-total"')[1]
    assert "du 01/11/2026 au 30/04/2027" in html

    html = page(client, binome.b.user, binome.url(binome.b)).content.decode()
    assert "4/9" in html
    assert euros("1 600,00 €") in html.split('id="releve-total"')[1]
    assert euros("2 000,00 €") not in html


def test_the_yearly_assurance_maladie_amount_is_a_note_outside_the_total(client, binome):
    html = page(client, binome.a.user, binome.url(binome.a)).content.decode()
    note = html.split('id="montants-annuels"')[1].split("</div>")[0]
    # Aubert practises in a ZIP: 800 € for each calendar year the semester touches.
    assert "2026" in note and "2027" in note and euros("800,00 €") in note
    # 2026 also shows on the statement of the year before: declared once all the same.
    assert "due une fois par année civile" in note and "à ne déclarer qu'une fois" in note
    total = html.split('id="releve-total"')[1].split("</tr>")[0]
    assert euros("2 000,00 €") in total and "800" not in total


def test_semester_filter_shows_only_the_placements_starting_in_it(client):
    binome = build_binome(second_semester=True)
    client.force_login(binome.a.user)

    def total(semester=None):
        html = client.get(binome.url(binome.a, semester=semester)).content.decode()
        return html, html.split('id="releve-total"')[1].split("</tr>")[0]

    html, line = total(1)
    assert "Alix Martin" in html and "Noé Petit" not in html
    assert euros("2 000,00 €") in line
    html, line = total(2)
    assert "Noé Petit" in html and "Alix Martin" not in html
    assert euros("3 600,00 €") in line and "100" in html
    html, line = total()
    assert "Alix Martin" in html and "Noé Petit" in html
    assert euros("5 600,00 €") in line
    assert client.get(binome.url(binome.a) + "?semestre=3").status_code == 404


def test_my_statements_lists_each_year_and_faculty_with_its_total(client):
    binome = build_binome(second_semester=True)
    client.force_login(binome.a.user)
    response = client.get(reverse("remuneration:my_statements"))
    html = response.content.decode()
    rows = html.split('id="mes-releves"')[1].split("<tbody>")[1].split("</tr>")
    assert len(rows) == 2  # one year (both semesters start in 2026-2027), then the end
    assert "2026-2027" in rows[0] and binome.faculty.name in rows[0]
    assert euros("5 600,00 €") in rows[0]
    for fmt in ("pdf", "csv", "xlsx"):
        assert binome.url(binome.a, fmt=fmt) in rows[0]
    assert binome.url(binome.a) in rows[0]


def test_my_statements_for_a_doctor_without_placement_and_for_staff(client, binome):
    lonely = make_msu(binome.faculty)
    html = page(client, lonely.user, reverse("remuneration:my_statements")).content.decode()
    assert "aucun relevé" in html
    # Without a doctor profile there is no "my statements" page.
    assert (
        page(client, binome.staff.admin, reverse("remuneration:my_statements")).status_code == 404
    )


def test_a_year_without_placement_gives_an_empty_statement(client, binome):
    response = page(client, binome.a.user, binome.url(binome.a, year=2025))
    assert response.status_code == 200
    assert 'id="releve-vide"' in response.content.decode()
    assert "2025-2026" in response.content.decode()


@pytest.mark.parametrize("fmt", [None, "pdf", "csv", "xlsx"])
def test_nobody_else_reads_a_statement(client, binome, fmt):
    other_staff = make_staff()
    other_doctor = make_msu(binome.faculty)
    url = binome.url(binome.a, fmt=fmt)
    for user in (
        other_doctor.user,
        other_staff.admin,  # another faculty's admin
        binome.staff.secretariat,
        binome.staff.commission,
        UserFactory(),
    ):
        assert page(client, user, url).status_code == 404, user
    # The other faculty's admin gets nothing through their own faculty's URL either.
    url = reverse("remuneration:statement", args=[other_staff.faculty.pk, binome.a.pk, 2026])
    assert page(client, other_staff.admin, url).status_code == 404


def test_the_faculty_admin_and_a_superuser_read_the_statement(client, binome):
    for user in (binome.staff.admin, UserFactory(is_superuser=True, is_staff=True)):
        response = page(client, user, binome.url(binome.b))
        assert response.status_code == 200
        assert euros("1 600,00 €") in response.content.decode()


def test_statement_urls_outside_any_sense_are_404(client, binome):
    client.force_login(binome.a.user)
    assert client.get(binome.url(binome.a, fmt="docx")).status_code == 404
    assert client.get(binome.url(binome.a, year=9999)).status_code == 404
    assert client.get(binome.url(binome.a, fmt="csv") + "?semestre=x").status_code == 404


def test_faculty_home_lists_the_msus_owed_something_that_year(client, binome):
    client.force_login(binome.staff.admin)
    response = client.get(reverse("remuneration:faculty_home") + "?year=2026")
    assert response.status_code == 200
    html = response.content.decode()
    table = html.split('id="msu-dus"')[1].split("</table>")[0]
    assert table.index("Aubert") < table.index("Bernard")
    assert euros("2 000,00 €") in table and euros("1 600,00 €") in table
    assert euros("3 600,00 €") in table  # the total
    assert binome.url(binome.a) in table and binome.a.rpps in table
    assert reverse("remuneration:rates") in html
    assert "Export des paiements 2026-2027 (CSV)" in html

    empty = client.get(reverse("remuneration:faculty_home") + "?year=2024").content.decode()
    assert 'id="aucun-msu"' in empty


def test_faculty_home_is_for_faculty_admins_only(client, binome):
    url = reverse("remuneration:faculty_home")
    for user in (binome.staff.secretariat, binome.a.user):
        assert page(client, user, url).status_code == 404


def test_an_admin_of_two_faculties_chooses_which_one(client, binome):
    other = make_staff()
    admin = StaffFactory(role=("faculty_admin", binome.faculty))
    admin.memberships.create(organisation=other.faculty, role="faculty_admin")
    client.force_login(admin)
    html = client.get(
        reverse("remuneration:faculty_home") + f"?faculty={binome.faculty.pk}&year=2026"
    ).content.decode()
    assert "Aubert" in html and 'id="id_faculty"' in html
    html = client.get(
        reverse("remuneration:faculty_home") + f"?faculty={other.faculty.pk}&year=2026"
    ).content.decode()
    assert "Aubert" not in html
    unknown = Organisation.objects.create(kind="faculty", name="Faculté sans lien")
    url = reverse("remuneration:faculty_home") + f"?faculty={unknown.pk}"
    assert client.get(url).status_code == 404


def test_rates_page_lists_the_dated_rates(client, binome):
    html = page(client, binome.a.user, reverse("remuneration:rates")).content.decode()
    table = html.split('id="tarifs"')[1]
    assert "Honoraires pédagogiques" in table
    assert euros("600,00 €") in table and euros("1 200,00 €") in table
    assert "01/11/2026" in table and "31/12/2025" in table  # docteur junior from; COSCOM until
