"""The faculty's actions on remuneration: asking for the payment export (a row of the shared
export mechanism, `exports.services`, built in the background; see `remuneration.export_kinds`
for the file itself and `ledger` for its lines), and recording what the accounting department
paid, line by line or from its file (`payment_file`)."""

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.services import WorkflowError
from audit.models import AuditEntry
from audit.signals import record
from exports import services as export_services
from stages.services import is_faculty_admin

from . import payment_file
from .export_kinds import PAYMENTS, valid_year
from .models import PaymentLine


def request_export(faculty, by, year, fmt):
    if not is_faculty_admin(by, faculty.pk):
        raise WorkflowError(
            _("Seul un administrateur de la faculté peut exporter les paiements des MSU.")
        )
    if not valid_year(year):
        raise WorkflowError(_("Choisissez une année universitaire."))
    return export_services.request_export(faculty, by, PAYMENTS, {"year": year}, fmt)


# Payments made ------------------------------------------------------------------------------


def _date(value):
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _require_admin(by, faculty):
    if not is_faculty_admin(by, faculty.pk):
        raise WorkflowError(
            _("Seul un administrateur de la faculté peut enregistrer les paiements des MSU.")
        )


def paid_problem(line, paid_on, reference, today=None):
    """Why `line` cannot be marked paid on `paid_on` under `reference`, or "" (an identical
    marking again is no problem: the file may be imported twice)."""
    today = today or timezone.localdate()
    reference = (reference or "").strip()
    if line.paid_on is not None:
        if line.paid_on == paid_on and line.payment_reference == reference:
            return ""
        return _("déjà marquée payée le %(date)s (mandat ou lot %(ref)s).") % {
            "date": _date(line.paid_on),
            "ref": line.payment_reference,
        }
    if paid_on is None:
        return _("la date de paiement manque.")
    if paid_on > today:
        return _("la date de paiement (%(date)s) est dans le futur.") % {"date": _date(paid_on)}
    if paid_on < timezone.localtime(line.exported_at).date():
        return _("la date de paiement (%(date)s) précède l'export de la ligne (%(exported)s).") % {
            "date": _date(paid_on),
            "exported": _date(timezone.localtime(line.exported_at).date()),
        }
    if not reference:
        return _("indiquez le mandat ou le lot du paiement.")
    if len(reference) > 100:
        return _("le mandat ou le lot dépasse 100 caractères.")
    return ""


def _mark(line, by, paid_on, reference, now):
    line.paid_on, line.payment_reference = paid_on, reference.strip()
    line.paid_recorded_at, line.paid_recorded_by = now, by
    line.save(
        update_fields=["paid_on", "payment_reference", "paid_recorded_at", "paid_recorded_by"]
    )


@transaction.atomic
def mark_paid(line, by, paid_on, reference):
    """Record that the accounting department paid `line` on `paid_on` (mandate or batch
    `reference`). A line already paid is not changed."""
    _require_admin(by, line.faculty)
    line = PaymentLine.objects.select_for_update().select_related("faculty").get(pk=line.pk)
    problem = paid_problem(line, paid_on, reference)
    if problem:
        raise WorkflowError(
            _("Ligne %(ref)s : %(problem)s") % {"ref": line.reference, "problem": problem}
        )
    if line.paid_on is None:
        _mark(line, by, paid_on, reference, timezone.now())
        record(
            AuditEntry.Kind.PAYMENTS_RECORDED,
            line.faculty,
            _("Ligne %(ref)s (Dr %(doctor)s, %(amount)s €) payée le %(date)s, mandat ou lot %(m)s.")
            % {
                "ref": line.reference,
                "doctor": line.doctor,
                "amount": line.total,
                "date": _date(paid_on),
                "m": line.payment_reference,
            },
            by,
        )
    return line


@transaction.atomic
def cancel_payment(line, by, reason):
    """Undo a payment recorded by mistake (a wrong line ticked, a wrong date or mandate): the
    line is to pay again, and the audit log keeps what was recorded, by whom and why."""
    _require_admin(by, line.faculty)
    line = PaymentLine.objects.select_for_update().select_related("faculty").get(pk=line.pk)
    reason = " ".join((reason or "").split())
    problems = []
    if line.paid_on is None:
        problems.append(
            _("Ligne %(ref)s : aucun paiement n'y est enregistré.") % {"ref": line.reference}
        )
    if not reason:
        problems.append(_("Indiquez pourquoi le paiement enregistré est annulé."))
    elif len(reason) > 300:
        problems.append(_("Le motif compte au plus 300 caractères."))
    if problems:
        raise WorkflowError(*problems)
    was = _("payée le %(date)s, mandat ou lot %(m)s") % {
        "date": _date(line.paid_on),
        "m": line.payment_reference,
    }
    _mark(line, None, None, "", None)
    record(
        AuditEntry.Kind.PAYMENT_CANCELLED,
        line.faculty,
        _("Ligne %(ref)s (Dr %(doctor)s, %(amount)s €) : paiement annulé (%(was)s) — %(why)s")
        % {
            "ref": line.reference,
            "doctor": line.doctor,
            "amount": line.total,
            "was": was,
            "why": reason,
        },
        by,
    )
    return line


def _references(lines, shown=20):
    text = ", ".join(line.reference for line in lines[:shown])
    return text + (" …" if len(lines) > shown else "")


@transaction.atomic
def import_payments(faculty, by, name, data):
    """Mark paid every line the accounting department's file names. All or nothing: one wrong
    line and nothing is recorded; the refusal lists every wrong line, by its line number.
    Returns (lines newly marked, lines already marked the same, lines without a payment)."""
    _require_admin(by, faculty)
    try:
        rows = payment_file.read(name, data)
    except payment_file.PaymentFileError as error:
        raise WorkflowError(str(error)) from None
    skipped = sum(1 for row in rows if row.skipped)
    rows = [row for row in rows if not row.skipped]
    if not rows:
        raise WorkflowError(
            _(
                "Le fichier ne contient aucun paiement : indiquez pour chaque ligne payée la "
                "date de paiement et le mandat ou le lot."
            )
        )
    pks = {row.reference: PaymentLine.pk_of_reference(row.reference) for row in rows}
    # Another faculty's line is "unknown" here, like a reference that does not exist.
    lines = PaymentLine.objects.select_for_update().in_bulk(
        [pk for pk in pks.values() if pk is not None]
    )
    lines = {pk: line for pk, line in lines.items() if line.faculty_id == faculty.pk}
    problems, todo, seen = [], [], {}
    today = timezone.localdate()
    for row in rows:
        problem = row.problem
        line = lines.get(pks[row.reference])
        if not problem and line is None:
            problem = _(
                "la référence « %(ref)s » n'est pas une ligne des exports de %(faculty)s."
            ) % {"ref": row.reference, "faculty": faculty}
        if not problem and line.pk in seen:
            problem = _("la ligne %(ref)s figure déjà à la ligne %(n)s du fichier.") % {
                "ref": line.reference,
                "n": seen[line.pk],
            }
        if not problem:
            seen[line.pk] = row.number
            problem = paid_problem(line, row.paid_on, row.mandate, today)
        if problem:
            problems.append(_("Ligne %(n)s : %(problem)s") % {"n": row.number, "problem": problem})
        else:
            todo.append((line, row))
    if problems:
        raise WorkflowError(
            ngettext(
                "Le fichier n'a pas été importé : %(n)s ligne est refusée. Corrigez-la puis "
                "déposez de nouveau le fichier entier.",
                "Le fichier n'a pas été importé : %(n)s lignes sont refusées. Corrigez-les puis "
                "déposez de nouveau le fichier entier.",
                len(problems),
            )
            % {"n": len(problems)},
            *problems,
        )
    now = timezone.now()
    marked = already = 0
    for line, row in todo:
        if line.paid_on is None:
            _mark(line, by, row.paid_on, row.mandate, now)
            marked += 1
        else:
            already += 1
    if marked:
        record(
            AuditEntry.Kind.PAYMENTS_RECORDED,
            faculty,
            ngettext(
                "%(n)s ligne marquée payée depuis le fichier « %(name)s » (%(refs)s).",
                "%(n)s lignes marquées payées depuis le fichier « %(name)s » (%(refs)s).",
                marked,
            )
            % {
                "n": marked,
                "name": name,
                "refs": _references([line for line, _row in todo if line.paid_recorded_at == now]),
            },
            by,
        )
    return marked, already, skipped
