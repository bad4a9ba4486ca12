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
REQUIRED_CLAIMS = ["exp", "iat", "jti", "sub", "iss"]


class InvalidToken(Exception):
    """The token is missing, malformed, forged, expired or revoked."""


@dataclass(frozen=True)
class AccessClaims:
    user_id: str
    token_id: str
    issued_at: datetime
    expires_at: datetime


def access_token_issue(*, user_id: uuid.UUID | str, now: datetime) -> tuple[str, datetime]:
    expires_at = now + settings.JWT_ACCESS_TOKEN_LIFETIME
    claims = {
        "sub": str(user_id),
        "iat": int(now.timestamp()),
        "exp": int(expires_at.timestamp()),
        "jti": uuid.uuid4().hex,
        "iss": settings.JWT_ISSUER,
        "typ": "access",
    }
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
    except jwt.PyJWTError as error:
        raise InvalidToken(str(error)) from error
    if claims.get("typ") != "access":
        raise InvalidToken("not an access token")
    return AccessClaims(
        user_id=claims["sub"],
        token_id=claims["jti"],
        issued_at=datetime.fromtimestamp(claims["iat"], tz=UTC),
        expires_at=datetime.fromtimestamp(claims["exp"], tz=UTC),
    )
