"""The inbox reads as a list of one-line French summaries, each linking to its object; links
work on whatever host and port the portal is served."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from applications.workflow import Status
from notifications.models import Notification
from tests.workflow_helpers import advance, make_staff, submitted_application


def test_every_notification_kind_has_a_summary_template():
    folders = [p for p in Path(settings.BASE_DIR, "templates/emails").iterdir() if p.is_dir()]
    missing = [p.name for p in folders if not (p / "summary.txt").exists()]
    assert missing == []


@pytest.mark.django_db
def test_the_inbox_shows_a_summary_per_notification_and_no_letter(
    client, django_capture_on_commit_callbacks
):
    staff = make_staff()
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted_application(staff)
    with django_capture_on_commit_callbacks(execute=True):
        advance(application, staff, Status.INCOMPLETE)
    doctor = application.doctor.user
    summaries = dict(Notification.objects.filter(user=doctor).values_list("kind", "summary"))
    reference = application.reference
    assert summaries["complement_request"].startswith(f"Dossier {reference} : 1 point à compléter")
    assert summaries["submission_receipt"].startswith(f"Dossier {reference} bien reçu le")
    client.force_login(doctor)
    html = client.get(reverse("notifications:inbox")).content.decode()
    items = html.split('id="notifications"', 1)[1].split("</ul>", 1)[0]
    assert "Bonjour" not in items and "http" not in items
    assert "1 point à compléter avant le" in items
    for notification in Notification.objects.filter(user=doctor):
        assert reverse("notifications:open", args=[notification.pk]) in items


@pytest.mark.django_db
def test_links_follow_the_port_the_site_is_served_on(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://127.0.0.1:8101"
    staff = make_staff()
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted_application(staff)
    receipt = Notification.objects.get(kind="submission_receipt")
    detail = reverse("applications:detail", args=[application.pk])
    assert receipt.link == detail
    assert f"http://127.0.0.1:8101{detail}" in mail.outbox[-1].body
    client.force_login(application.doctor.user)
    opened = client.get(
        reverse("notifications:open", args=[receipt.pk]), HTTP_HOST="testserver:9000"
    )
    assert opened.status_code == 302 and opened.url == detail


def test_site_url_defaults_to_the_port_make_run_serves():
    environ = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "HOST")}
    environ["PORT"] = "8101"
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**environ, "DJANGO_SETTINGS_MODULE": "msu_portal.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "http://127.0.0.1:8101"
