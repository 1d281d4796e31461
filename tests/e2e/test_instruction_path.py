"""The whole instruction path in Chromium, each actor signing in through the login page: the
demo doctor submits, the secretariat asks for a new CV, the doctor sends it, the secretariat
declares the dossier admissible and schedules the visit, the visitor reports, the commission
member gives an opinion per level, the secretariat closes the session and records the two
decisions, and the doctor finds two agréments on the home page.

Every step is a click in the browser; the ORM only reads the mail outbox and the final state."""

import datetime
import re
import time

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.two_factor import DEMO_TOTP_KEY
from applications.models import Agrement, Application
from tests.files import pdf_bytes
from tests.two_factor_helpers import totp_code

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "demo-msu-2026"
DOCTOR = "medecin@example.org"
SECRETARIAT = "secretariat@example.org"
VISITOR = "visiteur@example.org"
MEMBER = "commission@example.org"
EXTERNE = "2e cycle (externes)"
NIVEAU_1 = "Niveau 1 — stage chez le praticien (phase socle)"
DOCTOR_NAME = "Élise Morel"


def pdf_file(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes(name)}


def login(page, email):
    """Sign in from the header's link, on whichever public page the browser shows; staff then
    type the code of their authenticator app, computed here from the documented demo secret."""
    page.get_by_role("banner").get_by_role("link", name="Se connecter").click()
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    code_page = page.get_by_role("heading", name="Code de vérification")
    signed_in = page.locator("#utilisateur-connecte")
    expect(code_page.or_(signed_in).first).to_be_visible()
    if code_page.is_visible():
        page.get_by_label("Code de vérification").fill(next_demo_code(email))
        page.get_by_role("main").get_by_role("button", name="Valider").click()
        signed_in.wait_for()
        expect(page.get_by_role("heading", name="Code de vérification")).to_have_count(0)


def next_demo_code(email):
    """A code the app would show and the portal has not seen yet: each code is accepted once,
    and an actor may sign in twice within the same 30 seconds."""
    device = TOTPDevice.objects.get(user__email=email, confirmed=True)
    assert device.key == DEMO_TOTP_KEY
    while True:
        now = int(time.time()) // device.step
        if device.last_t < now + 1:  # the portal accepts the next step too (tolerance 1)
            step = max(now, device.last_t + 1)
            return totp_code(at=step * device.step)
        time.sleep(1)


def logout(page):
    page.get_by_role("banner").get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("banner").get_by_role("link", name="Se connecter").wait_for()


def tick(scope, label):
    """Click the label of a DSFR checkbox or radio (the box itself is visually hidden)."""
    exact = re.compile(rf"^\s*{re.escape(label)}\s*$")
    scope.locator("label").filter(has_text=exact).click()


def expect_status(page, label):
    # text_content: the DSFR shows badges in capitals.
    expect(page.locator("#etat-dossier")).to_have_text(label, use_inner_text=False)


def five_years_less_a_day(start):
    try:
        end = start.replace(year=start.year + 5)
    except ValueError:  # 29 February
        end = datetime.date(start.year + 5, 2, 28)
    return end - datetime.timedelta(days=1)


def downloaded_pdf(page, link):
    """Click a download link; the text of the PDF received."""
    with page.expect_download() as info:
        link.click()
    reader = PdfReader(info.value.path())
    return " ".join(page_.extract_text() for page_ in reader.pages)


def test_a_dossier_goes_from_submission_to_two_agrements(page, live_server):
    call_command("load_demo", verbosity=0)
    main = page.get_by_role("main")  # the header's menu repeats some of the page's links
    today = timezone.localdate()
    visit_day = today + datetime.timedelta(days=10)
    page.goto(live_server.url + "/")

    # 1. The demo doctor resumes the draft, uploads the pieces, commits and submits.
    login(page, DOCTOR)
    main.get_by_role("link", name="Reprendre le brouillon").click()
    main.get_by_text("Étape 4 sur 6").wait_for()
    for piece in ["cv", "no_conviction", "insurance", "training"]:
        page.set_input_files(f"#id_{piece}", pdf_file(f"{piece}.pdf"))
    main.get_by_role("button", name="Enregistrer et continuer").click()
    main.get_by_text("Étape 5 sur 6").wait_for()
    for name in ["commit_training", "commit_charter", "commit_insurer", "certify_accuracy"]:
        page.click(f"label[for=id_{name}]")
    main.get_by_role("button", name="Enregistrer et continuer").click()
    main.get_by_text("Votre dossier est complet.").wait_for()
    main.get_by_role("button", name="Transmettre mon dossier").click()
    main.get_by_text("Votre dossier a été transmis").wait_for()
    expect_status(page, "Transmis")
    pk = int(re.search(r"/dossiers/(\d+)/$", page.url)[1])
    reference = re.search(r"Dossier (\S+)", main.get_by_role("heading", level=1).inner_text())[1]
    dossier_url = f"{live_server.url}/dossiers/{pk}/"
    # The dossier PDF (summary + pieces) was built on submission; the doctor downloads it.
    pdf = downloaded_pdf(page, main.locator("#dossier-pdf-link"))
    assert reference in pdf and "Curriculum vitae" in pdf
    logout(page)

    # 2. The secretariat finds it under "À vérifier" and asks for a new CV.
    login(page, SECRETARIAT)
    page.goto(live_server.url + "/dossiers/instruction/")
    main.get_by_role("link", name=re.compile(r"^À vérifier")).click()
    main.locator("#file tbody tr").filter(has_text=reference).get_by_role(
        "link", name=reference
    ).click()
    main.get_by_role("link", name="Demander des compléments").click()
    tick(main, "Pièce : Curriculum vitae")
    page.fill("#id_message", "Votre CV n'est pas daté : merci d'en déposer une version à jour.")
    due = today + datetime.timedelta(days=30)  # the default, kept
    expect(page.locator("#id_due_date")).to_have_value(due.isoformat())
    main.get_by_role("button", name="Envoyer la demande au médecin").click()
    main.get_by_text("Demande de compléments envoyée au médecin.").wait_for()
    expect_status(page, "Compléments demandés")
    logout(page)

    # 3. The doctor reads the request, replaces the CV and transmits again; the profile, which
    # was not asked for, stays closed.
    login(page, DOCTOR)
    page.goto(dossier_url)
    request = main.locator("#complements")
    expect(request).to_contain_text(f"à fournir avant le {due:%d/%m/%Y}")
    expect(request).to_contain_text("Votre CV n'est pas daté")
    expect(request.get_by_role("link", name="Pièce : Curriculum vitae")).to_be_visible()
    request.get_by_role("link", name="Corriger le dossier").click()
    main.get_by_text("Étape 4 sur 6").wait_for()
    expect(page.locator("#id_insurance")).to_have_count(0)  # only the CV may change
    page.set_input_files("#id_cv", pdf_file("cv-date-2026.pdf"))
    main.get_by_role("button", name="Enregistrer et continuer").click()
    main.get_by_text("Étape 6 sur 6").wait_for()
    main.get_by_text("Votre dossier est complet.").wait_for()

    page.goto(f"{dossier_url}etape/profil/")
    expect(page).to_have_url(dossier_url)
    not_asked = (
        "Le secrétariat n'a pas demandé de modifier « Votre profil » : cette partie reste "
        "telle que vous l'avez transmise."
    )
    expect(main.get_by_role("status").filter(has_text=not_asked)).to_be_visible()
    main.locator("#complements").get_by_role("link", name="Transmettre les compléments").click()
    main.get_by_role("button", name="Transmettre mon dossier").click()
    main.get_by_text("Votre dossier a été transmis").wait_for()
    expect_status(page, "Transmis")
    logout(page)

    # 4. The secretariat sees what changed, declares the dossier admissible and schedules the
    # visit with Victor Visiteur.
    login(page, SECRETARIAT)
    page.goto(dossier_url)
    answered = main.locator("#complements")
    expect(answered).to_contain_text("Ce qui a changé depuis la demande")
    expect(answered.locator("ul.changes")).to_contain_text("cv-date-2026.pdf")
    main.get_by_role("button", name="Déclarer le dossier recevable").click()
    main.get_by_text("Dossier déclaré recevable : programmez la visite.").wait_for()
    expect_status(page, "Recevable")
    main.get_by_role("link", name="Programmer la visite").click()
    page.fill("#id_scheduled_for", f"{visit_day.isoformat()}T10:30")
    tick(main, "Victor Visiteur")
    main.get_by_role("button", name="Programmer la visite").click()
    main.get_by_text("Visite programmée ;").wait_for()
    expect_status(page, "Visite programmée")
    logout(page)

    # 5. The doctor has been told the date by e-mail.
    to_doctor = [m for m in mail.outbox if m.to == [DOCTOR] and "Visite" in m.subject]
    assert [m.subject for m in to_doctor] == [
        f"Visite de votre lieu de stage le {visit_day:%d/%m/%Y}"
    ]
    assert f"La visite de votre lieu de stage aura lieu le {visit_day:%d/%m/%Y} à 10:30" in (
        to_doctor[0].body
    )
    assert reference in to_doctor[0].body

    # 6. On the day of the visit, the visitor finds it and writes a favourable report (a
    # report is never recorded before its visit).
    with time_machine.travel(
        timezone.make_aware(datetime.datetime.combine(visit_day, datetime.time(12))), tick=True
    ):
        login(page, VISITOR)
        main.get_by_role("link", name="Mes visites").click()
        row = main.locator("tr").filter(has_text=reference)
        expect(row).to_contain_text(f"{visit_day:%d/%m/%Y} 10:30")
        row.get_by_role("link", name="Rédiger le rapport").click()
        for label in [
            "Confidentialité des consultations assurée",
            "Sécurité des locaux",
            "Une pièce disponible pour l'étudiant",
            "Un poste informatique pour l'étudiant",
        ]:
            tick(main, label)
        page.fill("#id_report", "Cabinet de groupe bien équipé ; bureau dédié à l'étudiant.")
        tick(main, "Favorable")
        main.get_by_role("button", name="Enregistrer le rapport").click()
        main.get_by_text("Rapport de visite enregistré. Merci.").wait_for()
        logout(page)

    # 7. The secretariat creates a session with Paul Commissaire, who presides it, and puts
    # the dossier on it (other demo dossiers are ready too). It met an hour ago.
    login(page, SECRETARIAT)
    page.goto(live_server.url + "/dossiers/commission/nouvelle/")
    meets_at = timezone.localtime() - datetime.timedelta(hours=1)
    page.fill("#id_meets_at", f"{meets_at:%Y-%m-%dT%H:%M}")
    page.fill("#id_place", "Salle des actes")
    tick(main, "Paul Commissaire")
    page.select_option("#id_president", label="Paul Commissaire")
    main.get_by_role("button", name="Créer la séance").click()
    main.get_by_text("Séance créée").wait_for()
    session_path = page.url.removeprefix(live_server.url)
    tick(main.locator("#prets"), f"{reference} — Dr {DOCTOR_NAME}")
    main.locator("#prets").get_by_role("button", name="Inscrire à l'ordre du jour").click()
    main.get_by_text(f"Dossier {reference} inscrit à l'ordre du jour.").wait_for()
    logout(page)

    # 8. The member gives a favourable opinion on each level and, presiding, records the
    # commission's (one vote for); the secretariat takes the attendance, closes the session
    # and reads the minutes.
    login(page, MEMBER)
    main.locator(f"a[href='{session_path}']").click()
    for level in [EXTERNE, NIVEAU_1]:
        button = page.get_by_role("button", name=f"Enregistrer mon avis sur « {level} »")
        form = main.locator(f"#dossier-{pk} form").filter(has=button)
        tick(form, "Favorable")
        button.click()
        main.get_by_text(f"Avis enregistré : {reference}, {level}.").wait_for()
        name = f"Enregistrer l'avis de la commission sur « {level} »"
        button = page.get_by_role("button", name=name)
        form = main.locator(f"#dossier-{pk} form").filter(has=button)
        expect(form.get_by_label("Voix pour")).to_have_value("1")
        tick(form, "Favorable")
        button.click()
        main.get_by_text(f"Avis de la commission enregistré : {reference}, {level}").wait_for()
    logout(page)

    login(page, SECRETARIAT)
    page.goto(live_server.url + session_path)
    # Each radio's label also names the member, for screen readers.
    main.locator("#presence tr").filter(has_text="Paul Commissaire").locator("label").filter(
        has_text="Présent"
    ).click()
    main.get_by_role("button", name="Enregistrer la présence").click()
    main.get_by_text("Présence enregistrée.").wait_for()
    main.get_by_role("button", name="Clore la séance et arrêter les avis").click()
    main.get_by_role("button", name="Clore la séance", exact=True).click()
    main.get_by_text("Séance close : les avis sont arrêtés").wait_for()
    expect(main.locator("#minutes-pdf")).to_have_text("Procès-verbal (PDF)")
    main.get_by_role("link", name="Procès-verbal", exact=True).click()
    rows = main.locator("tbody tr").filter(has_text=reference)
    expect(rows).to_have_count(2)
    for i, level in enumerate([EXTERNE, NIVEAU_1]):
        expect(rows.nth(i).locator("td").nth(2)).to_have_text(level)
        expect(rows.nth(i).locator("td").nth(3)).to_have_text("Favorable")
        expect(rows.nth(i).locator("td").nth(4)).to_have_text("1 pour, 0 contre, 0 abstention")

    # 9. The secretariat records the UFR director's decision, then the ARS's.
    page.goto(dossier_url)
    main.get_by_role("link", name="Enregistrer les décisions").click()
    for level, authority, act in [
        (EXTERNE, "Directeur de l'UFR", "UFR-2026-0042"),
        (NIVEAU_1, "Directeur général de l'ARS", "ARS-2026-0043"),
    ]:
        heading = page.get_by_role("heading", name=f"{level} — {authority}")
        form = main.locator("section").filter(has=heading).locator("form")
        tick(form, "Agrément accordé")
        form.get_by_label("Date de la décision").fill(today.isoformat())
        form.get_by_label("Référence de l'arrêté ou de la décision").fill(act)
        form.get_by_role("button", name=f"Enregistrer la décision pour « {level} »").click()
        main.get_by_text(f"Décision enregistrée pour « {level} ».").wait_for()
    expect_status(page, "Décidé")
    logout(page)

    # 10. The doctor has two agréments for five years less a day, and a decided dossier.
    login(page, DOCTOR)
    agrements = main.locator("#mes-agrements tbody tr")
    expect(agrements).to_have_count(2)
    for i in range(2):
        cells = agrements.nth(i).locator("td")
        expect(cells.nth(3)).to_have_text(
            f"du {today:%d/%m/%Y} au {five_years_less_a_day(today):%d/%m/%Y}"
        )
        expect(cells.nth(4)).to_have_text("En cours", use_inner_text=False)
    dossier = main.locator("#mes-dossiers tbody tr").filter(has_text=reference)
    expect(dossier.locator(".fr-badge")).to_have_text("Décidé", use_inner_text=False)
    # The decision letters, and the decision in the portal's notifications.
    page.goto(dossier_url)
    letter = downloaded_pdf(page, main.locator("#decisions a.decision-letter").first)
    assert "UFR-2026-0042" in letter
    page.locator("#navigation").get_by_role("link", name=re.compile("^Notifications")).click()
    main.get_by_role("link", name=f"Décision sur votre dossier {reference}").wait_for()

    application = Application.objects.get(pk=pk)
    assert application.status == "decided"
    assert sorted(
        Agrement.objects.filter(application=application).values_list("level", "authority")
    ) == [("externe", "ufr"), ("niveau_1", "ars")]
