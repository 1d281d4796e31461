"""Who downloaded which private file: one audit line per download, written by the download
views in one call (`record_download(request.user, obj)`)."""

from django.utils.translation import gettext as _

from ..models import Document, GeneratedDocument, Message, ReplacedPiece
from .common import record_event

__all__ = ["record_download"]


def record_download(by, obj):
    """A dossier Event for a piece, an attachment or a dossier's generated PDF; a faculty
    audit line for a commission's agenda or minutes (no dossier)."""
    if isinstance(obj, Document):
        return record_event(
            obj.application,
            by,
            "piece_downloaded",
            f"{obj.get_piece_display()} ({obj.original_name})",
        )
    if isinstance(obj, ReplacedPiece):
        return record_event(
            obj.application,
            by,
            "piece_downloaded",
            _("%(piece)s (%(name)s), version remplacée")
            % {"piece": obj.get_piece_display(), "name": obj.original_name},
        )
    if isinstance(obj, Message):
        return record_event(obj.application, by, "attachment_downloaded", obj.attachment_name)
    if isinstance(obj, GeneratedDocument):
        what = _("%(kind)s, version %(revision)d") % {
            "kind": obj.get_kind_display(),
            "revision": obj.built_revision,
        }
        if obj.application_id:
            return record_event(obj.application, by, "document_downloaded", what)
        from audit.models import AuditEntry

        return AuditEntry.objects.create(
            faculty=obj.session.faculty if obj.session_id else None,
            actor=by,
            kind=AuditEntry.Kind.SESSION_DOCUMENT_DOWNLOADED,
            summary=what,
        )
    raise TypeError(f"No download audit for {type(obj).__name__}")
