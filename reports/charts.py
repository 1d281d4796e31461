"""Bar charts drawn on the server as SVG (see docs/decisions.md: no script, nothing for the
CSP to allow, printable, and the data table beside each chart is the accessible version).

`bar_chart(figure_id, title, categories, series)` returns the SVG markup: grouped vertical
bars, one colour per series (DSFR illustrative colours), a legend, a y axis with round ticks."""

import math

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

COLOURS = ["#000091", "#e1000f", "#18753c", "#b34000", "#6a6af4", "#009099"]
WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 96, 12, 36, 96


def nice_max(value, integers=False):
    """A round top for the axis, four round steps of 1, 2, 2.5 or 5 times a power of ten
    (whole steps only when the values are counts)."""
    if value <= 0:
        return 4 if integers else 1
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 2.5, 5, 10):
        if integers and step * power < 1:
            continue
        if integers and step == 2.5 and power < 10:
            continue
        if raw <= step * power:
            return 4 * step * power
    return 40 * power


def _number(value):
    text = f"{value:,.1f}".replace(",", "\u202f").replace(".", ",").removesuffix(",0")
    return text


def bar_chart(figure_id, title, categories, series, unit=""):
    DESCRIPTION = _("Les valeurs sont données dans le tableau à côté du graphique.")  # noqa: N806
    count = max(len(categories), 1)
    values = [v for _label, values in series for v in values]
    peak = max(values or [0])
    top = nice_max(peak, integers=all(isinstance(v, int) for v in values))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group_w = plot_w / count
    bar_w = min(max(group_w * 0.8 / max(len(series), 1), 1), 56)
    parts = [
        f'<svg class="graphique" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{figure_id}-titre-graphique" aria-describedby="{figure_id}-desc" '
        'xmlns="http://www.w3.org/2000/svg" width="100%" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{figure_id}-titre-graphique">{escape(title)}</title>',
        f'<desc id="{figure_id}-desc">{escape(DESCRIPTION)}</desc>',
    ]
    # Legend
    x = LEFT
    for index, (label, _values) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        parts.append(f'<rect x="{x}" y="8" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="18" font-size="12">{escape(label)}</text>')
        x += 24 + 7 * len(str(label))
    # Axis and grid
    for step in range(5):
        value = top * step / 4
        y = TOP + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#ddd" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
            f"{_number(value)}</text>"
        )
    # Bars
    for c_index, category in enumerate(categories):
        group_x = LEFT + group_w * c_index + (group_w - bar_w * len(series)) / 2
        for s_index, (label, values) in enumerate(series):
            value = values[c_index] if c_index < len(values) else 0
            height = plot_h * (value / top) if top else 0
            bar_x = group_x + bar_w * s_index
            colour = COLOURS[s_index % len(COLOURS)]
            parts.append(
                f'<rect x="{bar_x:.1f}" y="{TOP + plot_h - height:.1f}" width="{bar_w:.1f}" '
                f'height="{height:.1f}" fill="{colour}"><title>{escape(category)} — '
                f"{escape(label)} : {_number(value)}{(' ' + unit) if unit else ''}</title></rect>"
            )
        label_x = LEFT + group_w * (c_index + 0.5)
        label_y = TOP + plot_h + 12
        short = str(category) if len(str(category)) <= 20 else str(category)[:19] + "…"
        parts.append(
            f'<text x="{label_x:.1f}" y="{label_y}" font-size="11" text-anchor="end" '
            f'transform="rotate(-40 {label_x:.1f} {label_y})">{escape(short)}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" '
        'stroke="#666" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # nosec B308 B703 (every text is escaped above)
