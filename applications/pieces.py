"""Which pieces a dossier must carry, from the levels asked, the kind of dossier and the
faculty's settings (a faculty may ask more, or fewer, pieces per level)."""

from stages.levels import StageLevel

from .models import Application, Document

Piece = Document.Piece

ALWAYS = [Piece.CV, Piece.NO_CONVICTION, Piece.INSURANCE]
# Interne levels need the training attestation, or for general practice the signed commitment.
TRAINING_LEVELS = {
    StageLevel.NIVEAU_1,
    StageLevel.SASPAS,
    StageLevel.DOCTEUR_JUNIOR,
    StageLevel.HORS_MG,
}
# Pieces a level may require in the faculty settings (the activity report follows the kind).
CONFIGURABLE = [Piece.CV, Piece.NO_CONVICTION, Piece.INSURANCE, Piece.TRAINING]

DEFAULT_PIECES = {
    level.value: [p.value for p in ALWAYS]
    + ([Piece.TRAINING.value] if level in TRAINING_LEVELS else [])
    for level in StageLevel
}


def pieces_by_level(faculty_settings=None):
    configured = getattr(faculty_settings, "required_pieces", None) or {}
    return {level: configured.get(level, default) for level, default in DEFAULT_PIECES.items()}


def required_pieces(levels, kind, faculty_settings=None):
    by_level = pieces_by_level(faculty_settings)
    wanted = {code for level in levels for code in by_level[StageLevel(level).value]}
    if not levels:
        wanted = {p.value for p in ALWAYS}
    pieces = [piece for piece in CONFIGURABLE if piece.value in wanted]
    if kind == Application.Kind.RENEWAL:
        pieces.append(Piece.ACTIVITY_REPORT)
    return pieces
