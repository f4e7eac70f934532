"""All core models; importing this registers them on Base.metadata."""
from casework.models.audit import AuditEvent, AuditHead
from casework.models.base import Base
from casework.models.documents import Document, DocumentSequence
from casework.models.guards import install_core_guards
from casework.models.cases import CASE_KINDS, Case, Violation
from casework.models.engine import ModelVersion, ProcessInstance, Timer, WorkItem
from casework.models.modeling import FormDraft, ModelDraft
from casework.models.identity import (
    ROLES, ActivationCode, ApiToken, SavedFilter, SignInAttempt, SubmissionKey, User)
from casework.models.night import NightBatch, NightRun
from casework.models.penalty import Publication
from casework.models.registry import (
    CalendarYear,
    Camera,
    HolidayDay,
    Jurisdiction,
    RulebookVersion,
    Unit,
    VideoSystem,
)

__all__ = [
    "ActivationCode", "ApiToken", "AuditEvent", "AuditHead", "SavedFilter", "SignInAttempt", "Base", "CASE_KINDS", "Case", "Violation", "CalendarYear", "Camera", "Document", "DocumentSequence", "HolidayDay",
    "FormDraft", "Jurisdiction", "ModelDraft", "NightBatch", "NightRun", "Publication", "ROLES", "RulebookVersion", "SubmissionKey", "Unit", "User", "VideoSystem",
]
