"""E-mails about dossiers (rendered by accounts.mailer, one template folder per message)."""

from django.conf import settings
from django.urls import reverse

from accounts.mailer import send_templated_mail
from accounts.models import Membership, User

from .models import Application, CommissionSession, ComplementRequest, Message, SiteVisit


def _link(name, *args):
    return settings.SITE_URL + reverse(name, args=args)


def _dossier_context(application):
    return {
        "application": application,
        "doctor": application.doctor,
        "levels": [level.label for level in application.levels],
        "link": _link("applications:detail", application.pk),
    }


def _secretariat_emails(faculty_id):
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=faculty_id,
            memberships__role=Membership.Role.SECRETARIAT,
        ).values_list("email", flat=True)
    )


def _application(application_id):
    return Application.objects.select_related("doctor__user", "faculty").get(pk=application_id)


def submission_receipt(application_id):
    application = _application(application_id)
    send_templated_mail(
        "emails/submission_receipt",
        [application.doctor.user.email],
        _dossier_context(application),
    )


def complement_request(request_id):
    request = ComplementRequest.objects.select_related("application").get(pk=request_id)
    application = _application(request.application_id)
    from .services.instruction import describe_items

    send_templated_mail(
        "emails/complement_request",
        [application.doctor.user.email],
        {**_dossier_context(application), "request": request, "items": describe_items(request)},
    )


def message_posted(message_id):
    message = Message.objects.select_related("author").get(pk=message_id)
    application = _application(message.application_id)
    if message.from_doctor:
        recipients = _secretariat_emails(application.faculty_id)
    else:
        recipients = [application.doctor.user.email]
    if recipients:
        send_templated_mail(
            "emails/message_posted",
            recipients,
            {**_dossier_context(application), "message": message},
        )


def visit_scheduled(visit_id):
    visit = SiteVisit.objects.get(pk=visit_id)
    application = _application(visit.application_id)
    visitors = list(visit.visitors.all())
    context = {**_dossier_context(application), "visit": visit, "visitors": visitors}
    send_templated_mail("emails/visit_scheduled", [application.doctor.user.email], context)
    send_templated_mail("emails/visit_assigned", [v.email for v in visitors if v.email], context)


def commission_convocation(session_id):
    session = CommissionSession.objects.select_related("faculty").get(pk=session_id)
    emails = [m.email for m in session.members.filter(is_active=True)]
    if emails:
        send_templated_mail(
            "emails/commission_convocation",
            emails,
            {"session": session, "link": _link("applications:session", session.pk)},
        )


def decision_notification(application_id):
    application = _application(application_id)
    from .models import Decision

    decisions = Decision.objects.filter(requested_level__application=application).select_related(
        "requested_level"
    )
    send_templated_mail(
        "emails/decision",
        [application.doctor.user.email],
        {
            **_dossier_context(application),
            "decisions": decisions,
            "agrements": list(application.agrements.all()),
            "home": _link("home"),
        },
    )
