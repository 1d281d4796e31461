"""Statements from the database: the seeded rates, the team read from the offer, the zonage of
the site each MSU hosts at, and the payment rows of the faculty."""

import datetime
from decimal import Decimal

import pytest

from applications.models import PracticeSite
from remuneration import statements
from remuneration.models import FeeRate
from stages import services
from tests.stages_helpers import externe_period, make_msu, semester, student, team
from tests.workflow_helpers import make_staff

pytestmark = pytest.mark.django_db

D = datetime.date
E = Decimal


@pytest.fixture
def staff():
    return make_staff()


def amounts(statement):
    return [{kind: str(value) for kind, value in row.amounts.items()} for row in statement.rows]


def test_the_rates_of_domain_md_are_seeded_with_their_dates():
    def rate(level, kind):
        return FeeRate.objects.get(level=level, kind=kind)

    assert rate("niveau_1", "honoraires").amount == E("600.00")
    assert rate("externe", "honoraires").amount == E("300.00")
    assert rate("docteur_junior", "supervision").amount == E("1200.00")
    assert rate("docteur_junior", "zone").amount == E("800.00")
    assert rate("docteur_junior", "pdsa").amount == E("400.00")
    assert rate("docteur_junior", "honoraires").valid_from == D(2026, 11, 1)
    assert rate("niveau_1", "coscom").valid_until == D(2025, 12, 31)
    assert rate("", "yearly_zip").amount == E("800.00")
    assert rate("", "yearly_other").amount == E("500.00")


def test_a_binome_shares_the_semester_by_half_days(staff):
    period = semester(staff.faculty, staff.admin)
    five = make_msu(staff.faculty, last_name="Cinq")
    four = make_msu(staff.faculty, last_name="Quatre")
    offer = services.create_offer(
        period, staff.admin, "niveau_1", "MSP", team(five, four, half_days=[5, 4])
    )
    services.place_student(offer, staff.admin, student())

    first = statements.statement_for(staff.faculty, five, 2026)
    second = statements.statement_for(staff.faculty, four, 2026)
    assert amounts(first) == [{"honoraires": "2000.00"}]
    assert amounts(second) == [{"honoraires": "1600.00"}]
    assert first.total() + second.total() == E("3600.00")
    assert first.rows[0].share * 9 == 5
    # Semester 1 of 2026-2027 holds it; semester 2 and the next year do not.
    assert statements.statement_for(staff.faculty, five, 2026, semester=1).total() == E("2000.00")
    assert statements.statement_for(staff.faculty, five, 2026, semester=2).rows == []
    assert statements.statement_for(staff.faculty, five, 2027).rows == []


def test_a_docteur_junior_in_a_zip_with_out_of_hours_supervision(staff):
    period = semester(staff.faculty, staff.admin)
    in_zip = make_msu(
        staff.faculty, levels=["docteur_junior"], zonage=PracticeSite.Zonage.ZIP, last_name="Zip"
    )
    in_town = make_msu(staff.faculty, levels=["docteur_junior"], last_name="Ville")
    offer = services.create_offer(
        period,
        staff.admin,
        "docteur_junior",
        "MSP",
        team(in_zip, in_town, half_days=[1, 1], pdsa={0}),
    )
    services.place_student(offer, staff.admin, student())
    zip_statement = statements.statement_for(staff.faculty, in_zip, 2026)
    assert amounts(zip_statement) == [
        {"honoraires": "1800.00", "supervision": "3600.00", "zone": "2400.00", "pdsa": "1200.00"}
    ]
    assert amounts(statements.statement_for(staff.faculty, in_town, 2026)) == [
        {"honoraires": "1800.00", "supervision": "3600.00"}
    ]
    assert zip_statement.total() == E("9000.00")
    assert [label for _kind, label, _total in zip_statement.totals] == [
        "Honoraires pédagogiques",
        "Indemnité de supervision (docteur junior)",
        "Supplément MSU exerçant en ZIP, ZAC ou QPV (docteur junior)",
        "Supplément supervision de la permanence des soins (docteur junior)",
    ]


def test_a_zac_or_qpv_hosting_site_counts_for_the_zone_supplement(staff):
    period = semester(staff.faculty, staff.admin)
    msu = make_msu(staff.faculty, levels=["docteur_junior"], zonage=PracticeSite.Zonage.QPV)
    offer = services.create_offer(period, staff.admin, "docteur_junior", "MSP", team(msu))
    services.place_student(offer, staff.admin, student())
    assert statements.statement_for(staff.faculty, msu, 2026).total("zone") == E("4800.00")


def test_the_coscom_supplement_stops_at_the_end_of_2025(staff):
    """Semester May–October 2025 wholly under COSCOM; November 2025–April 2026 two months."""
    signatory = make_msu(staff.faculty, last_name="Coscom")
    for start in (D(2025, 5, 1), D(2025, 11, 1), D(2026, 5, 1)):
        period = semester(staff.faculty, staff.admin, start=start)
        offer = services.create_offer(
            period, staff.admin, "niveau_1", f"MSP {start:%Y-%m}", team(signatory, coscom={0})
        )
        services.place_student(offer, staff.admin, student(f"{start:%Y%m}"))
    assert amounts(statements.statement_for(staff.faculty, signatory, 2024)) == [
        {"honoraires": "3600.00", "coscom": "1800.00"}
    ]
    assert amounts(statements.statement_for(staff.faculty, signatory, 2025)) == [
        {"honoraires": "3600.00", "coscom": "600.00"},
        {"honoraires": "3600.00"},
    ]


def test_a_part_time_externe_is_owed_half(staff):
    msu = make_msu(staff.faculty, levels=["externe"])
    period = externe_period(staff.faculty, staff.admin, start=D(2027, 1, 4), weeks=12)
    offer = services.create_offer(period, staff.admin, "externe", "Cabinet", team(msu))
    services.place_student(offer, staff.admin, student(), part_time=True)
    # 4 Jan – 28 Mar 2027: 28/31 + 1 + 28/31 months × 300 € ÷ 2 = 420.97 € (half up).
    assert amounts(statements.statement_for(staff.faculty, msu, 2026)) == [{"honoraires": "420.97"}]


def test_a_new_rate_row_splits_a_placement_at_its_date(staff):
    FeeRate.objects.filter(level="niveau_1", kind="honoraires").update(valid_until=D(2027, 1, 31))
    FeeRate.objects.create(
        level="niveau_1", kind="honoraires", amount=E("650.00"), valid_from=D(2027, 2, 1)
    )
    msu = make_msu(staff.faculty)
    offer = services.create_offer(
        semester(staff.faculty, staff.admin), staff.admin, "niveau_1", "MSP", team(msu)
    )
    services.place_student(offer, staff.admin, student())
    # 3 months at 600 €, 3 at 650 €.
    assert amounts(statements.statement_for(staff.faculty, msu, 2026)) == [
        {"honoraires": "3750.00"}
    ]


def test_the_yearly_assurance_maladie_amount_follows_the_main_site(staff):
    in_zip = make_msu(staff.faculty, zonage=PracticeSite.Zonage.ZIP)
    outside = make_msu(staff.faculty)
    offer = services.create_offer(
        semester(staff.faculty, staff.admin),
        staff.admin,
        "niveau_1",
        "MSP",
        team(in_zip, outside),
    )
    services.place_student(offer, staff.admin, student())
    zip_yearly = statements.statement_for(staff.faculty, in_zip, 2026).yearly
    assert [(year, str(amount)) for year, _label, amount in zip_yearly] == [
        (2026, "800.00"),
        (2027, "800.00"),
    ]
    other_yearly = statements.statement_for(staff.faculty, outside, 2026).yearly
    assert [str(amount) for _year, _label, amount in other_yearly] == ["500.00", "500.00"]
    # Declared by the MSU to the Assurance Maladie: never in what the faculty pays.
    assert statements.statement_for(staff.faculty, in_zip, 2026).total() == E("1800.00")


def test_another_facultys_placements_are_not_on_this_facultys_statement(staff):
    other = make_staff()
    msu = make_msu(staff.faculty)
    for faculty_staff in (staff, other):
        offer = services.create_offer(
            semester(faculty_staff.faculty, faculty_staff.admin),
            faculty_staff.admin,
            "niveau_1",
            f"MSP {faculty_staff.faculty.pk}",
            team(msu),
        )
        services.place_student(offer, faculty_staff.admin, student())
    statement = statements.statement_for(staff.faculty, msu, 2026)
    assert [row.placement.offer.label for row in statement.rows] == [f"MSP {staff.faculty.pk}"]


def test_payment_rows_are_one_per_msu_and_period_and_match_the_statements(staff):
    msus = [make_msu(staff.faculty, last_name=n) for n in ("Alpha", "Bravo", "Charlie")]
    progress = []
    first = semester(staff.faculty, staff.admin)
    second = semester(staff.faculty, staff.admin, start=D(2027, 5, 1))
    for period in (first, second):
        offer = services.create_offer(
            period,
            staff.admin,
            "niveau_1",
            "Trinôme",
            team(*msus, half_days=[3, 3, 3]),
            capacity=2,
        )
        services.place_student(offer, staff.admin, student(f"{period.pk}-1"))
        services.place_student(offer, staff.admin, student(f"{period.pk}-2"))

    rows = statements.payment_rows(
        staff.faculty, 2026, progress=lambda d, t: progress.append((d, t)), chunk=3
    )
    assert [(r.doctor.user.last_name, r.period.pk, r.students) for r in rows] == [
        ("Alpha", first.pk, 2),
        ("Alpha", second.pk, 2),
        ("Bravo", first.pk, 2),
        ("Bravo", second.pk, 2),
        ("Charlie", first.pk, 2),
        ("Charlie", second.pk, 2),
    ]
    # 3,600 € shared in thirds: 1,200 € each per student.
    assert {str(r.total) for r in rows} == {"2400.00"}
    assert progress == [(3, 4), (4, 4)]
    for msu in msus:
        assert (
            sum(r.total for r in rows if r.doctor == msu)
            == statements.statement_for(staff.faculty, msu, 2026).total()
        )


def test_shares_with_leftover_cents_still_sum_to_the_student(staff):
    msus = [make_msu(staff.faculty, levels=["externe"], last_name=n) for n in "ABC"]
    period = externe_period(staff.faculty, staff.admin, start=D(2027, 1, 4), weeks=7)
    offer = services.create_offer(period, staff.admin, "externe", "Trinôme", team(*msus))
    services.place_student(offer, staff.admin, student())
    totals = [statements.statement_for(staff.faculty, m, 2026).total() for m in msus]
    # 4–31 Jan (28/31) + 1–21 Feb (21/28) months × 300 € = 495.97 €.
    assert sum(totals) == E("495.97")
    assert totals == [E("165.33"), E("165.32"), E("165.32")]  # the referent gets the cent


def test_reloading_the_reference_never_reopens_a_rate_the_faculty_ended(staff):
    """load_reference runs at every start of the web container: it must not put back the
    fixture's open end on a rate ended since (both would then be counted)."""
    from django.core.management import call_command

    FeeRate.objects.filter(level="niveau_1", kind="honoraires").update(valid_until=D(2027, 1, 31))
    FeeRate.objects.create(
        level="niveau_1", kind="honoraires", amount=E("650.00"), valid_from=D(2027, 2, 1)
    )
    call_command("load_reference", verbosity=0)
    assert FeeRate.objects.get(
        level="niveau_1", kind="honoraires", valid_from=D(2011, 7, 1)
    ).valid_until == D(2027, 1, 31)
    msu = make_msu(staff.faculty)
    offer = services.create_offer(
        semester(staff.faculty, staff.admin), staff.admin, "niveau_1", "MSP", team(msu)
    )
    services.place_student(offer, staff.admin, student())
    assert statements.statement_for(staff.faculty, msu, 2026).total() == E("3750.00")


def test_a_rate_overlapping_one_in_force_is_refused_in_french():
    from django.core.exceptions import ValidationError

    new = FeeRate(level="niveau_1", kind="honoraires", amount=E("650.00"), valid_from=D(2027, 2, 1))
    with pytest.raises(ValidationError) as excinfo:
        new.full_clean()
    assert "déjà en vigueur sur cette période (600.00 € du 01/07/2011)" in str(excinfo.value)
    FeeRate.objects.filter(level="niveau_1", kind="honoraires").update(valid_until=D(2027, 1, 31))
    new.full_clean()  # once the old one ends the day before, the new one is accepted
