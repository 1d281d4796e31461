"""Statements of pedagogical fees and the faculty's payment exports.

Every statement and export is read through `selectors` (a 404 for anyone else); files are
served as attachments with `private, no-store`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from applications.models import Doctor
from applications.services import WorkflowError
from applications.views.feedback import flash_errors
from exports.models import Export
from exports.writers import Column, Table, csv_bytes, xlsx_bytes
from msu_portal.pagination import page_of

from . import exports, ledger, payment_file, selectors, services, statements
from .export_kinds import PAYMENTS
from .forms import CancelPaymentForm, MarkPaidForm, PaymentImportForm
from .models import FeeRate

SEMESTERS = {"1": 1, "2": 2}


def _semester(request):
    """?semestre=1|2 for a semester, absent (or empty) for the whole year; anything else 404,
    so that no page or file is ever a silently different period from the one asked for."""
    value = request.GET.get("semestre", "")
    if value == "":
        return None
    if value not in SEMESTERS:
        raise Http404
    return SEMESTERS[value]


def _private(response):
    response["Cache-Control"] = "private, no-store"
    return response


def _statement_urls(faculty, doctor, year, semester=None):
    query = f"?semestre={semester}" if semester else ""
    args = [faculty.pk, doctor.pk, year]
    return {
        "page": reverse("remuneration:statement", args=args) + query,
        **{
            fmt: reverse("remuneration:statement_download", args=[*args, fmt]) + query
            for fmt in exports.FORMATS
        },
    }


# The MSU's statements ----------------------------------------------------------------------


@login_required
@never_cache
def my_statements(request):
    doctor = selectors.doctor_of(request.user)
    if doctor is None:
        raise Http404
    lines = []
    for faculty, year in selectors.statement_years_of_doctor(doctor):
        statement = statements.statement_for(faculty, doctor, year)
        lines.append(
            {
                "statement": statement,
                "faculty": faculty,
                "year_label": statements.year_label(year),
                "count": len(statement.rows),
                "total": statement.total(),
                "urls": _statement_urls(faculty, doctor, year),
            }
        )
    return render(request, "remuneration/my_statements.html", {"doctor": doctor, "lines": lines})


@login_required
@never_cache
def statement(request, faculty_pk, doctor_pk, year):
    faculty, doctor = selectors.get_statement_subject(request.user, faculty_pk, doctor_pk, year)
    semester = _semester(request)
    result = statements.statement_for(faculty, doctor, year, semester)
    result.payments = list(selectors.payment_lines_of_statement(result))
    context = exports.statement_context(result)
    context.update(
        {
            "own": doctor.user_id == request.user.pk,
            "semester": semester,
            "urls": _statement_urls(faculty, doctor, year, semester),
            "choices": [
                (value, label, _statement_urls(faculty, doctor, year, value)["page"])
                for value, label in (
                    (None, _("Année entière")),
                    (1, _("Semestre 1")),
                    (2, _("Semestre 2")),
                )
            ],
            "faculty_home_url": _faculty_home_url(faculty, year),
        }
    )
    return _private(render(request, "remuneration/statement.html", context))


@login_required
@never_cache
def statement_download(request, faculty_pk, doctor_pk, year, fmt):
    if fmt not in exports.FORMATS:
        raise Http404
    faculty, doctor = selectors.get_statement_subject(request.user, faculty_pk, doctor_pk, year)
    semester = _semester(request)
    result = statements.statement_for(faculty, doctor, year, semester)
    result.payments = list(selectors.payment_lines_of_statement(result))
    response = HttpResponse(
        exports.statement_file(result, fmt), content_type=exports.CONTENT_TYPES[fmt]
    )
    filename = exports.statement_filename(result, fmt)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)


# The faculty's remuneration ----------------------------------------------------------------


def _year(value, default):
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if selectors.MIN_YEAR <= year <= selectors.MAX_YEAR else default


def _faculty_home_url(faculty, year):
    return (
        reverse("remuneration:faculty_home")
        + "?"
        + urlencode({"faculty": faculty.pk, "year": year})
    )


@login_required
@never_cache
def faculty_home(request):
    faculty = selectors.chosen_faculty(request.user, request.GET.get("faculty"))
    year = _year(request.GET.get("year"), selectors.current_year())
    years = selectors.years_with_placements(faculty)
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    msus = {}
    for row in statements.payment_rows(faculty, year):  # one line per MSU: periods summed
        line = msus.setdefault(
            row.doctor.pk,
            {
                "doctor": row.doctor,
                "placements": 0,
                "total": exports.ZERO,
                "url": reverse("remuneration:statement", args=[faculty.pk, row.doctor.pk, year]),
            },
        )
        line["placements"] += row.students
        line["total"] += row.total
    sent = ledger.totals_by_doctor(faculty, year)
    # An MSU owed nothing now (their students removed) after lines were sent to them: shown,
    # with what was paid and the (negative) remainder the next correction takes back.
    gone = [pk for pk in sent if pk not in msus]
    for doctor in Doctor.objects.filter(pk__in=gone).select_related("user") if gone else []:
        msus[doctor.pk] = {
            "doctor": doctor,
            "placements": 0,
            "total": exports.ZERO,
            "url": reverse("remuneration:statement", args=[faculty.pk, doctor.pk, year]),
        }
    for doctor_pk, line in msus.items():
        done = sent.get(doctor_pk, {})
        line["sent"] = done.get("sent", exports.ZERO)
        line["paid"] = done.get("paid", exports.ZERO)
        line["remaining"] = line["total"] - line["paid"]
    msu_lines = sorted(
        (line for line in msus.values() if line["total"] or line["sent"] or line["paid"]),
        key=lambda line: (
            line["doctor"].user.last_name.lower(),
            line["doctor"].user.first_name.lower(),
            line["doctor"].pk,
        ),
    )
    recent_exports = Export.objects.filter(faculty=faculty, kind=PAYMENTS).select_related(
        "requested_by", "faculty"
    )
    context = {
        "faculty": faculty,
        "faculties": list(selectors.admin_faculties(request.user).order_by("name", "pk")),
        "year": year,
        "year_label": statements.year_label(year),
        "years": [(y, statements.year_label(y)) for y in years],
        "msus": msu_lines,
        "grand_total": sum((line["total"] for line in msu_lines), exports.ZERO),
        "grand_sent": sum((line["sent"] for line in msu_lines), exports.ZERO),
        "grand_paid": sum((line["paid"] for line in msu_lines), exports.ZERO),
        "grand_remaining": sum((line["remaining"] for line in msu_lines), exports.ZERO),
        "payments_url": _payments_url(faculty, year),
        "exports": recent_exports[:20],
    }
    return render(request, "remuneration/faculty_home.html", context)


@login_required
@never_cache
@require_POST
def export_request(request):
    faculty = selectors.chosen_faculty(request.user, request.POST.get("faculty"))
    year = _year(request.POST.get("year"), None)
    fmt = request.POST.get("format", "")
    try:
        services.request_export(faculty, request.user, year, fmt)
    except WorkflowError as error:
        flash_errors(request, error)
        return redirect(_faculty_home_url(faculty, year or selectors.current_year()))
    messages.success(
        request,
        _(
            "L'export des paiements %(year)s est en préparation : il apparaît ci-dessous et "
            "sera téléchargeable dans un instant."
        )
        % {"year": statements.year_label(year)},
    )
    return redirect(_faculty_home_url(faculty, year))


# Payments made -----------------------------------------------------------------------------

STATES = {"": None, "a-payer": "unpaid", "payees": "paid"}


def _payments_url(faculty, year, state=""):
    query = {"faculty": faculty.pk, "year": year}
    if state:
        query["etat"] = state
    return reverse("remuneration:payment_lines") + "?" + urlencode(query)


def _payments_page(request, faculty, year, import_form=None, status=200, import_errors=()):
    state = request.GET.get("etat", "")
    if state not in STATES:
        raise Http404
    lines = selectors.payment_lines_for_admin(request.user, faculty, year, STATES[state])
    pagination = page_of(request, lines)
    page = pagination["page"]
    rows = [
        {
            "line": line,
            "form": None if line.paid else MarkPaidForm(prefix=f"l{line.pk}"),
            "cancel_form": CancelPaymentForm(prefix=f"a{line.pk}") if line.paid else None,
        }
        for line in page.object_list
    ]
    context = {
        "faculty": faculty,
        "faculties": list(selectors.admin_faculties(request.user).order_by("name", "pk")),
        "year": year,
        "year_label": statements.year_label(year),
        "state": state,
        "states": [
            ("", _("Toutes"), _payments_url(faculty, year)),
            ("a-payer", _("À payer"), _payments_url(faculty, year, "a-payer")),
            ("payees", _("Payées"), _payments_url(faculty, year, "payees")),
        ],
        "page": page,
        "rows": rows,
        "import_form": import_form or PaymentImportForm(),
        "import_errors": list(import_errors),
        "headers": [str(title) for title in payment_file.HEADERS.values()],
        "faculty_home_url": _faculty_home_url(faculty, year),
        "keep": pagination["keep"],
        "query": urlencode({"faculty": faculty.pk, "year": year}),
    }
    return render(request, "remuneration/payment_lines.html", context, status=status)


@login_required
@never_cache
def payment_lines(request):
    faculty = selectors.chosen_faculty(request.user, request.GET.get("faculty"))
    year = _year(request.GET.get("year"), selectors.current_year())
    return _payments_page(request, faculty, year)


@login_required
@never_cache
@require_POST
def payment_line_paid(request, pk):
    line = selectors.get_payment_line_for_admin(request.user, pk)
    form = MarkPaidForm(request.POST, prefix=f"l{line.pk}")
    back = _payments_url(line.faculty, line.year, request.POST.get("etat", ""))
    if not form.is_valid():
        messages.error(
            request,
            _("Ligne %(ref)s : indiquez la date du paiement et le mandat ou le lot.")
            % {"ref": line.reference},
        )
        return redirect(back)
    try:
        services.mark_paid(
            line, request.user, form.cleaned_data["paid_on"], form.cleaned_data["reference"]
        )
    except WorkflowError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request,
            _("Ligne %(ref)s (Dr %(doctor)s, %(amount)s) marquée payée.")
            % {
                "ref": line.reference,
                "doctor": line.doctor,
                "amount": exports.euros(line.total),
            },
        )
    return redirect(back)


@login_required
@never_cache
@require_POST
def payment_line_cancel(request, pk):
    """Undo a payment recorded on a line by mistake (with the reason, kept in the audit log)."""
    line = selectors.get_payment_line_for_admin(request.user, pk)
    form = CancelPaymentForm(request.POST, prefix=f"a{line.pk}")
    back = _payments_url(line.faculty, line.year, request.POST.get("etat", ""))
    form.is_valid()  # a text field, never required: the service says what is wrong
    try:
        services.cancel_payment(line, request.user, form.cleaned_data.get("reason", ""))
    except WorkflowError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request,
            _(
                "Ligne %(ref)s (Dr %(doctor)s) : le paiement enregistré est annulé, elle est de "
                "nouveau à payer."
            )
            % {"ref": line.reference, "doctor": line.doctor},
        )
    return redirect(back)


@login_required
@never_cache
@require_POST
def payment_import(request):
    faculty = selectors.chosen_faculty(request.user, request.POST.get("faculty"))
    year = _year(request.POST.get("year"), selectors.current_year())
    form = PaymentImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _payments_page(request, faculty, year, import_form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        marked, already, skipped = services.import_payments(
            faculty, request.user, upload.name, upload.read()
        )
    except WorkflowError as error:
        return _payments_page(
            request, faculty, year, import_form=form, status=400, import_errors=error.messages
        )
    text = ngettext("%(n)s ligne marquée payée.", "%(n)s lignes marquées payées.", marked) % {
        "n": marked
    }
    if already:
        text += " " + ngettext(
            "%(n)s ligne l'était déjà.", "%(n)s lignes l'étaient déjà.", already
        ) % {"n": already}
    if skipped:
        text += " " + ngettext(
            "%(n)s ligne sans date ni mandat laissée à payer.",
            "%(n)s lignes sans date ni mandat laissées à payer.",
            skipped,
        ) % {"n": skipped}
    messages.success(request, text)
    return redirect(_payments_url(faculty, year))


@login_required
@never_cache
def payment_import_template(request, fmt):
    """The file to fill: the faculty's lines still to pay for the year, with the three columns
    the import reads (the others help to find the line, they are ignored)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    faculty = selectors.chosen_faculty(request.user, request.GET.get("faculty"))
    year = _year(request.GET.get("year"), selectors.current_year())
    lines = selectors.payment_lines_for_admin(request.user, faculty, year, "unpaid").order_by(
        "doctor__user__last_name", "doctor__user__first_name", "pk"
    )
    headers = payment_file.HEADERS
    table = Table(
        _("Paiements à enregistrer"),
        [
            Column(str(headers[payment_file.REFERENCE]), width=16),
            Column(str(headers[payment_file.DATE]), width=16),
            Column(str(headers[payment_file.MANDATE]), width=20),
            Column(_("Nom"), width=20),
            Column(_("Prénom"), width=16),
            Column(_("Période"), width=28),
            Column(_("Nature"), width=12),
            Column(_("Montant"), "money", 14),
        ],
        [
            [
                line.reference,
                "",
                "",
                line.doctor.user.last_name,
                line.doctor.user.first_name,
                line.period.label,
                line.get_nature_display(),
                line.total,
            ]
            for line in lines
        ],
    )
    content = csv_bytes(table) if fmt == "csv" else xlsx_bytes(table)
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    filename = f"paiements-a-enregistrer-{statements.year_label(year)}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)


# Reference ---------------------------------------------------------------------------------


@login_required
@never_cache
def rates(request):
    faculties = selectors.admin_faculties(request.user)
    return render(
        request,
        "remuneration/rates.html",
        {
            "rates": FeeRate.objects.all(),
            "is_admin": faculties.exists(),
        },
    )
