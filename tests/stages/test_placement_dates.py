"""The actual dates of a placement: a late start, an early end with its reason, suspensions;
refused in French when outside the period, overlapping the student's other placement, or
leaving a suspension outside; the fees follow (the statement shows the dates)."""

import datetime

import pytest
from django.urls import reverse

from applications.services import WorkflowError
from remuneration import statements
from stages import services
from stages.models import Placement, Suspension
from tests.stages_helpers import make_msu, semester, student, team
from tests.workflow_helpers import make_staff

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def setting():
    staff = make_staff()
    msu = make_msu(staff.faculty, last_name="Arnaud")
    period = semester(staff.faculty, staff.admin)
    offer = services.create_offer(period, staff.admin, "niveau_1", "Cabinet", team(msu), capacity=2)
    placement = services.place_student(offer, staff.admin, student())
    return staff, msu, offer, placement


def refusal(callable_, *args):
    with pytest.raises(WorkflowError) as error:
        callable_(*args)
    return " ".join(error.value.messages)


def test_a_late_start_and_an_early_end_are_paid_for_the_days_spent(setting):
    staff, msu, _offer, placement = setting
    services.change_placement_dates(
        placement, staff.admin, D(2026, 11, 15), D(2027, 2, 14), Placement.EndReason.CHANGE
    )
    placement.refresh_from_db()
    assert (placement.start, placement.end, placement.end_reason) == (
        D(2026, 11, 15),
        D(2027, 2, 14),
        "change",
    )
    # 16/30 × 600 + 600 + 600 + 14/28 × 600 = 320 + 1 200 + 300.
    assert statements.statement_for(staff.faculty, msu, 2026).total() == 1820


def test_dates_outside_the_period_or_an_early_end_without_reason_are_refused(setting):
    staff, _msu, _offer, placement = setting
    assert "rester dans la période" in refusal(
        services.change_placement_dates, placement, staff.admin, D(2026, 10, 15), D(2027, 4, 30)
    )
    assert "indiquez le motif de la fin anticipée" in refusal(
        services.change_placement_dates, placement, staff.admin, D(2026, 11, 1), D(2027, 3, 31)
    )
    assert "ne peut précéder son début" in refusal(
        services.change_placement_dates,
        placement,
        staff.admin,
        D(2027, 3, 1),
        D(2027, 1, 31),
        "left",
    )
    placement.refresh_from_db()
    assert (placement.start, placement.end) == (D(2026, 11, 1), D(2027, 4, 30))


def test_a_student_who_left_early_can_start_another_stage_the_day_after(setting):
    staff, _msu, offer, placement = setting
    other_msu = make_msu(staff.faculty)
    other = services.create_offer(
        offer.period, staff.admin, "niveau_1", "Autre cabinet", team(other_msu)
    )
    # Overlapping the whole period first: refused.
    assert "se chevauchent" in refusal(services.place_student, other, staff.admin, student())
    services.change_placement_dates(
        placement, staff.admin, D(2026, 11, 1), D(2027, 1, 31), Placement.EndReason.CHANGE
    )
    services.place_student(other, staff.admin, student(), start=D(2027, 2, 1))
    # Moving the first end back over the second stage: refused.
    assert "se chevauchent" in refusal(
        services.change_placement_dates,
        placement,
        staff.admin,
        D(2026, 11, 1),
        D(2027, 2, 10),
        "change",
    )


def test_suspensions_stay_inside_the_dates_and_do_not_overlap(setting):
    staff, msu, _offer, placement = setting
    services.add_suspension(placement, staff.admin, D(2027, 1, 20), D(2027, 2, 10), "Maladie")
    assert "se chevauchent" in refusal(
        services.add_suspension, placement, staff.admin, D(2027, 2, 1), D(2027, 2, 20), "Congé"
    )
    assert "reste dans les dates du stage" in refusal(
        services.add_suspension, placement, staff.admin, D(2027, 4, 20), D(2027, 5, 10), "Congé"
    )
    assert "motif" in refusal(
        services.add_suspension, placement, staff.admin, D(2027, 3, 1), D(2027, 3, 2), " "
    )
    # Shortening the stage before the suspension's end: refused, the suspension named.
    assert "suspension du 20/01/2027 au 10/02/2027" in refusal(
        services.change_placement_dates,
        placement,
        staff.admin,
        D(2026, 11, 1),
        D(2027, 1, 31),
        "illness",
    )
    assert Suspension.objects.count() == 1
    # 600 × (4 + 19/31 + 18/28) = 3 153,456… → 3 153,46.
    assert str(statements.statement_for(staff.faculty, msu, 2026).total()) == "3153.46"


def test_the_admin_enters_dates_and_suspensions_on_the_page(client, setting):
    staff, msu, offer, placement = setting
    client.force_login(staff.admin)
    url = reverse("stages:placement_dates", args=[placement.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"start": "2026-11-01", "end": "2027-03-15", "end_reason": ""})
    assert response.status_code == 400
    assert "indiquez le motif de la fin anticipée" in response.content.decode()
    response = client.post(
        url,
        {"start": "2026-11-15", "end": "2027-03-15", "end_reason": "illness", "dates_note": ""},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("stages:suspension_add", args=[placement.pk]),
        {"start": "2027-01-04", "end": "2027-01-08", "reason": "Congé"},
    )
    assert response.status_code == 302
    suspension = Suspension.objects.get()
    html = client.get(reverse("stages:offer", args=[offer.pk])).content.decode()
    assert "du 15/11/2026 au 15/03/2027" in html and "suspendu du 04/01/2027 au 08/01/2027" in html

    # The MSU's statement shows the dates (screen and PDF).
    client.force_login(msu.user)
    statement_url = reverse("remuneration:statement", args=[staff.faculty.pk, msu.pk, 2026])
    html = client.get(statement_url).content.decode()
    assert "du 15/11/2026 au 15/03/2027" in html
    assert "fin anticipée : maladie" in html and "suspendu du 04/01/2027 au 08/01/2027" in html

    client.force_login(staff.admin)
    remove = reverse("stages:suspension_remove", args=[suspension.pk])
    assert client.get(remove).status_code == 200  # the confirmation
    assert client.post(remove, {"confirme": "1"}).status_code == 302
    assert not Suspension.objects.exists()


def test_the_statement_pdf_shows_the_actual_dates(client, setting):
    import io

    from pypdf import PdfReader

    staff, msu, _offer, placement = setting
    services.change_placement_dates(placement, staff.admin, D(2026, 11, 15), D(2027, 4, 30))
    services.add_suspension(placement, staff.admin, D(2027, 1, 4), D(2027, 1, 8), "Congé")
    client.force_login(msu.user)
    url = reverse("remuneration:statement_download", args=[staff.faculty.pk, msu.pk, 2026, "pdf"])
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(client.get(url).content)).pages
    )
    text = " ".join(text.replace("\u00a0", " ").split())
    assert "15/11/2026 – 30/04/2027" in text and "début tardif" in text
    assert "suspendu du 04/01/2027 au 08/01/2027" in text


def test_the_demo_has_a_shortened_placement_and_a_paid_line():
    from django.core.management import call_command

    from remuneration.models import PaymentLine

    call_command("load_demo", verbosity=0)
    shortened = [p for p in Placement.objects.select_related("offer__period") if p.shortened]
    assert len(shortened) == 1 and shortened[0].suspensions.count() == 1
    paid = PaymentLine.objects.filter(paid_on__isnull=False).select_related("doctor__user")
    assert [line.doctor.user.email for line in paid] == ["msu@example.org"]
    assert PaymentLine.objects.filter(paid_on__isnull=True).exists()  # one still to pay
