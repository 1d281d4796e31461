"""The portal's PDF documents: the dossier (summary and uploaded pieces), the decision letter,
the commission's agenda and minutes. Pure functions returning a BuiltPdf; tasks call them."""

from .dossier_pdf import build_dossier_pdf
from .letters import build_agenda, build_decision_letter, build_minutes
from .render import BuiltPdf, html_to_pdf

__all__ = [
    "BuiltPdf",
    "build_agenda",
    "build_decision_letter",
    "build_dossier_pdf",
    "build_minutes",
    "html_to_pdf",
]
