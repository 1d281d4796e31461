"""The dossier and everything its instruction records, one module per stage of the path."""

from .agrement import Agrement, AgrementSuspension, Decision, Reexamination
from .commission import AgendaItem, Attendance, CommissionSession, MemberOpinion, Review
from .dossier import (
    Application,
    Doctor,
    Document,
    Event,
    PracticeSite,
    RequestedLevel,
    document_path,
    private_storage,
)
from .generated import GeneratedDocument
from .instruction import ComplementRequest, Message, ReplacedPiece, SiteVisit, StaffNote
from .queue import QueueCount, QueueLevelCount
from .specialty import SpecialtyCoordinator

__all__ = [
    "AgendaItem",
    "Agrement",
    "AgrementSuspension",
    "Application",
    "Attendance",
    "CommissionSession",
    "ComplementRequest",
    "Decision",
    "Doctor",
    "Document",
    "Event",
    "GeneratedDocument",
    "MemberOpinion",
    "Message",
    "PracticeSite",
    "QueueCount",
    "QueueLevelCount",
    "Reexamination",
    "ReplacedPiece",
    "RequestedLevel",
    "Review",
    "SiteVisit",
    "SpecialtyCoordinator",
    "StaffNote",
    "document_path",
    "private_storage",
]
