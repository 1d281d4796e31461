"""The instruction as users see it in their pages: the actions offered, the complement loop
from both sides, messages with attachments, the faculty settings screen and the demo data."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import FacultySettings, Membership, User
from applications import selectors, services
from applications.models import Agrement, Application, CommissionSession, Message
from applications.workflow import Status
from tests.files import EXE_BYTES, pdf_upload, upload
from tests.workflow_helpers import (
    advance,
    make_staff,
    settings_form,
    submitted_application,
    visit_made,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_staff()


def detail(application):
    return reverse("applications:detail", args=[application.pk])


def action_labels(html):
    block = html.split('id="actions"', 1)[1].split("</div>", 1)[0] if 'id="actions"' in html else ""
    return block


def test_actions_offered_follow_the_table_for_each_role(client, staff):
    application = submitted_application(staff)
    client.force_login(staff.secretariat)
    html = action_labels(client.get(detail(application)).content.decode())
    assert "Déclarer le dossier recevable" in html and "Demander des compléments" in html
    assert "Programmer la visite" not in html

    client.force_login(staff.admin)  # sees everything, acts on nothing here
    response = client.get(detail(application))
    assert response.status_code == 200
    assert 'id="actions"' not in response.content.decode()

    application = advance(application, staff, Status.VISIT_SCHEDULED)
    client.force_login(staff.visitor)
    visit_made(application)  # a report is written from the day of the visit
    html = action_labels(client.get(detail(application)).content.decode())
    assert "Enregistrer le rapport de visite" in html
    client.force_login(staff.secretariat)
    html = action_labels(client.get(detail(application)).content.decode())
    assert "Enregistrer le rapport de visite" not in html


def test_complement_loop_from_both_sides(client, staff, django_capture_on_commit_callbacks):
    application = submitted_application(staff)
    doctor = application.doctor.user
    client.force_login(staff.secretariat)
    url = reverse("applications:request_complements", args=[application.pk])
    assert client.get(url).status_code == 200

    # Bad input: nothing ticked, a past date. Shown in French, typed text kept, nothing sent.
    response = client.post(
        url,
        {
            "message": "Le CV n'est pas signé.",
            "due_date": "2020-01-01",
            "version": application.version,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Cochez au moins une pièce" in html
    assert "postérieure à aujourd" in html
    assert "Le CV n&#x27;est pas signé." in html or "Le CV n'est pas signé." in html
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED

    due = timezone.localdate() + datetime.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "items": ["piece:cv"],
                "message": "Le CV n'est pas signé.",
                "due_date": due.isoformat(),
                "version": application.version,
            },
        )
    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).status == Status.INCOMPLETE
    assert mail.outbox[-1].to == [doctor.email]
    assert "Curriculum vitae" in mail.outbox[-1].body

    client.force_login(doctor)
    html = client.get(detail(application)).content.decode()
    assert "Le CV n&#x27;est pas signé." in html
    assert due.strftime("%d/%m/%Y") in html
    # Only what was asked can be changed.
    response = client.get(reverse("applications:step", args=[application.pk, "profil"]))
    assert response.status_code == 302
    response = client.get(reverse("applications:resume", args=[application.pk]))
    assert response.url.endswith("/etape/pieces/")
    pieces = client.get(response.url).content.decode()
    assert 'name="cv"' in pieces and 'name="insurance"' not in pieces
    # Answering with the CV the secretariat saw: the summary says it was not replaced.
    recap = reverse("applications:step", args=[application.pk, "recapitulatif"])
    warning = client.get(recap).content.decode().split('id="pieces-non-remplacees"', 1)
    assert len(warning) == 2 and "Curriculum vitae" in warning[1].split("</div>", 1)[0]
    client.post(
        reverse("applications:step", args=[application.pk, "pieces"]),
        {"cv": pdf_upload("cv-signe.pdf")},
    )
    assert 'id="pieces-non-remplacees"' not in client.get(recap).content.decode()
    client.post(reverse("applications:submit", args=[application.pk]))
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED

    client.force_login(staff.secretariat)
    html = client.get(detail(application)).content.decode()
    changes = html.split("Ce qui a changé depuis la demande", 1)[1].split("</ul>", 1)[0]
    assert "cv-signe.pdf" in changes
    assert "Profil" not in changes


def test_a_stale_page_does_not_act_twice(client, staff):
    application = submitted_application(staff)
    other = User.objects.create_user("second.secretariat@example.org", "x")
    Membership.objects.create(
        user=other, organisation=staff.faculty, role=Membership.Role.SECRETARIAT
    )
    version = application.version
    client.force_login(other)
    client.post(
        reverse("applications:declare_admissible", args=[application.pk]), {"version": version}
    )
    client.force_login(staff.secretariat)
    response = client.post(
        reverse("applications:request_complements", args=[application.pk]),
        {
            "items": ["piece:cv"],
            "message": "CV illisible.",
            "due_date": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
            "version": version,
        },
    )
    # The page was prepared on the submitted state: the action is no longer offered.
    assert response.status_code == 302
    follow = client.get(response.url).content.decode()
    assert "Action impossible" in follow
    assert Application.objects.get(pk=application.pk).status == Status.ADMISSIBLE


def test_messages_with_attachments_and_read_status(
    client, staff, django_capture_on_commit_callbacks
):
    application = submitted_application(staff)
    doctor = application.doctor.user
    client.force_login(doctor)
    url = reverse("applications:post_message", args=[application.pk])

    refused = upload("virus.pdf", EXE_BYTES)
    response = client.post(url, {"body": "Voici mon attestation.", "attachment": refused})
    assert response.status_code == 400
    html = response.content.decode()
    assert "ni un PDF" in html
    assert "Voici mon attestation." in html  # the text typed is kept
    assert not Message.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"body": "Voici mon attestation.", "attachment": pdf_upload("attestation.pdf")}
        )
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.from_doctor and message.read_at is None
    assert mail.outbox[-1].to == [staff.secretariat.email]
    # The badge says whose reading it is (« non lu » alone read as the doctor's own to-do).
    assert "non lu par le secrétariat" in client.get(detail(application)).content.decode()

    client.force_login(staff.secretariat)
    html = client.get(detail(application)).content.decode()
    assert "attestation.pdf" in html
    message.refresh_from_db()
    assert message.read_at is not None  # the secretariat has opened the thread
    client.force_login(doctor)
    html = client.get(detail(application)).content.decode()
    assert "lu par le secrétariat" in html and "non lu par" not in html
    client.force_login(staff.secretariat)
    attachment = reverse("applications:message_attachment", args=[application.pk, message.pk])
    response = client.get(attachment)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"

    client.force_login(staff.visitor)  # staff outside the thread
    assert client.get(attachment).status_code == 404


def test_staff_notes_are_never_shown_to_the_doctor(client, staff):
    application = submitted_application(staff)
    services.add_note(application, staff.secretariat, "Médecin déjà connu du DUMG.")
    client.force_login(staff.secretariat)
    assert "Médecin déjà connu du DUMG." in client.get(detail(application)).content.decode()
    client.force_login(application.doctor.user)
    assert "Médecin déjà connu du DUMG." not in client.get(detail(application)).content.decode()


def test_faculty_settings_screen_drives_eligibility_pieces_and_duration(client, staff):
    url = reverse("applications:faculty_settings", args=[staff.faculty.pk])
    for user in [staff.secretariat, staff.visitor, make_staff().admin]:
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(staff.admin)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "years_required_externe": 1,
            "years_required_interne": 2,
            "agrement_duration_years": 9,
            "alert_months_in_state": 2,
            "alert_months_total": 6,
            "pieces_externe": ["cv"],
        },
    )
    assert response.status_code == 400
    assert "inférieure ou égale à 5" in response.content.decode()
    assert not FacultySettings.objects.filter(faculty=staff.faculty).exists()

    response = client.post(
        url,
        {
            "years_required_externe": 1,
            "years_required_interne": 2,
            "agrement_duration_years": 3,
            "alert_months_in_state": 1,
            "alert_months_total": 4,
            "retention_pieces_years": 5,
            "retention_withdrawn_years": 1,
            "retention_export_days": 7,
            "pieces_externe": ["cv"],
            "pieces_niveau_1": ["cv", "insurance", "training"],
        },
    )
    assert response.status_code == 302
    saved = FacultySettings.objects.get(faculty=staff.faculty)
    assert saved.years_required_interne == 2

    # Pieces per level follow the settings.
    application = submitted_application(staff, levels=["externe"])
    assert [p.value for p in selectors.missing_pieces(application)] == []
    assert {d.piece for d in application.documents.all()} == {"cv"}
    # Eligibility: two years of practice now suffice for internes.
    application.doctor.installation_date = timezone.localdate() - datetime.timedelta(days=800)
    application.doctor.save()
    (interne,) = selectors.eligibility_of(application, levels=["niveau_1"])
    assert interne.eligible
    # The agrément lasts the faculty's three years.
    decided = advance(submitted_application(staff, levels=["externe"]), staff, Status.DECIDED)
    agrement = Agrement.objects.get(application=decided)
    assert agrement.valid_until.year - agrement.valid_from.year == 3


def test_the_alert_thresholds_cannot_be_inverted(client, staff):
    """12 months in one state against 1 month since transmission was saved without a word."""
    url = reverse("applications:faculty_settings", args=[staff.faculty.pk])
    client.force_login(staff.admin)
    response = client.post(url, settings_form(alert_months_in_state=12, alert_months_total=1))
    assert response.status_code == 400
    assert response.context["form"].errors["alert_months_in_state"] == [
        "Ce seuil ne peut dépasser celui des dossiers transmis (1 mois) : un dossier ne reste "
        "pas dans un état plus longtemps que depuis sa transmission."
    ]
    assert not FacultySettings.objects.filter(faculty=staff.faculty).exists()
    response = client.post(url, settings_form(alert_months_in_state=6, alert_months_total=6))
    assert response.status_code == 302


def test_demo_gives_every_account_something_to_do(client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)  # idempotent
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)

    def page(email, url):
        client.force_login(User.objects.get(email=email))
        response = client.get(url)
        assert response.status_code == 200, (email, url)
        return response.content.decode()

    html = page("secretariat@example.org", reverse("applications:queue"))
    assert "trop ancien" in html or "en attente trop longue" in html
    html = page("visiteur@example.org", reverse("home"))
    assert "rapport à rédiger" in html
    html = page("commission@example.org", reverse("home"))
    assert "ouverte" in html
    # The open session meets today: its president records the commission's opinion.
    session = CommissionSession.objects.get(closed_at__isnull=True)
    html = page("commission@example.org", reverse("applications:session", args=[session.pk]))
    assert f"/dossiers/commission/{session.pk}/avis-commission/" in html
    assert "commission-later" not in html
    html = page("admin@example.org", reverse("home"))
    assert "Réglages de la faculté" in html
    html = page("medecin@example.org", reverse("home"))
    assert "Reprendre le brouillon" in html
    # Hugo Lambert was asked a new insurance certificate and has not given it yet.
    hugo = Application.objects.get(doctor__user__email="hugo.lambert@example.org")
    html = page(
        "hugo.lambert@example.org", reverse("applications:step", args=[hugo.pk, "recapitulatif"])
    )
    assert 'id="pieces-non-remplacees"' in html
    html = page("adam.rousseau@example.org", reverse("home"))
    assert "Demander le renouvellement" in html
    assert User.objects.get(email="visiteur@example.org").check_password("demo-msu-2026")


def test_nobody_visits_or_judges_their_own_dossier(staff):
    """A doctor who is also a DUMG visitor or commission member stays out of their own case."""
    from applications.models import Review
    from applications.services import WorkflowError
    from tests.factories import DoctorFactory

    colleague = DoctorFactory(faculty=staff.faculty)
    for role in [Membership.Role.VISITOR, Membership.Role.COMMISSION]:
        Membership.objects.create(user=colleague.user, organisation=staff.faculty, role=role)
    application = advance(submitted_application(staff, doctor=colleague), staff, Status.ADMISSIBLE)
    when = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(WorkflowError, match="son propre lieu de stage"):
        services.schedule_visit(application, staff.secretariat, when, [colleague.user])
    assert Application.objects.get(pk=application.pk).status == Status.ADMISSIBLE

    application = advance(application, staff, Status.IN_COMMISSION, opinions=False)
    session = application.agenda_items.get().session
    session.members.add(colleague.user)
    level = application.requested_levels.first()
    with pytest.raises(WorkflowError, match="votre propre dossier"):
        services.give_opinion(session, level, colleague.user, Review.Opinion.FAVOURABLE)
    assert not Review.objects.filter(requested_level=level).exists()


def test_the_same_message_posted_twice_is_stored_and_sent_once(
    client, staff, django_capture_on_commit_callbacks
):
    application = submitted_application(staff)
    client.force_login(application.doctor.user)
    url = reverse("applications:post_message", args=[application.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"body": "Bonjour, voici ma question."})
        second = client.post(url, {"body": "Bonjour, voici ma question."})
    assert first.status_code == second.status_code == 302
    assert Message.objects.filter(application=application).count() == 1
    assert len([m for m in mail.outbox if "Nouveau message" in m.subject]) == 1
    # Another text is another message.
    client.post(url, {"body": "Et une seconde question."})
    assert Message.objects.filter(application=application).count() == 2


def test_the_piece_a_request_was_about_stays_openable_after_the_doctor_replaces_it(client, staff):
    application = submitted_application(staff)
    seen = application.documents.get(piece="cv")
    seen_bytes = seen.file.open("rb").read()
    advance(application, staff, Status.INCOMPLETE)  # the request names the CV
    client.force_login(application.doctor.user)
    step = reverse("applications:step", args=[application.pk, "pieces"])
    # Replaced twice: the secretariat needs the version it saw, not the doctor's first attempt.
    client.post(step, {"cv": pdf_upload("cv-brouillon.pdf")})
    client.post(step, {"cv": pdf_upload("cv-signe.pdf")})
    client.post(reverse("applications:submit", args=[application.pk]))

    client.force_login(staff.secretariat)
    html = client.get(detail(application)).content.decode()
    kept = html.split("Versions vues lors de la demande", 1)[1].split("</ul>", 1)[0]
    assert seen.original_name in kept and "remplacée" in kept
    assert "cv-brouillon.pdf" not in kept
    old = application.replaced_pieces.get()
    link = reverse("applications:replaced_piece", args=[application.pk, old.pk])
    assert link in kept
    response = client.get(link)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == seen_bytes
    current = application.documents.get(piece="cv")
    assert current.original_name == "cv-signe.pdf"
    assert current.file.name != old.file.name and old.file.name == seen.file.name

    # Another faculty's secretariat gets a 404, as for any piece.
    other = make_staff()
    client.force_login(other.secretariat)
    assert client.get(link).status_code == 404


def test_a_visit_to_come_offers_no_report_form_until_its_day(client, staff):
    """Before the visit there is nothing to report: the visitor's list, home page and dossier
    page say when the report opens instead of offering a form that would be refused."""
    application = advance(submitted_application(staff), staff, Status.VISIT_SCHEDULED)
    visit_day = timezone.localdate(application.visit.scheduled_for)
    report = reverse("applications:record_visit", args=[application.pk])
    client.force_login(staff.visitor)

    visits = client.get(reverse("applications:my_visits")).content.decode()
    assert report not in visits
    assert f"rapport à partir du {visit_day:%d/%m/%Y}" in visits
    home = client.get(reverse("home")).content.decode()
    assert "visite à venir" in home and report not in home
    page = client.get(detail(application)).content.decode()
    assert report not in page
    assert f"à partir du jour de la visite, le {visit_day:%d/%m/%Y}" in page
    response = client.get(report, follow=True)
    assert response.redirect_chain == [(detail(application), 302)]
    assert "son rapport s&#x27;enregistre à partir de ce jour" in response.content.decode()

    visit_made(application)
    visits = client.get(reverse("applications:my_visits")).content.decode()
    assert report in visits and "Rédiger le rapport" in visits
    assert "rapport à rédiger" in client.get(reverse("home")).content.decode()
    assert report in client.get(detail(application)).content.decode()
    assert client.get(report).status_code == 200


def test_the_visits_to_report_head_the_visitors_list(client, staff):
    """The reports to write first, then the visits to come, then the reports written, latest
    first (PostgreSQL sorts an empty date last: the work to do fell to the bottom)."""
    reported = advance(submitted_application(staff), staff, Status.VISIT_DONE)
    to_report = advance(submitted_application(staff), staff, Status.VISIT_SCHEDULED)
    visit_made(to_report)
    to_come = advance(submitted_application(staff), staff, Status.VISIT_SCHEDULED)
    client.force_login(staff.visitor)

    visits = client.get(reverse("applications:my_visits")).content.decode()
    order = sorted((to_report, to_come, reported), key=lambda a: visits.index(a.reference))
    assert order == [to_report, to_come, reported]


def test_the_secretariat_reschedules_a_visit_and_both_sides_are_told_the_new_date(
    client, staff, django_capture_on_commit_callbacks
):
    """A visit postponed, or a date mistyped, left the dossier with no action at all."""
    application = advance(submitted_application(staff), staff, Status.VISIT_SCHEDULED)
    planned = timezone.localtime(application.visit.scheduled_for)
    client.force_login(staff.secretariat)
    url = reverse("applications:schedule_visit", args=[application.pk])
    assert url in client.get(detail(application)).content.decode()
    page = client.get(url).content.decode()
    assert "<h1>Reprogrammer la visite</h1>" in page
    assert f'value="{planned:%Y-%m-%dT%H:%M}"' in page  # from the date planned

    later = (planned + datetime.timedelta(days=9)).replace(
        hour=15, minute=30, second=0, microsecond=0
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "version": Application.objects.get(pk=application.pk).version,
                "scheduled_for": f"{later:%Y-%m-%dT%H:%M}",
                "visitors": [staff.visitor.pk],
            },
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.VISIT_SCHEDULED
    assert timezone.localtime(application.visit.scheduled_for) == later
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [application.doctor.user.email, staff.visitor.email]
    )
    assert all(f"{later:%d/%m/%Y}" in m.subject for m in mail.outbox)
    client.force_login(staff.visitor)
    visits = client.get(reverse("applications:my_visits")).content.decode()
    assert f"rapport à partir du {later:%d/%m/%Y}" in visits
