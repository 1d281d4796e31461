"""The review of an agrément in Chromium: the MSU declares a new main practice site, the
secretariat finds the review proposed, opens it from the agrément's page and puts it on the
commission's agenda; once the commission has given its opinion, the secretariat records that
the agrément is kept for a shorter time, and the MSU finds the new end date on their home page
and on the agrément's page. A suspended agrément: the secretariat records the act lifting it,
and the MSU downloads the letter from the agrément's page.

The browser signs in with a session made by the test client (the second factor passed, as in
the other tests); the commission's opinion is given through the services (its pages have their
own browser test), every other step is a click."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import FacultySettings
from applications import services
from applications.models import Agrement, Application, Decision, MemberOpinion
from tests.stages_helpers import make_msu
from tests.workflow_helpers import (
    close_meeting,
    conclude,
    decide_review,
    make_staff,
    past_session,
    review_in_commission,
)

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(live_server.url + "/")


def test_a_change_of_site_leads_to_a_shorter_agrement(page, live_server):
    staff = make_staff()
    FacultySettings.objects.create(faculty=staff.faculty)
    msu = make_msu(staff.faculty, levels=("niveau_1",))
    agrement = Agrement.objects.get(doctor=msu)
    main = page.get_by_role("main")
    today = timezone.localdate()
    new_end = datetime.date(today.year + 1, 10, 31)

    # 1. The MSU declares their new main site from their home page.
    sign_in(page, live_server, msu.user)
    expect(main.locator("#mes-agrements")).to_contain_text("du 01/01/2020 au 31/12/2030")
    main.get_by_role("link", name="Déclarer un changement de lieu d'exercice principal").click()
    main.get_by_label("Type de lieu").select_option("msp")
    main.get_by_label("Nom du cabinet ou de la structure").fill("MSP des Garrigues")
    main.get_by_label("Adresse").fill("3 rue des Oliviers")
    main.get_by_label("Code postal").fill("34980")
    main.get_by_label("Commune").fill("Saint-Gély-du-Fesc")
    main.get_by_label("J'y exerce depuis le").fill(today.isoformat())
    main.get_by_role("button", name="Déclarer ce nouveau lieu principal").click()
    expect(page.get_by_text("Le DUMG en est informé")).to_be_visible()

    # 2. The secretariat finds the proposal and opens the review from the agrément's page.
    sign_in(page, live_server, staff.secretariat)
    proposals = main.locator("#reexamens-proposes")
    expect(proposals).to_contain_text("MSP des Garrigues")
    proposals.get_by_role("link", name=f"Dr {msu}").click()
    expect(main.locator("#reexamen-propose")).to_contain_text("MSP des Garrigues")
    main.get_by_role("link", name="Ouvrir un réexamen").click()
    expect(main.get_by_label("Changement de lieu d'exercice")).to_be_checked()
    main.get_by_label("Commentaire (envoyé au médecin)").fill("Nouveau lieu de stage à évaluer.")
    main.get_by_role("button", name="Ouvrir le réexamen").click()
    expect(page.locator("#etat-dossier")).to_have_text("Recevable", use_inner_text=False)
    expect(main.locator("#reexamen")).to_contain_text("Changement de lieu d'exercice")
    review = Application.objects.get(kind=Application.Kind.REVIEW)

    # 3. On the agenda of the session that met this morning, without a visit.
    session = past_session(staff)
    page.reload()
    main.get_by_role("button", name="Inscrire à l'ordre du jour de la commission").click()
    expect(page.locator("#etat-dossier")).to_have_text("En commission", use_inner_text=False)
    for level in review.requested_levels.all():
        services.give_opinion(
            session, level, staff.commission, MemberOpinion.Opinion.FAVOURABLE, "Durée réduite."
        )
    conclude(session, review, staff.secretariat, reason="Maintien pour une durée réduite.")
    close_meeting(session, staff.secretariat)

    # 4. The ARS keeps the agrément for a shorter time; the secretariat records it.
    page.reload()
    main.get_by_role("link", name="Enregistrer les décisions").click()
    main.locator("label").filter(has_text="Agrément maintenu pour une durée réduite").click()
    main.get_by_label("Date de la décision").fill(today.isoformat())
    main.get_by_label("Référence de l'arrêté ou de la décision").fill("ARS-2026-REEX-4")
    main.get_by_label("Jusqu'au").fill(new_end.isoformat())
    main.get_by_label("Motif").fill("Nouveau lieu à réévaluer au terme de l'année.")
    main.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("#etat-dossier")).to_have_text("Décidé", use_inner_text=False)

    # 5. The MSU sees the new end date on the home page and on the agrément's page.
    sign_in(page, live_server, msu.user)
    end = f"{new_end:%d/%m/%Y}"
    expect(main.locator("#mes-agrements")).to_contain_text(f"du 01/01/2020 au {end}")
    main.locator("#mes-agrements").get_by_role("link").first.click()
    expect(main.locator("#validite")).to_have_text(f"du 01/01/2020 au {end}")
    expect(main.locator("#historique")).to_contain_text("Durée de l'agrément réduite")
    assert Agrement.objects.get(pk=agrement.pk).valid_until == new_end


def test_the_lifting_of_a_suspension_and_its_letter(page, live_server):
    staff = make_staff()
    msu = make_msu(staff.faculty, levels=("niveau_1",))
    agrement = Agrement.objects.get(doctor=msu)
    decide_review(
        review_in_commission(staff, [agrement]),
        agrement,
        staff.secretariat,
        Decision.Outcome.SUSPENDED,
    )
    main = page.get_by_role("main")

    # 1. The secretariat records the ARS's act from the agrément's page.
    sign_in(page, live_server, staff.secretariat)
    page.goto(f"{live_server.url}/dossiers/agrements/{agrement.pk}/")
    expect(main.locator("#statut-agrement")).to_contain_text("Suspendu")
    main.get_by_role("link", name="Lever la suspension").click()
    main.get_by_label("Référence de l'acte").fill("ARS-2026-LEVEE-3")
    main.get_by_label("Motif").fill("Locaux remis en conformité.")
    main.get_by_role("button", name="Lever la suspension").click()
    expect(page.get_by_text("Suspension levée ; le médecin est prévenu.")).to_be_visible()
    expect(main.locator("#statut-agrement")).to_contain_text("En cours")

    # 2. The MSU downloads the letter of the lifting (built by the task on commit).
    sign_in(page, live_server, msu.user)
    page.goto(f"{live_server.url}/dossiers/agrements/{agrement.pk}/")
    expect(main.locator("#suspensions")).to_contain_text("levée à compter du")
    with page.expect_download() as info:
        main.get_by_role("link", name="Lettre de levée de la suspension (PDF)").click()
    reader = PdfReader(info.value.path())
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Décision de levée de la suspension d'un agrément" in text
    assert "ARS-2026-LEVEE-3" in text and "Locaux remis en conformité." in text
