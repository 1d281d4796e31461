"""The three file formats every export shares, written row by row to a binary file so that a
list of 100,000 lines never sits in memory.

Conventions, so that a French spreadsheet opens the files as they are:
- CSV: UTF-8 with a byte order mark, `;` between fields, amounts with a decimal comma and no
  thousands separator (`3600,00`), dates as dd/mm/yyyy, a French header row.
- XLSX (openpyxl write-only: rows stream to the file) and ODS (our own streaming writer, see
  docs/decisions.md): numbers and amounts as numbers, dates as date cells shown dd/mm/yyyy, a
  bold header row frozen at the top, filter buttons on the header.
- Text typed by users that starts like a formula (`=`, `+`, `-`, `@`) gets a leading
  apostrophe in every format: the files are opened by other departments.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from xml.sax.saxutils import escape, quoteattr

CENT = Decimal("0.01")
NBSP = "\u00a0"
EURO_FORMAT = '#,##0.00\\ "€"'
DATE_FORMAT = "DD/MM/YYYY"
PERCENT_FORMAT = "0.00%"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "pdf": "application/pdf",
}

# A cell starting with one of these is read as a formula by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Column:
    title: str
    kind: str = "text"  # text, date, int, decimal, money, share
    width: int = 14
    # Text the portal writes itself (labels, numbers): never formula-like, so the SQL of the
    # COPY path need not check it.
    ours: bool = False


@dataclass
class Table:
    """A sheet: its columns, its rows (any iterable of value lists: a generator streams) and
    an optional total line of the same shape."""

    sheet_title: str
    columns: list
    rows: object
    total: list | None = None
    extra: dict = field(default_factory=dict)


def safe_text(value):
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_amount(value):
    return f"{Decimal(value).quantize(CENT)}".replace(".", ",")


def csv_date(value):
    return value.strftime("%d/%m/%Y")


def percent(share):
    value = f"{float(Fraction(share)) * 100:.1f}".replace(".", ",").removesuffix(",0")
    return f"{value}{NBSP}%"


# CSV -------------------------------------------------------------------------------------------


def _csv_formatter(kind):
    def text(value):
        return "" if value is None else safe_text(value)

    def date(value):
        return "" if value is None else value.strftime("%d/%m/%Y")

    def money(value):
        return "" if value is None else csv_amount(value)

    def share(value):
        return "" if value is None else percent(value).replace(NBSP, " ")

    def decimal(value):
        return "" if value is None else str(value).replace(".", ",")

    def plain(value):
        return "" if value is None else str(value)

    formatters = {"text": text, "date": date, "money": money, "share": share, "decimal": decimal}
    return formatters.get(kind, plain)


def csv_writer(out):
    """A csv.writer on the binary file `out`, after the byte order mark; returns (writer,
    text stream). Call `stream.flush()` then `stream.detach()` when done."""
    stream = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    stream.write("\ufeff")
    return csv.writer(stream, delimiter=";", lineterminator="\n"), stream


def write_csv(table, out):
    writer, stream = csv_writer(out)
    writer.writerow([column.title for column in table.columns])
    formatters = [_csv_formatter(column.kind) for column in table.columns]
    rows = table.rows if table.total is None else _with_total(table)
    for row in rows:
        writer.writerow([f(v) for f, v in zip(formatters, row, strict=True)])
    stream.flush()
    stream.detach()


def _with_total(table):
    yield from table.rows
    yield table.total


def csv_bytes(table):
    out = io.BytesIO()
    write_csv(table, out)
    return out.getvalue()


# XLSX ------------------------------------------------------------------------------------------

NUMBER_FORMATS = {"money": EURO_FORMAT, "date": DATE_FORMAT, "share": PERCENT_FORMAT}


def xlsx_value(kind, value):
    if value is None:
        return None
    if kind == "money":
        return Decimal(value)
    if kind == "share":
        return float(Fraction(value))
    if kind == "text":
        return safe_text(value)
    return value


def write_xlsx(table, out, info=None):
    """The table on a first sheet (header frozen, filter buttons); `info` (label, value)
    pairs on a second one."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.sheet_title[:31])
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"

    def cell(value, number_format=None, strong=False):
        written = WriteOnlyCell(sheet, value=value)
        if number_format:
            written.number_format = number_format
        if strong:
            written.font = bold
        return written

    sheet.append([cell(column.title, strong=True) for column in table.columns])
    kinds = [column.kind for column in table.columns]
    # Only dates, amounts and shares need a cell object (their display format); plain values
    # are appended as they are, which is several times faster.
    styled = [NUMBER_FORMATS.get(kind) for kind in kinds]
    count = 0
    for row in table.rows:
        sheet.append(
            [
                cell(xlsx_value(k, v), fmt) if fmt and v is not None else xlsx_value(k, v)
                for k, fmt, v in zip(kinds, styled, row, strict=True)
            ]
        )
        count += 1
    if table.total is not None:
        sheet.append(
            [
                cell(xlsx_value(k, v), fmt, strong=True)
                for k, fmt, v in zip(kinds, styled, table.total, strict=True)
            ]
        )
    last = get_column_letter(len(table.columns))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    if info:
        other = workbook.create_sheet(info[0])
        other.column_dimensions["A"].width = 48
        other.column_dimensions["B"].width = 40
        for label, value in info[1]:
            number_format = EURO_FORMAT if isinstance(value, Decimal) else None
            if isinstance(value, str):
                value = safe_text(value)
            other.append(
                [WriteOnlyCell(other, value=label), _info_cell(other, value, number_format)]
            )
    workbook.save(out)


def _info_cell(sheet, value, number_format):
    from openpyxl.cell import WriteOnlyCell

    written = WriteOnlyCell(sheet, value=value)
    if number_format:
        written.number_format = number_format
    return written


def xlsx_bytes(table, info=None):
    out = io.BytesIO()
    write_xlsx(table, out, info=info)
    return out.getvalue()


# ODS -------------------------------------------------------------------------------------------

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
)
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIMETYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
_STYLES = (
    "<office:automatic-styles>"
    '<number:date-style style:name="N-date"><number:day number:style="long"/>'
    '<number:text>/</number:text><number:month number:style="long"/>'
    '<number:text>/</number:text><number:year number:style="long"/></number:date-style>'
    '<number:currency-style style:name="N-euro"><number:number number:decimal-places="2" '
    'number:min-integer-digits="1" number:grouping="true"/><number:text> </number:text>'
    "<number:currency-symbol>€</number:currency-symbol></number:currency-style>"
    '<number:percentage-style style:name="N-pct"><number:number number:decimal-places="1" '
    'number:min-integer-digits="1"/><number:text>%</number:text></number:percentage-style>'
    '<style:style style:name="ce-date" style:family="table-cell" style:data-style-name="N-date"/>'
    '<style:style style:name="ce-euro" style:family="table-cell" style:data-style-name="N-euro"/>'
    '<style:style style:name="ce-pct" style:family="table-cell" style:data-style-name="N-pct"/>'
    '<style:style style:name="ce-head" style:family="table-cell">'
    '<style:text-properties fo:font-weight="bold"/></style:style>'
)  # closed after the sheet's column widths (_ods_column_style)


def _ods_settings(sheet_name):
    """settings.xml freezing the first row of the sheet (what LibreOffice writes itself)."""
    items = {
        "VerticalSplitMode": ("short", "2"),
        "VerticalSplitPosition": ("int", "1"),
        "ActiveSplitRange": ("short", "2"),
        "PositionBottom": ("int", "1"),
    }
    entries = "".join(
        f'<config:config-item config:name="{name}" config:type="{kind}">{value}'
        "</config:config-item>"
        for name, (kind, value) in items.items()
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-settings {_NS} '
        'office:version="1.2"><office:settings>'
        '<config:config-item-set config:name="ooo:view-settings">'
        '<config:config-item-map-indexed config:name="Views"><config:config-item-map-entry>'
        '<config:config-item-map-named config:name="Tables">'
        f"<config:config-item-map-entry config:name={quoteattr(sheet_name)}>{entries}"
        "</config:config-item-map-entry></config:config-item-map-named>"
        "</config:config-item-map-entry></config:config-item-map-indexed>"
        "</config:config-item-set></office:settings></office:document-settings>"
    )


# A column's width is counted in characters, as the XLSX file counts it; a character of the
# default font is about 0.19 cm wide. Without it every ODS column had LibreOffice's default
# width, and « Niveau 1 — stage chez le praticien (phase socle) » was cut.
CM_PER_CHARACTER = 0.19


def _ods_column_style(width):
    return (
        f'<style:style style:name="co{width}" style:family="table-column">'
        f'<style:table-column-properties style:column-width="{width * CM_PER_CHARACTER:.2f}cm"/>'
        "</style:style>"
    )


def _ods_cell(kind, value, bold=False):
    head = ' table:style-name="ce-head"' if bold else ""
    if value is None or value == "":
        return "<table:table-cell/>"
    if kind == "date" and isinstance(value, datetime.date):
        if isinstance(value, datetime.datetime):
            value = value.date()
        iso = value.isoformat()
        return (
            '<table:table-cell table:style-name="ce-date" office:value-type="date" '
            f'office:date-value="{iso}"><text:p>{value:%d/%m/%Y}</text:p></table:table-cell>'
        )
    if kind == "money":
        amount = Decimal(value).quantize(CENT)
        style = ' table:style-name="ce-euro"' if not bold else head
        return (
            f"<table:table-cell{style} "
            f'office:value-type="currency" office:currency="EUR" office:value="{amount}">'
            f"<text:p>{csv_amount(amount)} €</text:p></table:table-cell>"
        )
    if kind == "share":
        number = float(Fraction(value))
        return (
            '<table:table-cell table:style-name="ce-pct" office:value-type="percentage" '
            f'office:value="{number!r}"><text:p>{percent(value)}</text:p></table:table-cell>'
        )
    number = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    if kind in ("int", "decimal") and number:
        return (
            f'<table:table-cell{head} office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    text = escape(safe_text(value))
    return (
        f'<table:table-cell{head} office:value-type="string"><text:p>{text}</text:p>'
        "</table:table-cell>"
    )


def write_ods(table, out):
    """An OpenDocument spreadsheet written as it goes: content.xml is streamed into the zip
    (deflated) row by row."""
    name = table.sheet_title[:31]
    kinds = [column.kind for column in table.columns]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        # The mimetype comes first and uncompressed: that is how readers recognise the format.
        archive.writestr(zipfile.ZipInfo("mimetype"), ODS_MIMETYPE, zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _MANIFEST)
        archive.writestr("settings.xml", _ods_settings(name))
        with archive.open("content.xml", "w", force_zip64=True) as content:
            write = content.write
            widths = sorted({column.width for column in table.columns})
            styles = (
                _STYLES
                + "".join(_ods_column_style(width) for width in widths)
                + "</office:automatic-styles>"
            )
            write(
                (
                    f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS} '
                    f'office:version="1.2">{styles}<office:body><office:spreadsheet>'
                    f"<table:table table:name={quoteattr(name)}>"
                ).encode()
            )
            for column in table.columns:
                write(f'<table:table-column table:style-name="co{column.width}"/>'.encode())
            write(
                (
                    "<table:table-header-rows><table:table-row>"
                    + "".join(_ods_cell("text", c.title, bold=True) for c in table.columns)
                    + "</table:table-row></table:table-header-rows>"
                ).encode()
            )
            count = 0
            buffer = []
            for row in table.rows:
                buffer.append(
                    "<table:table-row>"
                    + "".join(_ods_cell(k, v) for k, v in zip(kinds, row, strict=True))
                    + "</table:table-row>"
                )
                count += 1
                if len(buffer) >= 500:
                    write("".join(buffer).encode())
                    buffer = []
            if table.total is not None:
                buffer.append(
                    "<table:table-row>"
                    + "".join(
                        _ods_cell(k, v, bold=True) for k, v in zip(kinds, table.total, strict=True)
                    )
                    + "</table:table-row>"
                )
            write("".join(buffer).encode())
            last = _column_letter(len(table.columns))
            sheet = _sheet_ref(name)
            write(
                (
                    "</table:table><table:database-ranges>"
                    '<table:database-range table:name="__Anonymous_Sheet_DB__0" '
                    f'table:target-range-address="{sheet}.A1:{sheet}.{last}{count + 1}" '
                    'table:display-filter-buttons="true"/></table:database-ranges>'
                    "</office:spreadsheet></office:body></office:document-content>"
                ).encode()
            )


def _sheet_ref(name):
    quoted = "'" + name.replace("'", "''") + "'"
    return escape(quoted, {'"': "&quot;"})


def _column_letter(index):
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def write(table, fmt, out):
    {"csv": write_csv, "xlsx": write_xlsx, "ods": write_ods}[fmt](table, out)
