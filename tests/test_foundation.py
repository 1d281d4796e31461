"""The foundation as users and operators meet it: DSFR layout, French forms, reference and demo
data, the compose file."""

import datetime
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django import forms
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from tests.two_factor_helpers import sign_in

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_pages_have_dsfr_header_with_institution_skip_links_breadcrumb_and_local_assets(
    client, settings
):
    settings.INSTITUTION_NAME = "Faculté de médecine de Nulle-Part"
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="fr"' in page
    assert 'class="fr-header"' in page and "Faculté de médecine de Nulle-Part" in page
    assert 'class="fr-skiplinks"' in page and 'href="#contenu"' in page
    assert 'class="fr-breadcrumb"' in page
    assert 'class="fr-footer"' in page
    assert "/static/dsfr/dist/dsfr/dsfr.min.css" in page  # served by us, not from a CDN
    assert "cdn" not in page.lower()


@pytest.mark.django_db
def test_dsfr_stylesheet_is_served_locally(live_server):
    import urllib.request

    with urllib.request.urlopen(
        live_server.url + "/static/dsfr/dist/dsfr/dsfr.min.css"
    ) as response:
        assert response.status == 200
        assert b".fr-btn" in response.read()


class SampleForm(forms.Form):
    name = forms.CharField(label="Nom", help_text="Votre nom d'usage")
    kind = forms.ChoiceField(label="Type", choices=[("a", "A"), ("b", "B")])
    agree = forms.BooleanField(label="J'accepte")
    piece = forms.FileField(label="Pièce")
    levels = forms.MultipleChoiceField(
        label="Niveaux", choices=[("x", "X")], widget=forms.CheckboxSelectMultiple
    )


def render_crispy(form):
    return Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))


def test_crispy_pack_renders_every_field_kind_as_dsfr_with_errors():
    form = SampleForm(data={})
    form.is_valid()
    html = render_crispy(form)
    assert 'class="fr-input-group fr-input-group--error' in html
    assert "fr-input fr-input--error" in html and 'aria-describedby="id_name-desc-error"' in html
    assert 'class="fr-hint-text" id="id_name-hint">Votre nom d&#x27;usage' in html
    assert "fr-select-group--error" in html and "fr-select fr-select--error" in html
    assert "fr-checkbox-group fr-checkbox-group--error" in html
    assert "fr-upload" in html
    assert 'class="fr-fieldset fr-fieldset--error"' in html
    assert html.count("Ce champ est obligatoire.") == 5


def test_crispy_pack_renders_a_valid_form_without_error_markup():
    html = render_crispy(SampleForm())
    assert "error" not in html


@pytest.mark.django_db
def test_reference_data_has_28_subdivisions_18_ars_and_montpellier_upps():
    call_command("load_reference", verbosity=0)
    call_command("load_reference", verbosity=0)  # idempotent
    faculties = Organisation.objects.filter(kind=Organisation.Kind.FACULTY)
    assert faculties.values("subdivision").distinct().count() == 28
    assert Organisation.objects.filter(kind=Organisation.Kind.ARS).count() == 18
    montpellier = faculties.get(name="Faculté de médecine Montpellier-Nîmes")
    assert montpellier.ars.name == "ARS Occitanie"
    assert sorted(montpellier.units.values_list("name", flat=True)) == [
        "UPP Béziers",
        "UPP Montpellier",
        "UPP Narbonne",
        "UPP Nîmes-Alès-Bagnols-sur-Cèze et Lozère",
        "UPP Perpignan",
    ]
    for city in ["Brest", "Rennes"]:
        assert faculties.filter(subdivision=city).exists()


@pytest.mark.django_db
def test_demo_accounts_one_per_role_sign_in_with_the_demo_password(client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)  # idempotent
    roles = {
        "secretariat@example.org": Membership.Role.SECRETARIAT,
        "commission@example.org": Membership.Role.COMMISSION,
        "admin@example.org": Membership.Role.FACULTY_ADMIN,
    }
    for email, role in roles.items():
        membership = Membership.objects.get(user__email=email)
        assert membership.role == role
        assert membership.organisation.name == "Faculté de médecine Montpellier-Nîmes"
    assert User.objects.get(email="superuser@example.org").is_superuser
    doctor = User.objects.get(email="medecin@example.org").doctor
    assert doctor.applications.get().status == "draft"
    # Staff pass the second factor with the documented demo secret; the doctor needs none.
    for email in [*roles, "superuser@example.org", "medecin@example.org"]:
        sign_in(client, email, "demo-msu-2026")
        page = client.get(reverse("home"))
        assert page.status_code == 200 and 'id="utilisateur-connecte"' in page.content.decode()
        client.post(reverse("accounts:logout"))
    assert not User.objects.exclude(email__endswith="@example.org").exists()


@pytest.mark.django_db
def test_every_demo_rpps_passes_its_check_digit():
    from applications import rpps
    from applications.models import Doctor
    from applications.selectors.candidature import rpps_warning

    call_command("load_demo", verbosity=0)
    doctors = list(Doctor.objects.exclude(rpps=""))
    assert len(doctors) > 10
    assert [d.rpps for d in doctors if not rpps.luhn_ok(d.rpps)] == []
    assert [d.rpps for d in doctors if rpps_warning(d)] == []
    assert len({d.rpps for d in doctors}) == len(doctors)
    assert rpps.with_check_digit("1000900001") == "10009000018"
    # The example the profile form gives passes the form's own check.
    from applications.forms.doctor import ProfileForm

    example = str(ProfileForm.base_fields["rpps"].help_text).rsplit(" ", 1)[1]
    assert len(example) == 11 and rpps.luhn_ok(example)


def test_compose_file_is_accepted_by_docker_compose():
    command = None
    if (
        shutil.which("docker")
        and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0
    ):
        command = ["docker", "compose"]
    elif shutil.which("docker-compose"):
        command = ["docker-compose"]
    if command is None:
        pytest.skip("ni « docker compose » ni « docker-compose » : apt-get install docker-compose")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    # No secret key, no stack: compose refuses, saying which variable is missing.
    refused = subprocess.run(
        [*command, "config", "-q"], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert refused.returncode != 0 and "DJANGO_SECRET_KEY" in refused.stderr
    env["DJANGO_SECRET_KEY"] = "a-real-deployment-key-" + "k" * 40
    result = subprocess.run(
        [*command, "config", "-q"], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    rendered = subprocess.run(
        [*command, "config"], cwd=ROOT, capture_output=True, text=True, env=env
    )
    for service in ["web", "worker", "beat", "postgres", "redis", "clamav", "mailpit"]:
        assert f"  {service}:" in rendered.stdout
    assert "CELERY_BROKER_URL: redis://redis:6379/0" in rendered.stdout
    assert "CLAMD_ADDRESS: tcp://clamav:3310" in rendered.stdout  # uploads are scanned
    services = _services(rendered.stdout)
    for service in ["web", "worker", "beat"]:  # they come back, and say whether they work
        assert "restart: unless-stopped" in services[service], service
        assert "healthcheck:" in services[service], service
    assert "/sante/" in services["web"]
    assert "inspect ping" in services["worker"]
    assert "health" in services["beat"] and "beat" in services["beat"]
    # docker stop waits for a running PDF (hard limit 300 s) before its SIGKILL.
    assert "stop_grace_period: 5m" in services["worker"]


def _services(rendered):
    """Each service's block of `docker compose config` (two-space indented names)."""
    blocks, name = {}, None
    for line in rendered.splitlines():
        if line.startswith("  ") and not line.startswith("   ") and line.rstrip().endswith(":"):
            name = line.strip()[:-1]
            blocks[name] = ""
        elif not line.startswith(" "):
            name = None
        elif name:
            blocks[name] += line + "\n"
    return blocks


def test_workflow_table_covers_every_state_and_only_the_doctor_withdraws():
    from applications.workflow import TRANSITIONS, Action, Status, actions_for, target

    assert set(TRANSITIONS) == set(Status)
    assert target(Status.DRAFT, Action.SUBMIT) == Status.SUBMITTED
    assert target(Status.DECIDED, Action.WITHDRAW) is None
    for status in Status:
        if status not in (Status.DECIDED, Status.WITHDRAWN):
            assert Action.WITHDRAW in actions_for(status, {"doctor"})
            assert Action.WITHDRAW not in actions_for(status, {"secretariat"})


@pytest.mark.django_db
def test_the_demo_holds_no_two_commission_sessions_at_the_same_time():
    """The commissions page listed three « Commission du … 14:00 » of the same day."""
    from django.db.models import Count

    from applications.models import CommissionSession

    call_command("load_demo", verbosity=0)
    twins = (
        CommissionSession.objects.values("faculty", "meets_at")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert list(twins) == []
    assert CommissionSession.objects.count() >= 3


@pytest.mark.django_db
def test_the_demo_histories_read_in_order():
    """The demo's official letters said « commission réunie le 20 février » for a request sent
    in September: each dossier's steps come before its commission and its decision, and a
    meeting or a visit is set at a round hour (not at the minute the demo was loaded)."""
    from applications.models import AgendaItem, Application, CommissionSession, Decision

    call_command("load_demo", verbosity=0)
    for application in Application.objects.exclude(submitted_at=None).prefetch_related("events"):
        times = [event.created_at for event in sorted(application.events.all(), key=lambda e: e.pk)]
        assert times == sorted(times), application.reference
        first_sent = timezone.localdate(min(times))
        for decision in Decision.objects.filter(requested_level__application=application):
            assert first_sent <= decision.decided_on, application.reference
        visit = getattr(application, "visit", None)
        if visit is not None and visit.reported_at:
            assert visit.scheduled_for <= visit.reported_at, application.reference
        for item in AgendaItem.objects.filter(application=application).select_related("session"):
            assert application.events.filter(created_at__lte=item.session.meets_at).exists()
            if visit is not None and visit.reported_at and item.session.closed_at:
                assert visit.reported_at <= item.session.meets_at, application.reference
    for session in CommissionSession.objects.all():
        meets_at = timezone.localtime(session.meets_at)
        assert (meets_at.minute, meets_at.second) == (0, 0), session
        if session.closed_at:  # closed on the day it met (its minutes say when)
            closed_after = session.closed_at - session.meets_at
            assert datetime.timedelta(0) <= closed_after < datetime.timedelta(days=1), session


def test_a_select_says_in_words_that_nothing_is_chosen_yet():
    """Django writes « --------- » for the blank option of a model field's select; the
    portal's DSFR pack says « Sélectionnez une option », and keeps a blank of its own words."""
    from applications.forms.doctor import PracticeSiteForm

    class Form(forms.Form):
        kind = forms.ChoiceField(choices=[("", "---------"), ("a", "A")])
        faculty = forms.ModelChoiceField(queryset=Organisation.objects.none())
        own = forms.ChoiceField(choices=[("", "Choisissez votre faculté"), ("a", "A")])

    html = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(
        Context({"form": Form()})
    )
    site = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(
        Context({"form": PracticeSiteForm()})
    )
    assert "---------" not in html and "---------" not in site
    assert html.count("Sélectionnez une option") == 2
    assert "Choisissez votre faculté" in html
