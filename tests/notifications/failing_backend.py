"""An SMTP server we cannot reach, for the tests: refuses addresses listed in REFUSED, and
delivers the rest to Django's test outbox."""

import smtplib

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

REFUSED = set()


class FlakyEmailBackend(EmailBackend):
    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & REFUSED:
                raise smtplib.SMTPServerDisconnected("Connexion perdue avec le serveur SMTP")
        return super().send_messages(messages)


def outbox_to(address):
    return [m for m in mail.outbox if m.to == [address]]
