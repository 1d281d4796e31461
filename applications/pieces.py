"""Which pieces a dossier must carry, from the levels asked and the kind of dossier."""

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


def required_pieces(levels, kind):
    pieces = list(ALWAYS)
    if TRAINING_LEVELS & {StageLevel(level) for level in levels}:
        pieces.append(Piece.TRAINING)
    if kind == Application.Kind.RENEWAL:
        pieces.append(Piece.ACTIVITY_REPORT)
    return pieces
