"""The second factor as staff and doctors meet it: enrolment by QR code, sign-in with a code
or a recovery code, "trust this device for 30 days", the faculty admin's reset, the demo."""

import datetime
import html
import re
import time

import pytest
import time_machine
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import Membership, SecurityEvent, UserSession
from applications.text import of_name
from tests.factories import PASSWORD, DoctorFactory, FacultyFactory, StaffFactory, UserFactory
from tests.two_factor_helpers import totp_code

pytestmark = pytest.mark.django_db

Role = Membership.Role
QUEUE = "applications:queue"


def password_login(client, user):
    return client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})


def enrolled(user):
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    codes = two_factor.new_recovery_codes(user)
    return device, codes


@pytest.fixture
def secretary():
    return StaffFactory(role=(Role.SECRETARIAT, FacultyFactory()))


def test_staff_without_a_device_are_sent_to_enrolment_and_reach_nothing_else(client, secretary):
    password_login(client, secretary)
    response = client.get(reverse(QUEUE))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:second_factor_enrol"))
    # The Django admin is behind the same gate.
    assert client.get("/admin/").url.startswith(reverse("accounts:second_factor_enrol"))


def test_enrolment_by_qr_code_then_recovery_codes_shown_once(client, secretary):
    password_login(client, secretary)
    page = client.get(reverse("accounts:second_factor_enrol") + "?next=/dossiers/instruction/")
    html = page.content.decode()
    assert "<svg" in html and "<path" in html  # the QR code, drawn on the server
    device = TOTPDevice.objects.get(user=secretary, confirmed=False)
    assert two_factor.secret_base32(device) in html  # for typing it by hand

    wrong = client.post(page.request["PATH_INFO"], {"code": "000000", "next": "/"})
    assert "Ce code ne correspond pas" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse(QUEUE)).status_code == 302

    time.sleep(0)  # django-otp throttles after a wrong code: let a second pass
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=2)):
        response = client.post(
            reverse("accounts:second_factor_enrol"),
            {"code": totp_code(device.key), "next": "/dossiers/instruction/"},
        )
        assert response.url == reverse("accounts:recovery_codes")
        codes_page = client.get(response.url).content.decode()
        codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page)
        assert len(codes) == 10
        assert 'href="/dossiers/instruction/"' in codes_page
        # Shown once: the page does not show them again.
        again = client.get(reverse("accounts:recovery_codes")).content.decode()
        assert not any(code in again for code in codes)
        assert "Il vous reste 10 codes de secours" in again
        assert client.get(reverse(QUEUE)).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert SecurityEvent.objects.filter(
        user=secretary, kind=SecurityEvent.Kind.SECOND_FACTOR_ENROLLED
    ).exists()


def test_a_stolen_password_cannot_replace_an_existing_device(client, secretary):
    enrolled(secretary)
    password_login(client, secretary)
    response = client.get(reverse("accounts:second_factor_enrol"))
    assert response.url.startswith(reverse("accounts:second_factor"))
    assert not TOTPDevice.objects.filter(user=secretary, confirmed=False).exists()


def test_a_new_phone_is_named_so_from_the_security_page(client, secretary):
    enrolled(secretary)
    client.force_login(secretary)  # verified
    page = client.get(reverse("accounts:second_factor_enrol")).content.decode()
    assert "<title>Changer de téléphone" in page
    assert 'aria-current="page">Changer de téléphone</a>' in page
    assert "Utiliser ce téléphone" in page


def test_sign_in_with_the_code_of_the_app(client, secretary):
    device, _ = enrolled(secretary)
    response = password_login(client, secretary)
    response = client.get(reverse(QUEUE))
    assert response.url == reverse("accounts:second_factor") + "?next=%2Fdossiers%2Finstruction%2F"
    page = client.get(response.url).content.decode()
    assert "Code de vérification" in page and "code-demo" not in page

    refused = client.post(response.url, {"code": "123456"})
    assert "Code incorrect" in refused.content.decode()
    assert client.get(reverse(QUEUE)).status_code == 302

    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=2)):
        accepted = client.post(
            reverse("accounts:second_factor"),
            {"code": totp_code(device.key), "next": "/dossiers/instruction/"},
        )
        assert accepted.url == "/dossiers/instruction/"
        assert client.get(reverse(QUEUE)).status_code == 200


def test_the_same_code_cannot_be_replayed_in_another_browser(client, secretary):
    from django.test import Client

    device, _ = enrolled(secretary)
    code = totp_code(device.key)
    password_login(client, secretary)
    assert client.post(reverse("accounts:second_factor"), {"code": code}).status_code == 302
    other = Client()
    password_login(other, secretary)
    replay = other.post(reverse("accounts:second_factor"), {"code": code})
    assert replay.status_code == 200 and "Code incorrect" in replay.content.decode()


def test_a_recovery_code_signs_in_once(client, secretary):
    _, codes = enrolled(secretary)
    password_login(client, secretary)
    response = client.post(reverse("accounts:second_factor"), {"code": codes[0].upper()})
    assert response.status_code == 302
    queue = client.get(reverse(QUEUE))
    assert queue.status_code == 200 and "Il vous en reste 9" in queue.content.decode()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.RECOVERY_CODE_USED).count() == 1

    client.post(reverse("accounts:logout"))
    password_login(client, secretary)
    reused = client.post(reverse("accounts:second_factor"), {"code": codes[0]})
    assert "Code incorrect" in reused.content.decode()
    assert StaticToken.objects.filter(device__user=secretary).count() == 9


def test_a_trusted_browser_skips_the_code_for_30_days_only(client, secretary):
    device, _ = enrolled(secretary)
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        password_login(client, secretary)
        response = client.post(
            reverse("accounts:second_factor"), {"code": totp_code(device.key), "trust": "on"}
        )
        cookie = response.cookies[two_factor.trust_cookie_name(secretary)]
        assert cookie["httponly"] and cookie["max-age"] == 30 * 24 * 3600
        client.post(reverse("accounts:logout"))

    with time_machine.travel(start + datetime.timedelta(days=29), tick=False):
        password_login(client, secretary)
        assert client.get(reverse(QUEUE)).status_code == 200  # no code asked
        client.post(reverse("accounts:logout"))

    with time_machine.travel(start + datetime.timedelta(days=31), tick=False):
        password_login(client, secretary)
        assert client.get(reverse(QUEUE)).url.startswith(reverse("accounts:second_factor"))


def test_the_trust_cookie_belongs_to_one_user_and_one_device(client, secretary):
    device, _ = enrolled(secretary)
    other = StaffFactory(role=(Role.SECRETARIAT, FacultyFactory()))
    enrolled(other)
    password_login(client, secretary)
    response = client.post(
        reverse("accounts:second_factor"), {"code": totp_code(device.key), "trust": "on"}
    )
    value = response.cookies[two_factor.trust_cookie_name(secretary)].value
    client.post(reverse("accounts:logout"))

    # Renamed for another account: refused.
    client.cookies[two_factor.trust_cookie_name(other)] = value
    client.post(reverse("accounts:login"), {"username": other.email, "password": PASSWORD})
    assert client.get(reverse(QUEUE)).url.startswith(reverse("accounts:second_factor"))
    client.post(reverse("accounts:logout"))

    # A new device (phone changed or factor reset) voids the browsers trusted before.
    TOTPDevice.objects.filter(user=secretary).delete()
    TOTPDevice.objects.create(user=secretary, name="new phone", confirmed=True)
    password_login(client, secretary)
    assert client.get(reverse(QUEUE)).url.startswith(reverse("accounts:second_factor"))


def test_faculty_admin_resets_a_member_of_their_faculty_only(client):
    faculty, elsewhere = FacultyFactory(), FacultyFactory()
    admin = StaffFactory(role=(Role.FACULTY_ADMIN, faculty))
    member = StaffFactory(role=(Role.VISITOR, faculty))
    stranger = StaffFactory(role=(Role.VISITOR, elsewhere))
    for user in (member, stranger):
        enrolled(user)
    # The member is signed in somewhere: the reset ends that session too.
    from django.test import Client

    member_browser = Client()
    member_browser.force_login(member)
    assert member_browser.get(reverse("applications:my_visits")).status_code == 200

    client.force_login(admin)
    team = client.get(reverse("accounts:team")).content.decode()
    assert member.email in team and stranger.email not in team
    assert f"Réinitialiser le second facteur {of_name(member)}" in html.unescape(team)
    # Each member's roles in the admin's faculties, not elsewhere (a new admin saw none).
    Membership.objects.create(user=member, organisation=faculty, role=Role.COMMISSION)
    Membership.objects.create(user=member, organisation=elsewhere, role=Role.SECRETARIAT)
    team = client.get(reverse("accounts:team")).content.decode()
    row = team.split(member.email, 1)[1].split("</tr>", 1)[0]
    assert "Visiteur" in row and "Membre de la commission" in row
    assert "Secrétariat" not in row

    response = client.post(reverse("accounts:team_reset_second_factor", args=[member.pk]))
    assert response.url == reverse("accounts:team")
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert not StaticToken.objects.filter(device__user=member).exists()
    event = SecurityEvent.objects.get(user=member, kind=SecurityEvent.Kind.SECOND_FACTOR_RESET)
    assert event.actor == admin
    assert member_browser.get(reverse("applications:my_visits")).status_code == 302
    # At the next sign-in, the member enrols again.
    password_login(member_browser, member)
    next_page = member_browser.get(reverse("applications:my_visits"))
    assert next_page.url.startswith(reverse("accounts:second_factor_enrol"))

    # Another faculty's member: 404, nothing changed.
    denied = client.post(reverse("accounts:team_reset_second_factor", args=[stranger.pk]))
    assert denied.status_code == 404
    assert TOTPDevice.objects.filter(user=stranger).exists()


def test_only_a_faculty_admin_may_reset(client, secretary):
    colleague = StaffFactory(role=(Role.VISITOR, secretary.memberships.get().organisation))
    enrolled(colleague)
    client.force_login(secretary)
    assert client.get(reverse("accounts:team")).status_code == 404
    response = client.post(reverse("accounts:team_reset_second_factor", args=[colleague.pk]))
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=colleague).exists()


def test_a_django_admin_account_is_not_reset_by_a_faculty_admin(client):
    faculty = FacultyFactory()
    admin = StaffFactory(role=(Role.FACULTY_ADMIN, faculty))
    superuser = StaffFactory(role=(Role.SECRETARIAT, faculty), is_superuser=True, is_staff=True)
    enrolled(superuser)
    client.force_login(admin)
    client.post(reverse("accounts:team_reset_second_factor", args=[superuser.pk]))
    assert "seul un super-utilisateur" in client.get(reverse("accounts:team")).content.decode()
    assert TOTPDevice.objects.filter(user=superuser, confirmed=True).exists()


def test_doctors_sign_in_without_a_code_unless_they_turn_it_on(client):
    doctor = DoctorFactory().user
    password_login(client, doctor)
    assert client.get(reverse("home")).status_code == 200

    page = client.get(reverse("accounts:second_factor_enrol")).content.decode()
    assert "<svg" in page
    # Optional for a doctor: cancelling keeps them signed in (staff can only sign out).
    assert "Annuler : continuer sans second facteur" in page
    assert "Annuler et se déconnecter" not in page
    device = TOTPDevice.objects.get(user=doctor)
    client.post(reverse("accounts:second_factor_enrol"), {"code": totp_code(device.key)})
    client.post(reverse("accounts:logout"))

    password_login(client, doctor)
    assert client.get(reverse("home")).url.startswith(reverse("accounts:second_factor"))


def test_the_embedded_demo_shows_the_demo_accounts_code_only_with_debug(client, settings):
    user = UserFactory(is_staff=True)
    two_factor.set_up_demo_device(user)
    password_login(client, user)
    settings.DEBUG = True
    settings.SHOW_DEMO_OTP_CODE = True
    page = client.get(reverse("accounts:second_factor")).content.decode()
    shown = re.search(r'class="msu-code">(\d{6})<', page).group(1)
    assert shown in {totp_code(at=time.time() + delta) for delta in (-30, 0, 30)}

    # Signed out and in again within the same 30 seconds: the code shown is still accepted.
    assert client.post(reverse("accounts:second_factor"), {"code": shown}).status_code == 302
    client.post(reverse("accounts:logout"))
    password_login(client, user)
    page = client.get(reverse("accounts:second_factor")).content.decode()
    again = re.search(r'class="msu-code">(\d{6})<', page).group(1)
    assert again != shown
    assert client.post(reverse("accounts:second_factor"), {"code": again}).status_code == 302
    client.post(reverse("accounts:logout"))
    password_login(client, user)

    settings.DEBUG = False  # production settings: never
    assert "code-demo" not in client.get(reverse("accounts:second_factor")).content.decode()

    settings.DEBUG = True  # an account with its own secret: never either
    TOTPDevice.objects.filter(user=user).update(key="ab" * 20)
    assert "code-demo" not in client.get(reverse("accounts:second_factor")).content.decode()


def test_sessions_are_recorded_at_sign_in(client, secretary):
    enrolled(secretary)
    client.post(
        reverse("accounts:login"),
        {"username": secretary.email, "password": PASSWORD},
        HTTP_USER_AGENT="Navigateur de test",
    )
    row = UserSession.objects.get(user=secretary)
    assert row.user_agent == "Navigateur de test" and row.ip_address == "127.0.0.1"
