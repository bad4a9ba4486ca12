from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef

from accounts.models import RefreshToken, User
from accounts.tokens import ExpiredToken, InvalidToken, access_token_decode


@dataclass(frozen=True)
class AccessTokenCheck:
    """What a bearer token is worth right now.

    `user` is the active user it speaks for, or anonymous; `expired` tells a genuine token past
    its lifetime (refresh it) from one that is forged, revoked or of a deactivated user (sign in
    again); `expires_at` is when a valid token stops being valid.
    """

    user: User | AnonymousUser
    expired: bool = False
    expires_at: datetime | None = None
    # The session (refresh-token family) the token belongs to, when it names one.
    session_id: str | None = None

    @property
    def valid(self) -> bool:
        return self.user.is_authenticated


def access_token_check(token: str | None) -> AccessTokenCheck:
    """One query: the user, still active, whose session the token belongs to is still open and
    whose token version is the token's (a password change or deactivation bumps it)."""
    if not token:
        return AccessTokenCheck(AnonymousUser())
    try:
        claims = access_token_decode(token)
    except ExpiredToken:
        return AccessTokenCheck(AnonymousUser(), expired=True)
    except InvalidToken:
        return AccessTokenCheck(AnonymousUser())
    users = User.objects.filter(pk=claims.user_id, is_active=True, token_version=claims.version)
    if claims.session_id is not None:
        # Logout, a refresh token presented twice and a password change revoke the family.
        open_session = RefreshToken.objects.filter(
            user_id=OuterRef("pk"), family=claims.session_id, revoked_at__isnull=True
        )
        users = users.filter(Exists(open_session))
    user = users.first()
    if user is None:
        return AccessTokenCheck(AnonymousUser())
    return AccessTokenCheck(user, expires_at=claims.expires_at, session_id=claims.session_id)


def user_from_access_token(token: str | None) -> User | AnonymousUser:
    """The active user a bearer token speaks for, or an anonymous user for any bad token."""
    return access_token_check(token).user


def user_by_id(user_id) -> User | None:
    return User.objects.filter(pk=user_id).first()
