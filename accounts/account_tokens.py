"""Single-use secrets sent to people: password-reset links, email-verification links and phone
codes. The one module that makes, checks and spends them.

Only a SHA-256 hash of a secret is stored. The secret itself is an HMAC of the row's random id
under SECRET_KEY, so the notification task can put it in the message (and send it again after a
crash) without the secret ever being written to the database, the outbox or the broker.
Issuing a token of a purpose ends the user's earlier open ones of that purpose; a token is spent
once; it expires; a password change ends every open reset token.
"""

import base64
import hashlib
import hmac
from datetime import datetime, timedelta

from django.conf import settings

from accounts.errors import InvalidAccountToken
from accounts.models import AccountToken, TokenPurpose, User
from core.outbox import outbox_publish

# Recorded with each token issued; `reactions` has the notifications app send the message.
ACCOUNT_TOKEN_ISSUED_TOPIC = "accounts.account_token_issued"
PHONE_CODE_DIGITS = 6


def _lifetime(purpose: str) -> timedelta:
    seconds = {
        TokenPurpose.PASSWORD_RESET: settings.PASSWORD_RESET_TOKEN_SECONDS,
        TokenPurpose.EMAIL_VERIFICATION: settings.EMAIL_VERIFICATION_TOKEN_SECONDS,
        TokenPurpose.PHONE_VERIFICATION: settings.PHONE_VERIFICATION_CODE_SECONDS,
    }[purpose]
    return timedelta(seconds=seconds)


def account_token_secret(token: AccountToken) -> str:
    """The secret sent to the person: a URL-safe string, or a 6-digit code for a phone."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"account-token:{token.purpose}:{token.pk}".encode(), "sha256"
    ).digest()
    if token.purpose == TokenPurpose.PHONE_VERIFICATION:
        return f"{int.from_bytes(digest[:8], 'big') % 10**PHONE_CODE_DIGITS:0{PHONE_CODE_DIGITS}d}"
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _hash(secret: str) -> str:
    return hashlib.sha256((secret or "").encode()).hexdigest()


def account_tokens_end(*, user_id, purpose: str, now: datetime) -> None:
    AccountToken.objects.filter(user_id=user_id, purpose=purpose, used_at__isnull=True).update(
        used_at=now
    )


def account_token_issue(*, user: User, purpose: str, target: str, now: datetime) -> AccountToken:
    """Issue a token (in the caller's transaction) and record that its message must be sent."""
    account_tokens_end(user_id=user.pk, purpose=purpose, now=now)
    token = AccountToken(
        user=user,
        purpose=purpose,
        target=target,
        created_at=now,
        expires_at=now + _lifetime(purpose),
    )
    token.token_hash = _hash(account_token_secret(token))
    token.save()
    outbox_publish(topic=ACCOUNT_TOKEN_ISSUED_TOPIC, payload={"token_id": str(token.pk)})
    return token


def account_token_spend(*, secret: str, purpose: str, now: datetime) -> AccountToken:
    """Lock and spend the open token with this secret (inside the caller's transaction), or
    InvalidAccountToken, the same for unknown, expired, used and superseded ones."""
    token = (
        AccountToken.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=_hash(secret), purpose=purpose)
        .first()
    )
    if token is None or token.used_at is not None or token.expires_at <= now:
        raise InvalidAccountToken(field="token")
    token.used_at = now
    token.save(update_fields=["used_at"])
    return token


def phone_code_check(*, user: User, code: str, now: datetime) -> AccountToken | None:
    """Spend the user's open phone code if `code` is it. Each wrong try counts; after
    PHONE_VERIFICATION_MAX_ATTEMPTS the code is dead and a new one must be asked for. Runs in
    the caller's transaction; a wrong code's count is committed by the caller before it raises."""
    token = (
        AccountToken.objects.select_for_update()
        .filter(user=user, purpose=TokenPurpose.PHONE_VERIFICATION, used_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if token is None or token.expires_at <= now:
        raise InvalidAccountToken("This code has expired. Ask for a new one.", field="code")
    if not hmac.compare_digest(token.token_hash, _hash((code or "").strip())):
        token.attempts += 1
        if token.attempts >= settings.PHONE_VERIFICATION_MAX_ATTEMPTS:
            token.used_at = now
        token.save(update_fields=["attempts", "used_at"])
        return None
    token.used_at = now
    token.save(update_fields=["used_at"])
    return token
