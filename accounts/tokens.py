"""Access-token signing: the only module that creates or reads JWTs.

Access tokens are short-lived HS256 JWTs. The algorithm is fixed on verification, so a token
with `alg: none` or another algorithm is refused whatever its signature.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import jwt
from django.conf import settings

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["exp", "iat", "jti", "sub", "iss", "ver"]


class InvalidToken(Exception):
    """The token is missing, malformed, forged, expired or revoked."""


class ExpiredToken(InvalidToken):
    """A genuine token past its `exp`: the client should refresh it, not sign in again."""


@dataclass(frozen=True)
class AccessClaims:
    user_id: str
    token_id: str
    issued_at: datetime
    expires_at: datetime
    # The user's token version when it was issued: a token of an older version is refused.
    version: int = 0
    # The session (refresh-token family) the token was issued for; None for tokens issued
    # outside a session, which only expiry and the token version can end.
    session_id: str | None = None


def access_token_issue(
    *,
    user_id: uuid.UUID | str,
    version: int,
    now: datetime,
    session_id: uuid.UUID | str | None = None,
) -> tuple[str, datetime]:
    expires_at = now + settings.JWT_ACCESS_TOKEN_LIFETIME
    claims = {
        "sub": str(user_id),
        "ver": version,
        "iat": int(now.timestamp()),
        "exp": int(expires_at.timestamp()),
        "jti": uuid.uuid4().hex,
        "iss": settings.JWT_ISSUER,
        "typ": "access",
    }
    if session_id is not None:
        claims["sid"] = str(session_id)
    return jwt.encode(claims, settings.JWT_SIGNING_KEY, algorithm=ALGORITHM), expires_at


def access_token_decode(token: str) -> AccessClaims:
    try:
        claims = jwt.decode(
            token,
            settings.JWT_SIGNING_KEY,
            algorithms=[ALGORITHM],
            issuer=settings.JWT_ISSUER,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError as error:
        raise ExpiredToken(str(error)) from error
    except jwt.PyJWTError as error:
        raise InvalidToken(str(error)) from error
    if claims.get("typ") != "access":
        raise InvalidToken("not an access token")
    if not isinstance(claims["ver"], int) or isinstance(claims["ver"], bool):
        raise InvalidToken("malformed token version")
    session_id = claims.get("sid")
    if session_id is not None:
        try:
            session_id = str(uuid.UUID(session_id))
        except (TypeError, ValueError, AttributeError) as error:
            raise InvalidToken("malformed session id") from error
    return AccessClaims(
        user_id=claims["sub"],
        token_id=claims["jti"],
        issued_at=datetime.fromtimestamp(claims["iat"], tz=UTC),
        expires_at=datetime.fromtimestamp(claims["exp"], tz=UTC),
        version=claims["ver"],
        session_id=session_id,
    )
