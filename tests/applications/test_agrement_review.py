"""The agrément after its decision, through the real services: the review the secretariat opens
(a dossier of its own kind), its outcome per agrément (confirmed, shortened, suspended,
withdrawn) recorded for the authority that granted it, the lifting and the end of a
suspension, the doctor's change of main site, and what a suspension does to stage offers."""

import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications import selectors, services
from applications.models import (
    Agrement,
    Application,
    Decision,
    Event,
    GeneratedDocument,
    PracticeSite,
    Reexamination,
)
from applications.services import WorkflowError, documents
from applications.workflow import Status
from notifications.models import Notification
from stages import services as stage_services
from tests.factories import ApplicationFactory
from tests.stages_helpers import make_msu, semester, team
from tests.stages_helpers import student as student_input
from tests.workflow_helpers import (
    advance,
    attach_required_pieces,
    make_staff,
    review_in_commission,
)
from tests.workflow_helpers import decide_review as decide

pytestmark = pytest.mark.django_db
Outcome = Decision.Outcome
TODAY = timezone.localdate


def _agrements(doctor):
    return {a.level: a for a in Agrement.objects.filter(doctor=doctor)}


def _fresh(agrement):
    return Agrement.objects.get(pk=agrement.pk)


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def msu(staff):
    """An MSU of the faculty approved for externes (UFR) and niveau 1 (ARS), 2020–2030."""
    return make_msu(staff.faculty, levels=("externe", "niveau_1"))


# --- Opening a review ---------------------------------------------------------------------------


def test_opening_a_review_puts_the_agrement_under_review_and_tells_the_doctor(staff, msu):
    agrement = _agrements(msu)["niveau_1"]
    review = services.open_review(
        [agrement], staff.secretariat, Reexamination.Cause.ARS, "Signalement de l'ARS."
    )
    assert review.kind == Application.Kind.REVIEW
    assert review.status == Status.ADMISSIBLE  # straight into the instruction
    assert review.reexamination.get_cause_display() == "Demande de l'ARS"
    assert [level.reviewed_agrement for level in review.requested_levels.all()] == [agrement]
    assert _fresh(agrement).status == Agrement.Status.UNDER_REVIEW
    assert _fresh(agrement).get_status_display() == "En réexamen"
    # The doctor's e-mail and notification, and the events in French on both timelines.
    note = Notification.objects.get(user=msu.user, kind="review_opened")
    assert "Demande de l'ARS" in note.body_text or "demande de l'ars" in note.body_text
    assert "Signalement de l'ARS." in note.body_text
    labels = [e.label for e in selectors.agrement_timeline(agrement)]
    assert "Réexamen ouvert par le secrétariat" in labels
    assert "Agrément mis en réexamen" in labels
    # The doctor cannot withdraw the secretariat's review.
    with pytest.raises(WorkflowError):
        services.withdraw(review, msu.user)
    # An agrément under review still lets its MSU host students.
    assert _fresh(agrement).spans() == [(agrement.valid_from, agrement.valid_until)]


def test_a_review_never_blocks_the_doctor_s_own_renewal(staff, msu):
    services.open_review(
        list(Agrement.objects.filter(doctor=msu)), staff.secretariat, "evaluations"
    )
    # Without the exclusion, the review in instruction would refuse the doctor's own dossier.
    application = services.start_application(msu, msu.user)
    assert application.kind != Application.Kind.REVIEW


@pytest.mark.parametrize("who", ["admin", "visitor", "doctor", "other_secretariat"])
def test_only_the_faculty_secretariat_opens_a_review(staff, msu, who):
    agrement = _agrements(msu)["externe"]
    by = {
        "admin": staff.admin,
        "visitor": staff.visitor,
        "doctor": msu.user,
        "other_secretariat": make_staff().secretariat,
    }[who]
    with pytest.raises(WorkflowError) as refused:
        services.open_review([agrement], by, Reexamination.Cause.COORDINATOR)
    assert "secrétariat" in str(refused.value)
    assert _fresh(agrement).status == Agrement.Status.IN_FORCE
    assert not Application.objects.filter(kind=Application.Kind.REVIEW).exists()


def test_an_agrement_under_review_cannot_be_reviewed_twice_and_other_needs_a_comment(staff, msu):
    agrement = _agrements(msu)["externe"]
    with pytest.raises(WorkflowError) as refused:
        services.open_review([agrement], staff.secretariat, Reexamination.Cause.OTHER, " ")
    assert refused.value.messages == ["Précisez le motif du réexamen dans le commentaire."]
    services.open_review([agrement], staff.secretariat, Reexamination.Cause.EVALUATIONS)
    with pytest.raises(WorkflowError) as refused:
        services.open_review([agrement], staff.secretariat, Reexamination.Cause.EVALUATIONS)
    assert "« En réexamen » : il ne peut être réexaminé" in str(refused.value)
    assert Application.objects.filter(kind=Application.Kind.REVIEW).count() == 1


# --- The outcome, per agrément ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "status", "event"),
    [
        (Outcome.CONFIRMED, Agrement.Status.IN_FORCE, "Agrément confirmé à l'issue du réexamen"),
        (
            Outcome.SHORTENED,
            Agrement.Status.IN_FORCE,
            "Durée de l'agrément réduite à l'issue du réexamen",
        ),
        (Outcome.SUSPENDED, Agrement.Status.SUSPENDED, "Agrément suspendu"),
        (Outcome.WITHDRAWN, Agrement.Status.WITHDRAWN, "Agrément retiré"),
    ],
)
def test_every_outcome_of_a_review(staff, msu, outcome, status, event):
    agrement = _agrements(msu)["niveau_1"]
    review = review_in_commission(staff, [agrement])
    until = {Outcome.SHORTENED: datetime.date(2027, 8, 31)}.get(outcome)
    decision = decide(review, agrement, staff.secretariat, outcome, until=until)
    fresh = _fresh(agrement)
    assert fresh.status == status
    assert decision.authority == "ars" and decision.outcome == outcome
    assert Application.objects.get(pk=review.pk).status == Status.DECIDED
    assert event in [e.label for e in selectors.agrement_timeline(fresh)]
    # Its letter is requested with the action and built by the document task.
    letter = GeneratedDocument.objects.get(decision=decision)
    assert documents.build(letter.pk, letter.requested_revision)
    letter.refresh_from_db()
    text = "".join(page.extract_text() for page in PdfReader(letter.file.open("rb")).pages)
    assert {
        Outcome.CONFIRMED: "est confirmé",
        Outcome.SHORTENED: "maintenu pour une durée réduite",
        Outcome.SUSPENDED: "est suspendu à compter du",
        Outcome.WITHDRAWN: "est retiré à compter du",
    }[outcome] in " ".join(text.split())
    # The doctor's decision e-mail names the outcome.
    note = Notification.objects.get(user=msu.user, kind="decision")
    assert str(decision.get_outcome_display()) in note.body_text
    if outcome == Outcome.SHORTENED:
        assert fresh.valid_until == until
        assert "31/08/2027" in note.body_text
    if outcome == Outcome.WITHDRAWN:
        assert fresh.withdrawn_on == TODAY()
        assert fresh.spans() == [(fresh.valid_from, TODAY() - datetime.timedelta(days=1))]
    if outcome == Outcome.SUSPENDED:
        assert fresh.suspensions.get().ends_on is None
        assert fresh.spans() == [(fresh.valid_from, TODAY() - datetime.timedelta(days=1))]


def test_outcome_dates_in_order(staff, msu):
    agrement = _agrements(msu)["niveau_1"]
    review = review_in_commission(staff, [agrement])
    cases = [
        (
            dict(outcome=Outcome.SHORTENED, until=datetime.date(2031, 1, 1)),
            "La nouvelle fin de validité doit précéder l'actuelle (le 31/12/2030).",
        ),
        (
            dict(outcome=Outcome.SHORTENED, until=TODAY() - datetime.timedelta(days=1)),
            "La nouvelle fin de validité ne peut précéder la décision.",
        ),
        (
            dict(
                outcome=Outcome.SUSPENDED,
                effective_on=TODAY() + datetime.timedelta(days=10),
                until=TODAY() + datetime.timedelta(days=5),
            ),
            "La fin de la suspension ne peut précéder son début.",
        ),
        (
            dict(outcome=Outcome.SUSPENDED, until=datetime.date(2030, 12, 31)),
            "La suspension ne peut durer jusqu'à la fin de validité de l'agrément (le "
            "31/12/2030) : c'est alors un retrait.",
        ),
        (
            dict(outcome=Outcome.WITHDRAWN, effective_on=TODAY() - datetime.timedelta(days=3)),
            "La date d'effet ne peut précéder la décision.",
        ),
        (
            dict(outcome=Outcome.CONFIRMED, decided_on=TODAY() + datetime.timedelta(days=1)),
            "La date de la décision ne peut pas être dans le futur.",
        ),
        (
            dict(outcome=Outcome.WITHDRAWN, reason=""),
            "Une décision qui réduit, suspend ou retire l'agrément doit être motivée.",
        ),
    ]
    for kwargs, message in cases:
        with pytest.raises(WorkflowError) as refused:
            decide(review, agrement, staff.secretariat, **kwargs)
        assert message in refused.value.messages, kwargs
    assert _fresh(agrement).status == Agrement.Status.UNDER_REVIEW
    assert not Decision.objects.filter(requested_level__application=review).exists()


def test_the_authority_s_role_is_checked(staff, msu):
    """The faculty admin records the UFR director's acts (externes), not the ARS's (internes)."""
    agrements = _agrements(msu)
    review = review_in_commission(staff, [agrements["externe"], agrements["niveau_1"]])
    with pytest.raises(WorkflowError) as refused:
        decide(review, agrements["niveau_1"], staff.admin, Outcome.SUSPENDED)
    assert refused.value.messages == [
        "L'agrément « Niveau 1 — stage chez le praticien (phase socle) » a été accordé par le "
        "directeur général de l'ars : ses actes sont enregistrés par le secrétariat du DUMG."
    ]
    assert _fresh(agrements["niveau_1"]).status == Agrement.Status.UNDER_REVIEW
    decision = decide(review, agrements["externe"], staff.admin, Outcome.CONFIRMED)
    assert decision.authority == "ufr"
    assert Application.objects.get(pk=review.pk).status == Status.IN_COMMISSION  # one to go
    # A visitor or a commission member records nothing.
    for by in (staff.visitor, staff.commission):
        with pytest.raises(WorkflowError):
            decide(review, agrements["niveau_1"], by, Outcome.CONFIRMED)
    decide(review, agrements["niveau_1"], staff.secretariat, Outcome.CONFIRMED)
    assert Application.objects.get(pk=review.pk).status == Status.DECIDED


def test_the_review_page_links_only_to_the_pages_its_reader_opens(client, staff, msu):
    agrement = _agrements(msu)["niveau_1"]
    review = services.open_review([agrement], staff.secretariat, Reexamination.Cause.ARS, "")
    review = advance(review, staff, Status.IN_COMMISSION, opinions=False)  # visited, on agenda
    session = review.agenda_items.get().session
    page_url = reverse("applications:detail", args=[review.pk])
    agrement_url = reverse("applications:agrement", args=[agrement.pk])
    session_url = reverse("applications:session", args=[session.pk])
    for user, opens in ((staff.visitor, False), (staff.secretariat, True)):
        client.force_login(user)
        page = client.get(page_url).content.decode()
        assert "Niveau 1 — stage chez le praticien" in page and "Inscrit à la" in page
        assert (f'href="{agrement_url}"' in page) is opens
        assert (f'href="{session_url}"' in page) is opens
        assert (client.get(agrement_url).status_code == 200) is opens
        assert (client.get(session_url).status_code == 200) is opens


def test_a_review_is_not_decided_as_a_first_request(staff, msu):
    agrement = _agrements(msu)["externe"]
    review = review_in_commission(staff, [agrement])
    with pytest.raises(WorkflowError):
        services.record_decision(
            review,
            review.requested_levels.get(),
            staff.secretariat,
            decided_on=TODAY(),
            reference="X",
            granted=True,
        )
    assert Agrement.objects.filter(doctor=msu).count() == 2


# --- Suspensions --------------------------------------------------------------------------------


def test_a_suspension_is_lifted_by_its_authority(staff, msu):
    agrement = _agrements(msu)["niveau_1"]
    review = review_in_commission(staff, [agrement])
    decide(review, agrement, staff.secretariat, Outcome.SUSPENDED)
    lift = dict(lifted_on=TODAY(), reference="ARS-LEVEE-1", reason="Nouveau local conforme.")
    with pytest.raises(WorkflowError) as refused:
        services.lift_suspension(agrement, staff.admin, **lift)  # an ARS act
    assert "secrétariat du DUMG" in str(refused.value)
    with pytest.raises(WorkflowError) as refused:
        services.lift_suspension(agrement, msu.user, **lift)
    with pytest.raises(WorkflowError) as refused:
        services.lift_suspension(
            agrement, staff.secretariat, **{**lift, "lifted_on": TODAY() - datetime.timedelta(1)}
        )
    assert refused.value.messages == [
        f"La levée ne peut précéder le début de la suspension (le {TODAY():%d/%m/%Y})."
    ]
    assert _fresh(agrement).status == Agrement.Status.SUSPENDED
    services.lift_suspension(agrement, staff.secretariat, **lift)
    fresh = _fresh(agrement)
    assert fresh.status == Agrement.Status.IN_FORCE
    assert fresh.spans() == [(fresh.valid_from, fresh.valid_until)]  # lifted the same day
    assert "Suspension de l'agrément levée" in [e.label for e in selectors.agrement_timeline(fresh)]
    assert Notification.objects.filter(user=msu.user, kind="suspension_lifted").exists()
    with pytest.raises(WorkflowError) as refused:
        services.lift_suspension(fresh, staff.secretariat, **lift)
    assert "n'est pas suspendu" in str(refused.value)


def test_the_lifting_of_a_suspension_gives_the_doctor_its_letter(client, staff, msu):
    agrement = _agrements(msu)["niveau_1"]
    review = review_in_commission(staff, [agrement])
    decide(review, agrement, staff.secretariat, Outcome.SUSPENDED)
    suspension = services.lift_suspension(
        agrement,
        staff.secretariat,
        lifted_on=TODAY(),
        reference="ARS-LEVEE-2",
        reason="Nouveau local conforme.",
    )
    page_url = reverse("applications:agrement", args=[agrement.pk])
    letter_url = reverse("applications:lift_letter", args=[agrement.pk, suspension.pk])
    client.force_login(msu.user)
    # Asked with the lifting, built by the document task: meanwhile the page says so.
    assert "Lettre de levée en cours de génération" in client.get(page_url).content.decode()
    assert client.get(letter_url).url == page_url
    letter = GeneratedDocument.objects.get(suspension=suspension)
    assert letter.get_kind_display() == "Lettre de levée de suspension"
    assert documents.build(letter.pk, letter.requested_revision)
    page = client.get(page_url).content.decode()
    assert "Lettre de levée de la suspension (PDF)" in page and letter_url in page
    assert "Aucun événement" not in page  # the history shows the review and the lifting
    response = client.get(letter_url)
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="levee-suspension-{agrement.application.reference}-niveau-1.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    text = " ".join("".join(page.extract_text() for page in pdf.pages).split())
    assert "Décision de levée de la suspension d'un agrément" in text
    assert "pour le niveau « Niveau 1" in text and f"est levée à compter du {TODAY():%-d}" in text
    assert "Nouveau local conforme." in text and "ARS-LEVEE-2" in text
    assert "Directeur général de l'ARS" in text
    # The doctor's e-mail says where the letter is; another doctor gets a 404.
    note = Notification.objects.get(user=msu.user, kind="suspension_lifted")
    assert "La lettre de levée de la suspension se télécharge" in note.body_text
    client.force_login(make_msu(staff.faculty).user)
    assert client.get(letter_url).status_code == 404


def test_the_agrement_page_says_its_status_in_one_badge(client, staff, msu):
    agrement = _agrements(msu)["niveau_1"]
    url = reverse("applications:agrement", args=[agrement.pk])

    def badge():
        client.force_login(msu.user)  # at the travelled time: a session of that day
        page = client.get(url).content.decode()
        return page.split('id="statut-agrement">', 1)[1].split("</p>", 1)[0]

    # The register's words: one badge, the same as its row there.
    assert badge().count("<span") == 1 and ">En cours</span>" in badge()
    # Nothing happened to it since its decision: said so under the history's heading.
    assert (
        '<p id="historique">Aucun événement pour le moment.</p>' in client.get(url).content.decode()
    )
    with time_machine.travel(datetime.datetime(2030, 9, 1, 10, tzinfo=datetime.UTC)):
        assert ">À renouveler</span>" in badge()
    with time_machine.travel(datetime.datetime(2031, 2, 1, 10, tzinfo=datetime.UTC)):
        assert ">Expiré</span>" in badge() and badge().count("<span") == 1
    decide(review_in_commission(staff, [agrement]), agrement, staff.secretariat, Outcome.SUSPENDED)
    assert ">Suspendu</span>" in badge() and badge().count("<span") == 1


def test_a_suspension_with_an_end_date_ends_by_itself(staff, msu):
    agrement = _agrements(msu)["externe"]
    review = review_in_commission(staff, [agrement])
    end = TODAY() + datetime.timedelta(days=30)
    decide(review, agrement, staff.admin, Outcome.SUSPENDED, until=end)  # a UFR act
    assert services.end_due_suspensions(today=end) == 0  # still suspended on its last day
    assert _fresh(agrement).status == Agrement.Status.SUSPENDED
    assert services.end_due_suspensions(today=end + datetime.timedelta(days=1)) == 1
    assert services.end_due_suspensions(today=end + datetime.timedelta(days=1)) == 0  # once
    fresh = _fresh(agrement)
    assert fresh.status == Agrement.Status.IN_FORCE
    assert fresh.spans() == [
        (fresh.valid_from, TODAY() - datetime.timedelta(days=1)),
        (end + datetime.timedelta(days=1), fresh.valid_until),
    ]
    labels = [e.label for e in selectors.agrement_timeline(fresh)]
    assert "Fin de la suspension de l'agrément" in labels


# --- Stage offers -------------------------------------------------------------------------------


def test_a_suspended_msu_no_longer_counts_for_offers(client, staff, msu):
    period = semester(staff.faculty, staff.admin)  # 1 Nov 2026 – 30 Apr 2027
    other = make_msu(staff.faculty)
    offer = stage_services.create_offer(period, staff.admin, "niveau_1", "Cabinet", team(msu))
    placement = stage_services.place_student(offer, staff.admin, student_input())
    agrement = _agrements(msu)["niveau_1"]
    review = review_in_commission(staff, [agrement])
    # Decided today, the day of the session (a fixed day here failed once the calendar passed it).
    decide(review, agrement, staff.secretariat, Outcome.SUSPENDED)
    client.force_login(staff.admin)
    # The admin's stages page flags it; the list names the member, why, and the placement.
    home = client.get(reverse("stages:admin_home")).content.decode()
    assert "1 terrain de stage touché par une suspension" in home
    page = client.get(reverse("stages:affected_offers")).content.decode()
    assert "Cabinet" in page and str(placement.student) in page
    assert f"Dr {msu} : son agrément « Niveau 1" in page
    since = TODAY().strftime("%d/%m/%Y")
    assert f"est suspendu depuis le {since}, jusqu&#x27;à sa levée." in page
    # The team form refuses the member and says why; another MSU resolves it.
    with pytest.raises(WorkflowError) as refused:
        stage_services.update_offer(offer, staff.admin, "Cabinet", team(msu), 1)
    assert any(f"Dr {msu} : son agrément" in m and "suspendu" in m for m in refused.value.messages)
    stage_services.update_offer(offer, staff.admin, "Cabinet", team(other), 1)
    client.force_login(staff.admin)
    page = client.get(reverse("stages:affected_offers")).content.decode()
    assert "Aucun terrain de stage à résoudre" in page


def test_a_withdrawn_msu_is_refused_on_a_new_team(staff, msu):
    period = semester(staff.faculty, staff.admin)
    agrement = _agrements(msu)["niveau_1"]
    review = review_in_commission(staff, [agrement])
    decide(review, agrement, staff.secretariat, Outcome.WITHDRAWN)
    with pytest.raises(WorkflowError) as refused:
        stage_services.create_offer(period, staff.admin, "niveau_1", "Cabinet", team(msu))
    assert refused.value.messages == [
        f"Dr {msu} : son agrément « Niveau 1 — stage chez le praticien (phase socle) » a été "
        f"retiré à compter du {TODAY():%d/%m/%Y}."
    ]


def test_the_affected_offers_page_keeps_its_queries(client, staff, django_assert_num_queries):
    period = semester(staff.faculty, staff.admin)
    client.force_login(staff.admin)

    def suspended_offer(index):
        doctor = make_msu(staff.faculty)
        offer = stage_services.create_offer(
            period, staff.admin, "niveau_1", f"Cabinet {index}", team(doctor)
        )
        stage_services.place_student(offer, staff.admin, student_input(number=f"2100{index}"))
        review = review_in_commission(staff, [_agrements(doctor)["niveau_1"]])
        decide(review, _agrements(doctor)["niveau_1"], staff.secretariat, Outcome.SUSPENDED)

    suspended_offer(1)
    client.get(reverse("stages:affected_offers"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("stages:affected_offers"))
    for index in (2, 3, 4):
        suspended_offer(index)
    with django_assert_num_queries(len(few)):
        response = client.get(reverse("stages:affected_offers"))
    assert response.content.decode().count("Modifier l'équipe") == 4


# --- The change of main site --------------------------------------------------------------------


def test_a_change_of_main_site_proposes_a_review(client, staff, msu):
    client.force_login(msu.user)
    response = client.post(
        reverse("applications:change_main_site"),
        {
            "kind": PracticeSite.Kind.MSP,
            "name": "MSP des Garrigues",
            "address": "3 rue des Oliviers",
            "postal_code": "34980",
            "commune": "Saint-Gély-du-Fesc",
            "zonage": "none",
            "since": TODAY().isoformat(),
        },
    )
    assert response.status_code == 302
    assert msu.main_site.name == "MSP des Garrigues"
    agrements = list(Agrement.objects.filter(doctor=msu))
    assert all(a.review_proposed_at for a in agrements)
    assert "MSP des Garrigues" in agrements[0].review_proposal
    event = Event.objects.get(action="main_site_changed")
    assert event.label == "Changement de lieu d'exercice principal déclaré (réexamen proposé)"
    # The secretariat is told and sees the proposal on its home page and the agrément's.
    assert Notification.objects.filter(user=staff.secretariat, kind="review_proposed").exists()
    client.force_login(staff.secretariat)
    assert "Réexamens proposés" in client.get(reverse("home")).content.decode()
    page = client.get(reverse("applications:open_review", args=[agrements[0].pk]))
    assert page.context["form"].initial["cause"] == Reexamination.Cause.SITE_CHANGE
    assert set(page.context["form"].initial["agrements"]) == {a.pk for a in agrements}
    # Opening the review clears the proposal.
    services.open_review(agrements, staff.secretariat, Reexamination.Cause.SITE_CHANGE)
    assert not Agrement.objects.filter(review_proposed_at__isnull=False).exists()
    assert "Réexamens proposés" not in client.get(reverse("home")).content.decode()


def test_without_agrement_in_force_the_sites_are_declared_in_the_candidature(client, staff):
    """The page speaks of the agréments it proposes for review; without one it rewrote the main
    site of a dossier under instruction, unseen by its secretariat."""
    doctor = make_msu(
        staff.faculty, valid_from=datetime.date(2018, 1, 1), valid_until=datetime.date(2022, 1, 1)
    )
    main = doctor.main_site
    site = PracticeSite(kind="group", address="1 place", postal_code="34000", commune="Lattes")
    with pytest.raises(services.WorkflowError) as excinfo:
        services.change_main_site(doctor, doctor.user, site, TODAY())
    assert "Sans agrément en vigueur" in str(excinfo.value)
    client.force_login(doctor.user)
    response = client.get(reverse("applications:change_main_site"), follow=True)
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "vos lieux d&#x27;exercice se déclarent dans votre dossier" in response.content.decode()
    assert client.post(reverse("applications:change_main_site"), {"kind": "msp"}).status_code == 302
    assert list(PracticeSite.objects.filter(doctor=doctor)) == [main]
    assert not Notification.objects.filter(kind="review_proposed").exists()


def test_a_doctor_whose_agrements_are_under_review_still_declares_a_new_site(client, staff, msu):
    """The home page offers the link while an agrément counts (in force or under review): the
    page it leads to must not send him back."""
    review_in_commission(staff, list(Agrement.objects.filter(doctor=msu)))
    client.force_login(msu.user)
    assert reverse("applications:change_main_site") in client.get(reverse("home")).content.decode()
    assert client.get(reverse("applications:change_main_site")).status_code == 200


def test_a_change_of_main_site_is_in_the_history_of_the_dossier_under_instruction(staff, msu):
    renewal = ApplicationFactory(doctor=msu, levels=["externe"])
    attach_required_pieces(renewal)
    services.submit(renewal, msu.user)
    site = PracticeSite(kind="group", address="1 place", postal_code="34000", commune="Lattes")
    services.change_main_site(msu, msu.user, site, TODAY())
    assert renewal.events.filter(action="main_site_changed").exists()


# --- Who reaches the pages without an id --------------------------------------------------------


def test_the_change_of_site_page_is_the_doctor_s_and_the_affected_offers_the_admin_s(
    client, staff, msu
):
    for url in (reverse("applications:change_main_site"), reverse("stages:affected_offers")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    for user in (staff.secretariat, staff.admin, staff.visitor):
        client.force_login(user)
        assert client.get(reverse("applications:change_main_site")).status_code == 403
        assert client.post(reverse("applications:change_main_site"), {}).status_code == 403
    for user in (staff.secretariat, staff.visitor, msu.user):
        client.force_login(user)
        assert client.get(reverse("stages:affected_offers")).status_code == 403
    client.force_login(msu.user)
    assert client.get(reverse("applications:change_main_site")).status_code == 200
    response = client.post(reverse("applications:change_main_site"), {"kind": "msp"})
    assert response.status_code == 400
    assert "Indiquez depuis quand vous y exercez." in response.content.decode()
    assert PracticeSite.objects.filter(doctor=msu).count() == 1  # nothing saved


def test_the_doctor_sees_the_new_end_date_and_the_status(client, staff, msu):
    agrement = _agrements(msu)["niveau_1"]
    review = review_in_commission(staff, [agrement])
    client.force_login(msu.user)
    home = client.get(reverse("home")).content.decode()
    assert "En réexamen" in home
    assert "La commission examine votre agrément ; la décision suivra." in home
    decide(review, agrement, staff.secretariat, Outcome.SHORTENED, until=datetime.date(2028, 2, 29))
    home = client.get(reverse("home")).content.decode()
    assert "du 01/01/2020 au 29/02/2028" in home
    page = client.get(reverse("applications:agrement", args=[agrement.pk])).content.decode()
    assert "du 01/01/2020 au 29/02/2028" in page
    assert "Durée de l&#x27;agrément réduite" in page or "Durée de l'agrément réduite" in page


def test_a_review_keeps_to_its_own_table(staff, msu):
    """No complements, no submission, no admissibility: the secretariat's review goes to the
    visit or straight to commission."""
    review = services.open_review([_agrements(msu)["externe"]], staff.secretariat, "evaluations")
    for act in (
        lambda: services.request_complements(
            review, staff.secretariat, "Pièce ?", TODAY() + datetime.timedelta(days=9), ["profil"]
        ),
        lambda: services.declare_admissible(review, staff.secretariat),
        lambda: services.submit(review, msu.user),
    ):
        with pytest.raises(WorkflowError):
            act()
    assert Application.objects.get(pk=review.pk).status == Status.ADMISSIBLE


def test_the_register_shows_each_agrement_s_status(client, staff, msu):
    agrements = _agrements(msu)
    review = review_in_commission(staff, [agrements["niveau_1"]])
    decide(review, agrements["niveau_1"], staff.secretariat, Outcome.SUSPENDED)
    client.force_login(staff.admin)
    url = reverse("reports:agrements") + f"?faculte={staff.faculty.pk}"
    rows = client.get(url).content.decode().split('id="registre"')[1]
    assert "Suspendu" in rows and "En cours" in rows
    suspended = client.get(url + "&statut=suspendu").content.decode()
    assert suspended.count(reverse("applications:agrement", args=[agrements["niveau_1"].pk])) == 1
    assert reverse("applications:agrement", args=[agrements["externe"].pk]) not in suspended
