"""The links e-mailed to a student, who has no account: to evaluate the stage (valid 30 days,
usable once) or to report a difficulty and follow the report (valid 30 days).

The token in the address is `django.core.signing` over the link row's id and its placement's,
salted by the link's purpose: it cannot be forged, an incident link does not open the
evaluation, and a token naming another placement than its row's is refused. Expiry and use are
the row's (`expires_at`, `used_at`), so that a link can be used once and time can be checked in
tests. The e-mail is part of the row: `emailed_at` is set once the SMTP server took it; a row
still unsent after a minute is sent by the sweep (beat, every two minutes).
"""

import datetime

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.faculties import signature
from accounts.mailer import build_mail, render_templated_mail
from applications.services import WorkflowError
from notifications.services import absolute

from .records import StudentLink

VALIDITY = datetime.timedelta(days=30)
SWEEP_GRACE = datetime.timedelta(minutes=1)
Purpose = StudentLink.Purpose
URL_NAMES = {
    Purpose.EVALUATION: "stages:student_evaluation",
    Purpose.INCIDENT: "stages:student_incident",
}


class LinkRefused(Exception):
    """A link that is not (or no longer) valid; `gone` says whether it existed (410) or not
    (404). The message is French."""

    def __init__(self, message, gone=False):
        super().__init__(message)
        self.message, self.gone = message, gone


def _salt(purpose):
    return f"stages.student-link.{purpose}"


def token(link):
    return signing.dumps({"l": link.pk, "p": link.placement_id}, salt=_salt(link.purpose))


def url(link):
    return reverse(URL_NAMES[link.purpose], args=[token(link)])


def check_usable(link, purpose, now=None):
    now = now or timezone.now()
    if link.purpose != purpose:
        raise LinkRefused(_("Ce lien n'est pas valide."))
    if link.expires_at <= now:
        raise LinkRefused(
            _(
                "Ce lien a expiré le %(date)s. Demandez-en un nouveau au secrétariat du "
                "département de médecine générale."
            )
            % {
                "date": formats.date_format(
                    timezone.localtime(link.expires_at), "SHORT_DATE_FORMAT"
                )
            },
            gone=True,
        )
    if purpose == Purpose.EVALUATION and link.used_at is not None:
        raise LinkRefused(
            _("Ce lien a déjà servi : votre évaluation du stage a été enregistrée le %(date)s.")
            % {"date": formats.date_format(timezone.localtime(link.used_at), "SHORT_DATE_FORMAT")},
            gone=True,
        )


def resolve(raw, purpose, now=None):
    """The usable link of this token, or LinkRefused."""
    try:
        data = signing.loads(raw, salt=_salt(purpose))
        link_pk, placement_pk = int(data["l"]), int(data["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise LinkRefused(_("Ce lien n'est pas valide.")) from None
    link = (
        StudentLink.objects.select_related(
            "placement__student", "placement__offer__period__faculty"
        )
        .filter(pk=link_pk, placement_id=placement_pk)
        .first()
    )
    if link is None:
        raise LinkRefused(_("Ce lien n'est pas valide."))
    check_usable(link, purpose, now)
    return link


def new_link(placement, purpose, by=None, now=None):
    """A link row for the placement's student (their address is required); its e-mail leaves
    with `deliver`."""
    email = placement.student.email
    if not email:
        raise WorkflowError(
            _("%(student)s n'a pas d'adresse électronique : ajoutez-la par un import.")
            % {"student": placement.student}
        )
    now = now or timezone.now()
    return StudentLink.objects.create(
        placement=placement,
        purpose=purpose,
        email=email,
        created_at=now,
        expires_at=now + VALIDITY,
        created_by=by,
    )


def mail_to_student(link, template_dir, message_id, **context):
    """The e-mail of `template_dir` to the student of `link`, carrying that link (its address,
    expiry, the stage and the faculty's signature); `context` adds what the template needs."""
    placement = link.placement
    faculty = placement.offer.period.faculty
    subject, text, html = render_templated_mail(
        template_dir,
        {
            "link": absolute(url(link)),
            "student": placement.student,
            "offer": placement.offer,
            "period": placement.offer.period,
            "expires_at": timezone.localtime(link.expires_at),
            "INSTITUTION_NAME": faculty.name,
            "SIGNATURE": signature(faculty),
            **context,
        },
    )
    return build_mail(
        [link.email], subject, text, html, headers={"Message-ID": f"<{message_id}@msu>"}
    )


def _message(link):
    return mail_to_student(
        link,
        "emails/student_link",
        f"student-link-{link.pk}",
        evaluation=link.purpose == Purpose.EVALUATION,
    )


def deliver(link_id):
    """Send the link's e-mail once: the row is locked while it is sent and marked at once."""
    with transaction.atomic():
        link = (
            StudentLink.objects.select_for_update(skip_locked=True)
            .select_related("placement__student", "placement__offer__period__faculty")
            .filter(pk=link_id, emailed_at__isnull=True)
            .first()
        )
        if link is None:
            return False
        _message(link).send()
        link.emailed_at = timezone.now()
        link.save(update_fields=["emailed_at"])
    return True


def sweep(now=None):
    """Send the links whose e-mail did not leave (the broker was down, a worker died)."""
    now = now or timezone.now()
    ids = StudentLink.objects.filter(
        emailed_at__isnull=True, created_at__lte=now - SWEEP_GRACE, expires_at__gt=now
    ).values_list("pk", flat=True)
    return sum(deliver(pk) for pk in list(ids))
