"""The secretariat's queue: tabs with counts, filters, search, sort, pagination, age flags,
and a number of SQL queries that does not grow with the number of dossiers."""

import datetime
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import FacultySettings, Organisation
from applications.models import Application
from applications.workflow import Status
from tests.factories import DoctorFactory
from tests.workflow_helpers import advance, make_staff, queue_table, submitted_application

pytestmark = pytest.mark.django_db

QUEUE = reverse("applications:queue")


def tab_count(html, slug):
    marker = f'id="onglet-{slug}"'
    start = html.index(marker)
    count = html[start:].split('data-count="', 1)[1].split('"', 1)[0]
    return int(count)


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def spread(staff):
    """One dossier in each tab of the queue (and one in another faculty)."""
    dossiers = {
        "a-verifier": submitted_application(staff, levels=["externe"]),
        "attente-medecin": advance(submitted_application(staff), staff, Status.INCOMPLETE),
        "visite": advance(submitted_application(staff), staff, Status.VISIT_SCHEDULED),
        "commission": advance(submitted_application(staff), staff, Status.VISIT_DONE),
        "decision": advance(submitted_application(staff), staff, Status.IN_COMMISSION),
        "decides": advance(submitted_application(staff), staff, Status.DECIDED),
    }
    submitted_application(make_staff())  # another faculty: never shown
    return dossiers


def test_each_tab_counts_and_lists_its_dossiers(client, staff, spread):
    client.force_login(staff.secretariat)
    html = client.get(QUEUE).content.decode()
    for slug in spread:
        assert tab_count(html, slug) == 1, slug
    for slug, application in spread.items():
        page = queue_table(client.get(QUEUE, {"onglet": slug}).content.decode())
        assert application.reference in page
        others = [a for s, a in spread.items() if s != slug]
        assert not any(a.reference in page for a in others), slug


def test_the_other_faculty_never_appears(client, staff, spread):
    other = make_staff()
    theirs = submitted_application(other)
    client.force_login(staff.secretariat)
    html = client.get(QUEUE).content.decode()
    assert theirs.reference not in queue_table(html)
    assert tab_count(html, "a-verifier") == 1
    client.force_login(other.secretariat)
    html = client.get(QUEUE).content.decode()
    assert theirs.reference in html
    assert spread["a-verifier"].reference not in queue_table(html)


def test_search_by_name_or_rpps(client, staff):
    wanted = submitted_application(
        staff, doctor=DoctorFactory(faculty=staff.faculty, rpps="10101010101")
    )
    wanted.doctor.user.last_name = "Vasseur"
    wanted.doctor.user.save()
    other = submitted_application(staff)
    client.force_login(staff.secretariat)
    for query in ["vasseur", "1010101"]:
        response = client.get(QUEUE, {"q": query})
        rows = queue_table(response.content.decode())
        assert wanted.reference in rows and other.reference not in rows, query
        assert tab_count(response.content.decode(), "a-verifier") == 1


def test_filters_by_level_kind_upp_and_state(client, staff):
    upp = Organisation.objects.create(
        kind=Organisation.Kind.UPP, name="UPP de test", parent=staff.faculty
    )
    externe = submitted_application(staff, levels=["externe"])
    interne = submitted_application(
        staff, levels=["niveau_1"], doctor=DoctorFactory(faculty=staff.faculty, upp=upp)
    )
    client.force_login(staff.secretariat)

    html = queue_table(client.get(QUEUE, {"niveau": "externe"}).content.decode())
    assert externe.reference in html and interne.reference not in html

    html = queue_table(client.get(QUEUE, {"upp": upp.pk}).content.decode())
    assert interne.reference in html and externe.reference not in html

    response = client.get(QUEUE, {"type": "renewal"})
    rows = queue_table(response.content.decode())
    assert externe.reference not in rows and interne.reference not in rows
    assert tab_count(response.content.decode(), "a-verifier") == 0

    advance(externe, staff, Status.ADMISSIBLE)
    html = client.get(QUEUE, {"etat": "admissible", "onglet": "visite"}).content.decode()
    assert externe.reference in html
    assert tab_count(html, "a-verifier") == 0 and tab_count(html, "visite") == 1
    # In a tab with none of the matches, the page says where they are.
    html = client.get(QUEUE, {"etat": "admissible"}).content.decode()
    elsewhere = html.split('id="ailleurs"', 1)[1].split("</ul>", 1)[0]
    assert "?onglet=visite&amp;etat=admissible" in elsewhere
    assert "1 dossier dans l'onglet « " in elsewhere


def test_the_filters_in_force_stay_chosen_in_the_form(client, staff):
    upp = Organisation.objects.create(
        kind=Organisation.Kind.UPP, name="UPP de test", parent=staff.faculty
    )
    client.force_login(staff.secretariat)
    html = client.get(
        QUEUE,
        {"niveau": "externe", "upp": upp.pk, "type": "renewal", "age": "3", "tri": "nom"},
    ).content.decode()
    for value in ("externe", str(upp.pk), "renewal", "3", "nom"):
        assert f'<option value="{value}" selected>' in html
    assert html.count(" selected>") == 5  # nothing else, not "Tous" of the others
    assert '<option value="niveau_1">' in html and "UPP de test</option>" in html


def test_old_dossiers_are_flagged_against_the_faculty_thresholds(client, staff):
    recent = submitted_application(staff)
    stale = submitted_application(staff)
    now = timezone.now()
    # Three months waiting in the same state: over the default two.
    Application.objects.filter(pk=stale.pk).update(
        submitted_at=now - datetime.timedelta(days=95),
        status_changed_at=now - datetime.timedelta(days=95),
    )
    client.force_login(staff.secretariat)
    html = client.get(QUEUE).content.decode()
    row = html.split(stale.reference, 1)[1].split("</tr>", 1)[0]
    assert "en attente trop longue" in row
    assert "95 jours" in row
    assert "en attente trop longue" not in html.split(recent.reference, 1)[1].split("</tr>")[0]

    flagged = client.get(QUEUE, {"age": "retard"}).content.decode()
    assert stale.reference in flagged and recent.reference not in flagged

    # A faculty that tolerates four months no longer flags it.
    FacultySettings.objects.create(faculty=staff.faculty, alert_months_in_state=4)
    html = client.get(QUEUE).content.decode()
    assert "en attente trop longue" not in html
    assert stale.reference not in client.get(QUEUE, {"age": "retard"}).content.decode()


def test_sort_and_pagination(client, staff):
    dossiers = [submitted_application(staff, levels=["externe"]) for _ in range(27)]
    now = timezone.now()
    for days, application in enumerate(dossiers):
        Application.objects.filter(pk=application.pk).update(
            submitted_at=now - datetime.timedelta(days=days)
        )
    client.force_login(staff.secretariat)
    first = client.get(QUEUE).content.decode()
    assert dossiers[-1].reference in first  # oldest first by default
    assert "Page 1 sur 2" in first
    assert dossiers[0].reference not in first
    second = client.get(QUEUE, {"page": 2}).content.decode()
    assert dossiers[0].reference in second
    newest_first = client.get(QUEUE, {"tri": "-anciennete"}).content.decode()
    assert dossiers[0].reference in newest_first and dossiers[-1].reference not in newest_first


def test_the_queue_is_for_the_secretariat(client, staff):
    for user in [staff.visitor, staff.commission, DoctorFactory().user]:
        client.force_login(user)
        assert client.get(QUEUE).status_code == 403


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_queue_queries_do_not_grow_with_the_number_of_dossiers(client, staff):
    submitted_application(staff)
    client.force_login(staff.secretariat)
    few = _queries(client, QUEUE)
    for _ in range(8):
        submitted_application(staff, levels=["externe", "niveau_1", "saspas"])
    assert _queries(client, QUEUE) == few


def test_dossier_page_queries_do_not_grow_with_events_pieces_or_messages(client, staff):
    from applications import services
    from applications.uploads import check_upload
    from tests.files import pdf_upload

    application = advance(
        submitted_application(staff, levels=["externe"]),
        staff,
        Status.IN_COMMISSION,
        close=False,
    )
    services.post_message(application, staff.secretariat, "Premier message")
    services.add_note(application, staff.secretariat, "Première note")
    url = reverse("applications:detail", args=[application.pk])
    client.force_login(staff.secretariat)
    before = _queries(client, url)

    session = application.agenda_items.get().session
    level = application.requested_levels.get()
    for n in range(5):
        upload = pdf_upload(f"annexe{n}.pdf")
        services.post_message(
            application, staff.secretariat, f"Message {n}", upload, check_upload(upload)
        )
        services.post_message(application, application.doctor.user, f"Réponse {n}")
        services.add_note(application, staff.secretariat, f"Note {n}")
        opinion = ("favourable", "abstention")[n % 2]  # each change is an event
        services.give_opinion(session, level, staff.commission, opinion)
    assert application.events.count() > 10
    client.get(url)  # the doctor's new replies are marked read once (one UPDATE), then:
    assert _queries(client, url) == before


def test_the_tabs_are_plain_links_and_the_search_has_a_visible_label(client, staff):
    client.force_login(staff.secretariat)
    html = client.get(QUEUE).content.decode()
    # Links inside a tablist are an axe violation (and DSFR's tabs script makes the list one).
    assert 'role="tablist"' not in html and "fr-tabs" not in html
    assert html.count('aria-current="page" id="onglet-') == 1
    # The search field's label is shown (fr-search-bar hides it; a placeholder vanishes).
    assert "fr-search-bar" not in html and "placeholder=" not in html
    assert '<label class="fr-label" for="q">Rechercher un dossier' in html


def test_a_row_shows_what_a_doctor_typed_as_text_never_as_markup(client, staff):
    # The rows are written in Python (templatetags.queue_table): each value is escaped there.
    dossier = submitted_application(staff, levels=["externe", "niveau_1"])
    user = dossier.doctor.user
    user.first_name, user.last_name = "<b>Jean</b>", "D'Arc & <i>fils</i>"
    user.save()
    dossier.doctor.save()  # the name the search folds
    client.force_login(staff.secretariat)
    html = client.get(QUEUE, {"onglet": "a-verifier"}).content.decode()
    row = html.split(f">{dossier.reference}</a>", 1)[1].split("</tr>", 1)[0]
    assert "&lt;b&gt;Jean&lt;/b&gt; D&#x27;Arc &amp; &lt;i&gt;fils&lt;/i&gt;" in row
    assert "<b>" not in row and "<i>" not in row
    # Both levels, one per line; the state as a badge.
    assert "2e cycle (externes)<br>Niveau 1" in row
    assert '<span class="fr-badge fr-badge--sm">Transmis</span>' in row


def test_the_dossier_page_gives_the_same_age_as_the_queue(client, staff):
    """The queue said « 90 jours » and the dossier page « il y a 2 mois, 4 semaines »."""
    application = submitted_application(staff)
    sent = timezone.now() - datetime.timedelta(days=90, hours=3)
    Application.objects.filter(pk=application.pk).update(submitted_at=sent, status_changed_at=sent)
    client.force_login(staff.secretariat)
    row = client.get(QUEUE).content.decode()
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "90 jours" in row
    assert "(il y a 90 jours)" in page and "dans cet état depuis 90 jours" in page
    assert "mois" not in page.split("dans cet état depuis", 1)[1][:30]


def test_a_dossier_sent_today_says_so_rather_than_zero_days(client, staff):
    """« (il y a 0 jour) — dans cet état depuis 0 jour » on a dossier sent an hour ago."""
    application = submitted_application(staff)
    client.force_login(staff.secretariat)
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    page = html.unescape(page)
    assert "(aujourd'hui)" in page and "dans cet état depuis aujourd'hui" in page
    assert "0 jour" not in page
