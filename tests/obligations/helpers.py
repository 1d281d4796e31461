import datetime

from accounts.models import Organisation
from applications.uploads import check_upload
from obligations import services
from obligations.models import UppMeeting
from tests.files import pdf_upload


def attest(doctor, kind, done_on, body="Organisme de formation DPC"):
    uploaded = pdf_upload(f"{kind}.pdf")
    return services.add_attestation(
        doctor,
        doctor.user,
        kind,
        done_on,
        body if kind != "charter" else "",
        uploaded,
        check_upload(uploaded),
    )


def up_to_date(doctor, today, meeting=True):
    """Every trackable obligation done recently (a UPP meeting attended ten days ago unless
    `meeting` is False), so that only what a test sets is due."""
    attest(doctor, "initial_training", today - datetime.timedelta(days=400))
    attest(doctor, "continuing_training", today - datetime.timedelta(days=10))
    attest(doctor, "charter", today - datetime.timedelta(days=400))
    if meeting:
        upp = doctor.upp or Organisation.objects.create(
            kind=Organisation.Kind.UPP, name=f"UPP de test {doctor.pk}", parent=doctor.faculty
        )
        held = UppMeeting.objects.create(
            faculty=doctor.faculty, upp=upp, held_on=today - datetime.timedelta(days=10), title="T"
        )
        held.attendees.add(doctor)
        services.refresh([doctor.pk], today)
