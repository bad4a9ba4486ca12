"""Accounts use cases: registration, sign-in sessions, passwords and addresses."""

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F

from accounts.account_tokens import account_token_issue, account_tokens_end
from accounts.errors import InvalidCredentials, VerificationRequired
from accounts.models import (
    AccountToken,
    Address,
    DataExport,
    RefreshToken,
    Role,
    TokenPurpose,
    User,
    normalize_email,
)
from accounts.revocation import user_access_changed_record
from accounts.tokens import access_token_issue
from core.errors import FieldErrors, NotFound, ValidationFailed

EMAIL_MAX_LENGTH = 254
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()-]{6,20}$")
# Checked against when the email is unknown, so a miss costs one argon2 verification like a hit
# does: response time must not tell which emails have accounts.
_UNKNOWN_USER_PASSWORD_HASH = make_password(secrets.token_urlsafe(16))


class InvalidRefreshToken(InvalidCredentials):
    code = "INVALID_TOKEN"


@dataclass(frozen=True)
class Device:
    """Where a session was started, as its owner will see it in their list of devices."""

    name: str = ""
    user_agent: str = ""
    ip_prefix: str = ""


@dataclass(frozen=True)
class Session:
    user: User
    access_token: str
    access_token_expires_at: datetime
    refresh_token: str


def _required(value: str | None, field: str, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(f"{label} is required.", field=field)
    if len(value) > max_length:
        raise ValidationFailed(f"{label} is at most {max_length} characters.", field=field)
    return value


def _clean_phone(phone: str | None) -> str:
    phone = (phone or "").strip()
    if phone and not PHONE_PATTERN.match(phone):
        raise ValidationFailed("Enter a phone number of 6 to 20 digits.", field="phone")
    return phone


def _validate_password(password: str, *, user: User, field: str = "password") -> None:
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationFailed(" ".join(error.messages), field=field) from error


def _clean_email(email: str) -> str:
    email = normalize_email(email)
    if len(email) > EMAIL_MAX_LENGTH:  # the column's size, and RFC 5321's
        raise ValidationFailed(
            f"An email address is at most {EMAIL_MAX_LENGTH} characters.", field="email"
        )
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationFailed("Enter a valid email address.", field="email") from error
    return email


def user_register(*, email: str, password: str, full_name: str, phone: str | None, now) -> User:
    # Every invalid field is reported at once, so the app can mark them all.
    invalid = FieldErrors()
    email = invalid.check(_clean_email, email)
    full_name = invalid.check(_required, full_name, "fullName", "Full name", 150)
    phone = invalid.check(_clean_phone, phone)
    user = User(email=email or "", full_name=full_name or "", phone=phone or "", role=Role.CUSTOMER)
    invalid.check(_validate_password, password or "", user=user)
    invalid.raise_any()
    user.set_password(password)
    user.date_joined = now
    try:
        with transaction.atomic():
            user.save()
            account_token_issue(
                user=user, purpose=TokenPurpose.EMAIL_VERIFICATION, target=user.email, now=now
            )
    except IntegrityError as error:
        raise ValidationFailed(
            "An account with this email already exists.", field="email"
        ) from error
    return user


def user_require_verified_email(user: User) -> None:
    """The rule for actions that commit money or reach other people (placing an order): the
    account's email must be verified. See docs/security.md, "Verified addresses"."""
    if user.email_verified_at is None:
        raise VerificationRequired(
            "Verify your email address before placing an order: follow the link we sent, or "
            "ask for a new one with sendEmailVerification.",
            field="email",
        )


def user_authenticate(*, email: str, password: str) -> User:
    """The active user with these credentials, or InvalidCredentials, the same for every miss."""
    user = User.objects.filter(email=normalize_email(email)).first()
    if user is None:
        check_password(password, _UNKNOWN_USER_PASSWORD_HASH)
        raise InvalidCredentials("Wrong email or password.")
    if not user.check_password(password) or not user.is_active:
        raise InvalidCredentials("Wrong email or password.")
    return user


def _hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _session_issue(
    *,
    user: User,
    family: uuid.UUID,
    now: datetime,
    device: Device | None = None,
    started_at: datetime | None = None,
) -> Session:
    refresh_token = secrets.token_urlsafe(32)
    device = device or Device()
    RefreshToken.objects.create(
        user=user,
        family=family,
        token_hash=_hash_refresh_token(refresh_token),
        created_at=now,
        expires_at=now + settings.JWT_REFRESH_TOKEN_LIFETIME,
        session_started_at=started_at or now,
        device_name=device.name[:100],
        user_agent=device.user_agent[:255],
        ip_prefix=device.ip_prefix[:64],
    )
    access_token, expires_at = access_token_issue(
        user_id=user.pk, version=user.token_version, now=now, session_id=family
    )
    return Session(user, access_token, expires_at, refresh_token)


def session_start(
    *, email: str, password: str, now: datetime, device: Device | None = None
) -> Session:
    user = user_authenticate(email=email, password=password)
    User.objects.filter(pk=user.pk).update(last_login=now)
    return _session_issue(user=user, family=uuid.uuid4(), now=now, device=device)


def session_for_new_user(*, user: User, now: datetime, device: Device | None = None) -> Session:
    return _session_issue(user=user, family=uuid.uuid4(), now=now, device=device)


def session_for_user(*, user: User, now: datetime, device: Device | None = None) -> Session:
    """A new session for a user whose identity was proven another way (Google, Apple)."""
    User.objects.filter(pk=user.pk).update(last_login=now)
    return _session_issue(user=user, family=uuid.uuid4(), now=now, device=device)


def refresh_token_rotate(*, refresh_token: str, now: datetime) -> Session:
    """Trade a refresh token for a new pair. Presenting one that was already used means it
    leaked: the whole session family is revoked, the thief's copy and the owner's alike."""
    ended = InvalidRefreshToken("This session has ended. Sign in again.")
    with transaction.atomic():
        token = (
            RefreshToken.objects.select_for_update()
            .select_related("user")
            .filter(token_hash=_hash_refresh_token(refresh_token or ""))
            .first()
        )
        if token is None or token.revoked_at is not None or token.expires_at <= now:
            raise ended
        reused = token.used_at is not None
        if reused:
            # Committed before the error is raised: the revocation must outlive the refusal.
            RefreshToken.objects.filter(family=token.family, revoked_at__isnull=True).update(
                revoked_at=now
            )
            user_access_changed_record(user_id=token.user_id)
        elif token.user.is_active:
            token.used_at = now
            token.save(update_fields=["used_at"])
            return _session_issue(
                user=token.user,
                family=token.family,
                now=now,
                device=Device(token.device_name, token.user_agent, token.ip_prefix),
                started_at=token.session_started_at or token.created_at,
            )
    raise ended


def session_logout(*, refresh_token: str, now: datetime) -> None:
    """End the session the refresh token belongs to (its whole family)."""
    token = RefreshToken.objects.filter(token_hash=_hash_refresh_token(refresh_token or "")).first()
    if token is None:
        raise InvalidRefreshToken("This session has already ended.")
    with transaction.atomic():
        RefreshToken.objects.filter(family=token.family, revoked_at__isnull=True).update(
            revoked_at=now
        )
        user_access_changed_record(user_id=token.user_id)


def user_change_password(
    *, user: User, current_password: str, new_password: str, now: datetime
) -> Session:
    """Change the password and end every session of the user; returns a fresh session."""
    if not user.check_password(current_password or ""):
        raise InvalidCredentials("The current password is wrong.", field="currentPassword")
    _validate_password(new_password or "", user=user, field="newPassword")
    with transaction.atomic():
        user.set_password(new_password)
        token_version_bump(user)
        user.save(update_fields=["password"])
        sessions_end_all(user_id=user.pk, now=now)
        # A reset link asked for before the change must not undo it.
        account_tokens_end(user_id=user.pk, purpose=TokenPurpose.PASSWORD_RESET, now=now)
        return _session_issue(user=user, family=uuid.uuid4(), now=now)


def sessions_end_all(*, user_id, now: datetime) -> None:
    """End every session of the user (in the caller's transaction) and, after commit, close
    their open sockets. Access tokens of a session are refused at once (they name it)."""
    RefreshToken.objects.filter(user_id=user_id, revoked_at__isnull=True).update(revoked_at=now)
    user_access_changed_record(user_id=user_id)


def user_deactivate(*, user_id, now: datetime) -> User:
    """Lock a user out: refused at sign-in and refresh, every session ended, open sockets closed."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            raise NotFound("No such user.", field="id")
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
        token_version_bump(user)
        RefreshToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        user_access_changed_record(user_id=user.pk)
    return user


def token_version_bump(user: User) -> None:
    """Refuse, from the commit on, every access token issued to the user before."""
    User.objects.filter(pk=user.pk).update(token_version=F("token_version") + 1)
    user.refresh_from_db(fields=["token_version"])


def refresh_tokens_purge_expired(*, now: datetime) -> int:
    deleted, _ = RefreshToken.objects.filter(expires_at__lte=now).delete()
    return deleted


def account_secrets_purge_expired(*, now: datetime) -> int:
    """Expired reset/verification tokens and data exports: nothing a link can reach any more."""
    tokens, _ = AccountToken.objects.filter(expires_at__lte=now).delete()
    exports, _ = DataExport.objects.filter(expires_at__lte=now).delete()
    return tokens + exports


def _coordinate(value, *, field: str, limit: int) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, TypeError, ValueError) as error:
        raise ValidationFailed(f"{field} must be a number.", field=field) from error
    if not -limit <= number <= limit:
        raise ValidationFailed(f"{field} must be between -{limit} and {limit}.", field=field)
    return number


def _country(value) -> str:
    country = _required(value, "country", "Country", 2).upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise ValidationFailed("Country is a two-letter ISO code such as PT.", field="country")
    return country


# Each address field with what cleans it: every one that is given is checked, and all the
# invalid ones are reported together.
_ADDRESS_CLEANERS = {
    "label": lambda value: (value or "").strip()[:64],
    "line1": lambda value: _required(value, "line1", "Address line", 200),
    "line2": lambda value: (value or "").strip()[:200],
    "city": lambda value: _required(value, "city", "City", 100),
    "postal_code": lambda value: _required(value, "postalCode", "Postal code", 20),
    "country": _country,
    "latitude": lambda value: _coordinate(value, field="latitude", limit=90),
    "longitude": lambda value: _coordinate(value, field="longitude", limit=180),
}


def _address_fields(fields: dict) -> dict:
    invalid = FieldErrors()
    cleaned = {
        name: invalid.check(_ADDRESS_CLEANERS[name], value) for name, value in fields.items()
    }
    invalid.raise_any()
    return cleaned


def address_add(
    *,
    user: User,
    now: datetime,
    label,
    line1,
    line2,
    city,
    postal_code,
    country,
    latitude,
    longitude,
) -> Address:
    fields = _address_fields(
        {
            "label": label,
            "line1": line1,
            "line2": line2,
            "city": city,
            "postal_code": postal_code,
            "country": country,
            "latitude": latitude,
            "longitude": longitude,
        }
    )
    return Address.objects.create(user=user, created_at=now, **fields)


def address_update(*, user: User, address_id, changes: dict) -> Address:
    """Change the fields named in `changes` (model field names); the others stay as they are.
    A field given as None is cleared where it may be empty (`label`, `line2`) and is invalid
    where it is required."""
    unknown = set(changes) - set(_ADDRESS_CLEANERS)
    if unknown:
        raise ValueError(f"Not address fields: {sorted(unknown)}")
    with transaction.atomic():
        address = Address.objects.select_for_update().filter(pk=address_id, user=user).first()
        if address is None:
            raise NotFound("No such address.", field="id")
        cleaned = _address_fields(changes)
        for name, value in cleaned.items():
            setattr(address, name, value)
        if cleaned:
            address.save(update_fields=list(cleaned))
    return address


def address_delete(*, user: User, address_id) -> None:
    deleted, _ = Address.objects.filter(pk=address_id, user=user).delete()
    if not deleted:
        raise NotFound("No such address.", field="id")
