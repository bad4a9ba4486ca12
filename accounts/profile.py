"""The person's own details: name and phone, email changes, and proving the email and phone.

A new email is adopted only once the link sent to it is followed; until then the account keeps
its old, verified one. A changed phone is unverified until its code is entered.
"""

from datetime import datetime

from django.db import IntegrityError, transaction

from accounts.account_tokens import (
    account_token_issue,
    account_token_spend,
    account_tokens_end,
    phone_code_check,
)
from accounts.errors import InvalidAccountToken, InvalidCredentials
from accounts.models import TokenPurpose, User
from accounts.services import _clean_email, _clean_phone, _required
from core.errors import FieldErrors, ValidationFailed

_PROFILE_CLEANERS = {
    "full_name": lambda value: _required(value, "fullName", "Full name", 150),
    "phone": _clean_phone,
}


def profile_update(*, user: User, changes: dict, now: datetime) -> User:
    """Change the fields named in `changes` (`full_name`, `phone`); the others stay. A new phone
    number is unverified until its code is entered (a code is sent to it at once)."""
    unknown = set(changes) - set(_PROFILE_CLEANERS)
    if unknown:
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    invalid = FieldErrors()
    cleaned = {
        name: invalid.check(_PROFILE_CLEANERS[name], value) for name, value in changes.items()
    }
    invalid.raise_any()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        fields = []
        if "full_name" in cleaned and cleaned["full_name"] != user.full_name:
            user.full_name = cleaned["full_name"]
            fields.append("full_name")
        if "phone" in cleaned and cleaned["phone"] != user.phone:
            user.phone = cleaned["phone"]
            user.phone_verified_at = None
            fields += ["phone", "phone_verified_at"]
            account_tokens_end(user_id=user.pk, purpose=TokenPurpose.PHONE_VERIFICATION, now=now)
            if user.phone:
                account_token_issue(
                    user=user, purpose=TokenPurpose.PHONE_VERIFICATION, target=user.phone, now=now
                )
        if fields:
            user.save(update_fields=fields)
    return user


def email_verification_send(*, user: User, now: datetime) -> None:
    """Send (again) the link that verifies the account's current email."""
    if user.email_verified_at is not None:
        raise ValidationFailed("This email address is already verified.", field="email")
    with transaction.atomic():
        account_token_issue(
            user=user, purpose=TokenPurpose.EMAIL_VERIFICATION, target=user.email, now=now
        )


def email_change_request(*, user: User, new_email: str, password: str, now: datetime) -> None:
    """Send a verification link to `new_email`; the account switches to it when it is followed.
    Asking for a change needs the password (a stolen access token must not move the account
    to the thief's address). An address in use by another account gets the same answer (nothing
    is sent), so this reveals no accounts."""
    email = _clean_email(new_email)
    if not user.check_password(password or ""):
        raise InvalidCredentials("The password is wrong.", field="password")
    if email == user.email:
        raise ValidationFailed("This is already your email address.", field="newEmail")
    with transaction.atomic():
        if User.objects.filter(email=email).exists():
            account_tokens_end(user_id=user.pk, purpose=TokenPurpose.EMAIL_VERIFICATION, now=now)
            return
        account_token_issue(
            user=user, purpose=TokenPurpose.EMAIL_VERIFICATION, target=email, now=now
        )


def email_verify(*, token: str, now: datetime) -> User:
    """Follow a verification link: the address it was sent to becomes the account's verified
    email (a change of address takes effect here, and open reset links to the old one end)."""
    try:
        with transaction.atomic():
            spent = account_token_spend(
                secret=token, purpose=TokenPurpose.EMAIL_VERIFICATION, now=now
            )
            user = User.objects.select_for_update().get(pk=spent.user_id)
            if not user.is_active or user.deleted_at is not None:
                raise InvalidAccountToken(field="token")
            if spent.target != user.email:
                user.email = spent.target
                account_tokens_end(user_id=user.pk, purpose=TokenPurpose.PASSWORD_RESET, now=now)
            user.email_verified_at = now
            user.save(update_fields=["email", "email_verified_at"])
    except IntegrityError as error:
        # Someone registered the address between the request and the click.
        raise InvalidAccountToken(
            "This address is already used by another account.", field="token"
        ) from error
    return user


def phone_verification_send(*, user: User, now: datetime) -> None:
    """Text a new code to the account's phone (the earlier code ends)."""
    if not user.phone:
        raise ValidationFailed("Add a phone number first (updateProfile).", field="phone")
    if user.phone_verified_at is not None:
        raise ValidationFailed("This phone number is already verified.", field="phone")
    with transaction.atomic():
        account_token_issue(
            user=user, purpose=TokenPurpose.PHONE_VERIFICATION, target=user.phone, now=now
        )


def phone_verify(*, user: User, code: str, now: datetime) -> User:
    """Enter the texted code. Wrong codes count (the count is kept); after
    PHONE_VERIFICATION_MAX_ATTEMPTS the code is dead and a new one must be sent."""
    with transaction.atomic():
        spent = phone_code_check(user=user, code=code, now=now)
        if spent is not None:
            user = User.objects.select_for_update().get(pk=user.pk)
            if spent.target != user.phone:
                raise InvalidAccountToken("This code was for another number.", field="code")
            user.phone_verified_at = now
            user.save(update_fields=["phone_verified_at"])
    if spent is None:
        raise InvalidAccountToken("Wrong code.", field="code")
    return user
