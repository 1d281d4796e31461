"""In Chromium, on the demo data: the faculty admin opens the dashboard from the menu, sees
each chart with its table, exports the register of agréments as XLSX and the queue as CSV,
and the files hold the demo's MSUs and dossiers. Screenshots of the pages go to
E2E_SCREENSHOTS when it is set (to look at them)."""

import csv
import io
import os

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from reports.dashboard import FIGURES

from .test_instruction_path import login

pytestmark = pytest.mark.django_db(transaction=True)
ADMIN = "admin@example.org"


def reports_menu(page, name):
    navigation = page.get_by_role("navigation", name="Menu principal")
    navigation.get_by_role("button", name="Rapports").click()
    navigation.get_by_role("link", name=name).click()


def shoot(page, name):
    folder = os.environ.get("E2E_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def download(page, link):
    with page.expect_download() as info:
        link.click()
    with open(info.value.path(), "rb") as handle:
        return handle.read()


def test_the_admin_reads_the_dashboard_and_exports_the_register_and_the_queue(page, live_server):
    call_command("load_demo", verbosity=0)
    main = page.get_by_role("main")
    page.goto(live_server.url)
    login(page, ADMIN)

    reports_menu(page, "Tableau de bord")
    expect(main.get_by_role("heading", level=1)).to_contain_text("Tableau de bord")
    for slug in FIGURES:
        figure = main.locator(f"#{slug}")
        expect(figure.locator("svg[role=img]")).to_be_visible()
        expect(figure.locator("table")).to_be_visible()
        # Something in every chart: at least one bar drawn with a height.
        assert figure.locator("svg rect[height]:not([height='0.0'])").count() > 1, slug
    expect(main.get_by_text("La moitié l'ont été en moins de")).to_be_visible()
    shoot(page, "tableau-de-bord")

    reports_menu(page, "Registre des agréments")
    expect(main.get_by_role("cell", name="Marchand Hélène").first).to_be_visible()
    shoot(page, "registre")
    main.get_by_role("button", name="Registre des agréments (XLSX)").click()
    expect(main.get_by_text("est en préparation")).to_be_visible()
    content = download(page, main.get_by_role("link", name="Télécharger (XLSX)").first)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {"Marchand", "Leroy", "Dumas"} <= names
    assert sheet.freeze_panes == "A2"

    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Dossiers"
    ).click()
    main.get_by_role("button", name="Exporter cet onglet (CSV)").click()
    expect(
        main.locator("#exports td").filter(has_text="File des dossiers — À vérifier").first
    ).to_be_visible()
    shoot(page, "exports")
    content = download(page, main.get_by_role("link", name="Télécharger (CSV)").first)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Dossier", "Nom", "Prénom"]
    assert {"Garnier", "Bernard"} <= {row[1] for row in rows[1:]}

    reports_menu(page, "Annuaire des MSU")
    expect(main.get_by_role("cell", name="Marchand Hélène").first).to_be_visible()
    shoot(page, "annuaire")


def test_on_a_phone_each_chart_that_scrolls_can_be_reached_and_scrolled_from_the_keyboard(
    page, live_server
):
    """A chart keeps a readable width and scrolls on a phone; the keyboard reaches it (RGAA 7.3)
    and axe finds no scrollable region out of its reach. On a wide screen it takes no tab stop."""
    from axe_playwright_python.sync_playwright import Axe

    call_command("load_demo", verbosity=0)
    page.goto(live_server.url)
    login(page, ADMIN)
    # Straight to the page: the menu's way there is the test above's.
    page.goto(live_server.url + reverse("reports:dashboard"))
    first = page.locator(".msu-chart").first
    expect(first.locator("svg[role=img]")).to_be_visible()
    assert first.get_attribute("tabindex") is None

    # On a phone from the start, the monthly chart opens on its recent months.
    phone = page.context.new_page()
    phone.set_viewport_size({"width": 375, "height": 800})
    phone.goto(page.url)
    monthly = phone.locator("#dossiers-par-mois .msu-chart")
    expect(monthly).to_have_attribute("tabindex", "0")
    scrolled = monthly.evaluate("e => e.scrollLeft + e.clientWidth >= e.scrollWidth - 1")
    assert scrolled, "the monthly chart should open on its last months"
    phone.close()

    page.set_viewport_size({"width": 375, "height": 800})
    expect(first).to_have_attribute("tabindex", "0")
    expect(first).to_have_attribute("role", "region")
    title = page.locator(".figure h2").first.text_content()
    expect(first).to_have_attribute("aria-label", f"Graphique « {title} », à faire défiler")
    first.focus()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    for _ in range(50):  # wait_for_function evaluates a string: the CSP forbids it
        if first.evaluate("element => element.scrollLeft") > 0:
            break
        page.wait_for_timeout(50)
    assert first.evaluate("element => element.scrollLeft") > 0
    shoot(page, "tableau-de-bord-telephone")
    # Each of the figures' tables too (DSFR's tables scroll themselves), named by its caption.
    table = page.locator(".tableau-figure table").first
    expect(table).to_have_attribute("tabindex", "0")
    assert table.get_attribute("role") is None
    results = Axe().run(page)
    ids = {v["id"]: [n["target"] for n in v["nodes"]] for v in results.response["violations"]}
    assert "scrollable-region-focusable" not in ids, ids

    page.set_viewport_size({"width": 1280, "height": 900})
    expect(first).not_to_have_attribute("tabindex", "0")
