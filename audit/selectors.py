"""The audit log as staff read it: a dossier's events, or a faculty's (its dossiers' events and
its faculty-wide lines, plus the national ones such as fee rates), filtered and in pages.

Both sources are read as one UNION query ordered by date, so a page costs the same few queries
however long the log is: the page, its count, the people and the dossiers it names."""

import datetime
from dataclasses import dataclass

from django.db.models import CharField, F, IntegerField, Q, Value
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from applications.events import LABELS
from applications.models import Application, Event
from applications.workflow import Status

from .models import AuditEntry

FACULTY_WIDE = [Membership.Role.SECRETARIAT, Membership.Role.FACULTY_ADMIN]


def dossier_for_audit(user, pk):
    """A non-draft dossier of a faculty where the user is secretariat or faculty admin (404)."""
    queryset = Application.objects.select_related("doctor__user", "faculty").exclude(
        status=Status.DRAFT
    )
    if not user.is_superuser:
        queryset = queryset.filter(
            faculty__memberships__user=user, faculty__memberships__role__in=FACULTY_WIDE
        ).distinct()
    return get_object_or_404(queryset, pk=pk)


def faculty_for_audit(user, pk):
    """A faculty the user administers (404 otherwise, whoever else they are)."""
    queryset = Organisation.objects.filter(kind=Organisation.Kind.FACULTY)
    if not user.is_superuser:
        queryset = queryset.filter(
            memberships__user=user, memberships__role=Membership.Role.FACULTY_ADMIN
        ).distinct()
    try:
        return queryset.get(pk=pk)
    except Organisation.DoesNotExist as error:
        raise Http404 from error


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    person: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None


def _events(filters, **scope):
    queryset = Event.objects.filter(**scope)
    if filters.kind:
        queryset = queryset.filter(action=filters.kind)
    return _common(queryset, filters).annotate(
        at=F("created_at"),
        who=F("actor_id"),
        code=F("action"),
        detail=F("comment"),
        dossier=F("application_id"),
        source=Value("event", output_field=CharField()),
    )


def _entries(filters, faculty):
    queryset = AuditEntry.objects.filter(Q(faculty=faculty) | Q(faculty__isnull=True))
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    return _common(queryset, filters).annotate(
        at=F("created_at"),
        who=F("actor_id"),
        code=F("kind"),
        detail=F("summary"),
        dossier=Cast(Value(None), IntegerField()),
        source=Value("entry", output_field=CharField()),
    )


COLUMNS = ("at", "who", "code", "detail", "dossier", "source")


def _common(queryset, filters):
    if filters.person:
        people = User.objects.filter(
            Q(email__icontains=filters.person)
            | Q(first_name__icontains=filters.person)
            | Q(last_name__icontains=filters.person)
        )
        queryset = queryset.filter(actor__in=people)
    tz = timezone.get_current_timezone()
    if filters.start:
        queryset = queryset.filter(
            created_at__gte=datetime.datetime.combine(filters.start, datetime.time(), tz)
        )
    if filters.end:
        day_after = filters.end + datetime.timedelta(days=1)
        queryset = queryset.filter(
            created_at__lt=datetime.datetime.combine(day_after, datetime.time(), tz)
        )
    return queryset.order_by()


def dossier_log(application, filters):
    if filters.kind and filters.kind not in LABELS:
        return Event.objects.none().values(*COLUMNS)
    return _events(filters, application=application).values(*COLUMNS).order_by("-at", "-pk")


def faculty_log(faculty, filters):
    events = _events(filters, application__faculty=faculty).values(*COLUMNS)
    entries = _entries(filters, faculty).values(*COLUMNS)
    if filters.kind in LABELS:
        return events.order_by("-at")
    if filters.kind in AuditEntry.Kind.values:
        return entries.order_by("-at")
    return events.union(entries, all=True).order_by("-at")


def kind_choices(with_faculty=False):
    choices = [(code, str(label)) for code, label in LABELS.items()]
    if with_faculty:
        choices += [(kind.value, str(kind.label)) for kind in AuditEntry.Kind]
    return sorted(choices, key=lambda choice: choice[1])


@dataclass(frozen=True)
class Row:
    at: datetime.datetime
    person: str
    email: str
    label: str
    detail: str
    application: Application | None


def rows_of(lines):
    """Audit lines (dicts of COLUMNS) with their people and dossiers: two queries."""
    lines = list(lines)
    people = User.objects.in_bulk({line["who"] for line in lines if line["who"]})
    dossiers = Application.objects.in_bulk({line["dossier"] for line in lines if line["dossier"]})
    labels = {**LABELS, **dict(AuditEntry.Kind.choices)}
    system = _system_label()
    rows = []
    for line in lines:
        person = people.get(line["who"])
        rows.append(
            Row(
                at=timezone.localtime(line["at"]),
                person=str(person) if person else system,
                email=person.email if person else "",
                label=str(labels.get(line["code"], _other_label())),
                detail=line["detail"] or "",
                application=dossiers.get(line["dossier"]),
            )
        )
    return rows


def _system_label():
    from django.utils.translation import gettext as _

    return _("système (tâche automatique ou compte supprimé)")


def _other_label():
    from django.utils.translation import gettext as _

    return _("Autre événement")
