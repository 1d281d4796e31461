"""One helper for every e-mail: a template folder per message with subject.txt, body.txt and
body.html, rendered in French, sent as text + HTML."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def _context(context):
    return {
        "SITE_URL": settings.SITE_URL,
        "SERVICE_NAME": settings.SERVICE_NAME,
        "INSTITUTION_NAME": settings.INSTITUTION_NAME,
        "SIGNATURE": settings.INSTITUTION_NAME,
        **context,
    }


def render_summary(template_dir, context):
    """The one French line that stands for the message in the inbox (its summary.txt)."""
    with translation.override("fr"):
        text = render_to_string(f"{template_dir}/summary.txt", _context(context), using="text")
    return " ".join(text.split())


def render_templated_mail(template_dir, context):
    """(subject, text, html) of the message in `template_dir`, rendered in French."""
    ctx = _context(context)
    with translation.override("fr"):
        subject = render_to_string(f"{template_dir}/subject.txt", ctx, using="text").strip()
        text = render_to_string(f"{template_dir}/body.txt", ctx, using="text")
        html = render_to_string(f"{template_dir}/body.html", ctx)
    return " ".join(subject.split()), text, html


def build_mail(to, subject, text, html, headers=None, connection=None):
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=list(to),
        from_email=settings.DEFAULT_FROM_EMAIL,
        headers=headers or {},
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message


def send_templated_mail(template_dir, to, context):
    """Account e-mails (sign-up, password): sent at once, outside the notification outbox,
    since their links expire and they concern an address, not yet a user of the portal."""
    subject, text, html = render_templated_mail(template_dir, context)
    build_mail(to, subject, text, html).send()
