"""Account e-mails sent by the worker."""

from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm


@shared_task(acks_late=True)
def send_password_reset(email):
    """Django's reset e-mail to the account of `email`, if there is an active one (nothing
    otherwise: the page said the same either way)."""
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    site = urlsplit(settings.SITE_URL)
    form.save(
        domain_override=site.netloc,
        use_https=site.scheme == "https",
        subject_template_name="emails/password_reset/subject.txt",
        email_template_name="emails/password_reset/body.txt",
        html_email_template_name="emails/password_reset/body.html",
    )
