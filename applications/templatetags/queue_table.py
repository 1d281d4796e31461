"""The queue's table rows and its filters' options, written in Python.

A queue page shows 25 rows of a dozen cells and six lists of options: as template nodes they
were half the page's time (each variable, `if` and `for` node resolved and escaped one by one),
for markup that never changes. format_html escapes every value as the template did."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

_ROW = (
    '<tr{}>{}<td><a href="{}">{}</a><br><span class="fr-hint-text">{}</span></td>'
    "<td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
    '<td><span class="fr-badge fr-badge--sm">{}</span></td>{}<td>{}{}</td><td>{}{}</td></tr>'
)
# Fixed markup, no value in it.
_BR = mark_safe("<br>")  # nosec B308 B703
_SELECTED = mark_safe(" selected")  # nosec B308 B703
_LATE = mark_safe(' class="en-retard"')  # nosec B308 B703
_CHOICE = (
    '<td><div class="fr-checkbox-group fr-checkbox-group--sm"><input type="checkbox" '
    'name="dossiers" value="{0}" id="choisir-{0}" form="inscrire"><label class="fr-label" '
    'for="choisir-{0}">{1}<span class="fr-sr-only"> {2}</span></label></div></td>'
)


@register.simple_tag
def queue_rows(rows, choosing=False, searching=False, keep=""):
    """The <tr> of each row of the queue (views.queue builds the rows as plain values).
    `choosing`: a box to tick per row (the "ready for commission" tab); `searching`: a column
    naming the tab where each dossier found stands."""
    choose, too_old, too_long = _("Choisir"), _("trop ancien"), _("en attente trop longue")
    keep_query = f"&{keep}" if keep else ""
    html = []
    for row in rows:
        late = row["flag_state"] or row["flag_total"]
        html.append(
            format_html(
                _ROW,
                _LATE if late else "",
                format_html(_CHOICE, row["pk"], choose, row["reference"]) if choosing else "",
                row["url"],
                row["reference"],
                row["kind"],
                row["doctor"],
                row["rpps"],
                row["upp"],
                format_html_join(_BR, "{}", ((level,) for level in row["levels"])),
                row["status"],
                format_html(
                    '<td><a href="?onglet={}{}">{}</a></td>',
                    row["tab_slug"],
                    keep_query,
                    row["tab_label"],
                )
                if searching
                else "",
                row["days_total"],
                _badge("error", too_old) if row["flag_total"] else "",
                row["days_in_state"],
                _badge("warning", too_long) if row["flag_state"] else "",
            )
        )
    return format_html_join("\n", "{}", ((row,) for row in html))


def _badge(level, text):
    return format_html(' <span class="fr-badge fr-badge--sm fr-badge--{}">{}</span>', level, text)


@register.simple_tag
def select_options(options):
    """<option> of each (value, label, chosen) of views.queue._options."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, _SELECTED if chosen else "", label) for value, label, chosen in options),
    )
