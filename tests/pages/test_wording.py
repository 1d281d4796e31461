"""What the stage pages say: each period's dates once, the card's title first, and the domain's
acronyms explained where they appear."""

import re

import pytest
from django.urls import reverse

from applications.glossary import explain
from stages import services
from tests.remuneration.test_statement_pdf_layout import widest_statement
from tests.stages_helpers import externe_period, make_msu, semester, student, team
from tests.workflow_helpers import make_staff

pytestmark = pytest.mark.django_db


def text_of(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_explain_wraps_each_acronym_and_escapes_the_rest():
    html = explain("Supplément ZIP/ZAC/QPV <b>")
    assert html.count("<abbr title=") == 3
    assert "&lt;b&gt;" in html
    assert 'title="zone d&#x27;intervention prioritaire' in html


def test_a_semester_says_its_dates_once_and_the_card_title_comes_first(client):
    staff = make_staff()
    msu = make_msu(staff.faculty, levels=["niveau_1", "externe"])
    period = semester(staff.faculty, staff.admin)
    externes = externe_period(staff.faculty, staff.admin)
    offer = services.create_offer(period, staff.admin, "niveau_1", "Cabinet du Lez", team(msu))
    services.create_offer(externes, staff.admin, "externe", "Cabinet externes", team(msu))
    services.place_student(offer, staff.admin, student())
    assert period.description() == "Semestre du 01/11/2026 au 30/04/2027"
    assert externes.description() == "Externat du 04/01/2027 au 14/02/2027 (temps plein)"

    client.force_login(staff.admin)
    page = client.get(reverse("stages:offer", args=[offer.pk])).content.decode()
    page = text_of(page.split("<main", 1)[1].split("</main>", 1)[0])
    assert page.count("01/11/2026") == 1 and "(semestre)" not in page

    client.force_login(msu.user)
    html = client.get(reverse("stages:mine")).content.decode()
    assert text_of(html).count("du 01/11/2026 au 30/04/2027") == 1
    card = html.split('class="fr-card__content"', 1)[1]
    # DSFR shows a card's title before any child that is not its "end": the team is in it.
    assert card.index("fr-card__title") < card.index("fr-card__end") < card.index("Équipe")


def test_the_periods_table_gives_each_period_its_rhythm(client):
    """A semester is six months full time: its « Rythme » cell says so, not « semestre »."""
    staff = make_staff()
    semester(staff.faculty, staff.admin)
    externe_period(staff.faculty, staff.admin)
    client.force_login(staff.admin)
    table = client.get(reverse("stages:admin_home")).content.decode()
    table = table.split('id="periodes"', 1)[1].split("</table>", 1)[0]
    rows = [text_of(row) for row in table.split("<tr>")[2:]]
    assert any(row.startswith("Semestre") and row.endswith("temps plein 0") for row in rows), rows
    assert any(row.startswith("Externat") and "temps plein" in row for row in rows), rows
    assert "semestre 0" not in " ".join(rows)


def test_the_offer_form_and_the_statement_explain_coscom_pdsa_and_the_zones(client):
    statement = widest_statement()
    client.force_login(statement.doctor.user)
    page = client.get(
        reverse("remuneration:statement", args=[statement.faculty.pk, statement.doctor.pk, 2026])
    ).content.decode()
    assert '<abbr title="zone d&#x27;intervention prioritaire' in page
    staff = make_staff()
    period = semester(staff.faculty, staff.admin)
    client.force_login(staff.admin)
    form = client.get(reverse("stages:offer_create", args=[period.pk])).content.decode()
    assert '<abbr title="contrat de stabilisation et de coordination' in form
    assert '<abbr title="permanence des soins ambulatoires' in form


def test_the_footer_speaks_to_the_doctor_or_to_the_staff(client, doctor_client):
    """The sentence on who sees the pieces says « vous » to a doctor, not to a secretary."""
    doctor_page = text_of(doctor_client.get(reverse("home")).content.decode())
    assert "ne sont visibles que par vous et par le département" in doctor_page
    client.logout()
    client.force_login(make_staff().secretariat)
    staff_page = text_of(client.get(reverse("applications:queue")).content.decode())
    assert "ne sont visibles que par vous" not in staff_page
    assert "visibles que par les équipes qui les instruisent" in staff_page
