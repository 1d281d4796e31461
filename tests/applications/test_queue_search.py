"""The queue at scale: a search across every tab (accents and case folded, RPPS, dossier number),
tab counts kept by PostgreSQL, deep pages read through the index, and a constant number of
queries whatever the filters."""

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import services
from applications.models import Application, Doctor, QueueCount, QueueLevelCount, RequestedLevel
from applications.selectors import queue
from applications.workflow import Status
from tests.factories import DoctorFactory, UserFactory
from tests.workflow_helpers import advance, make_staff, queue_table, submitted_application

pytestmark = pytest.mark.django_db

QUEUE = reverse("applications:queue")


@pytest.fixture
def staff():
    return make_staff()


def _doctor(staff, first, last, rpps=None):
    user = UserFactory(first_name=first, last_name=last)
    kwargs = {"rpps": rpps} if rpps else {}
    return DoctorFactory(user=user, faculty=staff.faculty, **kwargs)


@pytest.fixture
def named(staff):
    """Dossiers of doctors with accented names, in different tabs."""
    decided = advance(
        submitted_application(staff, doctor=_doctor(staff, "Éric", "Lefèvre")),
        staff,
        Status.DECIDED,
    )
    to_check = submitted_application(staff, doctor=_doctor(staff, "Hélène", "Éluard"))
    waiting = advance(
        submitted_application(staff, doctor=_doctor(staff, "Noël", "Lefebvre")),
        staff,
        Status.INCOMPLETE,
    )
    return {"decided": decided, "to_check": to_check, "waiting": waiting}


def _search(client, staff, text, **extra):
    client.force_login(staff.secretariat)
    return client.get(QUEUE, {"q": text, **extra}).content.decode()


def _found(client, staff, text, **extra):
    return queue_table(_search(client, staff, text, **extra))


@pytest.mark.parametrize("text", ["lefèvre", "LEFEVRE", "Lefevre", "éric lefevre", "lefèv"])
def test_a_search_finds_the_doctor_whatever_the_tab_and_the_accents(client, staff, named, text):
    # Typed while looking at another tab: the decided dossier is found all the same.
    html = _found(client, staff, text, onglet="a-verifier")
    assert named["decided"].reference in html
    assert "Décidés ou retirés" in html.split(named["decided"].reference, 1)[1].split("</tr>")[0]
    assert named["to_check"].reference not in html
    assert named["waiting"].reference not in html  # Lefebvre is another name


@pytest.mark.parametrize("listed", [1, queue.NAME_MATCHES_LISTED])
def test_a_name_shared_by_many_doctors_finds_each_of_their_dossiers(
    client, staff, named, monkeypatch, listed
):
    # "lefe" matches Lefèvre and Lefebvre: past the cap, the search joins the doctors instead
    # of listing their ids; the dossiers found are the same.
    monkeypatch.setattr(queue, "NAME_MATCHES_LISTED", listed)
    client.force_login(staff.secretariat)
    with CaptureQueriesContext(connection) as captured:
        html = queue_table(client.get(QUEUE, {"q": "lefe"}).content.decode())
    assert named["decided"].reference in html
    assert named["waiting"].reference in html
    assert named["to_check"].reference not in html
    # Two doctors: listed by id under the cap, joined past it.
    dossier_queries = [
        q["sql"] for q in captured if q["sql"].startswith('SELECT "applications_application"')
    ]
    joined = [q for q in dossier_queries if "search_name" in q]
    assert (len(joined) > 0) == (listed == 1), dossier_queries


def test_a_name_no_doctor_bears_finds_nothing_and_says_so(client, staff, named):
    html = _search(client, staff, "zzyzx")
    assert "Aucun dossier ne correspond à cette recherche, dans aucun onglet." in html
    assert named["decided"].reference not in queue_table(html)


def test_a_search_without_accents_finds_an_accented_first_letter(client, staff, named):
    html = _search(client, staff, "eluard")
    assert named["to_check"].reference in html
    assert "dans tous les onglets" in html


def test_a_search_by_rpps_or_dossier_number(client, staff, named):
    decided = named["decided"]
    for text in (
        decided.doctor.rpps[:7],
        decided.reference,  # as printed: MSU-2026-00042
        decided.reference.lower(),
        decided.reference.split("-", 1)[1],  # 2026-00042
        str(decided.pk),
    ):
        assert decided.reference in _found(client, staff, text), text


def test_a_search_never_shows_another_faculty(client, staff):
    other = make_staff()
    stranger = submitted_application(other, doctor=_doctor(other, "Zoé", "Étrangère"))
    html = _search(client, staff, "etrangere")
    assert stranger.reference not in queue_table(html)
    assert "Aucun dossier ne correspond à cette recherche" in html


def test_the_search_name_follows_a_change_of_name(client, staff):
    doctor = _doctor(staff, "Anaïs", "Durand")
    doctor.user.last_name = "Dùrand-Vidal"
    doctor.user.save()
    assert Doctor.objects.get(pk=doctor.pk).search_name == "durand vidal anais"


def test_deep_pages_list_the_tab_in_order_without_repeats(client, staff):
    dossiers = [
        advance(submitted_application(staff), staff, Status.DECIDED)
        for _ in range(queue.PAGE_SIZE + 3)
    ]
    client.force_login(staff.secretariat)
    first = client.get(QUEUE, {"onglet": "decides"}).content.decode()
    second = client.get(QUEUE, {"onglet": "decides", "page": 2}).content.decode()
    shown_first = [d for d in dossiers if f">{d.reference}</a>" in first]
    shown_second = [d for d in dossiers if f">{d.reference}</a>" in second]
    assert len(shown_first) == queue.PAGE_SIZE and len(shown_second) == 3
    assert not set(d.pk for d in shown_first) & set(d.pk for d in shown_second)
    # Oldest submission first: the three on page 2 are the three submitted last.
    assert [d.pk for d in shown_second] == [d.pk for d in dossiers[-3:]]


def _queries(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "testeur"},
        {"niveau": "niveau_1"},
        {"age": "retard"},
        {"onglet": "decides", "page": 2},
    ],
)
def test_queue_queries_stay_the_same_with_more_dossiers_and_stay_bounded(client, staff, params):
    for _ in range(queue.PAGE_SIZE + 1):  # page 2 of the decided tab has a row
        advance(submitted_application(staff), staff, Status.DECIDED)
    submitted_application(staff)  # and so has the first tab
    client.force_login(staff.secretariat)
    few = _queries(client, QUEUE, params)
    for _ in range(queue.PAGE_SIZE):
        advance(submitted_application(staff), staff, Status.DECIDED)
        submitted_application(staff, levels=["externe", "niveau_1", "saspas"])
    assert _queries(client, QUEUE, params) == few
    # Session, user with profile, second factor, memberships (read once for the faculties, the
    # header and the menu), counts, ids or rows, rows, levels, unread count, UPP list: the
    # issue's budget is 10.
    assert few <= 10


def _real_counts():
    return {
        (row["faculty_id"], row["status"]): row["n"]
        for row in Application.objects.exclude(faculty=None)
        .values("faculty_id", "status")
        .annotate(n=Count("pk"))
    }


def _kept_counts():
    return {(c.faculty_id, c.status): c.count for c in QueueCount.objects.exclude(count=0)}


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_keeps_the_tab_counts_whoever_writes(staff):
    other = make_staff()
    dossiers = [submitted_application(staff) for _ in range(3)]
    advance(dossiers[0], staff, Status.INCOMPLETE)
    advance(dossiers[1], staff, Status.DECIDED)
    services.withdraw(Application.objects.get(pk=dossiers[2].pk), dossiers[2].doctor.user)
    submitted_application(other)
    assert _kept_counts() == _real_counts()
    # A bulk update, a move to another faculty, rows written and deleted outside the services:
    # still right.
    Application.objects.filter(pk=dossiers[0].pk).update(status=Status.SUBMITTED)
    Application.objects.filter(pk=dossiers[1].pk).update(faculty=other.faculty)
    loose = Application.objects.create(
        doctor=DoctorFactory(faculty=staff.faculty), faculty=staff.faculty, status=Status.VISIT_DONE
    )
    assert _kept_counts() == _real_counts()
    loose.delete()
    assert _kept_counts() == _real_counts()
    # And the page shows them.
    assert (
        dict((t.slug, n) for t, n in queue.counted_tabs(None, faculties=[staff.faculty.pk]))[
            "a-verifier"
        ]
        == _real_counts()[(staff.faculty.pk, Status.SUBMITTED)]
    )


def _real_level_counts():
    return {
        (row["application__faculty_id"], row["application__status"], row["level"]): row["n"]
        for row in RequestedLevel.objects.exclude(application__faculty=None)
        .values("application__faculty_id", "application__status", "level")
        .annotate(n=Count("pk"))
    }


def _kept_level_counts():
    return {
        (c.faculty_id, c.status, c.level): c.count for c in QueueLevelCount.objects.exclude(count=0)
    }


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_keeps_the_counts_per_level_whoever_writes(staff, client):
    other = make_staff()
    dossiers = [submitted_application(staff, levels=("externe", "niveau_1")) for _ in range(3)]
    advance(dossiers[0], staff, Status.INCOMPLETE)
    advance(dossiers[1], staff, Status.DECIDED)
    submitted_application(other, levels=("niveau_1",))
    assert _kept_level_counts() == _real_level_counts()
    # A level added, changed and removed; a bulk change of state; a move to another faculty;
    # dossiers deleted with their levels: still right.
    RequestedLevel.objects.create(application=dossiers[2], level="saspas")
    RequestedLevel.objects.filter(application=dossiers[0], level="externe").update(level="saspas")
    RequestedLevel.objects.filter(application=dossiers[2], level="externe").delete()
    Application.objects.filter(pk=dossiers[0].pk).update(status=Status.SUBMITTED)
    Application.objects.filter(pk=dossiers[1].pk).update(faculty=other.faculty)
    assert _kept_level_counts() == _real_level_counts()
    # A dossier deleted with its levels (one written outside the services: the others have
    # events, which are never deleted).
    loose = Application.objects.create(
        doctor=DoctorFactory(faculty=staff.faculty), faculty=staff.faculty, status=Status.VISIT_DONE
    )
    RequestedLevel.objects.create(application=loose, level="niveau_1")
    RequestedLevel.objects.create(application=loose, level="saspas")
    assert _kept_level_counts() == _real_level_counts()
    loose.delete()
    assert _kept_level_counts() == _real_level_counts()
    assert _kept_counts() == _real_counts()
    # The queue filtered on a level shows them, and counts only that level's dossiers.
    client.force_login(other.secretariat)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(
            reverse("applications:queue"), {"niveau": "niveau_1", "onglet": "decides"}
        )
    assert 'data-count="1"' in page.content.decode()  # the decided dossier, now in `other`
    assert any("applications_queuelevelcount" in q["sql"] for q in captured)
    assert not any(
        "COUNT(" in q["sql"] and "applications_requestedlevel" in q["sql"] for q in captured
    )
