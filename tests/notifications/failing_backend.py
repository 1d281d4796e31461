"""An SMTP server we cannot reach, for the tests: refuses addresses listed in REFUSED, and
delivers the rest to Django's test outbox."""

import smtplib

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

REFUSED = set()


class State:
    down = False  # the server refuses connections altogether


class FlakyEmailBackend(EmailBackend):
    def open(self):
        if State.down:
            raise ConnectionRefusedError("Connexion refusée par le serveur SMTP")
        return super().open()

    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & REFUSED:
                raise smtplib.SMTPServerDisconnected("Connexion perdue avec le serveur SMTP")
        return super().send_messages(messages)


def outbox_to(address):
    return [m for m in mail.outbox if m.to == [address]]
