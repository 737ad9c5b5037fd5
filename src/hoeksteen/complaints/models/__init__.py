"""The complaint file and everything the procedure records in it."""

from hoeksteen.complaints.models.aftercare import MeasureKind, RecoveryMeasure, Reflection
from hoeksteen.complaints.models.complaint import (
    Category,
    Complaint,
    ConflictDeclaration,
    Decision,
    StatusChange,
    Track,
)
from hoeksteen.complaints.models.exchange import Attachment, Letter, LetterKind, Message, Party
from hoeksteen.complaints.models.procedure import (
    Extension,
    Hearing,
    ReviewAnswer,
    ReviewQuestion,
    SupportAssignment,
    VPResponse,
)

__all__ = [
    "Attachment",
    "Category",
    "Complaint",
    "ConflictDeclaration",
    "Decision",
    "Extension",
    "Hearing",
    "Letter",
    "LetterKind",
    "MeasureKind",
    "Message",
    "Party",
    "RecoveryMeasure",
    "Reflection",
    "ReviewAnswer",
    "ReviewQuestion",
    "StatusChange",
    "SupportAssignment",
    "Track",
    "VPResponse",
]
