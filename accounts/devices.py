"""Where a person is signed in: their open sessions (refresh-token families), and ending one."""

import ipaddress
import uuid
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet

from accounts.models import RefreshToken, User
from accounts.revocation import user_access_changed_record
from core.errors import NotFound


def ip_prefix(address: str) -> str:
    """The network of a client address, never the address itself: IPv4 /24, IPv6 /48."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def sessions_of(user: User, *, now: datetime) -> QuerySet[RefreshToken]:
    """The user's open sessions, one row each: the family's current refresh token (the one not
    yet traded in), most recently used first. Its `created_at` is when the session was last
    refreshed; `session_started_at` when it began."""
    return RefreshToken.objects.filter(
        user=user, revoked_at__isnull=True, used_at__isnull=True, expires_at__gt=now
    ).order_by("-created_at", "-id")


def session_end(*, user: User, session_id, now: datetime) -> None:
    """End one of the user's sessions (its refresh token and every access token naming it);
    another user's session is not found."""
    try:
        family = uuid.UUID(str(session_id))
    except ValueError:
        raise NotFound("No such session.", field="id") from None
    with transaction.atomic():
        ended = RefreshToken.objects.filter(
            user=user, family=family, revoked_at__isnull=True
        ).update(revoked_at=now)
        if not ended:
            raise NotFound("No such session.", field="id")
        user_access_changed_record(user_id=user.pk)
