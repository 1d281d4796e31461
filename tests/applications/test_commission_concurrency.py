"""Two people on one commission session at the same moment (PostgreSQL row locks, two
threads): two members giving their opinions both count; the president closing while a member
saves: one of them is told the session changed, and nothing is half done."""

import pytest

from accounts.models import Membership
from applications import services
from applications.models import CommissionSession, MemberOpinion, Review
from applications.services.commission import CLOSED, SESSION_CHANGED
from tests.concurrency import POSTGRES_ONLY, run_together
from tests.factories import StaffFactory
from tests.workflow_helpers import (
    advance,
    attend_all,
    conclude,
    make_staff,
    past_session,
    submitted_application,
)

pytestmark = POSTGRES_ONLY


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def session_of_three():
    staff = make_staff()
    members = [staff.commission] + [
        StaffFactory(role=(Membership.Role.COMMISSION, staff.faculty)) for _ in range(2)
    ]
    session = past_session(staff, members=members, president=staff.commission)
    app = advance(
        submitted_application(staff, levels=("externe",)),
        staff,
        "in_commission",
        session=session,
        opinions=False,
    )
    return staff, session, members, app.requested_levels.get()


def test_two_members_giving_their_opinions_at_the_same_moment_both_count(session_of_three):
    staff, session, members, level = session_of_three
    _president, first, second = members
    before = CommissionSession.objects.get(pk=session.pk).version
    outcomes = run_together(
        lambda: services.give_opinion(session, level, first, "favourable"),
        lambda: services.give_opinion(session, level, second, "unfavourable", "Trop exigu."),
    )
    assert outcomes == ["ok", "ok"]
    assert sorted(
        MemberOpinion.objects.filter(requested_level=level).values_list("member_id", "opinion")
    ) == sorted([(first.pk, "favourable"), (second.pk, "unfavourable")])
    assert CommissionSession.objects.get(pk=session.pk).version == before + 2
    # Both counted: a tie, which does not carry a favourable opinion.
    review = services.record_commission_opinion(
        session, level, staff.commission, "postponed", "Partage des voix."
    )
    assert review.vote_count == "1 pour, 1 contre, 0 abstention"


def test_the_president_closing_while_a_member_saves_one_is_told_the_session_changed(
    session_of_three,
):
    staff, session, members, level = session_of_three
    president, member, _other = members
    conclude(session, level.application, president)
    attend_all(session, president)
    seen = CommissionSession.objects.get(pk=session.pk).version  # the president's page

    outcomes = run_together(
        lambda: services.close_session(session, president, expected_version=seen),
        lambda: services.give_opinion(session, level, member, "abstention"),
    )

    closed = CommissionSession.objects.get(pk=session.pk)
    saved = MemberOpinion.objects.filter(requested_level=level, member=member).exists()
    assert sorted(outcomes, key=lambda o: o != "ok")[0] == "ok"
    if outcomes[0] == "ok":  # closed first: the member's late opinion is refused
        assert outcomes[1] == str(CLOSED)
        assert closed.is_closed and not saved
    else:  # the opinion first: the president's close, prepared before it, is refused
        assert outcomes == [str(SESSION_CHANGED), "ok"]
        assert not closed.is_closed and saved
    assert Review.objects.get(requested_level=level).opinion == "favourable"
