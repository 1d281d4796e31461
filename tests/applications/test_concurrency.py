"""Two secretariat members act on the same dossier at the same moment, each from a page showing
the same version: one of them wins, the other is told the dossier changed under their feet.

Real row locks are needed, so these tests run on PostgreSQL only (CI sets DATABASE_URL)."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Membership
from applications import services
from applications.models import Application, ComplementRequest, Event
from applications.services.common import STALE
from applications.workflow import Action, Status
from tests.concurrency import POSTGRES_ONLY, run_together
from tests.factories import StaffFactory
from tests.workflow_helpers import make_staff, submitted_application

pytestmark = POSTGRES_ONLY


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def declare_admissible(application, by, version):
    services.declare_admissible(application, by, expected_version=version)


def request_complements(application, by, version):
    services.request_complements(
        application,
        by,
        "L'attestation d'assurance est expirée.",
        timezone.localdate() + datetime.timedelta(days=15),
        ["piece:insurance"],
        expected_version=version,
    )


def at_the_same_moment(*calls):
    """Run each (function, application, user, version) at the same moment; one outcome per
    call: "ok" or the WorkflowError's message."""
    return run_together(*[lambda call=call: call[0](*call[1:]) for call in calls])


@pytest.fixture
def two_clerks():
    staff = make_staff()
    colleague = StaffFactory(role=(Membership.Role.SECRETARIAT, staff.faculty))
    application = submitted_application(staff)
    return staff.secretariat, colleague, Application.objects.get(pk=application.pk)


ACTIONS = {
    Action.DECLARE_ADMISSIBLE: (declare_admissible, Status.ADMISSIBLE),
    Action.REQUEST_COMPLEMENTS: (request_complements, Status.INCOMPLETE),
}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(
            Action.DECLARE_ADMISSIBLE, Action.REQUEST_COMPLEMENTS, id="admissible-vs-complements"
        ),
        pytest.param(
            Action.DECLARE_ADMISSIBLE, Action.DECLARE_ADMISSIBLE, id="admissible-vs-admissible"
        ),
    ],
)
def test_one_wins_the_other_is_told_the_dossier_changed(two_clerks, first, second):
    clerk, colleague, application = two_clerks
    version = application.version
    events_before = application.events.count()

    outcomes = at_the_same_moment(
        (ACTIONS[first][0], application, clerk, version),
        (ACTIONS[second][0], Application.objects.get(pk=application.pk), colleague, version),
    )

    assert sorted(outcomes, key=lambda o: o != "ok") == ["ok", str(STALE)], outcomes
    winner = (first, second)[outcomes.index("ok")]
    after = Application.objects.get(pk=application.pk)
    assert after.status == ACTIONS[winner][1]
    assert after.version == version + 1
    step = after.events.filter(from_status=Status.SUBMITTED)
    assert step.count() == 1
    assert step.get().action == winner
    assert after.events.count() == events_before + 1
    complement_requests = ComplementRequest.objects.filter(application=application).count()
    assert complement_requests == (1 if winner == Action.REQUEST_COMPLEMENTS else 0)
    assert Event.objects.filter(application=application, to_status=ACTIONS[winner][1]).count() == 1
