"""The fee computation of DOMAIN.md, case by case (amounts worked out by hand in the comments),
and the property that the shares of one student always add up to the whole."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remuneration.fees import (
    COSCOM,
    HONORAIRES,
    PDSA,
    SUPERVISION,
    ZONE,
    Member,
    Rate,
    months_between,
    placement_fees,
    split,
    to_cent,
)

D = datetime.date
E = Decimal
INTERNE_LEVELS = ("niveau_1", "saspas", "hors_mg")
RATES = [
    *(Rate(level, HONORAIRES, E(600), D(2017, 1, 1)) for level in INTERNE_LEVELS),
    Rate("externe", HONORAIRES, E(300), D(2017, 1, 1)),
    Rate("docteur_junior", HONORAIRES, E(600), D(2026, 11, 1)),
    Rate("docteur_junior", SUPERVISION, E(1200), D(2026, 11, 1)),
    Rate("docteur_junior", ZONE, E(800), D(2026, 11, 1)),
    Rate("docteur_junior", PDSA, E(400), D(2026, 11, 1)),
    *(Rate(level, COSCOM, E(300), D(2017, 1, 1), D(2025, 12, 31)) for level in INTERNE_LEVELS),
]
# A rate change (made up): 600 € until 31 December 2026, 650 € from 1 January 2027.
RISE_ON_NEW_YEAR = [
    Rate("niveau_1", HONORAIRES, E(600), D(2017, 1, 1), D(2026, 12, 31)),
    Rate("niveau_1", HONORAIRES, E(650), D(2027, 1, 1)),
]
# One changing in the middle of a month: 600 € until 15 January 2027, 660 € from the 16th.
RISE_MID_JANUARY = [
    Rate("niveau_1", HONORAIRES, E(600), D(2017, 1, 1), D(2027, 1, 15)),
    Rate("niveau_1", HONORAIRES, E(660), D(2027, 1, 16)),
]

ALONE = [Member("A", "Arnaud", 9, referent=True)]
BINOME_5_4 = [Member("A", "Arnaud", 5, referent=True), Member("B", "Bernard", 4)]
TRINOME_EQUAL = [
    Member("A", "Arnaud", 3, referent=True),
    Member("B", "Bernard", 3),
    Member("C", "Chevalier", 3),
]
DJ_ZIP_PDSA = [Member("A", "Arnaud", 9, referent=True, situations=frozenset({"zone", "pdsa"}))]
DJ_BINOME_ONE_IN_ZIP = [
    Member("A", "Arnaud", 6, referent=True, situations=frozenset({"zone"})),
    Member("B", "Bernard", 3),
]
COSCOM_ALONE = [Member("A", "Arnaud", 9, referent=True, situations=frozenset({"coscom"}))]
NO_HALF_DAYS = [Member("M", "Martin", 0, referent=True), Member("B", "Bernard", 0)]
NO_REFERENT = [Member("M", "Martin", 0), Member("B", "Bernard", 0)]

SEMESTER = (D(2026, 11, 1), D(2027, 4, 30))

CASES = {
    # 6 whole months × 600 = 3,600.00, whatever the months' lengths.
    "single MSU, a whole semester": (
        "niveau_1",
        *SEMESTER,
        ALONE,
        RATES,
        False,
        {("A", HONORAIRES): "3600.00"},
    ),
    # 3,600 × 5/9 = 2,000; × 4/9 = 1,600.
    "binôme with unequal half-days": (
        "niveau_1",
        *SEMESTER,
        BINOME_5_4,
        RATES,
        False,
        {("A", HONORAIRES): "2000.00", ("B", HONORAIRES): "1600.00"},
    ),
    "trinôme, equal half-days": (
        "saspas",
        *SEMESTER,
        TRINOME_EQUAL,
        RATES,
        False,
        {("A", HONORAIRES): "1200.00", ("B", HONORAIRES): "1200.00", ("C", HONORAIRES): "1200.00"},
    ),
    # 6 weeks from Mon 4 January: 300 × (28/31 + 14/28) = 420.9677… → 420.97; by three:
    # 140.32 each and one cent left, all remainders equal: the referent gets it.
    "trinôme, an externe for 6 weeks: the odd cent to the referent": (
        "externe",
        D(2027, 1, 4),
        D(2027, 2, 14),
        TRINOME_EQUAL,
        RATES,
        False,
        {("A", HONORAIRES): "140.33", ("B", HONORAIRES): "140.32", ("C", HONORAIRES): "140.32"},
    ),
    # 12 weeks part time: 300 × (28/31 + 1 + 28/31) ÷ 2 = 420.9677… → 420.97.
    "part-time externe for 12 weeks": (
        "externe",
        D(2027, 1, 4),
        D(2027, 3, 28),
        ALONE,
        RATES,
        True,
        {("A", HONORAIRES): "420.97"},
    ),
    # 2 × 600 + 4 × 650 = 3,800.
    "a semester straddling a rate change": (
        "niveau_1",
        *SEMESTER,
        ALONE,
        RISE_ON_NEW_YEAR,
        False,
        {("A", HONORAIRES): "3800.00"},
    ),
    # 600 × 15/31 + 660 × 16/31 = 19,560/31 = 630.9677… → 630.97.
    "a rate changing in the middle of a month": (
        "niveau_1",
        D(2027, 1, 1),
        D(2027, 1, 31),
        ALONE,
        RISE_MID_JANUARY,
        False,
        {("A", HONORAIRES): "630.97"},
    ),
    # 6 × 600, 6 × 1,200, 6 × 800 (ZIP), 6 × 400 (out-of-hours).
    "docteur junior in a ZIP with out-of-hours supervision": (
        "docteur_junior",
        *SEMESTER,
        DJ_ZIP_PDSA,
        RATES,
        False,
        {
            ("A", HONORAIRES): "3600.00",
            ("A", SUPERVISION): "7200.00",
            ("A", ZONE): "4800.00",
            ("A", PDSA): "2400.00",
        },
    ),
    # Whole-student amounts by 6/9 and 3/9; the ZIP supplement to A only, for A's share:
    # 4,800 × 6/9 = 3,200.
    "docteur junior, binôme, one MSU in a ZIP": (
        "docteur_junior",
        *SEMESTER,
        DJ_BINOME_ONE_IN_ZIP,
        RATES,
        False,
        {
            ("A", HONORAIRES): "2400.00",
            ("B", HONORAIRES): "1200.00",
            ("A", SUPERVISION): "4800.00",
            ("B", SUPERVISION): "2400.00",
            ("A", ZONE): "3200.00",
        },
    ),
    "COSCOM signatory before the end of the contract": (
        "niveau_1",
        D(2025, 5, 1),
        D(2025, 10, 31),
        COSCOM_ALONE,
        RATES,
        False,
        {("A", HONORAIRES): "3600.00", ("A", COSCOM): "1800.00"},
    ),
    "COSCOM signatory after the end of the contract": (
        "niveau_1",
        D(2026, 5, 1),
        D(2026, 10, 31),
        COSCOM_ALONE,
        RATES,
        False,
        {("A", HONORAIRES): "3600.00"},
    ),
    # November and December 2025 only: 2 × 300.
    "COSCOM across the end of the contract": (
        "niveau_1",
        D(2025, 11, 1),
        D(2026, 4, 30),
        COSCOM_ALONE,
        RATES,
        False,
        {("A", HONORAIRES): "3600.00", ("A", COSCOM): "600.00"},
    ),
    # February 2028 has 29 days and counts one month.
    "leap year: a whole February": (
        "niveau_1",
        D(2028, 2, 1),
        D(2028, 2, 29),
        ALONE,
        RATES,
        False,
        {("A", HONORAIRES): "600.00"},
    ),
    # 600 × (15/29 + 14/31) = 600 × 871/899 = 581.3125… → 581.31.
    "leap year: half of February and half of March": (
        "niveau_1",
        D(2028, 2, 15),
        D(2028, 3, 14),
        ALONE,
        RATES,
        False,
        {("A", HONORAIRES): "581.31"},
    ),
    # 600 × (14/28 + 14/31) = 300 + 270.9677… → 570.97.
    "month lengths: half of a 28-day February and 14 days of March": (
        "niveau_1",
        D(2027, 2, 15),
        D(2027, 3, 14),
        ALONE,
        RATES,
        False,
        {("A", HONORAIRES): "570.97"},
    ),
    # 600 / 31 = 19.3548… → 19.35.
    "a single day of a 31-day month": (
        "niveau_1",
        D(2027, 1, 31),
        D(2027, 1, 31),
        ALONE,
        RATES,
        False,
        {("A", HONORAIRES): "19.35"},
    ),
    # No half-days given: equal shares; 420.97 / 2 = 210.485: the cent to the referent.
    "equal shares when no half-days are given": (
        "externe",
        D(2027, 1, 4),
        D(2027, 2, 14),
        NO_HALF_DAYS,
        RATES,
        False,
        {("M", HONORAIRES): "210.49", ("B", HONORAIRES): "210.48"},
    ),
    # No referent: the tie goes by surname (Bernard before Martin).
    "ties without a referent go by surname": (
        "externe",
        D(2027, 1, 4),
        D(2027, 2, 14),
        NO_REFERENT,
        RATES,
        False,
        {("M", HONORAIRES): "210.48", ("B", HONORAIRES): "210.49"},
    ),
    # Part time counts for half for every amount, COSCOM included (DOMAIN.md): 300 € × 6 × ½.
    "COSCOM signatory with a part-time student": (
        "niveau_1",
        D(2025, 5, 1),
        D(2025, 10, 31),
        COSCOM_ALONE,
        RATES,
        True,
        {("A", HONORAIRES): "1800.00", ("A", COSCOM): "900.00"},
    ),
}


@pytest.mark.parametrize(
    ("level", "start", "end", "members", "rates", "part_time", "expected"),
    list(CASES.values()),
    ids=list(CASES),
)
def test_fees(level, start, end, members, rates, part_time, expected):
    lines = placement_fees(level, start, end, members, rates, part_time=part_time)
    assert {(line.member, line.kind): line.amount for line in lines} == {
        key: Decimal(value) for key, value in expected.items()
    }
    assert len(lines) == len(expected)  # no line twice


def test_rounding_is_half_up_not_bankers():
    assert to_cent(Fraction(2001, 200)) == Decimal("10.01")  # 10.005
    assert to_cent(Fraction(2005, 200)) == Decimal("10.03")  # 10.025 (banker's: 10.02)


def test_whole_months_count_one_whatever_their_length():
    assert months_between(D(2026, 11, 1), D(2027, 4, 30)) == 6
    assert months_between(D(2027, 2, 1), D(2027, 2, 28)) == 1
    assert months_between(D(2027, 3, 1), D(2027, 3, 31)) == 1
    assert months_between(D(2027, 3, 2), D(2027, 3, 1)) == 0


# Half-days are given for every member or for none (a partial team is refused).
members_strategy = st.tuples(
    st.booleans(),
    st.lists(st.tuples(st.integers(1, 10), st.booleans()), min_size=1, max_size=3),
).map(
    lambda given_rows: [
        Member(i, f"Nom{i}", half_days if given_rows[0] else 0, referent=(i == 0 and referent))
        for i, (half_days, referent) in enumerate(given_rows[1])
    ]
)


@settings(max_examples=300, deadline=None)
@given(cents=st.integers(0, 10_000_000), members=members_strategy)
def test_the_shares_of_a_student_always_sum_to_the_whole(cents, members):
    total = Decimal(cents) / 100
    parts = split(total, members)
    assert sum(parts.values()) == total
    assert all(part >= 0 for part in parts.values())
    weights = {m.key: m.half_days for m in members}
    if sum(weights.values()):  # nobody is more than a cent away from their exact share
        for key, part in parts.items():
            exact_share = Fraction(cents, 100) * Fraction(weights[key], sum(weights.values()))
            assert abs(Fraction(str(part)) - exact_share) < Fraction(1, 100)


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(D(2024, 1, 1), D(2030, 12, 31)),
    days=st.integers(0, 400),
    members=members_strategy,
    part_time=st.booleans(),
    level=st.sampled_from(["niveau_1", "externe", "docteur_junior"]),
)
def test_a_placements_whole_student_amounts_sum_to_the_rounded_total(
    start, days, members, part_time, level
):
    end = start + datetime.timedelta(days=days)
    lines = placement_fees(level, start, end, members, RATES, part_time=part_time)
    for kind in (HONORAIRES, SUPERVISION):
        owed = sum((line.amount for line in lines if line.kind == kind), Decimal(0))
        solo = placement_fees(level, start, end, [Member("x", "X")], RATES, part_time=part_time)
        whole = sum((line.amount for line in solo if line.kind == kind), Decimal(0))
        assert owed == whole


# Actual dates (DOMAIN.md: "a placement is paid for the days the student was really there") --


def amounts(lines):
    return {(line.member, line.kind): line.amount for line in lines}


def test_a_late_start_counts_the_days_of_its_first_month():
    # 15–30 November: 16 days of 30 → 600 × 16/30 = 320.00; December–April 5 × 600 = 3,000.
    lines = placement_fees("niveau_1", D(2026, 11, 15), D(2027, 4, 30), ALONE, RATES)
    assert amounts(lines) == {("A", HONORAIRES): E("3320.00")}


def test_an_early_end_mid_month_shared_by_a_binome():
    # November–January 3 × 600 = 1,800; 1–14 February 2027: 14 days of 28 → 300. 2,100.00,
    # shared 5/9 – 4/9: 1,166.666… and 933.333…, rounded down 1,166.66 + 933.33 = 2,099.99;
    # the cent left goes to the largest remainder (Arnaud, .67 against .33).
    lines = placement_fees("niveau_1", D(2026, 11, 1), D(2027, 2, 14), BINOME_5_4, RATES)
    assert amounts(lines) == {("A", HONORAIRES): E("1166.67"), ("B", HONORAIRES): E("933.33")}
    assert sum(line.amount for line in lines) == E("2100.00")


def test_a_suspension_across_a_month_end_is_not_paid():
    # Away from 20 January to 10 February 2027. January: 19 days of 31 → 600 × 19/31 =
    # 367.7419…; February: 11–28, 18 days of 28 → 385.7142…; four whole months 2,400.
    # 3,153.4562… → 3,153.46 (rounded once, for the placement).
    lines = placement_fees(
        "niveau_1", *SEMESTER, ALONE, RATES, suspensions=[(D(2027, 1, 20), D(2027, 2, 10))]
    )
    assert amounts(lines) == {("A", HONORAIRES): E("3153.46")}
    # Shared by a trinôme, the three shares still sum to that total.
    lines = placement_fees(
        "niveau_1", *SEMESTER, TRINOME_EQUAL, RATES, suspensions=[(D(2027, 1, 20), D(2027, 2, 10))]
    )
    assert sum(line.amount for line in lines) == E("3153.46")
    assert sorted(line.amount for line in lines) == [E("1051.15"), E("1051.15"), E("1051.16")]


def test_a_rate_change_inside_a_shortened_placement():
    # 15 November 2026 – 14 February 2027, 600 € until 15 January, 660 € from the 16th.
    # November 16/30 × 600 = 320; December 600; January 15/31 × 600 + 16/31 × 660 =
    # 19,560/31 = 630.9677…; February 14/28 × 660 = 330. 1,880.9677… → 1,880.97.
    lines = placement_fees("niveau_1", D(2026, 11, 15), D(2027, 2, 14), ALONE, RISE_MID_JANUARY)
    assert amounts(lines) == {("A", HONORAIRES): E("1880.97")}


def test_suspensions_outside_the_dates_or_overlapping_count_once():
    from remuneration.fees import present_spans

    spans = present_spans(
        D(2026, 11, 1),
        D(2027, 4, 30),
        [
            (D(2026, 10, 1), D(2026, 11, 3)),
            (D(2027, 1, 1), D(2027, 1, 10)),
            (D(2027, 1, 5), D(2027, 1, 20)),
        ],
    )
    assert spans == [(D(2026, 11, 4), D(2026, 12, 31)), (D(2027, 1, 21), D(2027, 4, 30))]


def test_a_team_with_half_days_for_some_members_only_is_an_error_not_a_zero_share():
    from remuneration.fees import PartialHalfDays

    team = [Member("A", "Arnaud", 4, referent=True), Member("B", "Blanc", 0)]
    with pytest.raises(PartialHalfDays):
        placement_fees("niveau_1", *SEMESTER, team, RATES)


@settings(max_examples=150, deadline=None)
@given(
    start=st.dates(D(2026, 11, 1), D(2027, 1, 31)),
    days=st.integers(0, 150),
    off=st.lists(st.tuples(st.integers(0, 180), st.integers(0, 40)), max_size=3),
    members=members_strategy,
    part_time=st.booleans(),
)
def test_shares_sum_to_the_whole_with_actual_dates_and_suspensions(
    start, days, off, members, part_time
):
    end = start + datetime.timedelta(days=days)
    suspensions = [
        (
            D(2026, 11, 1) + datetime.timedelta(days=a),
            D(2026, 11, 1) + datetime.timedelta(days=a + b),
        )
        for a, b in off
    ]
    lines = placement_fees(
        "niveau_1", start, end, members, RATES, part_time=part_time, suspensions=suspensions
    )
    solo = placement_fees(
        "niveau_1",
        start,
        end,
        [Member("x", "X")],
        RATES,
        part_time=part_time,
        suspensions=suspensions,
    )
    assert sum(line.amount for line in lines) == sum(line.amount for line in solo)
