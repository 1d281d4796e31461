"""After a session: the transmission to the ARS (the proposals concerning internes) and the
equivalent list for the UFR director (externes) — one line per MSU and level with the
commission's opinion, as a PDF letter with its table, CSV or XLSX.

The spreadsheets reuse remuneration.exports' writers (UTF-8 with BOM, `;`, dd/mm/yyyy, text
cells that look like formulas written as text): the same files the faculty's tools open."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from remuneration.exports import Column, Table, safe_text, write_csv, write_xlsx
from stages.levels import Authority, rules_for

from ..models import Review
from ..selectors.commission import session_agenda
from .render import html_to_pdf

# The opinions that are proposals to the authority (a postponed level waits for the next one).
PROPOSALS = (Review.Opinion.FAVOURABLE, Review.Opinion.UNFAVOURABLE)
SLUGS = {"ars": Authority.ARS, "ufr": Authority.UFR}


def transmission_lines(session, authority):
    """[{application, doctor, site, postal_code, commune, level, review}] of the levels the
    authority decides; the site is the one examined (kept on the agenda item), not the doctor's
    current one."""
    lines = []
    for item in session_agenda(session):
        application = item.application
        for level in item.examined:
            review = level.session_reviews[0] if level.session_reviews else None
            if review is None or review.opinion not in PROPOSALS:
                continue
            if rules_for(level.level).authority != authority:
                continue
            lines.append(
                {
                    "application": application,
                    "doctor": application.doctor,
                    "site": item.site_name,
                    "postal_code": item.site_postal_code,
                    "commune": item.site_commune,
                    "level": level,
                    "review": review,
                }
            )
    lines.sort(key=lambda r: (r["doctor"].user.last_name, r["doctor"].user.first_name))
    return lines


def authorities_with_proposals(session):
    """The authorities this session proposes something to (one query): the session page
    offers only their transmissions, never an empty letter."""
    levels = Review.objects.filter(session=session, opinion__in=PROPOSALS).values_list(
        "requested_level__level", flat=True
    )
    return {rules_for(level).authority for level in set(levels)}


def transmission_table(session, authority):
    with override("fr"):
        columns = [
            Column(_("Nom"), width=20),
            Column(_("Prénom"), width=16),
            Column(_("RPPS"), width=14),
            Column(_("Lieu d'exercice"), width=30),
            Column(_("Commune"), width=18),
            Column(_("Dossier"), width=16),
            Column(_("Niveau"), width=34),
            Column(_("Avis de la commission"), width=14),
            Column(_("Pour"), "int", 6),
            Column(_("Contre"), "int", 6),
            Column(_("Abstentions"), "int", 8),
            Column(_("Motif"), width=40),
            Column(_("Date de la commission"), "date", 12),
        ]
        rows = []
        for line in transmission_lines(session, authority):
            user, review = line["doctor"].user, line["review"]
            rows.append(
                [
                    user.last_name,
                    user.first_name,
                    line["doctor"].rpps,
                    line["site"],
                    line["commune"],
                    line["application"].reference,
                    str(line["level"].get_level_display()),
                    str(review.get_opinion_display()),
                    review.votes_for,
                    review.votes_against,
                    review.votes_abstain,
                    review.reason,
                    timezone.localdate(session.meets_at),
                ]
            )
        # French: « 1 proposition » (the catalogue's rule, n > 1, for a literal ngettext).
        label = ngettext("Total : %(n)d proposition", "Total : %(n)d propositions", len(rows))
        total = [label % {"n": len(rows)}] + [None] * (len(columns) - 1)
        return Table(_("Propositions"), columns, rows, total)


def transmission_pdf(session, authority):
    faculty = session.faculty
    recipient = getattr(faculty, "ars", None) if authority == Authority.ARS else faculty
    with override("fr"):
        return html_to_pdf(
            "pdf/transmission.html",
            {
                "session": session,
                "authority": authority,
                "authority_label": Authority(authority).label,
                "recipient": recipient,
                "for_ars": authority == Authority.ARS,
                "lines": transmission_lines(session, authority),
                "generated_on": timezone.localdate(),
            },
        )


def transmission_file(session, authority, fmt):
    """(bytes, file name) of the transmission in `fmt` (pdf, csv, xlsx)."""
    slug = "ars" if authority == Authority.ARS else "ufr"
    name = f"transmission-{slug}-{timezone.localdate(session.meets_at):%Y-%m-%d}.{fmt}"
    if fmt == "pdf":
        return transmission_pdf(session, authority), name
    table = transmission_table(session, authority)
    if fmt == "csv":
        return write_csv(table), name
    info = [
        (_("Commission"), safe_text(str(session))),
        (_("Faculté"), safe_text(str(session.faculty))),
        (_("Lieu"), safe_text(session.place)),
    ]
    return write_xlsx(table, info), name
