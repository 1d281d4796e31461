"""A commission session of the demo in Chromium, on the day it meets: the secretariat puts one
more dossier on its agenda from the queue; two members give different opinions (each sees the
others' only after giving theirs); the president records the commission's opinion with the
vote count computed from them; the secretariat takes the attendance, closes the session,
downloads the minutes and the transmission to the ARS, and records every decision in one
form; each doctor gets one e-mail and their decision letters.

Every step is a click in the browser; the ORM only finds the demo session and reads the mail
outbox and the final state."""

import csv
import datetime
import io
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from applications.models import Agrement, CommissionSession, Decision

from .test_instruction_path import login, logout, tick

pytestmark = pytest.mark.django_db(transaction=True)

NIVEAU_1 = "Niveau 1 — stage chez le praticien (phase socle)"
EXTERNE = "2e cycle (externes)"
SASPAS = "SASPAS (niveau 2)"


def pdf_text(download):
    reader = PdfReader(download.path())
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def level_form(main, dossier, button_name):
    """The form of one level of one dossier, and its button (page.get_by_role: a `has`
    locator is looked up inside each form)."""
    button = main.page.get_by_role("button", name=button_name)
    form = main.locator(f"#dossier-{dossier} form").filter(has=button)
    return form, form.get_by_role("button", name=button_name)


def test_a_session_from_the_members_opinions_to_the_doctors_letters(page, live_server):
    call_command("load_demo", verbosity=0)
    mail.outbox.clear()  # the demo's own decisions
    session = CommissionSession.objects.get(closed_at__isnull=True, place="Salle du conseil")
    items = {i.application.doctor.user.last_name: i.application for i in session.items.all()}
    camille, jules = items["Perrin"], items["Mercier"]
    main = page.get_by_role("main")
    url = live_server.url
    session_url = f"{url}/dossiers/commission/{session.pk}/"

    # The day of the meeting, an hour after it started.
    with time_machine.travel(session.meets_at + datetime.timedelta(hours=1), tick=True):
        page.goto(url + "/")

        # 1. The secretariat ticks Théo Chevalier's dossier in "Prêts pour la commission" and
        # puts it on the session's agenda.
        login(page, "secretariat@example.org")
        page.goto(url + "/dossiers/instruction/?onglet=commission")
        row = main.locator("#file tbody tr").filter(has_text="Chevalier")
        row.locator("label").click()
        page.select_option("#id_session", label=str(session))
        main.get_by_role("button", name="Inscrire à l'ordre du jour").click()
        main.get_by_text("1 dossier inscrit à l'ordre du jour").wait_for()
        theo = re.search(
            r"MSU-\d{4}-\d{5}",
            main.locator("section")
            .filter(has_text="Théo Chevalier")
            .first.locator("h3")
            .inner_text(),
        )[0]
        logout(page)

        # 2. Agathe Vasseur does not see Marc Lefèvre's opinion before giving hers.
        login(page, "agathe.vasseur@example.org")
        page.goto(session_url)
        dossier = main.locator(f"#dossier-{camille.pk}")
        expect(dossier).not_to_contain_text("Marc Lefèvre : Favorable")
        expect(dossier).to_contain_text("Les avis des autres membres s'affichent une fois le vôtre")
        form, button = level_form(main, camille.pk, f"Enregistrer mon avis sur « {NIVEAU_1} »")
        tick(form, "Favorable")
        button.click()
        main.get_by_text(f"Avis enregistré : {camille.reference}, {NIVEAU_1}.").wait_for()
        expect(main.locator(f"#dossier-{camille.pk}")).to_contain_text("Marc Lefèvre : Favorable")
        logout(page)

        # 3. Paul Commissaire, who presides, disagrees on Camille Perrin's niveau 1; then he
        # records the commission's opinion on every level, the vote count prefilled.
        login(page, "commission@example.org")
        page.goto(session_url)
        form, button = level_form(main, camille.pk, f"Enregistrer mon avis sur « {NIVEAU_1} »")
        tick(form, "Défavorable")
        form.get_by_label("Motif").fill("Temps de supervision trop court pour un interne.")
        button.click()
        main.get_by_text(f"Avis enregistré : {camille.reference}, {NIVEAU_1}.").wait_for()

        name = f"Enregistrer l'avis de la commission sur « {NIVEAU_1} »"
        form, button = level_form(main, camille.pk, name)
        expect(form.get_by_label("Voix pour")).to_have_value("2")  # Marc, Agathe
        expect(form.get_by_label("Voix contre")).to_have_value("1")  # Paul
        expect(form.get_by_label("Abstentions")).to_have_value("0")
        tick(form, "Favorable")
        button.click()
        main.get_by_text(
            f"Avis de la commission enregistré : {camille.reference}, {NIVEAU_1} — favorable "
            "(2 pour, 1 contre, 0 abstention)."
        ).wait_for()
        for app_pk, reference, level in [
            (jules.pk, jules.reference, EXTERNE),
            (jules.pk, jules.reference, NIVEAU_1),
        ]:
            form, button = level_form(
                main, app_pk, f"Enregistrer l'avis de la commission sur « {level} »"
            )
            expect(form.get_by_label("Voix pour")).to_have_value("1")  # Marc's, in the demo
            tick(form, "Favorable")
            button.click()
            main.get_by_text(f"Avis de la commission enregistré : {reference}, {level}").wait_for()
        theo_pk = int(main.get_by_role("link", name=theo).get_attribute("href").split("/")[2])
        for level in [EXTERNE, SASPAS]:
            # No member gave an opinion on the dossier added today: the count is typed.
            form, button = level_form(
                main, theo_pk, f"Enregistrer l'avis de la commission sur « {level} »"
            )
            tick(form, "Favorable")
            form.get_by_label("Voix pour").fill("3")
            button.click()
            main.get_by_text(f"Avis de la commission enregistré : {theo}, {level}").wait_for()
        logout(page)

        # 4. The secretariat takes the attendance and closes the session.
        login(page, "secretariat@example.org")
        page.goto(session_url)
        for member in ["Paul Commissaire", "Agathe Vasseur", "Marc Lefèvre"]:
            main.locator("#presence tr").filter(has_text=member).locator("label").filter(
                has_text="Présent"
            ).click()
        main.get_by_role("button", name="Enregistrer la présence").click()
        main.get_by_text("Présence enregistrée.").wait_for()
        expect(main.locator("#presence")).to_contain_text("Quorum atteint")
        main.get_by_role("button", name="Clore la séance et arrêter les avis").click()
        main.get_by_role("button", name="Clore la séance", exact=True).click()
        main.get_by_text("Séance close : les avis sont arrêtés").wait_for()

        # 5. The minutes: attendance, quorum, the commission's opinion with its vote count,
        # no member's own opinion.
        with page.expect_download() as info:
            main.locator("#minutes-pdf").click()
        minutes = pdf_text(info.value)
        assert "Procès-verbal" in minutes
        assert "Présents Paul Commissaire, Marc Lefèvre, Agathe Vasseur" in minutes
        assert "3 membres présents sur 3 ; quorum : 2 — atteint" in minutes
        assert "2 pour, 1 contre, 0 abstention" in minutes
        assert "Temps de supervision trop court" not in minutes  # Paul's own reason
        assert "Marc Lefèvre : Favorable" not in minutes

        # 6. The transmission to the ARS: the internes' levels, as a letter and a spreadsheet.
        with page.expect_download() as info:
            main.locator("#transmission-ars-pdf").click()
        letter = pdf_text(info.value)
        assert "Propositions d'agrément des maîtres de stage des universités (internes)" in letter
        for doctor in ("PERRIN", "MERCIER", "CHEVALIER"):  # a list sorted by surname
            assert doctor in letter
        assert EXTERNE not in letter  # the externes go to the UFR director
        with page.expect_download() as info:
            main.locator("#transmissions").get_by_role("link", name="CSV").first.click()
        content = open(info.value.path(), encoding="utf-8-sig").read()
        lines = list(csv.reader(io.StringIO(content), delimiter=";"))
        assert [line[0] for line in lines[1:-1]] == ["Chevalier", "Mercier", "Perrin"]

        # 7. Every decision of the session in one form, prefilled from the opinions.
        main.get_by_role("link", name="Enregistrer les décisions de la séance").click()
        rows = main.locator("#decisions-seance tbody tr")
        expect(rows).to_have_count(5)
        today = datetime.date.today()
        page.fill("#id_decided_on", today.isoformat())
        page.fill("#id_reference", "ARR-ARS-UFR-2026-0612")
        main.get_by_role("button", name="Enregistrer toutes les décisions").click()
        main.get_by_text("5 décisions enregistrées").wait_for()
        expect(main.locator("#decisions-enregistrees li")).to_have_count(5)
        logout(page)

        # 8. Each doctor got one e-mail, and finds their letters on their dossier.
        decided = [m for m in mail.outbox if m.subject.startswith("Décision sur votre dossier")]
        assert (
            sorted(m.to[0] for m in decided)
            == sorted(a.doctor.user.email for a in (camille, jules))
            + ["theo.chevalier@example.org"]
            or len(decided) == 3
        )
        login(page, camille.doctor.user.email)
        page.goto(f"{url}/dossiers/{camille.pk}/")
        with page.expect_download() as info:
            main.locator("#decisions a.decision-letter").first.click()
        assert "ARR-ARS-UFR-2026-0612" in pdf_text(info.value)
        expect(main).not_to_contain_text("Marc Lefèvre")
        expect(main).not_to_contain_text("Agathe Vasseur")

    assert Decision.objects.filter(reference="ARR-ARS-UFR-2026-0612").count() == 5
    assert Agrement.objects.filter(reference="ARR-ARS-UFR-2026-0612").count() == 5
