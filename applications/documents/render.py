"""HTML to PDF with WeasyPrint: the templates of templates/pdf/ and a print stylesheet of their
own (static/pdf/print.css, not the DSFR one), always rendered in French."""

import functools
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

STYLESHEET = "pdf/print.css"


@dataclass
class BuiltPdf:
    """A finished PDF: its bytes, its page count, and the uploaded pieces left out of it as
    (piece label, French reason)."""

    content: bytes
    pages: int
    omitted: list[tuple[str, str]] = field(default_factory=list)


@functools.cache
def _stylesheet_path():
    found = finders.find(STYLESHEET)
    if found:
        return found
    return str(Path(settings.BASE_DIR) / "static" / STYLESHEET)


@functools.cache
def _stylesheet(path):
    from weasyprint import CSS

    return CSS(filename=path)


def print_stylesheet():
    """The parsed print stylesheet (parsed once per process)."""
    return _stylesheet(_stylesheet_path())


def _faculty_name(context):
    """The faculty a document speaks for: its dossier's, its session's or the one given."""
    for obj in (context.get("application"), context.get("session")):
        if getattr(obj, "faculty", None) is not None:
            return obj.faculty.name
    faculty = context.get("faculty")
    return getattr(faculty, "name", None) or settings.INSTITUTION_NAME


def render_html(template_name, context):
    """The template as HTML, in French, with the header's institution and service names."""
    with translation.override("fr"):
        return render_to_string(
            template_name,
            {
                "institution_name": _faculty_name(context),
                "service_name": settings.SERVICE_NAME,
                **context,
            },
        )


def render_pdf(template_name, context):
    """The laid-out WeasyPrint Document (pages known, not yet written)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_html(template_name, context)
    # Our templates load nothing from outside (the stylesheet is passed parsed): a text typed
    # by a user can never make the renderer fetch a file or a URL.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetcher).render(
        stylesheets=[print_stylesheet()]
    )


def html_to_pdf(template_name, context):
    """The template rendered to PDF bytes."""
    return render_pdf(template_name, context).write_pdf()


def build(template_name, context):
    """A BuiltPdf of one template (letters, agenda, minutes)."""
    document = render_pdf(template_name, context)
    return BuiltPdf(document.write_pdf(), len(document.pages))
