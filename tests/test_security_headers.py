"""Headers on pages and downloads (CSP without 'unsafe-inline', Permissions-Policy, HSTS,
private no-store), no inline script or style left in the templates, and the production
settings: a real secret key or no start, `check --deploy` without a warning."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import Membership
from tests.factories import ApplicationFactory, FacultyFactory, StaffFactory
from tests.workflow_helpers import attach_required_pieces

ROOT = Path(__file__).resolve().parent.parent


def csp_of(response):
    return dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )


@pytest.mark.django_db
def test_a_page_has_a_csp_without_unsafe_inline_and_only_our_own_scripts(client):
    response = client.get(reverse("accounts:login"))
    policy = csp_of(response)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert policy["default-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    page = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts
    for tag in scripts:
        assert re.search(r'src="/static/', tag), tag  # a file of ours, never inline
    assert "Permissions-Policy" in response and "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_a_signed_in_page_and_a_download_are_private_and_never_stored(client):
    faculty = FacultyFactory()
    secretary = StaffFactory(role=(Membership.Role.SECRETARIAT, faculty))
    application = ApplicationFactory(levels=["externe"], doctor__faculty=faculty)
    attach_required_pieces(application)
    document = application.documents.first()
    client.force_login(application.doctor.user)
    for url in [
        reverse("home"),
        reverse("applications:detail", args=[application.pk]),
        reverse("applications:document", args=[application.pk, document.pk]),
        reverse("notifications:inbox"),
        reverse("accounts:browser_sessions"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        cache = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache, (url, cache)
        assert "Content-Security-Policy" in response and "Permissions-Policy" in response, url
    client.force_login(secretary)
    assert "no-store" in client.get(reverse("applications:queue"))["Cache-Control"]


@pytest.mark.django_db
def test_hsts_for_a_year_over_https_on_a_page_and_a_download(client, settings):
    # The production value (tested below through the real settings); here the header itself.
    settings.SECURE_HSTS_SECONDS = 365 * 24 * 3600
    application = ApplicationFactory(levels=["externe"])
    attach_required_pieces(application)
    document = application.documents.first()
    client.force_login(application.doctor.user)
    for url in [
        reverse("accounts:login"),
        reverse("applications:document", args=[application.pk, document.pk]),
    ]:
        response = client.get(url, secure=True)
        assert response["Strict-Transport-Security"].startswith("max-age=31536000"), url
        assert "includeSubDomains" in response["Strict-Transport-Security"], url


TEMPLATES = sorted(
    path
    for path in (ROOT / "templates").rglob("*.html")
    # E-mails are read by mail clients, not under our CSP; PDFs by WeasyPrint.
    if not path.is_relative_to(ROOT / "templates" / "emails")
    and not path.is_relative_to(ROOT / "templates" / "pdf")
)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_no_template_has_inline_script_style_or_handler(path):
    text = path.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert "<style" not in text, "<style> element"
    assert not re.search(r"\sstyle=", text), "style= attribute"
    assert not re.search(r"\son[a-z]+=", text), "on…= handler"


# --- Production settings ----------------------------------------------------------------------


def production_env(**extra):
    """The environment of a deployment: DEBUG off, outside pytest."""
    # Left out too: the e2e conftest's DJANGO_ALLOW_ASYNC_UNSAFE (a test-only switch).
    test_only = {"PYTEST_VERSION", "DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in test_only}
    env.pop("DJANGO_SECRET_KEY", None)
    env.update({"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "msu.example.org", **extra})
    return env


def run_python(code, env):
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


SETUP = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'msu_portal.settings'; "
    "django.setup()"
)


@pytest.mark.parametrize(
    "key",
    [
        None,
        "insecure-dev-key-only-for-make-run-and-tests",
        "change-me-in-production",
        "django-insecure-" + "x" * 50,
        "short-but-random-9f3a",
    ],
)
def test_production_refuses_to_start_without_a_real_secret_key(key):
    env = production_env(**({"DJANGO_SECRET_KEY": key} if key else {}))
    result = run_python(SETUP, env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_starts_with_a_real_key_and_turns_https_on():
    env = production_env(DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    code = (
        SETUP + "; from django.conf import settings as s;"
        " print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE,"
        " s.SECURE_PROXY_SSL_HEADER)"
    )
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "31536000",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
    ]


def test_check_deploy_gives_no_warning_with_the_production_environment():
    env = production_env(DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_compose_file_has_no_fallback_secret_key():
    compose = (ROOT / "docker-compose.yml").read_text()
    line = next(line for line in compose.splitlines() if "DJANGO_SECRET_KEY" in line)
    assert ":?" in line and ":-" not in line, line
