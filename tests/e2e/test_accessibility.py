"""axe-core on the pages of every role (the demo of `make run`), in Chromium: no critical or
serious violation. axe-core comes inside axe-playwright-python (no network at run time).

Each page is checked as its user sees it; a form is also checked with its errors shown."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Organisation, User
from applications.models import Application, CommissionSession, SiteVisit
from applications.workflow import Status
from remuneration.models import PaymentLine
from stages.models import Offer, Period, Placement, Tutoring

from .test_instruction_path import PASSWORD, next_demo_code

pytestmark = pytest.mark.django_db(transaction=True)

BLOCKING = {"critical", "serious"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}


def pages_by_role():
    """(e-mail or None for a visitor, [paths]) for every role, from the demo's own objects."""
    faculty = Organisation.objects.get(name="Faculté de médecine Montpellier-Nîmes")
    draft = Application.objects.get(doctor__user__email="medecin@example.org")
    submitted = Application.objects.filter(status=Status.SUBMITTED).first()
    admissible = Application.objects.filter(status=Status.ADMISSIBLE).first()
    decided = Application.objects.filter(status=Status.DECIDED).first()
    # A visit whose day has come: before it, the report page sends back to the dossier.
    visit = SiteVisit.objects.filter(
        reported_at__isnull=True, scheduled_for__lte=timezone.now()
    ).first()
    session = CommissionSession.objects.filter(closed_at__isnull=True).first()
    closed = CommissionSession.objects.filter(closed_at__isnull=False).first()
    period = Period.objects.filter(faculty=faculty).first()
    offer = Offer.objects.filter(period__faculty=faculty).first()
    placement = Placement.objects.first()
    # The demo's placement with a late start and a suspension; the year of its paid line.
    shortened = Placement.objects.filter(suspensions__isnull=False).first()
    paid_year = PaymentLine.objects.filter(paid_on__isnull=False).first().year
    tutoring = Tutoring.objects.first()
    msu = User.objects.get(email="msu@example.org").doctor
    step = lambda slug: reverse("applications:step", args=[draft.pk, slug])  # noqa: E731
    return [
        (
            None,
            [
                reverse("home"),
                reverse("accounts:login"),
                reverse("accounts:signup"),
                reverse("accounts:password_reset"),
            ],
        ),
        (
            "medecin@example.org",
            [
                reverse("home"),
                step("profil"),
                step("exercice"),
                step("niveaux"),
                step("pieces"),
                step("engagements"),
                step("recapitulatif"),
                reverse("applications:detail", args=[draft.pk]),
                reverse("notifications:inbox"),
            ],
        ),
        (
            "msu@example.org",
            [
                reverse("home"),
                reverse("stages:mine"),
                reverse("remuneration:my_statements"),
                reverse("remuneration:statement", args=[faculty.pk, msu.pk, period.start.year]),
            ],
        ),
        (
            "secretariat@example.org",
            [
                reverse("home"),
                reverse("applications:queue"),
                reverse("applications:queue") + "?onglet=attente-medecin",
                reverse("applications:detail", args=[submitted.pk]),
                reverse("applications:request_complements", args=[submitted.pk]),
                reverse("applications:schedule_visit", args=[admissible.pk]),
                reverse("applications:detail", args=[decided.pk]),
                reverse("applications:sessions"),
                reverse("applications:session", args=[session.pk]),
                reverse("notifications:inbox"),
                reverse("accounts:security"),
                reverse("accounts:second_factor_enrol"),
                reverse("accounts:browser_sessions"),
            ],
        ),
        (
            "visiteur@example.org",
            [
                reverse("home"),
                reverse("applications:my_visits"),
                reverse("applications:record_visit", args=[visit.application_id]),
            ],
        ),
        (
            "commission@example.org",
            [
                reverse("home"),
                reverse("applications:sessions"),
                reverse("applications:session", args=[session.pk]),
            ]
            + ([reverse("applications:session", args=[closed.pk])] if closed else []),
        ),
        (
            "admin@example.org",
            [
                reverse("home"),
                reverse("applications:faculty_settings", args=[faculty.pk]),
                reverse("stages:admin_home"),
                reverse("stages:period", args=[period.pk]),
                reverse("stages:offer", args=[offer.pk]),
                reverse("stages:offer_edit", args=[offer.pk]),
                reverse("stages:tutoring"),
                reverse("stages:placement_remove", args=[placement.pk]),
                reverse("stages:placement_dates", args=[shortened.pk]),
                reverse("stages:tutoring_end", args=[tutoring.pk]),
                reverse("remuneration:faculty_home"),
                reverse("remuneration:payment_lines") + f"?year={paid_year}",
                reverse("remuneration:rates"),
                reverse("audit:faculty", args=[faculty.pk]),
                reverse("background:status"),
            ],
        ),
        ("superuser@example.org", [reverse("home"), reverse("applications:queue")]),
    ]


def violations(page, axe):
    results = axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.fixture
def context(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    context = browser.new_context(locale="en-GB", viewport=DESKTOP, bypass_csp=True)
    yield context
    context.close()


def sign_in(page, base, email):
    """Password, then the second factor for staff: the pages checked are the role's own, not
    the code page that stands before them."""
    page.goto(base + reverse("accounts:login"))
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    code_page = page.get_by_role("heading", name="Code de vérification")
    signed_in = page.locator("#utilisateur-connecte")
    expect(code_page.or_(signed_in).first).to_be_visible()
    if code_page.is_visible():
        page.get_by_label("Code de vérification").fill(next_demo_code(email))
        page.get_by_role("main").get_by_role("button", name="Valider").click()
        expect(code_page).to_have_count(0)
    signed_in.wait_for()


def test_no_critical_or_serious_axe_violation_on_the_pages_of_every_role(context, live_server):
    call_command("load_demo", verbosity=0)
    axe = Axe()
    probe = context.new_page()  # the check can fail: axe sees a radio group marked required
    probe.set_content(
        '<html lang="fr"><title>t</title><main><fieldset aria-required="true"><legend>L</legend>'
        '<input type="radio" id="r" name="r"><label for="r">Oui</label></fieldset></main></html>'
    )
    assert any("aria-allowed-attr" in v for v in violations(probe, axe))
    probe.close()
    found, checked = {}, 0
    for email, paths in pages_by_role():
        page = context.new_page()
        if email:
            sign_in(page, live_server.url, email)
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.status == 200, (email, path, response.status)
            # A title says each thing once (the layout adds the faculty's name itself).
            print("TITLE", path, page.title())
            title = page.title()
            assert not title.startswith("Code de vérification"), (email, path)
            parts = title.split(" — ")
            assert len(parts) == len(set(parts)), (email, path, title)
            # The breadcrumb ends with the page's own name, never an empty item.
            here = page.locator(".fr-breadcrumb__link[aria-current=page]")
            if here.count():
                assert here.text_content().strip(), (email, path)
            else:  # a page without breadcrumb is one of the home pages
                assert path == reverse("home"), (email, path)
            checked += 1
            if problems := violations(page, axe):
                found[f"{email} {path}"] = problems
            # The same page on a phone: a table or a chart that now scrolls sideways must be
            # reachable from the keyboard, and nothing else may break.
            page.set_viewport_size(PHONE)
            page.wait_for_timeout(100)  # the resize handler marks what overflows
            if problems := violations(page, axe):
                found[f"{email} {path} (téléphone)"] = problems
            page.set_viewport_size(DESKTOP)
        page.close()
        context.clear_cookies()

    # Forms shown with their errors: the error summary takes the focus, and axe still passes.
    page = context.new_page()
    page.goto(live_server.url + reverse("accounts:signup"))
    page.get_by_role("main").get_by_role("button", name="Créer mon compte").click()
    # The click starts a navigation: wait for the answer's title rather than read the old page's.
    expect(page).to_have_title(re.compile(r"^Erreur"))
    expect(page.locator("#resume-erreurs")).to_be_focused()
    checked += 1
    if problems := violations(page, axe):
        found["signup with errors"] = problems

    assert checked >= 30
    assert found == {}
