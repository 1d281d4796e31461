"""Retention (RGPD): what is deleted once its period is over, per kind, and the daily job.

- accounts never confirmed: deleted `RETENTION_UNCONFIRMED_DAYS` (7) days after sign-up;
- decided dossiers: their pieces, message attachments and dossier PDFs (which embed the pieces)
  deleted `retention_pieces_years` (5) years after the last day of their last agrément (or of the
  decision when nothing was granted); the dossier, the decisions, the decision letters and the
  events stay;
- withdrawn dossiers: pieces, messages, notes, complement requests, visit and the free texts of
  the dossier deleted `retention_withdrawn_years` (1) year after the withdrawal; the dossier row
  and its events stay (the audit trail cannot be deleted, and the doctor's profile is shared
  with their other dossiers);
- exports (every list, the payment file included): deleted `retention_export_days` (7) days
  after they were built;
- students' e-mail addresses (theirs and their links'), only used to send them their links:
  blanked `RETENTION_STUDENT_CONTACT_YEARS` (1) year after the end of their last placement;
- incident reports: their thread deleted and their subject replaced `retention_pieces_years`
  (5) years after the end of the placement, like a dossier's pieces; the report's row stays
  (the placement keeps its history: a report, its dates, its status).

Every deadline is a date (Europe/Paris): what falls due on a day goes in that day's run. Each
deletion writes its own line (an Event on the dossier, an AuditEntry for accounts and exports),
and that line is what makes the job idempotent: a dossier already purged is not purged again.
`plan()` computes everything without changing anything (the `--dry-run` of the command).
"""

import datetime
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import FacultySettings, User
from applications.dates import add_months
from applications.models import Application, GeneratedDocument, SiteVisit
from applications.services.common import lock, record_event
from applications.workflow import Status
from audit.models import AuditEntry
from exports.models import Export
from stages.models import Student
from stages.records import Incident, IncidentMessage, StudentLink

logger = logging.getLogger(__name__)

PIECES_PURGED = "pieces_purged"
WITHDRAWN_PURGED = "withdrawn_purged"
STUDENT_CONTACTS_PURGED = "student_contacts_purged"
INCIDENTS_PURGED = "incidents_purged"
# Free texts of a dossier that describe the doctor's practice (cleared for a withdrawn one).
DOSSIER_TEXTS = [
    "practice_description",
    "patient_mix",
    "coordination",
    "supervision_time",
    "co_msus",
]


@dataclass(frozen=True)
class Due:
    """One thing to delete: what, since when it is due, and its label in the listing."""

    kind: str
    obj: object
    due_on: datetime.date
    label: str


@dataclass
class Plan:
    today: datetime.date
    accounts: list = field(default_factory=list)
    decided: list = field(default_factory=list)
    withdrawn: list = field(default_factory=list)
    exports: list = field(default_factory=list)
    students: list = field(default_factory=list)
    incidents: list = field(default_factory=list)

    @property
    def items(self):
        return [
            *self.accounts,
            *self.decided,
            *self.withdrawn,
            *self.exports,
            *self.students,
            *self.incidents,
        ]


def _local_day(moment):
    return timezone.localtime(moment).date()


def _years_after(day, years):
    return add_months(day, 12 * years)


def plan(today=None):
    """What is due on `today` (default: today in Europe/Paris). Changes nothing."""
    today = today or timezone.localdate()
    result = Plan(today=today)
    result.accounts = _due_accounts(today)
    settings_by_faculty = {s.faculty_id: s for s in FacultySettings.objects.all()}

    def rules(faculty_id):
        return settings_by_faculty.get(faculty_id) or FacultySettings()

    decided = (
        Application.objects.filter(status=Status.DECIDED)
        .exclude(events__action=PIECES_PURGED)
        .annotate(
            last_valid=Max("agrements__valid_until"),
            last_decided=Max("requested_levels__decision__decided_on"),
        )
        .select_related("doctor__user")
    )
    for application in decided:
        end = application.last_valid or application.last_decided
        if end is None:
            continue
        due_on = _years_after(end, rules(application.faculty_id).retention_pieces_years)
        if due_on <= today:
            if application.last_valid:
                why = _("dernier agrément valable jusqu'au %(end)s")
            else:
                why = _("décision du %(end)s, sans agrément accordé")
            why = why % {"end": end.strftime("%d/%m/%Y")}
            result.decided.append(
                Due(
                    PIECES_PURGED,
                    application,
                    due_on,
                    _("Pièces du dossier %(reference)s (Dr %(doctor)s), %(why)s")
                    % {
                        "reference": application.reference,
                        "doctor": application.doctor,
                        "why": why,
                    },
                )
            )

    withdrawn = (
        Application.objects.filter(status=Status.WITHDRAWN)
        .exclude(events__action=WITHDRAWN_PURGED)
        .select_related("doctor__user")
    )
    for application in withdrawn:
        withdrawn_on = _local_day(application.status_changed_at)
        due_on = _years_after(withdrawn_on, rules(application.faculty_id).retention_withdrawn_years)
        if due_on <= today:
            result.withdrawn.append(
                Due(
                    WITHDRAWN_PURGED,
                    application,
                    due_on,
                    _("Données du dossier retiré %(reference)s (Dr %(doctor)s), retiré le %(on)s")
                    % {
                        "reference": application.reference,
                        "doctor": application.doctor,
                        "on": withdrawn_on.strftime("%d/%m/%Y"),
                    },
                )
            )

    for export in Export.objects.select_related("faculty"):
        built = _local_day(export.finished_at or export.requested_at)
        due_on = built + datetime.timedelta(days=rules(export.faculty_id).retention_export_days)
        if due_on <= today:
            result.exports.append(
                Due(
                    "export",
                    export,
                    due_on,
                    _("Export « %(name)s » (%(format)s) de %(faculty)s du %(on)s")
                    % {
                        "name": export.description or export.kind_label,
                        "format": export.get_format_display(),
                        "faculty": export.faculty,
                        "on": built.strftime("%d/%m/%Y"),
                    },
                )
            )
    result.students = _due_student_contacts(today)
    result.incidents = _due_incidents(today, rules)
    return result


def _due_student_contacts(today, students=Student.objects):
    """Students (of `students`) whose last placement ended a year ago or more and whose address
    is kept."""
    years = settings.RETENTION_STUDENT_CONTACT_YEARS
    students = (
        students.exclude(email="")
        .annotate(last_end=Max("placements__end"))
        .filter(last_end__isnull=False)
        .order_by("pk")
    )
    dues = []
    for student in students:
        due_on = _years_after(student.last_end, years)
        if due_on <= today:
            dues.append(
                Due(
                    STUDENT_CONTACTS_PURGED,
                    student,
                    due_on,
                    _("Adresse de l'étudiant n° %(number)s, dernier stage fini le %(end)s")
                    % {
                        "number": student.student_number,
                        "end": student.last_end.strftime("%d/%m/%Y"),
                    },
                )
            )
    return dues


def _due_incidents(today, rules):
    """Reports whose placement ended the faculty's `retention_pieces_years` ago or more, and
    whose thread is still kept."""
    incidents = (
        Incident.objects.filter(messages__isnull=False)
        .distinct()
        .select_related("placement__offer__period")
        .order_by("pk")
    )
    dues = []
    for incident in incidents:
        placement = incident.placement
        faculty_id = placement.offer.period.faculty_id
        due_on = _years_after(placement.end, rules(faculty_id).retention_pieces_years)
        if due_on <= today:
            dues.append(
                Due(
                    INCIDENTS_PURGED,
                    incident,
                    due_on,
                    _("Fil du signalement n° %(pk)s, stage fini le %(end)s")
                    % {"pk": incident.pk, "end": placement.end.strftime("%d/%m/%Y")},
                )
            )
    return dues


def _due_accounts(today):
    days = settings.RETENTION_UNCONFIRMED_DAYS
    # Joined before the start of (today - days + 1), in local time: due on the 7th day.
    limit = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=days - 1), datetime.time())
    )
    users = User.objects.filter(
        email_confirmed_at__isnull=True,
        is_active=False,
        is_staff=False,
        is_superuser=False,
        date_joined__lt=limit,
        doctor__isnull=True,
        memberships__isnull=True,
    )
    return [
        Due(
            "account",
            user,
            _local_day(user.date_joined) + datetime.timedelta(days=days),
            _("Compte jamais confirmé créé le %(on)s")
            % {"on": _local_day(user.date_joined).strftime("%d/%m/%Y")},
        )
        for user in users
    ]


# --- Applying it ---------------------------------------------------------------------------


def apply(today=None):
    """Delete what is due; return the plan that was applied. Safe to run twice."""
    result = plan(today)
    if result.accounts:
        _delete_accounts(result.accounts)
    for due in result.decided:
        purge_decided(due.obj)
    for due in result.withdrawn:
        purge_withdrawn(due.obj)
    by_faculty = {}
    for due in result.exports:
        by_faculty.setdefault(due.obj.faculty, []).append(due.obj)
    for faculty, exports in by_faculty.items():
        _delete_exports(faculty, exports)
    if result.students:
        _purge_student_contacts(result.students, result.today)
    if result.incidents:
        _purge_incidents(result.incidents)
    logger.info(
        "Retention: %d accounts, %d decided dossiers, %d withdrawn dossiers, %d exports, "
        "%d student addresses, %d incident threads",
        len(result.accounts),
        len(result.decided),
        len(result.withdrawn),
        len(result.exports),
        len(result.students),
        len(result.incidents),
    )
    return result


def _delete_files_on_commit(files):
    names = [(f.storage, f.name) for f in files if f]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])


@transaction.atomic
def _delete_accounts(dues):
    # Checked again in the transaction: an account confirmed meanwhile is kept.
    users = User.objects.select_for_update().filter(
        pk__in=[due.obj.pk for due in dues], email_confirmed_at__isnull=True
    )
    count = len(users)
    if not count:
        return
    User.objects.filter(pk__in=[user.pk for user in users]).delete()
    # The count only: the addresses were personal data, the log must not keep them.
    AuditEntry.objects.create(
        kind=AuditEntry.Kind.ACCOUNTS_PURGED,
        summary=_("%(count)d compte(s) jamais confirmé(s) en %(days)d jours")
        % {"count": count, "days": settings.RETENTION_UNCONFIRMED_DAYS},
    )


def _dossier_files(locked):
    """Pieces (with the versions kept after a replacement), message attachments and the
    dossier PDFs (which embed the pieces)."""
    documents = list(locked.documents.all()) + list(locked.replaced_pieces.all())
    attachments = list(locked.messages.exclude(attachment=""))
    generated = list(
        GeneratedDocument.objects.filter(
            application=locked,
            kind__in=[GeneratedDocument.Kind.DOSSIER, GeneratedDocument.Kind.DOSSIER_FOR_DOCTOR],
        )
    )
    return documents, attachments, generated


@transaction.atomic
def purge_decided(application):
    locked = lock(application)
    if locked.status != Status.DECIDED or locked.events.filter(action=PIECES_PURGED).exists():
        return False
    documents, attachments, generated = _dossier_files(locked)
    files = [d.file for d in documents] + [m.attachment for m in attachments]
    files += [g.file for g in generated]
    locked.documents.all().delete()
    locked.replaced_pieces.all().delete()
    locked.messages.exclude(attachment="").update(
        attachment="", attachment_name="", attachment_type="", attachment_size=0
    )
    GeneratedDocument.objects.filter(pk__in=[g.pk for g in generated]).delete()
    _delete_files_on_commit(files)
    record_event(
        locked,
        None,
        PIECES_PURGED,
        _("%(pieces)d pièce(s), %(attachments)d pièce(s) jointe(s) et le PDF du dossier")
        % {"pieces": len(documents), "attachments": len(attachments)},
    )
    return True


@transaction.atomic
def purge_withdrawn(application):
    locked = lock(application)
    if locked.status != Status.WITHDRAWN or locked.events.filter(action=WITHDRAWN_PURGED).exists():
        return False
    documents, attachments, generated = _dossier_files(locked)
    files = [d.file for d in documents] + [m.attachment for m in attachments]
    files += [g.file for g in generated]
    counts = {
        "pieces": len(documents),
        "messages": locked.messages.count(),
        "notes": locked.staff_notes.count(),
    }
    locked.documents.all().delete()
    locked.replaced_pieces.all().delete()
    locked.messages.all().delete()
    locked.staff_notes.all().delete()
    locked.complement_requests.all().delete()
    SiteVisit.objects.filter(application=locked).delete()
    GeneratedDocument.objects.filter(pk__in=[g.pk for g in generated]).delete()
    Application.objects.filter(pk=locked.pk).update(**{name: "" for name in DOSSIER_TEXTS})
    _delete_files_on_commit(files)
    record_event(
        locked,
        None,
        WITHDRAWN_PURGED,
        _(
            "%(pieces)d pièce(s), %(messages)d message(s), %(notes)d note(s) "
            "et les textes du dossier"
        )
        % counts,
    )
    return True


@transaction.atomic
def _delete_exports(faculty, exports):
    files = [export.file for export in exports]
    Export.objects.filter(pk__in=[export.pk for export in exports]).delete()
    _delete_files_on_commit(files)
    AuditEntry.objects.create(
        faculty=faculty,
        kind=AuditEntry.Kind.EXPORTS_PURGED,
        summary=_("%(count)d export(s)") % {"count": len(exports)},
    )


@transaction.atomic
def _purge_student_contacts(dues, today):
    # Due again once locked, by the same rule: a student placed again meanwhile is kept.
    ids = [due.obj.pk for due in dues]
    list(Student.objects.select_for_update().filter(pk__in=ids))
    gone = [due.obj for due in _due_student_contacts(today, Student.objects.filter(pk__in=ids))]
    if not gone:
        return
    Student.objects.filter(pk__in=[s.pk for s in gone]).update(email="")
    StudentLink.objects.filter(placement__student_id__in=[s.pk for s in gone]).update(email="")
    for faculty_id, count in Counter(s.faculty_id for s in gone).items():
        AuditEntry.objects.create(
            faculty_id=faculty_id,
            kind=AuditEntry.Kind.STUDENT_CONTACTS_PURGED,
            summary=_("%(count)d adresse(s) d'étudiants effacée(s)") % {"count": count},
        )


@transaction.atomic
def _purge_incidents(dues):
    incidents = list(
        Incident.objects.select_for_update(of=("self",))
        .select_related("placement__offer__period")
        .filter(pk__in=[due.obj.pk for due in dues])
    )
    IncidentMessage.objects.filter(incident__in=incidents).delete()
    Incident.objects.filter(pk__in=[i.pk for i in incidents]).update(
        subject=_("Signalement effacé (durée de conservation échue)")
    )
    for faculty_id, count in Counter(
        i.placement.offer.period.faculty_id for i in incidents
    ).items():
        AuditEntry.objects.create(
            faculty_id=faculty_id,
            kind=AuditEntry.Kind.INCIDENTS_PURGED,
            summary=_("%(count)d fil(s) de signalement effacé(s)") % {"count": count},
        )


__all__ = ["Due", "Plan", "apply", "plan", "purge_decided", "purge_withdrawn"]
