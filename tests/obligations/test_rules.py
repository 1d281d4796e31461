"""When each obligation falls due, and its state on the boundary days (pure, no database)."""

import datetime

import pytest

from obligations import rules
from obligations.models import Obligation

D = datetime.date
FIRST = D(2026, 1, 15)


def by_obligation(facts, today):
    return {s.obligation: s for s in rules.standings(facts, today)}


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (D(2026, 3, 15), rules.OK),  # 31 days before the due date
        (D(2026, 3, 16), rules.SOON),  # 30 days before
        (D(2026, 4, 15), rules.SOON),  # the due date itself: still on time
        (D(2026, 4, 16), rules.LATE),  # the day after
    ],
)
def test_the_charter_falls_due_three_months_after_the_first_agrement(today, state):
    charter = by_obligation(rules.Facts(first_agrement_on=FIRST), today)[Obligation.CHARTER]
    assert charter.due_on == D(2026, 4, 15)
    assert charter.state == state
    assert charter.behind is (state == rules.LATE)


def test_a_signed_charter_or_an_initial_training_is_done_once():
    facts = rules.Facts(
        first_agrement_on=FIRST, charter_signed_on=D(2026, 2, 1), initial_training_on=D(2025, 6, 1)
    )
    standing = by_obligation(facts, D(2030, 1, 1))
    assert standing[Obligation.CHARTER].state == rules.DONE
    assert standing[Obligation.CHARTER].due_on is None
    assert standing[Obligation.INITIAL_TRAINING].state == rules.DONE
    assert standing[Obligation.INITIAL_TRAINING].last_done_on == D(2025, 6, 1)


def test_initial_training_within_a_year_of_the_first_agrement():
    standing = by_obligation(rules.Facts(first_agrement_on=FIRST), D(2027, 1, 15))
    assert standing[Obligation.INITIAL_TRAINING].due_on == D(2027, 1, 15)
    assert standing[Obligation.INITIAL_TRAINING].state == rules.SOON
    later = by_obligation(rules.Facts(first_agrement_on=FIRST), D(2027, 1, 16))
    assert later[Obligation.INITIAL_TRAINING].state == rules.LATE
    # Continuing training waits for the initial one.
    assert later[Obligation.CONTINUING_TRAINING].state == rules.WAITING
    assert later[Obligation.CONTINUING_TRAINING].due_on is None


def test_continuing_training_a_year_after_the_last_training():
    facts = rules.Facts(first_agrement_on=FIRST, initial_training_on=D(2025, 2, 28))
    standing = by_obligation(facts, D(2026, 2, 28))
    assert standing[Obligation.CONTINUING_TRAINING].due_on == D(2026, 2, 28)
    assert standing[Obligation.CONTINUING_TRAINING].state == rules.SOON
    assert by_obligation(facts, D(2026, 3, 1))[Obligation.CONTINUING_TRAINING].behind
    # A continuing training moves the due date a year on.
    done = rules.Facts(
        first_agrement_on=FIRST,
        initial_training_on=D(2025, 2, 28),
        continuing_training_on=D(2026, 2, 10),
    )
    standing = by_obligation(done, D(2026, 3, 1))[Obligation.CONTINUING_TRAINING]
    assert (standing.state, standing.due_on) == (rules.OK, D(2027, 2, 10))


def test_a_upp_meeting_a_year_after_the_last_one_attended():
    assert by_obligation(rules.Facts(first_agrement_on=FIRST), D(2027, 1, 16))[
        Obligation.UPP_MEETING
    ].behind
    facts = rules.Facts(first_agrement_on=FIRST, last_meeting_on=D(2026, 10, 2))
    standing = by_obligation(facts, D(2027, 1, 16))[Obligation.UPP_MEETING]
    assert (standing.state, standing.due_on) == (rules.OK, D(2027, 10, 2))


def test_tutoring_is_followed_never_late():
    facts = rules.Facts(first_agrement_on=FIRST, hosts_internes=True, active_tutees=2)
    tutoring = by_obligation(facts, D(2035, 1, 1))[Obligation.TUTORING]
    assert (tutoring.state, tutoring.count, tutoring.due_on) == (rules.INFO, 2, None)
    assert Obligation.TUTORING not in rules.TRACKED
