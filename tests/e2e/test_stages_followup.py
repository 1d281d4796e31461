"""In Chromium, on the demo data: the faculty admin imports a list of two students, one with
an unknown offer (the preview says why), and imports the good line; the demo MSU fills the end
evaluation of her previous semester's interne from "Mes stages".

Every step is a click in the browser; the ORM only reads what to expect."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from stages import evaluations
from stages.models import Offer, Placement
from stages.records import Audience, Evaluation

from .test_instruction_path import login, logout
from .test_stages_and_fees import ADMIN, MSU, menu

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_admin_imports_a_list_and_the_msu_fills_an_end_evaluation(page, live_server):
    call_command("load_demo", verbosity=0)
    externes = Offer.objects.get(level="externe")
    main = page.get_by_role("main")

    page.goto(live_server.url)
    login(page, ADMIN)
    menu(page, "Stages")
    main.get_by_role("link", name=externes.period.label).click()
    main.get_by_role("link", name="Importer une liste d'étudiants").click()
    expect(main.get_by_role("cell", name="numero_etudiant")).to_be_visible()
    content = (
        "numero_etudiant;nom;prenom;promotion;terrain;temps_partiel;email\n"
        f"23008888;Lambertin;Rose;2023;{externes.pk};non;rose.lambertin@example.org\n"
        "23008889;Perrin;Tom;2023;999999;;\n"
    )
    main.get_by_label("Fichier CSV ou XLSX").set_input_files(
        files=[{"name": "externes.csv", "mimeType": "text/csv", "buffer": content.encode()}]
    )
    main.get_by_role("button", name="Voir l'aperçu").click()

    expect(main.get_by_role("heading", name="Aperçu de l'import")).to_be_visible()
    expect(main.get_by_text("1 ligne acceptée")).to_be_visible()
    refused = main.get_by_role("row", name="Tom")
    expect(refused).to_contain_text("refusée")
    expect(refused).to_contain_text("Terrain de stage « 999999 » inconnu")
    expect(main.get_by_role("row", name="Rose")).to_contain_text("acceptée")
    assert not Placement.objects.filter(student__last_name="Lambertin").exists()

    main.get_by_role("button", name="Importer la ligne acceptée").click()
    expect(main.get_by_text("1 ligne(s) importée(s) sur 2.")).to_be_visible()
    placement = Placement.objects.get(student__last_name="Lambertin")
    assert placement.offer == externes and placement.student.email == "rose.lambertin@example.org"
    assert not Placement.objects.filter(student__last_name="Perrin").exists()
    logout(page)

    # The demo MSU, referent of her previous semester's interne, fills the end evaluation.
    login(page, MSU)
    menu(page, "Mes stages")
    main.get_by_role("link", name="Yanis Carré").click()
    expect(main.get_by_role("heading", name="Suivi du stage de Yanis Carré")).to_be_visible()
    main.get_by_role("link", name="Remplir Évaluation de fin de stage").click()
    placement = Placement.objects.get(student__last_name="Carré")
    criteria = evaluations.grid(placement.offer.period.faculty_id, Audience.MSU)
    for criterion in criteria:
        main.get_by_role("group", name=criterion.label).get_by_text(
            "Très satisfaisant", exact=True
        ).click()  # the DSFR radio is drawn by its label
    main.get_by_label("Commentaire (facultatif)").fill("Autonome, prêt pour la suite.")
    main.get_by_role("button", name="Enregistrer l'évaluation").click()

    expect(
        main.get_by_text("Évaluation de fin de stage de Yanis Carré enregistrée.")
    ).to_be_visible()
    expect(main.get_by_role("row", name="Évaluation de fin de stage")).to_contain_text("remplie le")
    evaluation = Evaluation.objects.get(placement=placement, stage="end")
    assert evaluation.average == 4 and not evaluation.poor
    assert evaluation.comment == "Autonome, prêt pour la suite."
