"""Lockout after repeated failures (per account, per IP) with its cool-off; rate limits and
the same work for known and unknown addresses on sign-up and password reset."""

import datetime

import pytest
import time_machine
from django.contrib.auth import hashers
from django.core import mail
from django.urls import reverse

from accounts import tasks
from accounts.models import SecurityEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def attempt(client, email, password, ip="203.0.113.5"):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip
    )


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one_until_the_cool_off(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="cible@example.org")
    with time_machine.travel(START, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(5):
                attempt(client, "Cible@Example.org", "mauvais-mot-de-passe")
        locked = attempt(client, "cible@example.org", PASSWORD)
        assert locked.status_code == 429
        page = locked.content.decode()
        assert "Connexion bloquée" in page and "bloquée pendant 15 minutes" in page
        assert "_auth_user_id" not in client.session
    # The holder is told, once.
    assert [m.to for m in mail.outbox] == [["cible@example.org"]]
    assert "bloquée" in mail.outbox[0].subject
    assert SecurityEvent.objects.filter(user=user, kind=SecurityEvent.Kind.LOCKED_OUT).count() == 1

    # Each attempt during the lockout restarts the cool-off (the last one at START).
    with time_machine.travel(START + datetime.timedelta(minutes=14), tick=False):
        assert attempt(client, "cible@example.org", PASSWORD).status_code == 429
    with time_machine.travel(START + datetime.timedelta(minutes=28), tick=False):
        assert attempt(client, "cible@example.org", PASSWORD).status_code == 429
    with time_machine.travel(START + datetime.timedelta(minutes=44), tick=False):
        response = attempt(client, "cible@example.org", PASSWORD)
        assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
    assert len(mail.outbox) == 1


def test_the_lock_follows_the_account_from_any_address(client):
    UserFactory(email="cible@example.org")
    with time_machine.travel(START, tick=False):
        for index in range(5):
            attempt(client, "cible@example.org", "mauvais", ip=f"198.51.100.{index}")
        assert attempt(client, "cible@example.org", PASSWORD, ip="192.0.2.77").status_code == 429


def test_password_spraying_from_one_address_is_locked_too(client):
    victims = [UserFactory() for _ in range(6)]
    with time_machine.travel(START, tick=False):
        for victim in victims[:5]:
            attempt(client, victim.email, "Printemps2026!")
        # A sixth account, never tried before, with its right password, from that address.
        assert attempt(client, victims[5].email, PASSWORD).status_code == 429
        # The same account from elsewhere signs in.
        assert attempt(client, victims[5].email, PASSWORD, ip="192.0.2.8").status_code == 302


def test_axes_reset_unlocks_at_once(client):
    from django.core.management import call_command

    UserFactory(email="cible@example.org")
    for _ in range(5):
        attempt(client, "cible@example.org", "mauvais")
    call_command("axes_reset_username", "cible@example.org", verbosity=0)
    call_command("axes_reset", verbosity=0)
    assert attempt(client, "cible@example.org", PASSWORD).status_code == 302


class Counter:
    """Counts password hashes computed and e-mail jobs queued during a request."""

    def __init__(self, monkeypatch):
        self.hashes = 0
        self.jobs = 0
        # Every hash goes through the configured hasher's encode (MD5 in tests).
        hasher = type(hashers.get_hasher())
        original = hasher.encode

        def counting_encode(instance, *args, **kwargs):
            self.hashes += 1
            return original(instance, *args, **kwargs)

        monkeypatch.setattr(hasher, "encode", counting_encode)
        monkeypatch.setattr(tasks.send_password_reset, "delay", self._queue)

    def _queue(self, *args, **kwargs):
        self.jobs += 1
        return object()  # as the broker's AsyncResult: queued (None would mean refused)

    def snapshot(self):
        return (self.hashes, self.jobs)


SIGNUP = {
    "first_name": "Jules",
    "last_name": "Essai",
    "password1": "un-mot-de-passe-solide-42",
    "password2": "un-mot-de-passe-solide-42",
}


def test_sign_up_does_the_same_work_for_a_known_and_a_new_address(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    UserFactory(email="deja@example.org")
    counter = Counter(monkeypatch)
    runs = []
    for email in ["deja@example.org", "nouveau@example.org"]:
        before, mails = counter.snapshot(), len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:signup"), {**SIGNUP, "email": email})
        assert response.url == reverse("accounts:signup_sent")
        after = counter.snapshot()
        runs.append((after[0] - before[0], len(mail.outbox) - mails))
    assert runs[0] == runs[1] == (1, 1)  # one hash, one e-mail, whoever asks


def test_password_reset_does_the_same_work_for_a_known_and_an_unknown_address(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    UserFactory(email="deja@example.org")
    counter = Counter(monkeypatch)
    runs = []
    for email in ["deja@example.org", "inconnu@example.org"]:
        before = counter.snapshot()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:password_reset"), {"email": email})
        assert response.url == reverse("accounts:password_reset_done")
        after = counter.snapshot()
        runs.append((after[0] - before[0], after[1] - before[1]))
    assert runs[0] == runs[1] and runs[0][1] == 1  # one queued job each; the worker decides
    assert mail.outbox == []


def test_the_reset_job_mails_only_an_existing_account():
    UserFactory(email="deja@example.org")
    tasks.send_password_reset("inconnu@example.org")
    assert mail.outbox == []
    tasks.send_password_reset("deja@example.org")
    assert [m.to for m in mail.outbox] == [["deja@example.org"]]


def test_password_reset_is_rate_limited_per_address_and_per_ip(client, settings):
    settings.RATE_LIMIT_PER_ADDRESS = 3
    settings.RATE_LIMIT_PER_IP = 5
    url = reverse("accounts:password_reset")
    for _ in range(3):
        assert client.post(url, {"email": "a@example.org"}).status_code == 302
    refused = client.post(url, {"email": "a@example.org"})
    assert refused.status_code == 429
    assert "Trop de demandes" in refused.content.decode()
    # Other addresses from the same client: allowed up to the client's own limit (5).
    assert client.post(url, {"email": "b@example.org"}).status_code == 302
    assert client.post(url, {"email": "c@example.org"}).status_code == 429
    # Another client, another address: allowed.
    assert client.post(url, {"email": "d@example.org"}, REMOTE_ADDR="192.0.2.9").status_code == 302
    # An hour later the counters start again.
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=61)):
        assert client.post(url, {"email": "a@example.org"}).status_code == 302


def test_sign_up_is_rate_limited_and_keeps_what_was_typed(client, settings):
    settings.RATE_LIMIT_PER_ADDRESS = 2
    url = reverse("accounts:signup")
    for _ in range(2):
        client.post(url, {**SIGNUP, "email": "x@example.org"})
    refused = client.post(url, {**SIGNUP, "email": "x@example.org"})
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Trop de demandes" in page and 'value="Jules"' in page
