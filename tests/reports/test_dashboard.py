"""Every figure of the dashboard read back from a small hand-built timeline, the page and its
CSVs, the query count (more dossiers, same count) and who may see it."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Organisation
from applications.workflow import Status
from remuneration import statements
from reports import dashboard
from reports.models import StudentTarget
from stages import services as stage_services
from tests.factories import ApplicationFactory, DoctorFactory
from tests.stages_helpers import make_msu, semester, student, team
from tests.workflow_helpers import make_staff, submitted_application

from .timeline import STRAIGHT, WITH_WAIT, at, walk

pytestmark = pytest.mark.django_db

YEAR_START, YEAR_END = datetime.date(2025, 11, 1), datetime.date(2026, 10, 31)
NOW = at(datetime.date(2026, 4, 20))
START = datetime.date(2026, 1, 5)


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def decided(staff):
    """Two dossiers decided in the academic year 2025-2026: one waited 20 days for the doctor
    (70 days in all), the other went straight through (40 days)."""
    waited = walk(staff, START, WITH_WAIT)
    straight = walk(staff, START + datetime.timedelta(days=7), STRAIGHT, levels=("niveau_1",))
    return waited, straight


def figure(figures, slug):
    return next(f for f in figures if f.slug == slug)


def by_label(fig):
    return {row[0]: row[1:] for row in fig.rows}


def test_the_dossier_that_waited_20_days_for_the_doctor(staff):
    waited = walk(staff, START, WITH_WAIT)
    assert waited.status == Status.DECIDED
    seconds = dashboard.stage_seconds(staff.faculty, YEAR_START, YEAR_END)[waited.pk]
    in_days = {stage: value / 86400 for stage, value in seconds.items()}
    assert in_days == {"check": 10, "wait": 20, "visit": 17, "commission": 13, "decision": 10}
    rows = by_label(dashboard.processing_times(staff.faculty, YEAR_START, YEAR_END))
    assert rows["Délai total, de la transmission à la dernière décision"] == [70, 70, 1]
    assert rows["Délai sans l'attente des compléments du médecin"] == [50, 50, 1]
    assert rows["Attente des compléments du médecin"] == [20, 20, 1]


def test_medians_and_90th_percentiles_over_two_dossiers_in_plain_french(staff, decided):
    fig = dashboard.processing_times(staff.faculty, YEAR_START, YEAR_END)
    rows = by_label(fig)
    # Totals 70 and 40 days: median 55, 90th percentile 40 + 0.9 × 30 = 67.
    assert rows["Délai total, de la transmission à la dernière décision"] == [55, 67, 2]
    # Without the 20 days of waiting: 50 and 40.
    assert rows["Délai sans l'attente des compléments du médecin"] == [45, 49, 2]
    # Visits of 17 and 14 days: median 15.5, 90th percentile 14 + 0.9 × 3 = 16.7.
    assert rows["Visite (de la recevabilité au rapport)"] == [15.5, 16.7, 2]
    assert fig.sentences[0] == (
        "2 dossiers ont été décidés sur la période. La moitié l'ont été en moins de 55 jours "
        "après leur transmission, et 9 sur 10 en moins de 67 jours."
    )
    assert "la moitié des dossiers ont été décidés en moins de 45 jours" in fig.sentences[1]
    # A period before both decisions: nothing to compute, said so.
    empty = dashboard.processing_times(
        staff.faculty, datetime.date(2024, 11, 1), datetime.date(2025, 10, 31)
    )
    assert empty.rows[0][1:] == [None, None, 0]
    assert "Aucun dossier décidé" in empty.sentences[0]


def test_received_and_decided_per_month_by_kind_and_level(staff, decided):
    with time_machine.travel(NOW, tick=False):
        fig = dashboard.activity(staff.faculty, YEAR_END)
        levels = dashboard.activity_by_level(staff.faculty, YEAR_END)
    assert len(fig.rows) == 24 and fig.rows[0][0] == "Novembre 2024"
    months = by_label(fig)
    # Both received in January 2026; decided in February (40 days) and March (70 days).
    assert months["Janvier 2026"] == [2, 0, 0, 0]
    assert months["Février 2026"] == [0, 0, 1, 0]
    assert months["Mars 2026"] == [0, 0, 1, 0]
    assert fig.total == ["Total", 2, 0, 2, 0]
    assert fig.chart["categories"][:3] == ["nov. 24", "déc. 24", "janv. 25"]
    assert fig.chart["categories"][19:21] == ["juin 26", "juil. 26"]
    assert fig.sentences == [
        "Sur les 24 mois de novembre 2024 à octobre 2026, 2 dossiers ont été transmis (première"
        " transmission) et 2 ont été décidés."
    ]
    january = by_label(levels)["Janvier 2026"]
    assert january == [1, 2, 0, 0, 0]  # externe once, niveau 1 twice


def test_a_renewal_counts_apart(staff):
    doctor = DoctorFactory(faculty=staff.faculty)
    with time_machine.travel(at(datetime.date(2026, 2, 3)), tick=False):
        submitted_application(staff, doctor=doctor, kind="renewal")
    fig = dashboard.activity(staff.faculty, YEAR_END)
    assert by_label(fig)["Février 2026"] == [0, 1, 0, 0]


def test_states_now_and_the_old_ones_flagged(staff, decided):
    with time_machine.travel(at(datetime.date(2025, 6, 2)), tick=False):
        submitted_application(staff)  # left in "Transmis" for ten months
    with time_machine.travel(at(datetime.date(2026, 4, 10)), tick=False):
        submitted_application(staff)  # fresh
    ApplicationFactory(doctor=DoctorFactory(faculty=staff.faculty))  # a draft: not counted
    with time_machine.travel(NOW, tick=False):
        fig = dashboard.states(staff.faculty, NOW)
    rows = by_label(fig)
    assert rows["Transmis"] == [2, 1]
    assert rows["Décidé"] == [2, 0]  # closed dossiers are never flagged
    assert "Brouillon" not in rows
    assert fig.sentences[0].startswith(
        "2 dossiers sont en cours d'instruction ; 1 est signalé trop ancien (plus de"
    )


def test_agrements_in_force_per_level_and_upp_and_those_ending(staff):
    upp = Organisation.objects.create(kind="upp", name="UPP Sète", parent=staff.faculty)
    today = datetime.date(2026, 4, 20)
    a = make_msu(staff.faculty, levels=("externe", "niveau_1"))
    a.upp = upp
    a.save()
    make_msu(staff.faculty, levels=("niveau_1",), valid_until=datetime.date(2026, 6, 30))
    ending = make_msu(staff.faculty, levels=("saspas",), valid_until=datetime.date(2026, 9, 30))
    make_msu(staff.faculty, levels=("saspas",), valid_until=datetime.date(2025, 12, 31))  # over
    # A renewal under instruction for the SASPAS ending in September.
    with time_machine.travel(at(datetime.date(2026, 4, 1)), tick=False):
        submitted_application(staff, doctor=ending, kind="renewal", levels=("saspas",))
    fig = dashboard.agrements_in_force(staff.faculty, today)
    rows = by_label(fig)
    assert rows["UPP Sète"] == [1, 1, 0, 0, 0, 2]
    assert rows["Sans UPP"] == [0, 1, 1, 0, 0, 2]
    assert fig.total[-1] == 4
    endings = by_label(dashboard.agrements_ending(staff.faculty, today))
    assert endings["Dans les 3 mois"] == [1, 0, 1]
    assert endings["Dans les 6 mois"] == [2, 1, 1]
    assert endings["Dans les 12 mois"] == [2, 1, 1]


def test_places_offered_placed_and_to_place_per_period_level_and_upp(staff):
    upp = Organisation.objects.create(kind="upp", name="UPP Sète", parent=staff.faculty)
    period = semester(staff.faculty, staff.admin, start=datetime.date(2026, 5, 1))
    msu, other = make_msu(staff.faculty), make_msu(staff.faculty)
    offer = stage_services.create_offer(
        period, staff.admin, "niveau_1", "Cabinet A", team(msu), capacity=2, upp=upp
    )
    stage_services.create_offer(period, staff.admin, "niveau_1", "Cabinet B", team(other))
    stage_services.place_student(offer, staff.admin, student())
    StudentTarget.objects.create(period=period, level="niveau_1", students=5)
    periods = dashboard.periods_of(staff.faculty, YEAR_START, YEAR_END)
    fig = dashboard.places(staff.faculty, periods)
    assert fig.rows == [[period.label, "Niveau 1 — stage chez le praticien (phase socle)", 3, 1, 5]]
    assert fig.sentences == [
        "1 étudiant placé pour 3 places offertes sur les périodes choisies.",
        f"{period.label}, Niveau 1 — stage chez le praticien (phase socle) : il manque 2 places"
        " pour 5 étudiants à placer.",
    ]
    upps = by_label(dashboard.places_by_upp(staff.faculty, periods))
    assert upps == {"UPP Sète": [2, 1], "Sans UPP": [1, 0]}


def test_fees_owed_per_year_and_kind_and_msus_paid(staff):
    period = semester(staff.faculty, staff.admin, start=datetime.date(2026, 5, 1))
    a, b = make_msu(staff.faculty), make_msu(staff.faculty)
    offer = stage_services.create_offer(
        period, staff.admin, "niveau_1", "Binôme", team(a, b, half_days=[5, 4])
    )
    stage_services.place_student(offer, staff.admin, student())
    fig = dashboard.fees(staff.faculty, YEAR_START, YEAR_END)
    (row,) = fig.rows
    owed = sum(statements.statement_for(staff.faculty, d, 2025).total() for d in (a, b))
    assert row[0] == "2025-2026"
    assert row[-2] == owed > Decimal("0")
    assert row[-1] == 2
    assert row[1] == owed  # all of it honoraires (niveau 1)


def test_the_page_shows_each_chart_with_its_table_and_a_csv(client, staff, decided):
    client.force_login(staff.admin)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("reports:dashboard") + "?annee=2025")
    assert response.status_code == 200
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    html = response.content.decode()
    for fig in dashboard.FIGURES:
        assert f'id="{fig}-tableau"' in html, fig
        assert f'aria-labelledby="{fig}-titre-graphique"' in html, fig
    assert html.count("<svg") == len(dashboard.FIGURES)
    assert "La moitié l&#x27;ont été en moins de 55 jours" in html
    assert "Enregistrer les étudiants à placer" not in html  # no period in 2025-2026 yet

    with time_machine.travel(NOW, tick=False):
        download = client.get(
            reverse("reports:figure_csv", args=["delais"]) + "?debut=2025-11-01&fin=2026-10-31"
        )
    assert download["Content-Disposition"].startswith("attachment;")
    assert {"private", "no-store"} <= set(download["Cache-Control"].split(", "))
    assert download.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Délai", "Médiane (jours)", "90e centile (jours)", "Dossiers"]
    assert rows[1][1:] == ["55,0", "67,0", "2"]  # decimal comma
    assert 'filename="delais-2025-11-01-2026-10-31.csv"' in download["Content-Disposition"]

    # The monthly figure covers the 24 months up to the period's end or today (20 April 2026):
    # its file is named by them (it was named by the period, and held other months).
    with time_machine.travel(NOW, tick=False):
        download = client.get(
            reverse("reports:figure_csv", args=["dossiers-par-mois"])
            + "?debut=2025-11-01&fin=2026-10-31"
        )
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    first, last = rows[1][0], rows[-2][0]
    assert (first, last) == ("Mai 2024", "Avril 2026"), (first, last)
    assert (
        'filename="dossiers-par-mois-2024-05-01-2026-04-30.csv"' in download["Content-Disposition"]
    )


def test_a_wrong_period_is_said_and_the_academic_year_shown(client, staff):
    client.force_login(staff.secretariat)
    response = client.get(reverse("reports:dashboard") + "?debut=2026-05-01&fin=2026-01-01")
    html = response.content.decode()
    assert "La fin de la période précède son début" in html
    assert response.status_code == 200


def test_the_query_count_does_not_grow_with_the_dossiers(client, staff, decided):
    client.force_login(staff.admin)
    url = reverse("reports:dashboard") + "?annee=2025"

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    for offset in range(3):
        walk(staff, START + datetime.timedelta(days=offset), STRAIGHT, levels=("externe",))
    with time_machine.travel(at(datetime.date(2025, 12, 1)), tick=False):
        for _n in range(3):
            submitted_application(staff)
    assert count() == before


@pytest.mark.parametrize("who", ["other_admin", "other_secretariat", "doctor", "visitor"])
def test_nobody_else_sees_the_dashboard(client, staff, who):
    other = make_staff()
    users = {
        "other_admin": other.admin,
        "other_secretariat": other.secretariat,
        "doctor": DoctorFactory(faculty=staff.faculty).user,
        "visitor": staff.visitor,
    }
    client.force_login(users[who])
    for url in (
        reverse("reports:dashboard") + f"?faculte={staff.faculty.pk}",
        reverse("reports:figure_csv", args=["etats"]) + f"?faculte={staff.faculty.pk}",
        reverse("reports:agrements") + f"?faculte={staff.faculty.pk}",
        reverse("reports:directory") + f"?faculte={staff.faculty.pk}",
        reverse("reports:agrements_pdf") + f"?faculte={staff.faculty.pk}&niveau=niveau_1",
    ):
        assert client.get(url).status_code == 404, (who, url)


def test_the_secretariat_reads_and_only_the_admin_enters_students_to_place(client, staff):
    period = semester(staff.faculty, staff.admin, start=datetime.date(2026, 5, 1))
    url = reverse("reports:targets") + "?annee=2025"
    field = f"cible-{period.pk}-niveau_1"
    client.force_login(staff.secretariat)
    page = client.get(reverse("reports:dashboard") + "?annee=2025").content.decode()
    assert field not in page
    assert "sont saisis par l'administrateur de la faculté" in page
    assert client.post(url, {field: "4"}).status_code == 404
    assert not StudentTarget.objects.exists()

    client.force_login(staff.admin)
    page = client.get(reverse("reports:dashboard") + "?annee=2025").content.decode()
    assert f'name="{field}"' in page
    response = client.post(url, {field: "douze"}, follow=True)
    assert "saisissez un nombre entier" in response.content.decode()
    assert not StudentTarget.objects.exists()
    client.post(url, {field: "4"})
    assert StudentTarget.objects.get(period=period, level="niveau_1").students == 4
    client.post(url, {field: ""})
    assert not StudentTarget.objects.exists()


@pytest.mark.parametrize(
    ("ending", "renewing", "sentence"),
    [
        (0, 0, "Aucun agrément ne prend fin dans les 6 mois."),
        (1, 0, "1 agrément prend fin dans les 6 mois ; aucun renouvellement n'est en cours"),
        (1, 1, "1 agrément prend fin dans les 6 mois ; son renouvellement est en cours"),
        (3, 2, "3 agréments prennent fin dans les 6 mois ; pour 2 d'entre eux, un dossier"),
    ],
)
def test_the_ending_agrements_are_said_in_words_without_zero_of_them(ending, renewing, sentence):
    from reports.dashboard import _ending_sentence

    assert _ending_sentence(ending, renewing).startswith(sentence)
