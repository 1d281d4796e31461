"""Sign-up with address confirmation, login, password reset."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts import signup
from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

FORM = {
    "first_name": "Jules",
    "last_name": "Essai",
    "email": "Jules.Essai@Example.org",
    "password1": "un-mot-de-passe-solide-42",
    "password2": "un-mot-de-passe-solide-42",
}


def sign_up(client, capture, **overrides):
    with capture(execute=True):
        return client.post(reverse("accounts:signup"), {**FORM, **overrides})


def link_in(message):
    return re.search(r"https?://\S+/compte/inscription/confirmer/\S+/", message.body).group(0)


def test_sign_up_creates_an_inactive_account_until_the_address_is_confirmed(
    client, django_capture_on_commit_callbacks
):
    response = sign_up(client, django_capture_on_commit_callbacks)
    assert response.url == reverse("accounts:signup_sent")
    user = User.objects.get(email="jules.essai@example.org")
    assert not user.is_active and user.email_confirmed_at is None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jules.essai@example.org"]

    # A mistyped address is never usable: no login before confirmation.
    client.post(
        reverse("accounts:login"),
        {"username": "jules.essai@example.org", "password": FORM["password1"]},
    )
    assert "_auth_user_id" not in client.session

    path = link_in(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert "Confirmer mon adresse" in page.content.decode()
    user.refresh_from_db()
    assert not user.is_active  # a GET (e.g. a mail scanner) confirms nothing
    client.post("/" + path)
    user.refresh_from_db()
    assert user.is_active and user.email_confirmed_at
    response = client.post(
        reverse("accounts:login"),
        {
            "username": "jules.essai@example.org",
            "password": FORM["password1"],
        },
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_login_of_an_unconfirmed_account_says_so_and_resends_the_link(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):  # the link leaves after commit
        response = client.post(
            reverse("accounts:login"),
            {
                "username": "jules.essai@example.org",
                "password": FORM["password1"],
            },
        )
    assert "pas encore confirmée" in response.content.decode()
    assert len(mail.outbox) == 2


def test_forged_or_stale_confirmation_link_is_refused(client, settings):
    user = UserFactory(is_active=False, email_confirmed_at=None)
    token = signup.make_token(user)
    response = client.get(reverse("accounts:confirm", args=[token[:-2] + "xx"]))
    assert response.status_code == 400
    settings.EMAIL_CONFIRMATION_MAX_AGE = -1
    response = client.post(reverse("accounts:confirm", args=[token]))
    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_signing_up_with_an_existing_account_reveals_nothing_and_warns_the_owner(
    client, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="deja@example.org")
    response = sign_up(client, django_capture_on_commit_callbacks, email="deja@example.org")
    assert response.url == reverse("accounts:signup_sent")
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)  # the password was not changed by a stranger
    assert "déjà un compte" in mail.outbox[0].subject


def test_sign_up_errors_in_french(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            **FORM,
            "email": "pas-une-adresse",
            "password2": "autre",
        },
    )
    page = response.content.decode()
    assert "Saisissez une adresse de courriel valide." in page
    assert "Les deux mots de passe ne correspondent pas." in page
    assert 'value="Jules"' in page
    assert not User.objects.exists()


def test_weak_password_is_refused(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            **FORM,
            "password1": "12345678",
            "password2": "12345678",
        },
    )
    assert "Ce mot de passe est entièrement numérique." in response.content.decode()


def test_password_reset_sends_a_working_link(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="oubli@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "oubli@example.org"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Réinitialisation de votre mot de passe")
    path = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {
            "new_password1": "nouveau-secret-solide-77",
            "new_password2": "nouveau-secret-solide-77",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("nouveau-secret-solide-77")


def test_wrong_password_message_is_french(client):
    UserFactory(email="x@example.org")
    response = client.post(
        reverse("accounts:login"),
        {
            "username": "x@example.org",
            "password": "faux",
        },
    )
    assert "Adresse électronique ou mot de passe incorrect." in response.content.decode()
