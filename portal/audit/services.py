"""Writing audit events; called by every service that changes state."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from portal.audit.models import AuditEvent
from portal.extensions import db


def record(
    action: str,
    *,
    user_id: int | None,
    target_type: str = "",
    target_id: object = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction (committed with the request)."""
    event = AuditEvent(
        action=action,
        user_id=user_id,
        target_type=target_type,
        target_id=str(target_id),
        remote_addr=(request.remote_addr or "") if has_request_context() else "cli",
        detail=detail or {},
    )
    db.session.add(event)
    return event
