"""E-mails about dossiers (rendered by accounts.mailer, one template folder per message)."""

from django.conf import settings
from django.urls import reverse

from accounts.mailer import send_templated_mail

from .models import Application


def submission_receipt(application_id):
    application = Application.objects.select_related("doctor__user", "faculty").get(
        pk=application_id
    )
    send_templated_mail(
        "emails/submission_receipt",
        [application.doctor.user.email],
        {
            "application": application,
            "doctor": application.doctor,
            "levels": [level.label for level in application.levels],
            "link": settings.SITE_URL + reverse("applications:detail", args=[application.pk]),
        },
    )
