"""One helper for every e-mail: a template folder per message with subject.txt, body.txt and
body.html, rendered in French, sent as text + HTML."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def send_templated_mail(template_dir, to, context):
    ctx = {
        "SITE_URL": settings.SITE_URL,
        "SERVICE_NAME": settings.SERVICE_NAME,
        "INSTITUTION_NAME": settings.INSTITUTION_NAME,
        **context,
    }
    with translation.override("fr"):
        subject = render_to_string(f"{template_dir}/subject.txt", ctx, using="text").strip()
        text = render_to_string(f"{template_dir}/body.txt", ctx, using="text")
        html = render_to_string(f"{template_dir}/body.html", ctx)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=list(to),
        from_email=settings.DEFAULT_FROM_EMAIL,
    )
    message.attach_alternative(html, "text/html")
    message.send()
