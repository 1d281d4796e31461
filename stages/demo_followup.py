"""Demo of how stages go (for `make run`): the faculty's evaluation grids, the students'
addresses, the evaluations of the demo MSU's placements (the previous semester's start and
middle ones and the student's, a poor one; the current semester's start), an incident reported
by the binôme with the secretariat's answer, and a UPP coordinator who follows it.

The previous semester's end evaluation is left for the demo MSU to fill (tests/e2e). All
through the services; all people fictional."""

from django.utils import timezone

from accounts.models import Membership, Organisation, User
from accounts.two_factor import set_up_demo_device
from applications.demo import demo_account

from . import evaluations, incidents, links
from .models import Placement
from .records import Audience, EvaluationCriterion, Incident, StudentLink

COORDINATOR = ("coordination.upp@example.org", "Camille", "Coordinatrice")


def _scores(faculty, audience, levels):
    criteria = evaluations.grid(faculty.pk, audience)
    return {c.pk: levels[i % len(levels)] for i, c in enumerate(criteria)}


def load_followup_demo(faculty, today=None):
    if EvaluationCriterion.objects.filter(faculty=faculty).exists():
        return  # already loaded
    today = today or timezone.localdate()
    admin = User.objects.get(email="admin@example.org")
    secretariat = User.objects.get(email="secretariat@example.org")
    for audience in Audience.values:
        evaluations.create_default_grid(faculty, admin, audience)

    upp = Organisation.objects.filter(kind=Organisation.Kind.UPP, parent=faculty).first()
    if upp is not None:
        email, first, last = COORDINATOR
        coordinator = demo_account(email, first, last)
        Membership.objects.get_or_create(
            user=coordinator, organisation=upp, role=Membership.Role.UPP_COORDINATOR
        )
        set_up_demo_device(coordinator)

    placements = list(
        Placement.objects.filter(offer__period__faculty=faculty)
        .select_related("student", "offer__period")
        .order_by("start", "pk")
    )
    for placement in placements:
        student = placement.student
        if not student.email:
            student.email = f"{student.first_name}.{student.last_name}@example.org".lower()
            student.email = student.email.replace(" ", "-")
            student.save(update_fields=["email"])

    interne = [p for p in placements if p.offer.level == "niveau_1"]
    if not interne:
        return
    past = [p for p in interne if p.end < today]
    current = [p for p in interne if p.start <= today <= p.end]
    if past:
        placement = past[-1]
        referent = evaluations.referent_of(placement)
        for stage in (evaluations.Stage.START, evaluations.Stage.MIDDLE):
            evaluations.record_evaluation(
                placement,
                referent.user,
                stage,
                _scores(faculty, Audience.MSU, [3, 4, 3]),
                "Interne impliqué, bonne relation avec les patients.",
                today=today,
            )
        link = links.new_link(placement, StudentLink.Purpose.EVALUATION)
        links.deliver(link.pk)
        evaluations.record_student_evaluation(
            link.pk,
            _scores(faculty, Audience.STUDENT, [3, 1, 3, 2]),
            "Peu de temps de supervision en fin de journée.",
        )
    if current:
        placement = current[0]
        referent = evaluations.referent_of(placement)
        evaluations.record_evaluation(
            placement,
            referent.user,
            evaluations.Stage.START,
            _scores(faculty, Audience.MSU, [3, 3, 4]),
            "Bonne intégration au cabinet.",
            today=today,
        )
        partner = placement.offer.team.exclude(doctor=referent).first()
        reporter = partner.doctor.user if partner else referent.user
        if not Incident.objects.filter(placement=placement).exists():
            incident = incidents.report(
                placement,
                reporter,
                "Absences non prévenues",
                "L'interne ne s'est pas présenté deux jeudis de suite sans prévenir le cabinet.",
            )
            incidents.post_message(
                incident,
                secretariat,
                "Merci de votre signalement : nous prenons contact avec l'interne cette semaine.",
            )
