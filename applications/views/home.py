"""Each audience's home page: the public landing page, the doctor's dossiers and agréments, and
the staff's ways in (queue, visits, sessions, settings)."""

from django.shortcuts import render

from accounts.memberships import memberships_of
from accounts.models import Membership, Organisation

from .. import selectors
from ..models import Application
from ..selectors import queue
from ..workflow import CLOSED, DOCTOR_EDITABLE, IN_INSTRUCTION, STATUS_BADGE, Status, next_step
from .access import doctor_of


def home(request):
    if not request.user.is_authenticated:
        return render(request, "home_public.html")
    doctor = doctor_of(request.user)
    if doctor is None:
        return staff_home(request)
    dossiers = [
        {
            "application": application,
            "badge": STATUS_BADGE.get(application.status, "info"),
            "next_step": next_step(application),
            "editable": application.status in DOCTOR_EDITABLE,
            # The secretariat's message, for the doctor to re-read from here.
            "complement": selectors.open_complement_request(application)
            if application.status == Status.INCOMPLETE
            else None,
        }
        for application in selectors.doctor_applications(doctor)
    ]
    # A review dossier is the secretariat's: it never stops the doctor's own renewal.
    own = [d for d in dossiers if d["application"].kind != Application.Kind.REVIEW]
    agrements = list(doctor.agrements.all())
    # A renewal asked and not yet decided: the agréments due say so, rather than « À renouveler ».
    renewal = next(
        (
            d["application"]
            for d in own
            if d["application"].kind == Application.Kind.RENEWAL
            and d["application"].status in IN_INSTRUCTION
        ),
        None,
    )
    return render(
        request,
        "applications/doctor_home.html",
        {
            "doctor": doctor,
            "dossiers": dossiers,
            "renewal": renewal,
            "agrements": [
                {"agrement": a, "state": a.state(), "label": a.state_label()} for a in agrements
            ],
            "can_renew": bool(selectors.renewable_agrements(doctor))
            and all(d["application"].status in CLOSED for d in own),
            "can_start": all(d["application"].status in CLOSED for d in own),
            "can_change_site": any(a.counts and a.state() != "expired" for a in agrements),
        },
    )


def staff_home(request):
    """Each staff role's way in: the queue, the visits, the commission sessions, the settings."""
    memberships = memberships_of(request.user)  # the request's one read (header, menu)
    roles = {m.role for m in memberships}
    instructed = {
        m.organisation_id
        for m in memberships
        if m.role in (Membership.Role.SECRETARIAT, Membership.Role.FACULTY_ADMIN)
    }
    if request.user.is_superuser:  # sees every faculty's queue
        instructed = set(
            Organisation.objects.filter(kind=Organisation.Kind.FACULTY).values_list("pk", flat=True)
        )
    return render(
        request,
        "applications/staff_home.html",
        {
            "memberships": memberships,
            "roles": roles,
            "tab_counts": queue.counted_tabs(
                queue.base_queryset(request.user, faculties=instructed), faculties=instructed
            )
            if instructed
            else None,
            "visits": list(selectors.visits_of(request.user).filter(reported_at__isnull=True))
            if Membership.Role.VISITOR in roles
            else [],
            "sessions": list(
                selectors.sessions_visible_to(request.user).filter(closed_at__isnull=True)
            ),
            "proposed_reviews": list(selectors.proposed_reviews(request.user)[:20])
            if Membership.Role.SECRETARIAT in roles
            else [],
            "admin_faculties": [
                m.organisation for m in memberships if m.role == Membership.Role.FACULTY_ADMIN
            ],
        },
    )


# --- The pages every French public service links from its footer ----------------------------


def accessibility(request):
    return render(request, "legal/accessibility.html")


def legal_notice(request):
    return render(request, "legal/legal_notice.html")


def privacy(request):
    return render(request, "legal/privacy.html")
