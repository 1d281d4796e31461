"""When each obligation of an MSU falls due, as plain functions over plain values.

DOMAIN.md lists what the portal can follow: initial training, then continuing training (about
one session a year), the signed pedagogical charter, portfolio tutoring, participation in the
UPP meetings. The delays below are the portal's reading of « about once a year » and of the
time a new MSU is given (docs/decisions.md, « MSU obligations »):

- initial training: within 12 months of the first agrément's start, unless done before;
- continuing training: 12 months after the last training (initial or continuing);
- the signed charter: within 3 months of the first agrément's start;
- UPP meetings: one within 12 months of the last one attended (or of the first agrément);
- portfolio tutoring: followed, never « late » (the faculty assigns the tutees; up to 3).

An obligation is `late` the day after it fell due, `soon` from REMINDER_DAYS before.
"""

import datetime
from dataclasses import dataclass

from applications.dates import add_months

from .models import Obligation

INITIAL_TRAINING_MONTHS = 12
CONTINUING_TRAINING_MONTHS = 12
CHARTER_MONTHS = 3
UPP_MEETING_MONTHS = 12
REMINDER_DAYS = 30
MAX_TUTEES = 3

DONE, OK, SOON, LATE, WAITING, INFO = "done", "ok", "soon", "late", "waiting", "info"
# The obligations that can be late (and so appear on the faculty's list of MSUs behind).
TRACKED = [
    Obligation.INITIAL_TRAINING,
    Obligation.CONTINUING_TRAINING,
    Obligation.CHARTER,
    Obligation.UPP_MEETING,
]


@dataclass(frozen=True)
class Facts:
    """What the database knows of one MSU, on the day of the computation."""

    first_agrement_on: datetime.date
    initial_training_on: datetime.date | None = None
    continuing_training_on: datetime.date | None = None  # the latest
    charter_signed_on: datetime.date | None = None
    last_meeting_on: datetime.date | None = None
    active_tutees: int = 0
    hosts_internes: bool = False


@dataclass(frozen=True)
class Standing:
    obligation: Obligation
    state: str  # DONE, OK, SOON, LATE, WAITING, INFO
    last_done_on: datetime.date | None = None
    due_on: datetime.date | None = None
    count: int = 0  # tutoring: the tutees followed now

    @property
    def label(self):
        return Obligation(self.obligation).label

    @property
    def behind(self):
        return self.state == LATE


def state_on(due_on, today):
    if due_on is None:
        return DONE
    if today > due_on:
        return LATE
    if today >= due_on - datetime.timedelta(days=REMINDER_DAYS):
        return SOON
    return OK


def _latest(*days):
    known = [day for day in days if day is not None]
    return max(known) if known else None


def standings(facts, today):
    """One Standing per obligation, in the order the MSU's page lists them."""
    first = facts.first_agrement_on
    result = []

    if facts.initial_training_on:
        result.append(Standing(Obligation.INITIAL_TRAINING, DONE, facts.initial_training_on))
    else:
        due = add_months(first, INITIAL_TRAINING_MONTHS)
        result.append(Standing(Obligation.INITIAL_TRAINING, state_on(due, today), due_on=due))

    last_training = _latest(facts.initial_training_on, facts.continuing_training_on)
    if last_training is None:
        result.append(Standing(Obligation.CONTINUING_TRAINING, WAITING))
    else:
        due = add_months(last_training, CONTINUING_TRAINING_MONTHS)
        result.append(
            Standing(
                Obligation.CONTINUING_TRAINING,
                state_on(due, today),
                facts.continuing_training_on,
                due,
            )
        )

    if facts.charter_signed_on:
        result.append(Standing(Obligation.CHARTER, DONE, facts.charter_signed_on))
    else:
        due = add_months(first, CHARTER_MONTHS)
        result.append(Standing(Obligation.CHARTER, state_on(due, today), due_on=due))

    due = add_months(_latest(facts.last_meeting_on, first), UPP_MEETING_MONTHS)
    result.append(
        Standing(Obligation.UPP_MEETING, state_on(due, today), facts.last_meeting_on, due)
    )

    result.append(
        Standing(
            Obligation.TUTORING,
            INFO if facts.hosts_internes else WAITING,
            count=facts.active_tutees,
        )
    )
    return result
