"""All models, imported here so that Alembic and the app see every table.

Each feature adds its module below; keep one module per entity or feature.
"""

from tracker.models.activity import ActivityLog
from tracker.models.city import City, WorkArea
from tracker.models.consultation import (
    ACTIVE_WORK_STATUSES,
    OPEN_STATUSES,
    STATUS_LABELS,
    Consultation,
    Decision,
    IssuerType,
    Source,
    Status,
)
from tracker.models.user import Role, User, UserSession

__all__ = [
    "ACTIVE_WORK_STATUSES",
    "OPEN_STATUSES",
    "STATUS_LABELS",
    "ActivityLog",
    "City",
    "Consultation",
    "Decision",
    "IssuerType",
    "Role",
    "Source",
    "Status",
    "User",
    "UserSession",
    "WorkArea",
]

# Feature models (documents, drafts, evidence, reminders, intake) register themselves by being imported here.
from tracker.models import alerts as _alerts  # noqa: E402,F401
from tracker.models import api as _api  # noqa: E402,F401
from tracker.models import documents as _documents  # noqa: E402,F401
from tracker.models import drafts as _drafts  # noqa: E402,F401
from tracker.models import evidence as _evidence  # noqa: E402,F401
from tracker.models import feeds as _feeds  # noqa: E402,F401
from tracker.models import intake as _intake  # noqa: E402,F401
from tracker.models import invitations as _invitations  # noqa: E402,F401
from tracker.models import messages as _messages  # noqa: E402,F401
from tracker.models import policy as _policy  # noqa: E402,F401
from tracker.models import signin as _signin  # noqa: E402,F401
