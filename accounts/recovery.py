"""Password reset by email: asked for without revealing whether an account exists, spent once."""

from datetime import datetime

from django.db import transaction

from accounts.account_tokens import account_token_issue, account_token_spend, account_tokens_end
from accounts.errors import InvalidAccountToken
from accounts.models import TokenPurpose, User, normalize_email
from accounts.services import _validate_password, sessions_end_all, token_version_bump


def password_reset_request(*, email: str, now: datetime) -> None:
    """Send a reset link to the account with this email, if there is one. The caller answers
    the same either way; an unknown or malformed email simply sends nothing."""
    user = User.objects.filter(
        email=normalize_email(email), is_active=True, deleted_at__isnull=True
    ).first()
    if user is None:
        return
    with transaction.atomic():
        account_token_issue(
            user=user, purpose=TokenPurpose.PASSWORD_RESET, target=user.email, now=now
        )


def password_reset_complete(*, token: str, new_password: str, now: datetime) -> User:
    """Set a new password with a reset token: the token and every other open one end, every
    session of the user ends (and their sockets close). Following the link proves the email,
    so it counts as verified."""
    with transaction.atomic():
        spent = account_token_spend(secret=token, purpose=TokenPurpose.PASSWORD_RESET, now=now)
        user = User.objects.select_for_update().get(pk=spent.user_id)
        if not user.is_active or user.deleted_at is not None or spent.target != user.email:
            # Deactivated, deleted, or the email changed since: the link no longer speaks for
            # this account.
            raise InvalidAccountToken(field="token")
        _validate_password(new_password or "", user=user, field="newPassword")
        user.set_password(new_password)
        if user.email_verified_at is None:
            user.email_verified_at = now
        user.save(update_fields=["password", "email_verified_at"])
        token_version_bump(user)
        account_tokens_end(user_id=user.pk, purpose=TokenPurpose.PASSWORD_RESET, now=now)
        sessions_end_all(user_id=user.pk, now=now)
    return user
