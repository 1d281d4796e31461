"""Evaluations of a placement: the faculty's grid, the referent MSU's start, middle and end
evaluations (reminded on their dates), the student's evaluation through a signed link (valid
30 days, once, for its own placement only), and what the faculty sees per MSU."""

import datetime
import html
from decimal import Decimal

import pytest
import time_machine
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from applications.services import WorkflowError
from notifications.models import Notification
from stages import evaluations, links, services, student_links
from stages.records import Audience, Evaluation, EvaluationCriterion, StudentLink
from stages.tasks import daily_followup
from tests.stages_helpers import make_msu, semester, student, team
from tests.workflow_helpers import make_staff

pytestmark = pytest.mark.django_db
D = datetime.date
START, END = D(2026, 11, 1), D(2027, 4, 30)


def at(day, hour=9):
    return time_machine.travel(
        timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))), tick=False
    )


def page(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def world():
    staff = make_staff()
    referent = make_msu(staff.faculty, last_name="Arnaud")
    partner = make_msu(staff.faculty, last_name="Blanc")
    period = semester(staff.faculty, staff.admin)
    offer = services.create_offer(
        period,
        staff.admin,
        "niveau_1",
        "Cabinet Arnaud",
        team(referent, partner, half_days=[4, 4]),
        capacity=2,
    )
    placement = services.place_student(offer, staff.admin, student("22000001", "Petit", "Noé"))
    other = services.place_student(offer, staff.admin, student("22000002", "Roux", "Inès"))
    for p in (placement, other):
        p.student.email = f"{p.student.first_name.lower()}@example.org"
        p.student.save(update_fields=["email"])
    for audience in Audience.values:
        evaluations.create_default_grid(staff.faculty, staff.admin, audience)
    return staff, referent, partner, placement, other


def scores_data(criteria, level):
    return {f"critere_{c.pk}": level for c in criteria}


# --- Rules ---------------------------------------------------------------------------------


def test_the_dates_of_each_evaluation():
    assert evaluations.schedule(START, END) == {
        "start": (START, D(2026, 11, 15)),
        "middle": (D(2027, 1, 16), D(2027, 1, 30)),
        "end": (D(2027, 4, 16), D(2027, 4, 23)),
    }


@pytest.mark.parametrize(
    ("scores", "average", "poor"),
    [
        ([3, 3, 4, 3], Decimal("3.25"), False),
        ([4, 4, 4, 1], Decimal("3.25"), True),  # one criterion « Insuffisant »
        ([2, 2, 3, 2], Decimal("2.25"), True),  # average under 2.5
        ([2, 3, 2, 3], Decimal("2.50"), False),  # 2.5 exactly is not poor
    ],
)
def test_what_makes_an_evaluation_poor(scores, average, poor):
    assert evaluations.average(scores) == average
    assert evaluations.is_poor(scores) is poor


# --- The grid ------------------------------------------------------------------------------


def test_the_admin_edits_the_grid_and_past_evaluations_keep_their_wording(client, world):
    staff, referent, _partner, placement, _other = world
    criteria = evaluations.grid(staff.faculty.pk, Audience.MSU)
    with at(D(2026, 11, 20)):
        evaluations.record_evaluation(
            placement, referent.user, "start", {c.pk: 3 for c in criteria}
        )
    client.force_login(staff.admin)
    first = criteria[0]
    response = client.post(
        reverse("stages:criterion_edit", args=[first.pk]),
        {"label": "Ponctualité", "position": 1},  # "active" unticked: retired
    )
    assert response.status_code == 302
    response = client.post(
        reverse("stages:criteria"), {"audience": "msu", "label": "Tenue du dossier médical"}
    )
    assert response.status_code == 302
    grid = page(client.get(reverse("stages:criteria")))
    assert "Ponctualité" in grid and "retiré" in grid and "Tenue du dossier médical" in grid
    labels = [c.label for c in evaluations.grid(staff.faculty.pk, Audience.MSU)]
    assert "Ponctualité" not in labels and labels[-1] == "Tenue du dossier médical"
    assert Evaluation.objects.get().scores.order_by("pk")[0].label == "Assiduité et ponctualité"
    with pytest.raises(WorkflowError, match="déjà des critères"):
        evaluations.create_default_grid(staff.faculty, staff.admin, Audience.MSU)


def test_another_faculty_admin_cannot_edit_the_grid(client, world):
    staff, *_ = world
    criterion = EvaluationCriterion.objects.filter(faculty=staff.faculty).first()
    client.force_login(make_staff().admin)
    response = client.post(
        reverse("stages:criterion_edit", args=[criterion.pk]),
        {"label": "Changé", "position": 1, "active": "on"},
    )
    assert response.status_code == 404
    criterion.refresh_from_db()
    assert criterion.label != "Changé"


# --- The MSU's evaluations -----------------------------------------------------------------


def test_the_referent_fills_the_end_evaluation_from_mes_stages(client, world):
    staff, referent, partner, placement, _other = world
    criteria = evaluations.grid(staff.faculty.pk, Audience.MSU)
    url = reverse("stages:evaluate", args=[placement.pk, "fin"])
    with at(D(2027, 4, 10)):
        client.force_login(referent.user)
        assert "s'ouvre le 16/04/2027" in page(client.get(url))
        response = client.post(url, scores_data(criteria, 3))
        assert response.status_code == 400
        assert not Evaluation.objects.exists()
    with at(D(2027, 4, 20)):
        client.force_login(referent.user)
        followup = page(client.get(reverse("stages:placement_followup", args=[placement.pk])))
        assert "à remplir" in followup
        incomplete = scores_data(criteria[1:], 4)
        response = client.post(url, incomplete)
        assert response.status_code == 400
        assert "Choisissez un niveau pour ce critère." in page(response)
        response = client.post(url, {**scores_data(criteria, 4), f"critere_{criteria[0].pk}": 1})
        assert response.status_code == 302
        evaluation = Evaluation.objects.get(placement=placement, stage="end")
        assert evaluation.poor and evaluation.author == referent.user
        shown = page(client.get(url))
        assert "Elle est signalée à la faculté comme défavorable." in shown
        response = client.post(url, scores_data(criteria, 4))
        assert Evaluation.objects.filter(placement=placement).count() == 1
        with pytest.raises(WorkflowError, match="déjà été remplie le 20/04/2027"):
            evaluations.record_evaluation(placement, referent.user, "end", {})

    # The other MSU of the team reads the evaluation its page offers to « Voir », and does
    # not fill one.
    client.force_login(partner.user)
    followup = page(client.get(reverse("stages:placement_followup", args=[placement.pk])))
    assert url in followup and "Voir" in followup
    response = client.get(url)
    assert response.status_code == 200
    assert "Elle est signalée à la faculté comme défavorable." in page(response)
    assert "<form" not in page(response).split("<main", 1)[1].split("</main>", 1)[0]
    assert client.post(url, scores_data(criteria, 4)).status_code == 403
    not_filled = reverse("stages:evaluate", args=[placement.pk, "debut"])
    assert not_filled not in followup
    assert client.get(not_filled).status_code == 403
    assert Evaluation.objects.filter(placement=placement).count() == 1
    # An MSU of no team of this placement reaches nothing.
    client.force_login(make_msu(staff.faculty).user)
    assert client.get(url).status_code == 404


def test_reminders_go_to_the_referent_on_their_dates_once(world, settings):
    staff, referent, partner, placement, other = world

    def reminders():
        return sorted(
            n.key.split(":")[2]
            for n in Notification.objects.filter(kind="evaluation_reminder", user=referent.user)
            if n.key.split(":")[1] == str(placement.pk)
        )

    assert daily_followup(D(2026, 11, 14))["reminders"] == 0
    assert daily_followup(D(2026, 11, 15))["reminders"] == 2  # both students, start
    assert reminders() == ["start"]
    assert daily_followup(D(2026, 11, 16))["reminders"] == 0  # once
    assert not Notification.objects.filter(user=partner.user).exists()  # the referent only
    criteria = evaluations.grid(staff.faculty.pk, Audience.MSU)
    with at(D(2026, 12, 1)):
        evaluations.record_evaluation(
            placement, referent.user, "start", {c.pk: 3 for c in criteria}
        )
    assert daily_followup(D(2027, 1, 29))["reminders"] == 0
    assert daily_followup(D(2027, 1, 30))["reminders"] == 2  # middle, both students
    mail.outbox.clear()
    result = daily_followup(D(2027, 4, 16))  # 14 days before the end: the students' links
    assert result == {"reminders": 0, "student_links": 2}
    assert sorted(m.to[0] for m in mail.outbox) == ["inès@example.org", "noé@example.org"]
    assert "Évaluez votre stage « Cabinet Arnaud »" in mail.outbox[0].subject
    assert daily_followup(D(2027, 4, 17))["student_links"] == 0  # once
    assert daily_followup(D(2027, 4, 23))["reminders"] == 2  # end
    assert reminders() == ["end", "middle", "start"]
    assert daily_followup(D(2027, 6, 10)) == {"reminders": 0, "student_links": 0}


# --- The student's link --------------------------------------------------------------------


def _link(placement, purpose=StudentLink.Purpose.EVALUATION):
    return links.new_link(placement, purpose)


def test_the_student_evaluates_the_stage_once_through_the_link(client, world):
    staff, _referent, _partner, placement, _other = world
    criteria = evaluations.grid(staff.faculty.pk, Audience.STUDENT)
    with at(D(2027, 4, 16)):
        link = _link(placement)
    url = links.url(link)
    with at(D(2027, 4, 20)):
        form = page(client.get(url))
        assert "Noé Petit, votre stage « Cabinet Arnaud »" in form
        assert "valable jusqu'au 16/05/2027" in form
        response = client.post(url, scores_data(criteria, 2))
        assert response.status_code == 200
        assert "Merci, votre évaluation est enregistrée" in page(response)
        evaluation = Evaluation.objects.get(stage="student")
        assert evaluation.placement == placement and evaluation.author is None
        assert evaluation.poor  # average 2
        again = client.post(url, scores_data(criteria, 4))
        assert again.status_code == 410
        assert "Ce lien a déjà servi" in page(again)
        assert client.get(url).status_code == 410
    assert Evaluation.objects.filter(stage="student").count() == 1


def test_the_link_expires_after_30_days(client, world):
    _staff, _referent, _partner, placement, _other = world
    with at(D(2027, 4, 16), hour=8):
        url = links.url(_link(placement))
    with at(D(2027, 5, 16), hour=7):
        assert client.get(url).status_code == 200
    with at(D(2027, 5, 16), hour=9):
        response = client.get(url)
        assert response.status_code == 410
        assert "Ce lien a expiré le 16/05/2027" in page(response)


def test_a_link_opens_its_own_placement_only(client, world):
    staff, _referent, _partner, placement, other = world
    link = _link(placement)
    other_link = _link(other)
    # A token signed for one placement's link but naming the other placement is refused …
    forged = signing.dumps({"l": link.pk, "p": other.pk}, salt="stages.student-link.evaluation")
    assert client.get(reverse("stages:student_evaluation", args=[forged])).status_code == 404
    # … so is a tampered token, and an incident link at the evaluation's address.
    token = links.token(link)
    assert client.get(reverse("stages:student_evaluation", args=[token + "x"])).status_code == 404
    incident_token = links.token(_link(placement, StudentLink.Purpose.INCIDENT))
    response = client.get(reverse("stages:student_evaluation", args=[incident_token]))
    assert response.status_code == 404
    # Each link names its own student.
    assert "Inès Roux" in page(client.get(links.url(other_link)))
    assert "Noé Petit" not in page(client.get(links.url(other_link)))


def test_the_admin_sends_the_links_of_a_student(client, world, django_capture_on_commit_callbacks):
    staff, _referent, _partner, placement, _other = world
    client.force_login(staff.admin)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("stages:send_student_links", args=[placement.pk]))
    assert response.status_code == 302
    assert sorted(StudentLink.objects.values_list("purpose", flat=True)) == [
        "evaluation",
        "incident",
    ]
    assert len(mail.outbox) == 2
    assert all(link.emailed_at for link in StudentLink.objects.all())
    placement.student.email = ""
    placement.student.save(update_fields=["email"])
    with pytest.raises(WorkflowError, match="n'a pas d'adresse électronique"):
        student_links.send_links(placement, staff.admin)


# --- What the faculty sees -----------------------------------------------------------------


def test_the_faculty_sees_per_msu_the_evaluations_received_poor_ones_flagged(client, world):
    staff, referent, partner, placement, other = world
    criteria = evaluations.grid(staff.faculty.pk, Audience.STUDENT)
    poor = _link(placement)
    evaluations.record_student_evaluation(poor.pk, {c.pk: 1 for c in criteria}, "Peu encadré.")
    fine = _link(other)
    evaluations.record_student_evaluation(fine.pk, {c.pk: 4 for c in criteria})
    loner = make_msu(staff.faculty, last_name="Zidane")
    services.create_offer(
        placement.offer.period,
        staff.admin,
        "niveau_1",
        "Cabinet Zidane",
        team(loner, half_days=[8]),
    )
    client.force_login(staff.admin)
    listing = page(client.get(reverse("stages:evaluations")))
    assert "1 défavorable" in listing
    assert listing.index(f"Dr {referent}") < listing.index(f"Dr {loner}")
    detail = page(client.get(reverse("stages:msu_evaluations", args=[referent.pk])))
    assert detail.count("défavorable") == 1 and "Peu encadré." in detail
    assert "Évaluation du stage par l'étudiant — Noé Petit" in detail
    client.force_login(make_staff().admin)
    assert client.get(reverse("stages:msu_evaluations", args=[referent.pk])).status_code == 404
    assert f"Dr {referent}" not in page(client.get(reverse("stages:evaluations")))
