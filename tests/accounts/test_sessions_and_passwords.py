"""Idle timeouts (staff 30 min, doctors 2 h) with their notice, the list of one's sessions and
"sign out everywhere", the 12-character minimum and the password change page."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts import browsers
from accounts.models import Membership, SecurityEvent, UserSession
from tests.factories import PASSWORD, DoctorFactory, FacultyFactory, StaffFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
NOTICE = "Votre session a expiré"


@pytest.fixture
def secretary():
    return StaffFactory(role=(Membership.Role.SECRETARIAT, FacultyFactory()))


def at(minutes):
    return time_machine.travel(START + datetime.timedelta(minutes=minutes), tick=False)


def test_a_staff_session_ends_after_30_idle_minutes_with_a_notice(client, secretary):
    queue = reverse("applications:queue")
    with at(0):
        client.force_login(secretary)
        assert client.get(queue).status_code == 200
    with at(29):  # activity restarts the clock
        assert client.get(queue).status_code == 200
    with at(58):
        assert client.get(queue).status_code == 200
    with at(89):
        response = client.get(queue)
        assert response.url == reverse("accounts:login")
        assert NOTICE in client.get(response.url).content.decode()
        assert client.get(queue).url.startswith(reverse("accounts:login"))


def test_a_doctor_session_lasts_two_idle_hours(client):
    doctor = DoctorFactory().user
    home = reverse("home")
    with at(0):
        client.force_login(doctor)
    with at(119):
        assert 'id="utilisateur-connecte"' in client.get(home).content.decode()
    with at(119 + 121):
        response = client.get(home)
        assert response.url == reverse("accounts:login")
        assert NOTICE in client.get(response.url).content.decode()


def test_an_expired_htmx_poll_sends_the_whole_page_to_the_login(client, secretary):
    with at(0):
        client.force_login(secretary)
    with at(31):
        response = client.get(reverse("applications:queue"), HTTP_HX_REQUEST="true")
        assert response["HX-Redirect"] == reverse("accounts:login")


FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


@pytest.mark.parametrize(
    ("agent", "said"),
    [
        (FIREFOX, "Firefox sur Windows"),
        (ANDROID, "Chrome sur Android"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like "
            "Gecko) Version/17.6 Safari/605.1.15",
            "Safari sur macOS",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
            "Safari sur iPhone",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge sur Windows",
        ),
        ("curl/8.5.0", "navigateur non reconnu"),
        ("", "inconnu"),
    ],
)
def test_a_browser_is_named_in_words(agent, said):
    assert browsers.describe(agent) == said


def test_the_sessions_page_lists_each_browser_and_signs_out_the_others(secretary):
    here, elsewhere = Client(), Client()
    for browser, agent in ((here, "Firefox de bureau"), (elsewhere, "Téléphone Android")):
        browser.post(
            reverse("accounts:login"),
            {"username": secretary.email, "password": PASSWORD},
            HTTP_USER_AGENT=agent,
        )
    # Password alone: the second factor is still to pass, the list shows nothing yet.
    here.force_login(secretary)
    elsewhere.force_login(secretary)
    UserSession.objects.filter(session_key=here.session.session_key).update(user_agent=FIREFOX)
    UserSession.objects.filter(session_key=elsewhere.session.session_key).update(user_agent=ANDROID)
    page = here.get(reverse("accounts:browser_sessions")).content.decode()
    # Each browser as its owner knows it, not the header's 120 characters.
    assert "Firefox sur Windows" in page and "Chrome sur Android" in page
    assert "cette session" in page and "Mozilla/5.0" not in page

    response = here.post(reverse("accounts:sign_out_others"))
    assert "Vos autres sessions sont fermées" in here.get(response.url).content.decode()
    assert elsewhere.get(reverse("applications:queue")).url.startswith(reverse("accounts:login"))
    assert here.get(reverse("applications:queue")).status_code == 200
    page = here.get(reverse("accounts:browser_sessions")).content.decode()
    assert "Chrome sur Android" not in page and "Firefox sur Windows" in page
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SIGNED_OUT_ELSEWHERE).exists()


def test_passwords_need_12_characters_said_in_french(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "first_name": "Jules",
            "last_name": "Essai",
            "email": "jules@example.org",
            "password1": "Court-a9!k",
            "password2": "Court-a9!k",
        },
    )
    assert "au minimum 12 caractères" in response.content.decode()


def test_change_my_password_keeps_this_session_and_ends_the_others(secretary):
    here, elsewhere = Client(), Client()
    here.force_login(secretary)
    elsewhere.force_login(secretary)
    url = reverse("accounts:password_change")
    page = here.get(url).content.decode()
    assert "Changer mon mot de passe" in page

    short = here.post(
        url,
        {"old_password": PASSWORD, "new_password1": "trop-court", "new_password2": "trop-court"},
    )
    assert "au minimum 12 caractères" in short.content.decode()
    wrong = here.post(
        url,
        {
            "old_password": "pas-le-bon",
            "new_password1": "une-phrase-assez-longue-26",
            "new_password2": "une-phrase-assez-longue-26",
        },
    )
    assert "ancien mot de passe est incorrect" in wrong.content.decode()

    response = here.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "une-phrase-assez-longue-26",
            "new_password2": "une-phrase-assez-longue-26",
        },
    )
    assert response.url == reverse("accounts:security")
    secretary.refresh_from_db()
    assert secretary.check_password("une-phrase-assez-longue-26")
    assert here.get(reverse("applications:queue")).status_code == 200
    assert elsewhere.get(reverse("applications:queue")).url.startswith(reverse("accounts:login"))
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_CHANGED).exists()


def test_the_password_change_page_needs_a_signed_in_user(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.url.startswith(reverse("accounts:login"))
