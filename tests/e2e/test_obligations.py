"""In Chromium: an MSU behind on the signed charter opens « Mes obligations » from the menu,
sees it late, uploads the signed charter (a PDF) and sees it done with its date; the
secretariat's list of MSUs behind no longer names them for the charter.

Every step is a click in the browser; the ORM only builds the MSU and reads the final state."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Membership
from accounts.two_factor import set_up_demo_device
from applications.demo import demo_account
from obligations import services
from obligations.models import Attestation
from tests.factories import DoctorFactory, FacultyFactory, PracticeSiteFactory
from tests.stages_helpers import add_agrements

from .test_instruction_path import login, logout, pdf_file

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_msu_uploads_the_signed_charter_on_mes_obligations(page, live_server):
    today = timezone.localdate()
    faculty = FacultyFactory()
    user = demo_account("charlotte.renard@example.org", "Charlotte", "Renard")
    msu = DoctorFactory(user=user, faculty=faculty)
    PracticeSiteFactory(doctor=msu)
    # Approved 400 days ago: the charter, the initial training and a UPP meeting are late.
    add_agrements(
        msu,
        ["niveau_1"],
        today - datetime.timedelta(days=400),
        today + datetime.timedelta(days=900),
    )
    secretary = demo_account("secretaire.obligations@example.org", "Sam", "Secrétaire")
    Membership.objects.create(user=secretary, organisation=faculty, role="secretariat")
    set_up_demo_device(secretary)
    services.refresh_all(today)

    page.goto(live_server.url)
    login(page, "charlotte.renard@example.org")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mes obligations"
    ).click()
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Mes obligations de maître de stage")).to_be_visible()
    charter = main.locator("#obligation-charter")
    expect(charter).to_contain_text("En retard")

    main.get_by_label("Document").select_option(label="Charte pédagogique signée")
    main.get_by_label("Date de la formation ou de la signature de la charte").fill(
        today.isoformat()
    )
    main.get_by_label("Attestation ou charte signée").set_input_files(pdf_file("charte.pdf"))
    main.get_by_role("button", name="Déposer").click()

    expect(page.get_by_role("status")).to_contain_text("Document enregistré")
    expect(charter).to_contain_text("Fait")
    expect(charter).to_contain_text(f"{today:%d/%m/%Y}")
    expect(main.locator("#attestations")).to_contain_text("charte.pdf")
    expect(main.locator("#historique")).to_contain_text("Charte pédagogique signée déposée")
    assert Attestation.objects.get(doctor=msu).kind == "charter"
    logout(page)

    login(page, "secretaire.obligations@example.org")
    page.goto(f"{live_server.url}/obligations/faculte/en-retard/?obligation=charter")
    expect(page.get_by_role("main").locator("#aucun-retard")).to_be_visible()
    page.goto(f"{live_server.url}/obligations/faculte/en-retard/")
    expect(page.get_by_role("main").locator("#en-retard")).to_contain_text("Renard")
    expect(page.get_by_role("main").locator("#en-retard")).not_to_contain_text("Charte")
