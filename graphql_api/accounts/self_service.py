"""The person's own account: password reset, verifying email and phone, profile, sessions,
signing in with Google or Apple. Thin: each resolver calls one accounts service."""

import hashlib
from collections.abc import Iterable
from enum import Enum

import strawberry
from django.conf import settings
from django.utils import timezone
from strawberry.types import Info

from accounts import devices, external_sign_in, profile, recovery, services
from accounts.models import RefreshToken, normalize_email
from core.errors import NotAuthenticated
from core.limits import rate_limit
from graphql_api.accounts.mutations import AuthPayload, device_of
from graphql_api.accounts.types import SessionConnection, UserType
from graphql_api.core.context import require_user
from graphql_api.core.errors import UserError, graphql_error, mutation
from graphql_api.core.inputs import changes_of
from graphql_api.core.limits import rate_limit_request
from graphql_api.core.pagination import page_field
from graphql_api.core.relay_ids import decode_id
from privacy.services import account_delete, data_export_request


def _messages_limit(info: Info, action: str, target: str) -> None:
    """Messages sent to one address (or user): per client IP and per target, so neither one
    client nor many can flood an inbox or a phone. The target is hashed: no addresses in Redis."""
    rate_limit_request(info, action=action, limit=settings.RATE_LIMIT_AUTH_PER_MINUTE)
    rate_limit(
        action=f"{action}:target",
        key=hashlib.sha256(target.encode()).hexdigest()[:32],
        limit=settings.RATE_LIMIT_ACCOUNT_MESSAGES_PER_MINUTE,
    )


@strawberry.input
class RequestPasswordResetInput:
    email: str


@strawberry.input
class ResetPasswordInput:
    token: str
    new_password: str


@strawberry.input
class VerifyEmailInput:
    token: str


@strawberry.input
class VerifyPhoneInput:
    code: str


@strawberry.input(
    description="Only the fields given change. A new phone is unverified until its code (sent "
    "at once) is entered; null or an empty phone removes it."
)
class UpdateProfileInput:
    full_name: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET


@strawberry.input
class ChangeEmailInput:
    new_email: str
    password: str = strawberry.field(description="The current password.")


@strawberry.input
class RequestAccountDeletionInput:
    password: str = strawberry.field(description="The current password, to confirm.")


@strawberry.input
class EndSessionInput:
    id: strawberry.ID


@strawberry.enum(description="Who vouches for the person signing in.")
class IdentityProviderEnum(Enum):
    GOOGLE = "GOOGLE"
    APPLE = "APPLE"


@strawberry.input
class SignInWithProviderInput:
    provider: IdentityProviderEnum
    id_token: str = strawberry.field(description="The ID token the platform's SDK returned.")
    nonce: str = strawberry.field(
        description="The random nonce the app generated and gave the SDK (for Apple, the raw "
        "value whose SHA-256 it gave); used once."
    )
    full_name: str | None = strawberry.field(
        default=None, description="Apple sends the name to the app only once: pass it here."
    )
    device_name: str | None = None


@strawberry.type
class OkPayload:
    ok: bool = False
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class UserPayload:
    user: UserType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="The outcome of endSession.")
class EndSessionPayload:
    ok: bool = False
    ended_session_id: strawberry.ID | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SelfServiceQuery:
    @page_field(
        SessionConnection,
        description="Where the signed-in user is signed in, most recently used first; the "
        "session of this request has `current: true`.",
    )
    def my_sessions(self, info: Info) -> Iterable[RefreshToken]:
        try:
            user = require_user(info)
        except NotAuthenticated as error:
            raise graphql_error(error) from None
        return devices.sessions_of(user, now=timezone.now())


@strawberry.type
class SelfServiceMutation:
    @mutation(
        description="Email a password-reset link to this address if an account uses it. The "
        "answer is the same whether or not one does."
    )
    def request_password_reset(self, info: Info, input: RequestPasswordResetInput) -> OkPayload:
        _messages_limit(info, "password_reset", normalize_email(input.email))
        recovery.password_reset_request(email=input.email, now=timezone.now())
        return OkPayload(ok=True)

    @mutation(
        description="Choose a new password with the token of a reset link. Every session of the "
        "account ends; sign in with the new password."
    )
    def reset_password(self, info: Info, input: ResetPasswordInput) -> OkPayload:
        rate_limit_request(info, action="reset_password", limit=settings.RATE_LIMIT_AUTH_PER_MINUTE)
        recovery.password_reset_complete(
            token=input.token, new_password=input.new_password, now=timezone.now()
        )
        return OkPayload(ok=True)

    @mutation(description="Send the link that verifies the account's email again.")
    def send_email_verification(self, info: Info) -> OkPayload:
        user = require_user(info)
        _messages_limit(info, "email_verification", str(user.pk))
        profile.email_verification_send(user=user, now=timezone.now())
        return OkPayload(ok=True)

    @mutation(
        description="Follow an email-verification link: its address becomes the account's "
        "verified email (completing a changeEmail). Works without signing in."
    )
    def verify_email(self, info: Info, input: VerifyEmailInput) -> UserPayload:
        rate_limit_request(info, action="verify_email", limit=settings.RATE_LIMIT_AUTH_PER_MINUTE)
        return UserPayload(user=profile.email_verify(token=input.token, now=timezone.now()))

    @mutation(
        description="Change the email: a link is sent to the new address, which replaces the "
        "old one only once it is followed. Needs the password."
    )
    def change_email(self, info: Info, input: ChangeEmailInput) -> OkPayload:
        user = require_user(info)
        _messages_limit(info, "change_email", str(user.pk))
        profile.email_change_request(
            user=user, new_email=input.new_email, password=input.password, now=timezone.now()
        )
        return OkPayload(ok=True)

    @mutation(description="Change the name or phone of the signed-in user.")
    def update_profile(self, info: Info, input: UpdateProfileInput) -> UserPayload:
        user = require_user(info)
        changes = changes_of(input, clear_values={"phone": ""})
        if "phone" in changes:
            _messages_limit(info, "phone_verification", str(user.pk))
        return UserPayload(
            user=profile.profile_update(user=user, changes=changes, now=timezone.now())
        )

    @mutation(description="Text a new verification code to the account's phone.")
    def send_phone_verification(self, info: Info) -> OkPayload:
        user = require_user(info)
        _messages_limit(info, "phone_verification", str(user.pk))
        profile.phone_verification_send(user=user, now=timezone.now())
        return OkPayload(ok=True)

    @mutation(
        description="Enter the texted code. After PHONE_VERIFICATION_MAX_ATTEMPTS wrong codes "
        "the code ends: send a new one."
    )
    def verify_phone(self, info: Info, input: VerifyPhoneInput) -> UserPayload:
        user = require_user(info)
        rate_limit(
            action="verify_phone", key=str(user.pk), limit=settings.RATE_LIMIT_AUTH_PER_MINUTE
        )
        return UserPayload(
            user=profile.phone_verify(user=user, code=input.code, now=timezone.now())
        )

    @mutation(description="Sign out one of the user's sessions (a device), by its id.")
    def end_session(self, info: Info, input: EndSessionInput) -> EndSessionPayload:
        user = require_user(info)
        devices.session_end(
            user=user, session_id=decode_id(input.id, "Session"), now=timezone.now()
        )
        return EndSessionPayload(ok=True, ended_session_id=input.id)

    @mutation(
        description="Sign in with an ID token from Google or Apple: the linked account, an "
        "account with this verified email (linked now), or a new account."
    )
    def sign_in_with_provider(self, info: Info, input: SignInWithProviderInput) -> AuthPayload:
        rate_limit_request(
            info, action="sign_in_provider", limit=settings.RATE_LIMIT_SIGN_IN_PER_IP
        )
        now = timezone.now()
        identity = external_sign_in.provider_token_verify(
            provider=input.provider.value, id_token=input.id_token, nonce=input.nonce
        )
        user, _ = external_sign_in.user_for_provider_identity(
            identity=identity, full_name=input.full_name, now=now
        )
        session = services.session_for_user(
            user=user, now=now, device=device_of(info, input.device_name)
        )
        return AuthPayload.from_session(session)

    @mutation(
        description="Email a signed link to a JSON copy of everything held about the signed-in "
        "user (profile, addresses, orders, notifications, sessions)."
    )
    def export_my_data(self, info: Info) -> OkPayload:
        user = require_user(info)
        _messages_limit(info, "data_export", str(user.pk))
        data_export_request(user=user, now=timezone.now())
        return OkPayload(ok=True)

    @mutation(
        description="Delete the signed-in customer's account: personal data is anonymised "
        "(orders and payments stay for accounting), every session ends, the email is freed."
    )
    def request_account_deletion(self, info: Info, input: RequestAccountDeletionInput) -> OkPayload:
        user = require_user(info)
        rate_limit_request(
            info,
            action="account_deletion",
            limit=settings.RATE_LIMIT_AUTH_PER_MINUTE,
            extra_key=str(user.pk),
        )
        account_delete(user=user, password=input.password, now=timezone.now())
        return OkPayload(ok=True)
