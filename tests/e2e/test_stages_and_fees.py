"""In Chromium, on the demo data: the faculty admin tries to place a student in a full offer
(refused, nothing typed is lost), places them in the externes' offer instead, and the MSU of
that team finds the student on "Mes stages" and downloads her statement (PDF and CSV) with the
new placement and its amount.

Every step is a click in the browser; the ORM only reads the expected figures."""

import csv
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from applications.models import Doctor
from remuneration import statements
from remuneration.exports import euros
from stages.demo import current_semester_start
from stages.models import Offer

from .test_instruction_path import login, logout

pytestmark = pytest.mark.django_db(transaction=True)

MSU = "msu@example.org"
ADMIN = "admin@example.org"


def plain(text):
    """PDF text with its non-breaking and thin spaces as plain ones."""
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


def menu(page, name):
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name=name).click()


def fill_student(page, number, last_name, first_name, promotion):
    form = page.locator("form", has=page.get_by_role("button", name="Placer l'étudiant"))
    form.get_by_label("Numéro d'étudiant").fill(number)
    form.locator("#id_last_name").fill(last_name)  # "Nom" is also inside "Prénom"
    form.get_by_label("Prénom").fill(first_name)
    form.get_by_label("Promotion").fill(promotion)
    form.get_by_role("button", name="Placer l'étudiant").click()


def test_the_admin_places_a_student_and_the_msu_downloads_her_statement(page, live_server):
    call_command("load_demo", verbosity=0)
    start = current_semester_start(timezone.localdate())
    semester = Offer.objects.get(
        level="niveau_1", period__start=start, label="MSP des Arceaux — niveau 1"
    ).period
    externes = Offer.objects.get(level="externe").period
    main = page.get_by_role("main")

    page.goto(live_server.url)
    login(page, ADMIN)
    menu(page, "Stages")
    main.get_by_role("link", name=semester.label).click()
    main.get_by_role("link", name="MSP des Arceaux — niveau 1", exact=True).click()

    # The niveau 1 offer already hosts its one interne: no placement form, the way out instead.
    expect(main.get_by_role("heading", name="Terrain de stage complet")).to_be_visible()
    expect(main.get_by_label("Numéro d'étudiant")).to_have_count(0)
    expect(main.get_by_role("link", name="Modifier la capacité")).to_be_visible()

    # The externes' offer has a seat left.
    menu(page, "Stages")
    main.get_by_role("link", name=externes.label).click()
    main.get_by_role("link", name="MSP des Arceaux — externes").click()
    fill_student(page, "23007777", "Lambertin", "Rose", "2023")
    placed = main.get_by_text("Rose Lambertin est placé(e) sur « MSP des Arceaux — externes")
    expect(placed).to_be_visible()
    expect(main.get_by_role("cell", name="23007777")).to_be_visible()
    logout(page)

    # The MSU of that team sees the student and her fees.
    login(page, MSU)
    menu(page, "Mes stages")
    expect(main.get_by_text("Rose Lambertin")).to_be_visible()
    menu(page, "Mes relevés")
    year = statements.academic_year_of(externes.start)
    main.get_by_role("link", name=f"Voir le relevé {statements.year_label(year)}").click()
    expect(main.get_by_text("Rose Lambertin")).to_be_visible()

    helene = Doctor.objects.get(user__email=MSU)
    statement = statements.statement_for(semester.faculty, helene, year)
    new_row = next(r for r in statement.rows if r.placement.student.last_name == "Lambertin")
    # Hélène hosts 6 of the team's 10 half-days: her share of the six weeks' 300 € a month.
    assert new_row.share * 10 == 6
    with page.expect_download() as info:
        main.get_by_role("link", name="Relevé au format PDF").click()
    text = plain(" ".join(p.extract_text() for p in PdfReader(info.value.path()).pages))
    assert "Hélène Marchand" in text
    assert "Lambertin" in text
    assert plain(euros(new_row.total)) in text
    assert plain(euros(statement.total())) in text

    with page.expect_download() as info:
        main.get_by_role("link", name="Relevé au format CSV (tableur)").click()
    raw = open(info.value.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM French spreadsheets expect
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    lambertin = next(row for row in rows if any("Lambertin" in cell for cell in row))
    assert f"{new_row.total:.2f}".replace(".", ",") in lambertin


def test_the_admin_marks_a_payment_paid_and_the_msu_sees_it(page, live_server):
    """On the demo data: the previous semester's payment export is out; the admin records the
    accounting department's payment of Dr Leroy's line, and Dr Leroy reads on his statement
    when it was paid and under which mandate."""
    from remuneration.models import PaymentLine

    call_command("load_demo", verbosity=0)
    line = PaymentLine.objects.get(doctor__user__email="bastien.leroy@example.org")
    assert line.paid_on is None
    year_label = statements.year_label(line.year)
    main = page.get_by_role("main")

    page.goto(live_server.url)
    login(page, ADMIN)
    menu(page, "Rémunération")
    main.get_by_label("Année universitaire").select_option(str(line.year))
    main.get_by_role("button", name="Afficher").click()
    main.get_by_role("link", name="Suivre les paiements").click()
    row = main.locator(f"#ligne-{line.pk}")
    expect(row).to_contain_text("Leroy")
    row.get_by_label("Mandat ou lot").fill("MANDAT-2026-0815")
    row.get_by_role("button", name="Marquer payée").click()
    expect(main.get_by_text(f"Ligne {line.reference}")).to_be_visible()
    expect(main.locator(f"#ligne-{line.pk}")).to_contain_text("payée")
    logout(page)

    login(page, "bastien.leroy@example.org")
    menu(page, "Mes relevés")
    main.get_by_role("link", name=f"Voir le relevé {year_label}").click()
    today = timezone.localdate().strftime("%d/%m/%Y")
    expect(main.locator("#releve-paiements")).to_contain_text(
        f"payée le {today} (mandat ou lot MANDAT-2026-0815)"
    )
    bastien = Doctor.objects.get(user__email="bastien.leroy@example.org")
    owed = statements.statement_for(line.faculty, bastien, line.year).total()
    paid = sum(p.total for p in PaymentLine.objects.filter(doctor=bastien, paid_on__isnull=False))
    assert paid == line.total
    assert plain(f"reste à payer : {euros(owed - paid)}") in plain(
        main.locator("#reste-a-payer").inner_text()
    )
