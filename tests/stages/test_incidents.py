"""Incident reports: the MSU (from "Mes stages") or the student (signed link) reports a
difficulty; the faculty's secretariat and the UPP coordinator are notified (digest honoured);
a thread and a status; visible only to those concerned."""

import datetime
import html
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organisation
from applications.services import WorkflowError
from notifications.models import Notification
from stages import incident_replies, incidents, links, services
from stages.records import Incident, IncidentMessage, StudentLink
from tests.factories import StaffFactory
from tests.stages_helpers import make_msu, semester, student, team
from tests.workflow_helpers import make_staff

pytestmark = pytest.mark.django_db
Role = Membership.Role


def page(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def world():
    staff = make_staff()
    upp = Organisation.objects.create(
        kind=Organisation.Kind.UPP, name="UPP de Béziers", parent=staff.faculty
    )
    other_upp = Organisation.objects.create(
        kind=Organisation.Kind.UPP, name="UPP de Narbonne", parent=staff.faculty
    )
    referent = make_msu(staff.faculty, last_name="Arnaud")
    referent.upp = upp
    referent.save(update_fields=["upp"])
    partner = make_msu(staff.faculty, last_name="Blanc")
    period = semester(staff.faculty, staff.admin)
    offer = services.create_offer(
        period,
        staff.admin,
        "niveau_1",
        "Cabinet Arnaud",
        team(referent, partner, half_days=[4, 4]),
    )
    placement = services.place_student(offer, staff.admin, student("22000001", "Petit", "Noé"))
    placement.student.email = "noe@example.org"
    placement.student.save(update_fields=["email"])
    coordinator = StaffFactory(role=(Role.UPP_COORDINATOR, upp))
    coordinator.email_digest = True
    coordinator.save(update_fields=["email_digest"])
    people = {
        "referent": referent.user,
        "partner": partner.user,
        "secretariat": staff.secretariat,
        "admin": staff.admin,
        "coordinator": coordinator,
        # Those not concerned:
        "other_msu": make_msu(staff.faculty).user,
        "other_coordinator": StaffFactory(role=(Role.UPP_COORDINATOR, other_upp)),
        "visitor": staff.visitor,
        "commission": staff.commission,
        "secretariat_b": make_staff().secretariat,
    }
    return staff, placement, people


CONCERNED = ["referent", "partner", "secretariat", "admin", "coordinator"]
NOT_CONCERNED = ["other_msu", "other_coordinator", "visitor", "commission", "secretariat_b"]


def test_the_msu_reports_and_the_secretariat_and_the_coordinator_are_told(
    client, world, django_capture_on_commit_callbacks
):
    staff, placement, people = world
    client.force_login(people["partner"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("stages:incident_report", args=[placement.pk]),
            {"subject": "Absences répétées", "body": "Noé ne vient plus le jeudi."},
        )
    incident = Incident.objects.get()
    assert response.url == reverse("stages:incident", args=[incident.pk])
    assert incident.reported_by == people["partner"] and incident.status == "open"
    told = {n.user_id: n for n in Notification.objects.filter(kind="incident_reported")}
    assert set(told) == {
        people[name].pk for name in ("secretariat", "coordinator", "referent")
    }  # not the author; the admin follows the list, the secretariat is told
    # The coordinator chose the daily digest: the notice waits for it.
    assert told[people["coordinator"].pk].email_status == Notification.EmailStatus.DIGEST
    assert {m.to[0] for m in mail.outbox} == {
        people["secretariat"].email,
        people["referent"].email,
    }
    assert "Difficulté signalée sur le stage de Noé Petit" in mail.outbox[0].subject


def test_a_report_needs_a_subject_and_a_description(client, world):
    staff, placement, people = world
    client.force_login(people["referent"])
    response = client.post(
        reverse("stages:incident_report", args=[placement.pk]), {"subject": "", "body": ""}
    )
    assert response.status_code == 400
    assert not Incident.objects.exists()
    with pytest.raises(WorkflowError, match="Seuls les maîtres de stage de l'équipe"):
        incidents.report(placement, people["other_msu"], "Objet", "Texte")


@pytest.mark.parametrize("actor", CONCERNED)
def test_those_concerned_see_the_report_and_write_on_it(client, world, actor):
    staff, placement, people = world
    incident = incidents.report(placement, people["referent"], "Retards", "Tous les matins.")
    client.force_login(people[actor])
    shown = page(client.get(reverse("stages:incident", args=[incident.pk])))
    assert "Retards" in shown and "Tous les matins." in shown
    assert "Retards" in page(client.get(reverse("stages:incidents")))
    response = client.post(
        reverse("stages:incident", args=[incident.pk]), {"body": f"Réponse de {actor}."}
    )
    assert response.status_code == 302
    assert IncidentMessage.objects.filter(incident=incident, author=people[actor]).exists()


@pytest.mark.parametrize("actor", NOT_CONCERNED)
def test_the_others_reach_nothing(client, world, actor):
    staff, placement, people = world
    incident = incidents.report(placement, people["referent"], "Retards", "Tous les matins.")
    client.force_login(people[actor])
    assert client.get(reverse("stages:incident", args=[incident.pk])).status_code == 404
    response = client.post(reverse("stages:incident", args=[incident.pk]), {"body": "Intrus."})
    assert response.status_code == 404
    response = client.post(
        reverse("stages:incident_status", args=[incident.pk]), {"status": "handled"}
    )
    assert response.status_code == 404
    listing = client.get(reverse("stages:incidents"))
    assert listing.status_code in (200, 404)
    assert "Retards" not in page(listing)
    assert IncidentMessage.objects.count() == 1
    assert Incident.objects.get().status == "open"


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        ("secretariat", True),
        ("admin", True),
        ("coordinator", True),
        ("referent", False),
        ("partner", False),
    ],
)
def test_the_status_is_set_by_the_secretariat_the_admin_or_the_coordinator(
    client, world, actor, allowed
):
    staff, placement, people = world
    incident = incidents.report(placement, people["referent"], "Retards", "Tous les matins.")
    client.force_login(people[actor])
    url = reverse("stages:incident_status", args=[incident.pk])
    response = client.post(url, {"status": "handled"})
    incident.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert incident.status == "handled" and incident.handled_by == people[actor]
        assert "traité" in page(client.get(reverse("stages:incident", args=[incident.pk])))
        client.post(url, {"status": "open"})
        incident.refresh_from_db()
        assert incident.status == "open" and incident.handled_at is None
    else:
        assert response.status_code == 403
        assert incident.status == "open"
        assert "Marquer comme traité" not in page(
            client.get(reverse("stages:incident", args=[incident.pk]))
        )


def test_the_student_reports_through_the_link_and_follows_the_thread(
    client, world, django_capture_on_commit_callbacks
):
    staff, placement, people = world
    link = links.new_link(placement, StudentLink.Purpose.INCIDENT)
    url = links.url(link)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"subject": "Pas de supervision", "body": "Je suis seul le mardi."}
        )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.by_student and incident.reported_by is None
    told = set(
        Notification.objects.filter(kind="incident_reported").values_list("user_id", flat=True)
    )
    assert {people["secretariat"].pk, people["coordinator"].pk} <= told
    incidents.post_message(incident, people["secretariat"], "Nous appelons le cabinet.")
    shown = page(client.get(url))
    assert "Pas de supervision" in shown and "Nous appelons le cabinet." in shown
    response = client.post(url, {"incident": incident.pk, "body": "Merci."})
    assert response.status_code == 302
    assert incident.messages.filter(by_student=True).count() == 2

    # Another placement's report is not the student's to read or write on.
    other = services.place_student(
        services.create_offer(
            placement.offer.period,
            staff.admin,
            "niveau_1",
            "Cabinet Caron",
            team(make_msu(staff.faculty), half_days=[8]),
        ),
        staff.admin,
        student("22000002", "Roux", "Inès"),
    )
    foreign = incidents.report(
        other, other.offer.team.get().doctor.user, "Autre stage", "Confidentiel."
    )
    assert "Confidentiel." not in page(client.get(url))
    response = client.post(url, {"incident": foreign.pk, "body": "Intrus."})
    assert response.status_code == 400
    assert foreign.messages.count() == 1
    # The evaluation's link does not open the incident page.
    evaluation_link = links.new_link(placement, StudentLink.Purpose.EVALUATION)
    response = client.get(reverse("stages:student_incident", args=[links.token(evaluation_link)]))
    assert response.status_code == 404


def _link_in(body):
    """The student link an e-mail carries. Its token is signed with the second it was made,
    so it is compared by what it opens, not by its text."""
    token = re.search(r"/stages/etudiant/signalement/([^/\s]+)/", body).group(1)
    return links.resolve(token, StudentLink.Purpose.INCIDENT)


def _student_mails():
    return [m for m in mail.outbox if m.to == ["noe@example.org"]]


def test_a_reply_on_the_students_report_is_emailed_to_them_with_their_link(
    client, world, django_capture_on_commit_callbacks
):
    staff, placement, people = world
    link = links.new_link(placement, StudentLink.Purpose.INCIDENT)
    incident = incidents.report_by_student(link.pk, "Pas de supervision", "Seul le mardi.")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        incidents.post_message(incident, people["secretariat"], "Nous appelons le cabinet.")
    (sent,) = _student_mails()
    assert "Réponse à votre signalement « Pas de supervision »" in sent.subject
    assert "Bonjour Noé" in sent.body
    assert "Nous appelons le cabinet." not in sent.body  # the thread is read behind the link
    # The staff's page says that the student was told, and that they will be.
    client.force_login(people["secretariat"])
    staff_page = page(client.get(reverse("stages:incident", args=[incident.pk])))
    assert "Annoncé à l'étudiant(e) par courriel le" in staff_page
    assert "L'étudiant(e) sera averti(e) de votre message par courriel" in staff_page
    client.logout()
    # The link in the e-mail opens the thread, with the reply.
    address = next(word for word in sent.body.split() if "/stages/" in word or "://" in word)
    path = urlsplit(address).path
    # The token is signed with the time (django.core.signing.dumps): the e-mail's address,
    # written a second earlier, differs from one made now; it opens the same link.
    assert path.rsplit("/", 2)[0] == links.url(link).rsplit("/", 2)[0]
    assert links.resolve(path.rstrip("/").rsplit("/", 1)[1], link.purpose) == link
    student_page = page(client.get(path))
    assert "Nous appelons le cabinet." in student_page
    assert "Annoncé à l'étudiant(e)" not in student_page  # a note for the staff

    # The MSU's reply too; the student's own message and a reply on the MSU's report, not.
    with django_capture_on_commit_callbacks(execute=True):
        incidents.post_message(incident, people["referent"], "Je serai là mardi.")
        incidents.post_student_message(link.pk, incident, "Merci.")
        own = incidents.report(placement, people["referent"], "Retards", "Trois retards.")
        incidents.post_message(own, people["secretariat"], "Vu.")
    assert len(_student_mails()) == 2
    assert not IncidentMessage.objects.filter(incident=own, tell_student=True).exists()


def test_a_reply_goes_to_the_students_current_address_with_a_link_of_its_own(
    world, django_capture_on_commit_callbacks
):
    staff, placement, people = world
    link = links.new_link(placement, StudentLink.Purpose.INCIDENT)
    incident = incidents.report_by_student(link.pk, "Horaires", "Journées de 12 h.")
    # The address was wrong; the import has corrected it since.
    placement.student.email = "noe.petit@example.org"
    placement.student.save(update_fields=["email"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        incidents.post_message(incident, people["secretariat"], "Nous en parlons.")
    assert _student_mails() == []  # not to the old address
    (sent,) = [m for m in mail.outbox if m.to == ["noe.petit@example.org"]]
    fresh = StudentLink.objects.exclude(pk=link.pk).get()
    # The link in the e-mail opens the new one (made for the new address), not the old one.
    assert fresh.email == "noe.petit@example.org" and _link_in(sent.body) == fresh


def test_a_reply_whose_email_did_not_leave_is_swept_once_with_a_new_link_if_needed(
    world, django_capture_on_commit_callbacks
):
    staff, placement, people = world
    link = links.new_link(placement, StudentLink.Purpose.INCIDENT)
    incident = incidents.report_by_student(link.pk, "Horaires", "Journées de 12 h.")
    StudentLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())  # expired since
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False):  # the broker was down
        reply = incidents.post_message(incident, people["secretariat"], "Nous en parlons.")
    assert _student_mails() == []

    assert incident_replies.sweep() == 0  # within the grace period: the task may run
    later = timezone.now() + datetime.timedelta(minutes=5)
    assert incident_replies.sweep(now=later) == 1
    assert incident_replies.sweep(now=later) == 0
    (sent,) = _student_mails()
    fresh = StudentLink.objects.exclude(pk=link.pk).get()  # the expired one would not open
    assert _link_in(sent.body) == fresh and fresh.emailed_at is not None
    assert IncidentMessage.objects.get(pk=reply.pk).student_emailed_at is not None
    # The sweeper of the links does not send the new link a second time.
    assert links.sweep(now=later) == 0


def test_a_placement_with_a_report_is_not_removed(client, world):
    staff, placement, people = world
    incidents.report(placement, people["referent"], "Retards", "Tous les matins.")
    client.force_login(staff.admin)
    response = client.post(
        reverse("stages:placement_remove", args=[placement.pk]), {"confirme": "1"}, follow=True
    )
    assert "il ne peut plus être retiré" in page(response)
    assert Incident.objects.get().placement == placement
    placement.refresh_from_db()


def test_the_coordinator_signs_in_and_finds_the_reports_in_the_menu(client, world):
    staff, placement, people = world
    incidents.report(placement, people["referent"], "Retards", "Tous les matins.")
    client.force_login(people["coordinator"])
    home = client.get("/", follow=True)
    assert home.status_code == 200
    assert 'href="/stages/signalements/"' in home.content.decode()
    assert "Retards" in page(client.get(reverse("stages:incidents")))
