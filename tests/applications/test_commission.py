"""A commission of several people (issue 12): each member's own opinion, what each one sees of
the others', recusal, attendance and quorum, the commission's opinion with its vote count,
dates in order, postponement per level, the agenda and the decisions of a whole session at
once, the transmissions to the ARS and the UFR, and what the doctor never sees."""

import csv
import datetime
import html
import io
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import FacultySettings, Membership
from applications import selectors, services
from applications.documents.transmission import transmission_file
from applications.models import (
    AgendaItem,
    Agrement,
    Application,
    CommissionSession,
    Decision,
    Event,
    MemberOpinion,
    PracticeSite,
    Review,
)
from applications.services import WorkflowError
from applications.workflow import Status
from stages.levels import Authority
from tests.factories import DoctorFactory, StaffFactory
from tests.workflow_helpers import (
    advance,
    attend_all,
    close_meeting,
    conclude,
    examined_levels,
    make_staff,
    past_session,
    settings_form,
    submitted_application,
)

pytestmark = pytest.mark.django_db
Role = Membership.Role

FAVOURABLE, UNFAVOURABLE, ABSTENTION = "favourable", "unfavourable", "abstention"
POSTPONED = "postponed"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def today():
    return timezone.localdate()


def messages_of(excinfo):
    return excinfo.value.messages


class Commission:
    """A faculty's staff, a session that met an hour ago with three members (the staff's
    commission member presides), and a dossier (externe + niveau 1) on its agenda."""

    def __init__(self, members=3, **session_kwargs):
        self.staff = make_staff()
        self.president = self.staff.commission
        self.members = [self.president] + [
            StaffFactory(role=(Role.COMMISSION, self.staff.faculty)) for _ in range(members - 1)
        ]
        self.session = past_session(
            self.staff, members=self.members, president=self.president, **session_kwargs
        )
        self.app = self.add()

    def add(self, levels=("externe", "niveau_1"), **kwargs):
        return advance(
            submitted_application(self.staff, levels=levels, **kwargs),
            self.staff,
            Status.IN_COMMISSION,
            session=self.session,
            opinions=False,
        )

    def level(self, code, app=None):
        return (app or self.app).requested_levels.get(level=code)

    def fresh_session(self):
        return CommissionSession.objects.get(pk=self.session.pk)


@pytest.fixture
def commission():
    return Commission()


# --- Each member's own opinion, and what they see of the others' -----------------------------


def test_each_member_gives_their_own_opinion_and_both_count(commission):
    level = commission.level("externe")
    first, second, third = commission.members
    services.give_opinion(commission.session, level, second, FAVOURABLE)
    services.give_opinion(commission.session, level, third, UNFAVOURABLE, "Locaux exigus.")
    # Before issue 12, the second opinion replaced the first one.
    assert sorted(
        MemberOpinion.objects.filter(requested_level=level).values_list("member", "opinion")
    ) == sorted([(second.pk, FAVOURABLE), (third.pk, UNFAVOURABLE)])
    review = services.record_commission_opinion(
        commission.session, level, first, POSTPONED, "Partage des voix."
    )
    assert (review.votes_for, review.votes_against, review.votes_abstain) == (1, 1, 0)


def _session_page(client, user, commission):
    client.force_login(user)
    response = client.get(reverse("applications:session", args=[commission.session.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_a_member_sees_the_others_opinions_only_once_they_have_given_theirs(client, commission):
    level = commission.level("externe")
    president, early, late = commission.members
    services.give_opinion(commission.session, level, early, UNFAVOURABLE, "Bureau trop petit.")

    page = _session_page(client, late, commission)
    assert "Bureau trop petit." not in page
    assert early.get_full_name() + " : Défavorable" not in page
    assert "Les avis des autres membres s'affichent une fois le vôtre donné" in page

    services.give_opinion(commission.session, level, late, FAVOURABLE)
    page = _session_page(client, late, commission)
    assert f"{early.get_full_name()} : Défavorable — Bureau trop petit." in page

    # The president and the secretariat see every opinion without giving one.
    for reader in (president, commission.staff.secretariat):
        page = _session_page(client, reader, commission)
        assert f"{early.get_full_name()} : Défavorable — Bureau trop petit." in page
        assert f"{late.get_full_name()} : Favorable" in page


def test_a_refused_opinion_comes_back_as_sent_with_its_error_beside_the_field(client, commission):
    level = commission.level("externe")
    _president, member, _third = commission.members
    client.force_login(member)
    prefix = f"avis-{level.pk}"
    url = reverse("applications:give_opinion", args=[commission.session.pk, level.pk])
    response = client.post(url, {f"{prefix}-opinion": UNFAVOURABLE, f"{prefix}-reason": ""})
    page = html.unescape(client.get(response.url).content.decode())
    form = page.split(f'action="{url}"', 1)[1].split("</form>", 1)[0]
    assert f'value="{UNFAVOURABLE}"' in form.split("checked", 1)[0].rsplit("<input", 1)[1]
    assert "fr-error-text" in form  # beside the field, not only at the top
    assert f"{commission.app.reference} — " in page  # the banner names the dossier
    assert not MemberOpinion.objects.filter(requested_level=level).exists()
    # Shown once: the next visit starts afresh.
    page = html.unescape(client.get(response.url).content.decode())
    assert "fr-error-text" not in page.split(f'action="{url}"', 1)[1].split("</form>", 1)[0]


def test_the_timeline_of_a_member_never_shows_the_others_opinions(client, commission):
    level = commission.level("externe")
    _president, early, late = commission.members
    services.give_opinion(commission.session, level, early, UNFAVOURABLE, "Bureau trop petit.")
    client.force_login(late)
    page = html.unescape(
        client.get(reverse("applications:detail", args=[commission.app.pk])).content.decode()
    )
    assert "Bureau trop petit." not in page
    client.force_login(commission.staff.secretariat)
    page = html.unescape(
        client.get(reverse("applications:detail", args=[commission.app.pk])).content.decode()
    )
    assert "Avis d'un membre de la commission : « 2e cycle (externes) : défavorable" in page


# --- Recusal ------------------------------------------------------------------------------------


def test_a_member_who_is_the_doctor_or_practises_on_the_same_site_takes_no_part(client, commission):
    president, colleague, other = commission.members
    # `colleague` practises in the dossier's doctor's group practice (typed differently).
    site = commission.app.doctor.sites.get()
    DoctorFactory(user=colleague, faculty=commission.staff.faculty)
    PracticeSite.objects.create(
        doctor=colleague.doctor,
        kind=PracticeSite.Kind.GROUP,
        address=site.address.upper() + " ",
        postal_code=site.postal_code,
        commune=site.commune,
    )
    level = commission.level("externe")
    with pytest.raises(WorkflowError) as excinfo:
        services.give_opinion(commission.session, level, colleague, FAVOURABLE)
    assert "vous ne prenez pas part à l'avis sur ce dossier" in str(excinfo.value)
    assert not MemberOpinion.objects.exists()

    # A member whose own dossier is on the agenda.
    own_doctor = DoctorFactory(user=other, faculty=commission.staff.faculty)
    PracticeSite.objects.create(
        doctor=own_doctor,
        kind="individual",
        address="9 rue Autre",
        postal_code="30000",
        commune="Nîmes",
    )
    own = commission.add(doctor=own_doctor)
    with pytest.raises(WorkflowError) as excinfo:
        services.give_opinion(
            commission.session, commission.level("externe", own), other, FAVOURABLE
        )
    assert messages_of(excinfo) == ["Vous ne pouvez pas donner d'avis sur votre propre dossier."]

    # Listed as not taking part; their vote is not counted.
    page = _session_page(client, president, commission)
    assert "Ne prend pas part à l'avis (médecin concerné ou même lieu d'exercice)" in page
    assert colleague.get_full_name() in page
    services.give_opinion(commission.session, level, president, FAVOURABLE)
    with pytest.raises(WorkflowError) as excinfo:  # three voices, two voters
        services.record_commission_opinion(
            commission.session, level, president, FAVOURABLE, votes=(3, 0, 0)
        )
    assert messages_of(excinfo) == ["Le décompte indique 3 voix pour 2 membres pouvant voter."]


# --- The commission's opinion and its vote count ------------------------------------------------


def test_the_vote_count_is_computed_from_the_present_members_and_editable(commission):
    level = commission.level("niveau_1")
    president, second, third = commission.members
    services.give_opinion(commission.session, level, president, FAVOURABLE)
    services.give_opinion(commission.session, level, second, ABSTENTION)
    services.give_opinion(commission.session, level, third, UNFAVOURABLE, "Supervision courte.")
    review = services.record_commission_opinion(
        commission.session, level, president, POSTPONED, "Partage des voix."
    )
    assert review.vote_count == "1 pour, 1 contre, 1 abstention"
    # The third member turned out to be excused: their opinion no longer counts.
    services.record_attendance(
        commission.session,
        president,
        {president.pk: "present", second.pk: "present", third.pk: "excused"},
    )
    review = services.record_commission_opinion(commission.session, level, president, FAVOURABLE)
    assert review.vote_count == "1 pour, 0 contre, 1 abstention"
    # The discussion changed minds: the president records the count the vote ended with.
    review = services.record_commission_opinion(
        commission.session, level, president, FAVOURABLE, votes=(2, 0, 0)
    )
    assert review.vote_count == "2 pour, 0 contre, 0 abstention"
    assert Review.objects.get(requested_level=level).votes_for == 2


@pytest.mark.parametrize(
    "opinion, votes, refused",
    [
        (FAVOURABLE, (0, 2, 0), "Un avis favorable demande plus de voix pour que de voix contre"),
        (FAVOURABLE, (1, 1, 1), "Un avis favorable demande plus de voix pour que de voix contre"),
        (UNFAVOURABLE, (2, 1, 0), "Un avis défavorable ne peut pas l'emporter"),
        (FAVOURABLE, (2, 1, 0), None),
        (FAVOURABLE, (0, 0, 3), None),  # no vote against: a favourable opinion stands
        (UNFAVOURABLE, (1, 1, 0), None),  # a tie carries no favourable opinion
        (POSTPONED, (2, 0, 0), None),
    ],
)
def test_the_commission_opinion_is_the_one_its_vote_count_carries(
    commission, opinion, votes, refused
):
    """« Favorable (0 pour, 2 contre) » was accepted and shown to the members beside their own
    opinions: an opinion against its count is refused, and nothing is recorded."""
    level = commission.level("externe")
    reason = "" if opinion == FAVOURABLE else "Motif de l'avis."
    if refused is None:
        review = services.record_commission_opinion(
            commission.session, level, commission.president, opinion, reason, votes=votes
        )
        assert (review.votes_for, review.votes_against, review.votes_abstain) == votes
        return
    with pytest.raises(WorkflowError) as excinfo:
        services.record_commission_opinion(
            commission.session, level, commission.president, opinion, reason, votes=votes
        )
    assert messages_of(excinfo)[0].startswith(refused)
    assert f"(ici {votes[0]} pour, {votes[1]} contre)" in messages_of(excinfo)[0]
    assert not Review.objects.filter(requested_level=level).exists()


def test_the_commission_opinion_waits_for_the_day_of_the_meeting(commission, client):
    """Members may prepare their own opinions; the commission's is the meeting's outcome. The
    page offers no form to fill in (nor a close) before that day, only when they open."""
    session = past_session(
        commission.staff, commission.members, commission.president, hours=-14 * 24
    )
    app = advance(
        submitted_application(commission.staff, levels=("externe",)),
        commission.staff,
        Status.IN_COMMISSION,
        session=session,
        opinions=False,
    )
    level = app.requested_levels.get()
    services.give_opinion(session, level, commission.members[1], FAVOURABLE)
    with pytest.raises(WorkflowError) as excinfo:
        services.record_commission_opinion(session, level, commission.staff.secretariat, FAVOURABLE)
    meeting_day = timezone.localtime(session.meets_at)
    assert messages_of(excinfo) == [
        "L'avis de la commission s'enregistre à partir du jour de la séance "
        f"(le {meeting_day:%d/%m/%Y})."
    ]
    assert not Review.objects.filter(requested_level=level).exists()
    opinion_url = reverse("applications:commission_opinion", args=[session.pk, level.pk])
    close_url = reverse("applications:session_close", args=[session.pk])
    for user in (commission.president, commission.staff.secretariat):
        client.force_login(user)
        page = client.get(reverse("applications:session", args=[session.pk])).content.decode()
        assert opinion_url not in page and close_url not in page
        assert f"s'enregistre le jour de la séance ({meeting_day:%d/%m/%Y})" in page
        assert f"La séance se clôt le jour où elle se tient ({meeting_day:%d/%m/%Y})" in page
    # On the day, both are there.
    client.force_login(commission.staff.secretariat)
    page = client.get(reverse("applications:session", args=[commission.session.pk]))
    assert (
        reverse("applications:session_close", args=[commission.session.pk]) in page.content.decode()
    )


def test_only_the_president_or_the_secretariat_record_the_commission_opinion(commission):
    level = commission.level("externe")
    for user in (commission.members[1], commission.staff.admin, commission.staff.visitor):
        with pytest.raises(WorkflowError) as excinfo:
            services.record_commission_opinion(commission.session, level, user, FAVOURABLE)
        assert messages_of(excinfo) == [
            "Seuls le président de séance et le secrétariat enregistrent l'avis de la commission."
        ]
    assert not Review.objects.exists()
    with pytest.raises(WorkflowError) as excinfo:
        services.record_commission_opinion(
            commission.session, level, commission.president, "postponed"
        )
    assert messages_of(excinfo) == ["Un avis défavorable ou un ajournement doit être motivé."]


# --- Attendance, quorum, closing ------------------------------------------------------------------


def _all_concluded(commission):
    conclude(commission.session, commission.app, commission.staff.secretariat)


def test_a_member_reading_a_dossier_finds_the_way_back_to_its_session(client, commission):
    """The breadcrumb said « Accueil › MSU-… »: a member came from the session, and goes back."""
    member = commission.members[1]
    client.force_login(member)
    page = client.get(reverse("applications:detail", args=[commission.app.pk])).content.decode()
    crumbs = page.split('class="fr-breadcrumb__list"', 1)[1].split("</ol>", 1)[0]
    session_url = reverse("applications:session", args=[commission.session.pk])
    assert reverse("applications:sessions") in crumbs and f'href="{session_url}"' in crumbs
    assert html.unescape(str(commission.session)) in html.unescape(crumbs)
    assert reverse("applications:queue") not in crumbs  # the secretariat's way, not theirs


def test_the_sessions_of_one_faculty_are_listed_without_a_faculty_column(client, commission):
    client.force_login(commission.members[1])
    page = client.get(reverse("applications:sessions")).content.decode()
    assert str(commission.session) in html.unescape(page)
    assert '<th scope="col">Faculté</th>' not in page
    # A member of two faculties' commissions: the column tells their sessions apart.
    Membership.objects.create(
        user=commission.members[1], organisation=make_staff().faculty, role=Role.COMMISSION
    )
    page = client.get(reverse("applications:sessions")).content.decode()
    assert '<th scope="col">Faculté</th>' in page


def test_once_the_session_is_closed_no_other_opinion_is_awaited(client, commission):
    """« Avis des autres membres : aucun pour l'instant » on a closed session: just « aucun »."""
    president = commission.president
    for level in examined_levels(commission.session, commission.app):
        services.give_opinion(commission.session, level, president, FAVOURABLE)
    page = _session_page(client, president, commission)
    assert "aucun pour l'instant" in page
    _all_concluded(commission)
    close_meeting(commission.session, commission.staff.secretariat)
    page = _session_page(client, president, commission)
    assert "aucun pour l'instant" not in page and "<li>aucun</li>" in page


def test_the_quorum_setting_lies_between_one_and_the_commission_size(client, commission):
    """A quorum of 50 was saved, and its sessions could never close; 0 read « quorum : 0 »."""
    client.force_login(commission.staff.admin)
    url = reverse("applications:faculty_settings", args=[commission.staff.faculty.pk])
    data = settings_form()
    members = Membership.objects.filter(
        organisation=commission.staff.faculty, role=Membership.Role.COMMISSION
    ).count()
    assert members == 3
    for quorum in (0, 50, 4):
        response = client.post(url, {**data, "commission_quorum": quorum})
        assert response.status_code == 400
        assert response.context["form"].errors["commission_quorum"] == [
            "Le quorum est compris entre 1 et 3, le nombre de membres de la commission de la "
            "faculté."
        ]
        assert not FacultySettings.objects.filter(faculty=commission.staff.faculty).exists()
    response = client.post(url, {**data, "commission_quorum": 3})
    assert response.status_code == 302
    assert FacultySettings.objects.get(faculty=commission.staff.faculty).commission_quorum == 3
    response = client.post(url, {**data, "commission_quorum": ""})
    assert FacultySettings.objects.get(faculty=commission.staff.faculty).commission_quorum is None


@pytest.mark.parametrize(
    ("setting", "present", "error"),
    [
        pytest.param(
            None,
            1,
            "Quorum non atteint : 1 membre présent, il en faut 2.",
            id="default-half-plus-one",
        ),
        pytest.param(None, 2, None, id="default-reached"),
        pytest.param(
            3, 2, "Quorum non atteint : 2 membres présents, il en faut 3.", id="faculty-setting"
        ),
    ],
)
def test_the_quorum_is_checked_before_closing(commission, setting, present, error):
    FacultySettings.objects.create(faculty=commission.staff.faculty, commission_quorum=setting)
    _all_concluded(commission)
    statuses = {
        m.pk: "present" if index < present else "excused"
        for index, m in enumerate(commission.members)
    }
    services.record_attendance(commission.session, commission.staff.secretariat, statuses)
    if error:
        with pytest.raises(WorkflowError) as excinfo:
            services.close_session(commission.session, commission.staff.secretariat)
        assert messages_of(excinfo) == [error]
        assert not commission.fresh_session().is_closed
    else:
        services.close_session(commission.session, commission.staff.secretariat)
        assert commission.fresh_session().is_closed


def test_attendance_must_be_recorded_for_every_member_before_closing(commission):
    _all_concluded(commission)
    president, second, third = commission.members
    services.record_attendance(commission.session, president, {president.pk: "present"})
    with pytest.raises(WorkflowError) as excinfo:
        services.close_session(commission.session, president)
    assert messages_of(excinfo) == [
        f"Indiquez la présence de : {second.get_full_name()}, {third.get_full_name()}."
    ]


def test_attendance_and_closing_are_events_of_the_session_in_french(client, commission):
    _all_concluded(commission)
    president, second, _third = commission.members
    services.record_attendance(
        commission.session, president, {m.pk: "present" for m in commission.members}
    )
    services.record_attendance(commission.session, president, {second.pk: "excused"})
    services.close_session(commission.session, commission.staff.secretariat)
    events = Event.objects.filter(session=commission.session, application__isnull=True)
    assert [e.label for e in events] == ["Présence relevée"] * 4 + ["Séance close"]
    assert events[3].comment == f"{second.get_full_name()} : excusé"
    assert events[4].comment == "2 présents sur 3, quorum 2"
    page = _session_page(client, commission.staff.secretariat, commission)
    assert "Historique de la séance" in page
    assert f"Présence relevée : « {second.get_full_name()} : excusé »" in page
    assert "close_session" not in page and "attendance" not in page


def test_a_session_cannot_be_closed_before_its_date(commission):
    session = past_session(commission.staff, hours=-48)  # meets in two days
    with pytest.raises(WorkflowError) as excinfo:
        services.record_attendance(session, commission.staff.secretariat, {})
    assert messages_of(excinfo)[0].startswith("La présence se relève le jour de la séance")
    meeting_day = timezone.localtime(session.meets_at)
    with pytest.raises(WorkflowError) as excinfo:
        services.close_session(session, commission.staff.secretariat)
    assert messages_of(excinfo) == [
        f"Une séance ne peut pas être close avant sa date (le {meeting_day:%d/%m/%Y})."
    ]
    assert not CommissionSession.objects.get(pk=session.pk).is_closed


def test_a_close_prepared_on_an_older_page_is_refused(commission):
    _all_concluded(commission)
    attend_all(commission.session, commission.president)
    seen = commission.fresh_session().version
    # Meanwhile a member changes their opinion: the minutes would not be what was shown.
    services.give_opinion(
        commission.session, commission.level("externe"), commission.members[1], ABSTENTION
    )
    with pytest.raises(WorkflowError) as excinfo:
        services.close_session(commission.session, commission.president, expected_version=seen)
    assert "La séance a changé pendant que vous la consultiez" in str(excinfo.value)
    assert not commission.fresh_session().is_closed


# --- Decisions: dates and postponement per level ----------------------------------------------


def test_a_decision_cannot_be_dated_before_the_meeting_nor_in_the_future(commission):
    _all_concluded(commission)
    close_meeting(commission.session, commission.staff.secretariat)
    meeting_day = timezone.localdate(commission.session.meets_at)
    for day, error in [
        (
            meeting_day - datetime.timedelta(days=1),
            "La décision ne peut pas être antérieure à la séance de la commission "
            f"(le {meeting_day:%d/%m/%Y}).",
        ),
        (
            today() + datetime.timedelta(days=1),
            "La date de la décision ne peut pas être dans le futur.",
        ),
    ]:
        with pytest.raises(WorkflowError) as excinfo:
            services.record_decision(
                commission.app,
                commission.level("externe"),
                commission.staff.secretariat,
                decided_on=day,
                reference="UFR-1",
                granted=True,
            )
        assert messages_of(excinfo) == [error]
    assert not Decision.objects.exists()


def test_a_postponed_level_goes_to_the_next_session_alone_while_the_other_is_decided(
    client, commission, django_capture_on_commit_callbacks
):
    staff = commission.staff
    secretariat = staff.secretariat
    externe, niveau_1 = commission.level("externe"), commission.level("niveau_1")
    services.record_commission_opinion(commission.session, externe, secretariat, FAVOURABLE)
    services.record_commission_opinion(
        commission.session, niveau_1, secretariat, "postponed", "Attendre la seconde visite."
    )
    close_meeting(commission.session, secretariat)

    app = Application.objects.get(pk=commission.app.pk)
    assert app.status == Status.IN_COMMISSION  # externe can be decided without waiting
    assert [e.label for e in app.events.filter(action="postpone_level")] == [
        "Niveau ajourné à une prochaine séance"
    ]
    # The dossier is in the queue's "ready for commission" tab, for its postponed level.
    client.force_login(secretariat)
    tab = html.unescape(
        client.get(reverse("applications:queue") + "?onglet=commission").content.decode()
    )
    assert app.reference in tab
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_decision(
            app, externe, secretariat, decided_on=today(), reference="UFR-7", granted=True
        )
    assert Agrement.objects.get().level == "externe"
    assert mail.outbox == []  # the doctor hears once, when the dossier is decided

    later = past_session(staff, members=commission.members, president=commission.president)
    item = services.add_to_agenda(later, Application.objects.get(pk=app.pk), secretariat)
    assert list(item.levels.all()) == [niveau_1]  # alone
    assert selectors.fixed_opinion(niveau_1) is None
    with pytest.raises(WorkflowError):  # the next session has not closed yet
        services.record_decision(
            Application.objects.get(pk=app.pk),
            niveau_1,
            secretariat,
            decided_on=today(),
            reference="ARS-8",
            granted=True,
        )
    services.record_commission_opinion(later, niveau_1, secretariat, FAVOURABLE)
    close_meeting(later, secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_decision(
            Application.objects.get(pk=app.pk),
            niveau_1,
            secretariat,
            decided_on=today(),
            reference="ARS-8",
            granted=True,
        )
    assert Application.objects.get(pk=app.pk).status == Status.DECIDED
    assert [m.to for m in mail.outbox] == [[app.doctor.user.email]]


# --- Batches ------------------------------------------------------------------------------------


def test_several_dossiers_go_on_the_agenda_at_once_from_the_queue(client):
    staff = make_staff()
    session = past_session(staff, hours=-72)
    ready = [advance(submitted_application(staff), staff, Status.VISIT_DONE) for _ in range(3)]
    client.force_login(staff.secretariat)
    tab = html.unescape(
        client.get(reverse("applications:queue") + "?onglet=commission").content.decode()
    )
    assert 'form="inscrire"' in tab and str(session).lower() in tab.lower()
    response = client.post(
        reverse("applications:queue_add_to_session"),
        {"session": session.pk, "dossiers": [a.pk for a in ready[:2]]},
    )
    assert response.status_code == 302
    assert response.url == reverse("applications:session", args=[session.pk])
    assert sorted(session.items.values_list("application_id", flat=True)) == sorted(
        a.pk for a in ready[:2]
    )
    assert Application.objects.get(pk=ready[2].pk).status == Status.VISIT_DONE


def test_a_batch_with_one_dossier_that_cannot_go_adds_none(client):
    staff = make_staff()
    session = past_session(staff, hours=-72)
    ready = advance(submitted_application(staff), staff, Status.VISIT_DONE)
    not_ready = advance(submitted_application(staff), staff, Status.ADMISSIBLE)
    client.force_login(staff.secretariat)
    response = client.post(
        reverse("applications:queue_add_to_session"),
        {"session": session.pk, "dossiers": [ready.pk, not_ready.pk]},
        follow=True,
    )
    assert f"{not_ready.reference} : Action impossible : le dossier est « Recevable »." in (
        html.unescape(response.content.decode())
    )
    assert not session.items.exists()
    assert Application.objects.get(pk=ready.pk).status == Status.VISIT_DONE


def test_only_the_secretariat_of_the_dossiers_faculty_batches_them(client):
    staff, other = make_staff(), make_staff()
    session = past_session(staff, hours=-72)
    ready = advance(submitted_application(staff), staff, Status.VISIT_DONE)
    url = reverse("applications:queue_add_to_session")
    data = {"session": session.pk, "dossiers": [ready.pk]}
    for user, statuses in [
        (staff.commission, {403}),
        (staff.admin, {403}),
        (ready.doctor.user, {403}),
        (other.secretariat, {302}),  # another faculty's session is not among its choices
    ]:
        client.force_login(user)
        assert client.post(url, data).status_code in statuses
    other_session = past_session(other, hours=-72)
    client.force_login(other.secretariat)
    response = client.post(url, {"session": other_session.pk, "dossiers": [ready.pk]})
    assert response.status_code == 404
    assert not session.items.exists() and not other_session.items.exists()


def _closed_session_with(n_dossiers):
    staff = make_staff()
    session = past_session(staff)
    apps = [
        advance(
            submitted_application(staff),
            staff,
            Status.IN_COMMISSION,
            session=session,
            opinions=False,
        )
        for _ in range(n_dossiers)
    ]
    for index, app in enumerate(apps):
        for level in examined_levels(session, app):
            if index == 0 and level.level == "niveau_1":
                services.record_commission_opinion(
                    session, level, staff.secretariat, UNFAVOURABLE, "Supervision insuffisante."
                )
            else:
                services.record_commission_opinion(session, level, staff.secretariat, FAVOURABLE)
    close_meeting(session, staff.secretariat)
    return staff, session, apps


def test_the_decisions_of_a_whole_session_in_one_form_one_e_mail_per_doctor(
    client, django_capture_on_commit_callbacks
):
    staff, session, apps = _closed_session_with(2)
    url = reverse("applications:session_decisions", args=[session.pk])
    client.force_login(staff.secretariat)
    page = client.get(url)
    form = page.context["form"]
    refused = apps[0].requested_levels.get(level="niveau_1")
    assert form[f"niveau-{refused.pk}-outcome"].value() == "refused"  # prefilled
    assert form[f"niveau-{refused.pk}-reason"].value() == "Supervision insuffisante."
    data = {"decided_on": today().isoformat(), "reference": "ARS-2026-0501"}
    for line in form.lines:
        prefix = f"niveau-{line['level'].pk}"
        for name in ("outcome", "reason", "duration_years"):
            data[f"{prefix}-{name}"] = form[f"{prefix}-{name}"].value()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    assert Decision.objects.count() == 4
    assert set(Decision.objects.values_list("reference", flat=True)) == {"ARS-2026-0501"}
    assert Agrement.objects.count() == 3
    assert all(Application.objects.get(pk=a.pk).status == Status.DECIDED for a in apps)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(a.doctor.user.email for a in apps)
    assert all(d.letter for d in Decision.objects.select_related("letter"))


def test_a_bad_batch_of_decisions_records_none(client):
    staff, session, apps = _closed_session_with(1)
    url = reverse("applications:session_decisions", args=[session.pk])
    client.force_login(staff.secretariat)
    form = client.get(url).context["form"]
    data = {
        "decided_on": (
            timezone.localdate(session.meets_at) - datetime.timedelta(days=3)
        ).isoformat(),
        "reference": "ARS-1",
    }
    for line in form.lines:
        prefix = f"niveau-{line['level'].pk}"
        data.update(
            {f"{prefix}-outcome": "granted", f"{prefix}-reason": "", f"{prefix}-duration_years": 5}
        )
    response = client.post(url, data)
    assert response.status_code == 400
    assert "ne peut pas être antérieure à la séance de la commission" in response.content.decode()
    assert not Decision.objects.exists() and not Agrement.objects.exists()
    assert response.context["form"]["reference"].value() == "ARS-1"  # nothing typed is lost


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["applications:session", "applications:session_decisions"])
def test_session_pages_take_the_same_queries_with_more_dossiers(client, page):
    staff, session, _apps = _closed_session_with(1)
    url = reverse(page, args=[session.pk])
    client.force_login(staff.secretariat)
    few = _count(client, url)
    # Four more dossiers on the same (reopened for the test) agenda would need a new session:
    # build a bigger one and compare the two.
    staff2, session2, _apps2 = _closed_session_with(5)
    client.force_login(staff2.secretariat)
    assert _count(client, reverse(page, args=[session2.pk])) == few


def test_open_session_page_queries_do_not_grow_with_dossiers_and_opinions(client):
    counts = []
    for n in (1, 4):
        commission = Commission()
        for _ in range(n - 1):
            commission.add()
        for item in commission.session.items.all():
            for level in item.levels.all():
                services.give_opinion(commission.session, level, commission.members[1], FAVOURABLE)
        for user in (commission.members[2], commission.president):
            client.force_login(user)
            counts.append(
                (
                    user == commission.president,
                    _count(client, reverse("applications:session", args=[commission.session.pk])),
                )
            )
    assert counts[0] == counts[2] and counts[1] == counts[3]


# --- Transmissions -------------------------------------------------------------------------------


def test_the_ars_transmission_lists_the_internes_levels_with_the_commission_opinion(client):
    staff, session, apps = _closed_session_with(2)
    apps[1].doctor.user.last_name = "=SOMME(A1)"
    apps[1].doctor.user.save()
    client.force_login(staff.secretariat)
    response = client.get(
        reverse("applications:session_transmission", args=[session.pk, "ars", "csv"])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="transmission-ars-')
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header, lines, total = rows[0], rows[1:-1], rows[-1]
    assert header[:3] == ["Nom", "Prénom", "RPPS"] and "Avis de la commission" in header
    assert len(lines) == 2  # niveau 1 of each dossier; the externes go to the UFR
    by_name = {line[0]: line for line in lines}
    assert "'=SOMME(A1)" in by_name  # a name typed as a formula stays text
    first = by_name[apps[0].doctor.user.last_name]
    assert first[7:12] == ["Défavorable", "0", "0", "0", "Supervision insuffisante."]
    assert first[12] == f"{timezone.localdate(session.meets_at):%d/%m/%Y}"
    assert total[0] == "Total : 2 propositions"

    ufr, _name = transmission_file(session, Authority.UFR, "xlsx")
    sheet = load_workbook(io.BytesIO(ufr)).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert [row[6] for row in values[1:-1]] == ["2e cycle (externes)"] * 2

    pdf, _name = transmission_file(session, Authority.ARS, "pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Propositions d'agrément des maîtres de stage des universités (internes)" in text
    assert apps[0].doctor.user.last_name.upper() in text and "Supervision insuffisante." in text


def test_a_session_with_nothing_for_the_ufr_offers_no_empty_letter(client):
    staff = make_staff()
    session = past_session(staff)
    app = advance(
        submitted_application(staff), staff, Status.IN_COMMISSION, session=session, opinions=False
    )
    for level in examined_levels(session, app):
        opinion = "postponed" if level.level == "externe" else FAVOURABLE
        services.record_commission_opinion(
            session, level, staff.secretariat, opinion, "Visite à compléter."
        )
    close_meeting(session, staff.secretariat)
    client.force_login(staff.secretariat)
    page = html.unescape(
        client.get(reverse("applications:session", args=[session.pk])).content.decode()
    )
    assert 'id="transmission-ars-pdf"' in page
    assert 'id="transmission-ufr-pdf"' not in page
    assert "aucune proposition au directeur de l'UFR à cette séance." in page
    ufr = reverse("applications:session_transmission", args=[session.pk, "ufr", "pdf"])
    response = client.get(ufr, follow=True)
    assert "Content-Disposition" not in response
    assert response.redirect_chain[-1][0] == reverse("applications:session", args=[session.pk])
    assert "Aucune proposition à transmettre au directeur de l'UFR pour cette séance." in (
        html.unescape(response.content.decode())
    )


def test_a_session_closed_with_one_member_present_says_it_in_the_singular():
    _staff, session, _apps = _closed_session_with(1)
    closing = Event.objects.get(session=session, application__isnull=True, action="close_session")
    assert closing.comment.startswith("1 présent sur ")


def test_a_transmission_names_the_site_examined_even_after_the_doctor_has_moved():
    """The letter to the ARS of an older session named the doctor's current site: it names the
    one the commission examined, kept when the dossier was put on the agenda."""
    staff, session, (app,) = _closed_session_with(1)
    doctor = app.doctor

    def sites_in_files():
        table, _name = transmission_file(session, Authority.ARS, "csv")
        line = list(csv.reader(io.StringIO(table.decode("utf-8-sig")), delimiter=";"))[1]
        pdf, _name = transmission_file(session, Authority.ARS, "pdf")
        text = " ".join(
            " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split()
        )
        return line[3:5], text

    examined = doctor.main_site
    before, _text = sites_in_files()
    assert before == [examined.name or examined.get_kind_display(), examined.commune]
    # The doctor moves (with no agrément yet, the sites change through a new candidature).
    PracticeSite.objects.filter(doctor=doctor).update(is_main=False)
    PracticeSite.objects.create(
        doctor=doctor,
        is_main=True,
        kind="msp",
        name="MSP du Nouveau Quartier",
        address="1 rue Neuve",
        postal_code="30000",
        commune="Nîmes",
    )
    after, text = sites_in_files()
    assert after == before
    assert f"{examined.postal_code} {examined.commune}" in text
    assert "Nouveau Quartier" not in text and "Nîmes" not in text


def test_items_put_on_an_agenda_before_the_site_was_kept_get_the_current_main_site():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("applications.migrations.0020_agenda_item_site")
    _staff, session, (app,) = _closed_session_with(1)
    AgendaItem.objects.filter(session=session).update(
        site_name="", site_postal_code="", site_commune=""
    )
    migration.fill_from_current_sites(apps, None)
    item = AgendaItem.objects.get(session=session)
    site = app.doctor.main_site
    assert (item.site_name, item.site_postal_code, item.site_commune) == (
        site.name or site.get_kind_display(),
        site.postal_code,
        site.commune,
    )


def test_a_transmission_of_one_proposal_says_so_in_the_singular():
    staff, session, _apps = _closed_session_with(1)
    table, _name = transmission_file(session, Authority.ARS, "csv")
    assert table.decode("utf-8-sig").strip().splitlines()[-1].startswith("Total : 1 proposition;")


# --- What the doctor sees ----------------------------------------------------------------------


def test_the_doctor_never_sees_the_members_nor_their_opinions(client, commission):
    level = commission.level("externe")
    president, second, third = commission.members
    services.give_opinion(commission.session, level, second, UNFAVOURABLE, "Avis personnel.")
    services.give_opinion(commission.session, level, president, FAVOURABLE)
    services.give_opinion(commission.session, level, third, FAVOURABLE)
    conclude(commission.session, commission.app, president, FAVOURABLE)
    close_meeting(commission.session, commission.staff.secretariat)
    doctor = commission.app.doctor.user
    client.force_login(doctor)
    page = html.unescape(
        client.get(reverse("applications:detail", args=[commission.app.pk])).content.decode()
    )
    for member in commission.members:
        assert member.get_full_name() not in page
    assert "Avis personnel." not in page
    assert "Avis de la commission" not in page  # the faculty has not chosen to show it
    assert (
        client.get(reverse("applications:session", args=[commission.session.pk])).status_code == 404
    )

    FacultySettings.objects.create(
        faculty=commission.staff.faculty, show_commission_opinion_to_doctor=True
    )
    page = html.unescape(
        client.get(reverse("applications:detail", args=[commission.app.pk])).content.decode()
    )
    assert "Avis de la commission" in page
    assert "2e cycle (externes) : <strong>Favorable</strong>" in page
    assert "pour," not in page  # no vote count either
    for member in commission.members:
        assert member.get_full_name() not in page


def test_the_commission_opinion_stays_hidden_from_the_doctor_until_the_session_closes(
    client, commission
):
    FacultySettings.objects.create(
        faculty=commission.staff.faculty, show_commission_opinion_to_doctor=True
    )
    conclude(commission.session, commission.app, commission.president, FAVOURABLE)
    client.force_login(commission.app.doctor.user)
    page = html.unescape(
        client.get(reverse("applications:detail", args=[commission.app.pk])).content.decode()
    )
    assert 'id="avis-commission"' not in page


def test_every_event_of_a_whole_path_has_a_french_label(client, commission):
    """Opinions, changes, attendance, postponement, closing, decisions: no code name shown."""
    staff, session = commission.staff, commission.session
    president, second, _third = commission.members
    externe, niveau_1 = commission.level("externe"), commission.level("niveau_1")
    services.give_opinion(session, externe, second, FAVOURABLE)
    services.give_opinion(session, externe, second, ABSTENTION)
    services.record_commission_opinion(session, externe, president, FAVOURABLE)
    services.record_commission_opinion(session, niveau_1, president, "postponed", "À revoir.")
    close_meeting(session, staff.secretariat)
    services.record_decision(
        Application.objects.get(pk=commission.app.pk),
        externe,
        staff.secretariat,
        decided_on=today(),
        reference="UFR-3",
        granted=True,
    )
    later = past_session(staff)
    services.add_to_agenda(later, Application.objects.get(pk=commission.app.pk), staff.secretariat)
    events = list(Event.objects.all())
    actions = {e.action for e in events}
    assert {"member_opinion", "change_opinion", "commission_opinion", "attendance"} <= actions
    assert {"close_session", "postpone_level", "record_decision", "add_to_agenda"} <= actions
    for event in events:
        assert event.label not in (event.action, "Autre événement"), event.action
    client.force_login(staff.secretariat)
    page = html.unescape(
        client.get(reverse("applications:detail", args=[commission.app.pk])).content.decode()
    )
    for action in actions:
        assert f"— {action}" not in page


def test_a_session_in_the_past_or_years_away_is_refused_and_nobody_is_convened(
    client, django_capture_on_commit_callbacks
):
    """A typo in the year (2020, 9999) convened the members to a meeting already over, or to
    one that never comes; the form keeps what was typed and says which days are possible."""
    staff = make_staff()
    client.force_login(staff.secretariat)
    create = reverse("applications:session_create")
    latest = timezone.localdate() + datetime.timedelta(days=730)
    for meets_at, error in [
        ("2020-01-10T14:00", "La séance ne peut pas être datée d&#x27;un jour passé"),
        ("9999-12-31T23:00", f"dans les deux ans : le {latest:%d/%m/%Y} au plus tard"),
    ]:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                create,
                {
                    "meets_at": meets_at,
                    "place": "Salle du conseil",
                    "members": [staff.commission.pk],
                    "president": staff.commission.pk,
                },
            )
        page = response.content.decode()
        assert response.status_code == 400 and error in page
        assert f'value="{meets_at}"' in page
        # The date and time field has the DSFR look of the other fields (it was left bare).
        field = re.search(r'<input type="datetime-local"[^>]*id="id_meets_at"[^>]*>', page)
        assert field and 'class="fr-input' in field.group(0)
    assert not CommissionSession.objects.exists()
    assert mail.outbox == []
