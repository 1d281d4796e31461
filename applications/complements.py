"""Complement requests: what they may point at and how each item is named, for the form, the
e-mail, the reminders and the doctor's page. Pure descriptions, no writes."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Document

# What a complement request may point at: the doctor's steps, and each piece on its own.
SECTIONS = {
    "profil": gettext_lazy("Profil"),
    "exercice": gettext_lazy("Exercice et environnement pédagogique"),
    "niveaux": gettext_lazy("Niveaux demandés"),
    "engagements": gettext_lazy("Engagements"),
}


def default_due_date(today=None):
    return (today or timezone.localdate()) + datetime.timedelta(days=30)


def _piece_of(item):
    """The piece a « piece:<code> » item names, or None (a section, or a piece since removed)."""
    code = item.split(":", 1)[1] if item.startswith("piece:") else None
    return Document.Piece(code) if code in Document.Piece.values else None


def item_steps(request):
    """(step slug, French name) of each thing a complement request points at."""
    found = []
    for item in request.items:
        if piece := _piece_of(item):
            found.append(("pieces", _("Pièce : %(piece)s") % {"piece": piece.label}))
        elif item in SECTIONS:
            found.append((item, str(SECTIONS[item])))
    return found


def describe_items(request):
    """The French names of what a complement request points at."""
    return [label for _step, label in item_steps(request)]


def pieces_not_replaced(request, documents):
    """The French names of the pieces a complement request asked for that still are the file
    seen before the request (or none): the doctor is told before answering with them."""
    current = {document.piece: document for document in documents}
    names = []
    for piece in filter(None, map(_piece_of, request.items)):
        document = current.get(piece.value)
        if document is None or document.uploaded_at <= request.requested_at:
            names.append(str(piece.label))
    return names
