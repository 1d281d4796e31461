"""MSUs holding agréments, and stage offers with their team, for the stages and remuneration
tests.

The agrément rows are written directly (decision and agrément of a dossier built by the
factory): the stage rules only read them, and walking each MSU through the whole instruction
would make these tests ten times slower. The instruction itself is tested in
tests/applications.
"""

import datetime

from applications.models import Agrement, Decision, PracticeSite
from stages import services
from stages.models import Period

from .factories import ApplicationFactory, DoctorFactory, PracticeSiteFactory, UserFactory

WIDE_FROM = datetime.date(2020, 1, 1)
WIDE_UNTIL = datetime.date(2030, 12, 31)


def make_msu(
    faculty,
    levels=("niveau_1",),
    valid_from=WIDE_FROM,
    valid_until=WIDE_UNTIL,
    zonage=PracticeSite.Zonage.NONE,
    last_name=None,
):
    """A doctor of `faculty` whose main practice site has `zonage`, with an agrément for each
    of `levels` from `valid_from` to `valid_until`."""
    user = UserFactory(last_name=last_name) if last_name else UserFactory()
    doctor = DoctorFactory(user=user, faculty=faculty)
    PracticeSiteFactory(doctor=doctor, zonage=zonage)
    add_agrements(doctor, levels, valid_from, valid_until)
    return doctor


def add_agrements(doctor, levels, valid_from, valid_until):
    """A dossier of the doctor's faculty granted for `levels` from `valid_from` to
    `valid_until` (e.g. a renewal)."""
    application = ApplicationFactory(doctor=doctor, levels=list(levels), site=False)
    for requested in application.requested_levels.all():
        decision = Decision.objects.create(
            requested_level=requested,
            authority="ufr" if requested.level == "externe" else "ars",
            decided_on=valid_from,
            reference=f"TEST-{requested.pk}",
            outcome=Decision.Outcome.GRANTED,
        )
        Agrement.objects.create(
            doctor=doctor,
            application=application,
            decision=decision,
            level=requested.level,
            authority=decision.authority,
            reference=decision.reference,
            valid_from=valid_from,
            valid_until=valid_until,
        )


def semester(faculty, admin, start=datetime.date(2026, 11, 1)):
    end = services.semester_bounds(start)[1]
    return services.create_period(faculty, admin, Period.Kind.SEMESTER, start, end)


def externe_period(faculty, admin, start=datetime.date(2027, 1, 4), weeks=6):
    end = start + datetime.timedelta(days=7 * weeks - 1)
    return services.create_period(faculty, admin, Period.Kind.EXTERNE, start, end)


def team(*doctors, half_days=None, referent=0, **situations):
    """MemberInputs: `half_days` a list, the referent's index, situations per index, e.g.
    pdsa={0}, coscom={1}."""
    half_days = half_days or [0] * len(doctors)
    return [
        services.MemberInput(
            doctor=doctor,
            half_days=half_days[i],
            referent=i == referent,
            supervises_pdsa=i in situations.get("pdsa", ()),
            coscom=i in situations.get("coscom", ()),
        )
        for i, doctor in enumerate(doctors)
    ]


def student(number="21001234", last_name="Martin", first_name="Alix", promotion=2025):
    return services.StudentInput(number, last_name, first_name, promotion)
