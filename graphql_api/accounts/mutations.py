"""Sign-up, sign-in sessions, passwords and addresses. Thin: each calls one accounts service."""

import strawberry
from django.conf import settings
from django.utils import timezone
from strawberry.types import Info

from accounts import services
from accounts.devices import ip_prefix
from graphql_api.accounts.types import AddressType, UserType
from graphql_api.core.context import require_user
from graphql_api.core.errors import UserError, mutation
from graphql_api.core.inputs import given_fields
from graphql_api.core.limits import client_ip, rate_limit_request, sign_in_attempt
from graphql_api.core.relay_ids import decode_id


@strawberry.input
class RegisterInput:
    email: str
    password: str
    full_name: str
    phone: str | None = None
    device_name: str | None = strawberry.field(
        default=None, description='Shown in mySessions (e.g. "Ana\'s phone").'
    )


@strawberry.input
class LoginInput:
    email: str
    password: str
    device_name: str | None = strawberry.field(
        default=None, description='Shown in mySessions (e.g. "Ana\'s phone").'
    )


@strawberry.input
class RefreshTokenInput:
    refresh_token: str


@strawberry.input
class LogoutInput:
    refresh_token: str


@strawberry.input
class ChangePasswordInput:
    current_password: str
    new_password: str


@strawberry.input
class AddressInput:
    label: str | None = ""
    line1: str
    line2: str | None = ""
    city: str
    postal_code: str
    country: str
    latitude: float
    longitude: float


@strawberry.input(
    description="Only the fields given change; a field left out keeps its value. `label` and "
    "`line2` given as null are cleared; the other fields cannot be null."
)
class UpdateAddressInput:
    id: strawberry.ID
    label: str | None = strawberry.UNSET
    line1: str | None = strawberry.UNSET
    line2: str | None = strawberry.UNSET
    city: str | None = strawberry.UNSET
    postal_code: str | None = strawberry.UNSET
    country: str | None = strawberry.UNSET
    latitude: float | None = strawberry.UNSET
    longitude: float | None = strawberry.UNSET


@strawberry.input
class DeleteAddressInput:
    id: strawberry.ID


@strawberry.type
class AuthPayload:
    access_token: str | None = None
    refresh_token: str | None = None
    user: UserType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def from_session(cls, session: services.Session) -> "AuthPayload":
        return cls(
            access_token=session.access_token,
            refresh_token=session.refresh_token,
            user=session.user,
        )


@strawberry.type
class LogoutPayload:
    ok: bool
    errors: list[UserError]


@strawberry.type(description="The outcome of deleteAddress.")
class DeleteAddressPayload:
    ok: bool = strawberry.field(description="True when the address was deleted.")
    deleted_address_id: strawberry.ID | None = strawberry.field(
        description="The id of the address that was deleted (drop it from the app's list)."
    )
    errors: list[UserError]


@strawberry.type
class AddressPayload:
    address: AddressType | None
    errors: list[UserError]


def device_of(info: Info, name: str | None = None) -> services.Device:
    """Where a session is being started, as its owner will see it in mySessions."""
    return services.Device(
        name=(name or "").strip(),
        user_agent=info.context.request.headers.get("User-Agent", ""),
        ip_prefix=ip_prefix(client_ip(info)),
    )


def _auth_limit(info: Info, action: str, email: str = "") -> None:
    rate_limit_request(
        info, action=action, limit=settings.RATE_LIMIT_AUTH_PER_MINUTE, extra_key=email
    )


@strawberry.type
class AccountsMutation:
    @mutation(description="Create a customer account and sign in.")
    def register(self, info: Info, input: RegisterInput) -> AuthPayload:
        _auth_limit(info, "register")
        now = timezone.now()
        user = services.user_register(
            email=input.email,
            password=input.password,
            full_name=input.full_name,
            phone=input.phone,
            now=now,
        )
        return AuthPayload.from_session(
            services.session_for_new_user(
                user=user, now=now, device=device_of(info, input.device_name)
            )
        )

    @mutation(description="Sign in with email and password.")
    def login(self, info: Info, input: LoginInput) -> AuthPayload:
        with sign_in_attempt(info, input.email):
            session = services.session_start(
                email=input.email,
                password=input.password,
                now=timezone.now(),
                device=device_of(info, input.device_name),
            )
        return AuthPayload.from_session(session)

    @mutation(description="Trade a refresh token for a new pair; the old one ends.")
    def refresh_token(self, info: Info, input: RefreshTokenInput) -> AuthPayload:
        _auth_limit(info, "refresh")
        session = services.refresh_token_rotate(
            refresh_token=input.refresh_token, now=timezone.now()
        )
        return AuthPayload.from_session(session)

    @mutation(description="End the session this refresh token belongs to.")
    def logout(self, info: Info, input: LogoutInput) -> LogoutPayload:
        services.session_logout(refresh_token=input.refresh_token, now=timezone.now())
        return LogoutPayload(ok=True, errors=[])

    @mutation(description="Change the password; every other session ends.")
    def change_password(self, info: Info, input: ChangePasswordInput) -> AuthPayload:
        user = require_user(info)
        _auth_limit(info, "change_password", str(user.pk))
        session = services.user_change_password(
            user=user,
            current_password=input.current_password,
            new_password=input.new_password,
            now=timezone.now(),
        )
        return AuthPayload.from_session(session)

    @mutation(description="Save a delivery address for the signed-in user.")
    def add_address(self, info: Info, input: AddressInput) -> AddressPayload:
        address = services.address_add(
            user=require_user(info), now=timezone.now(), **given_fields(input)
        )
        return AddressPayload(address=address, errors=[])

    @mutation(description="Change one of the signed-in user's addresses.")
    def update_address(self, info: Info, input: UpdateAddressInput) -> AddressPayload:
        user = require_user(info)
        address = services.address_update(
            user=user,
            address_id=decode_id(input.id, "Address"),
            changes=given_fields(input, exclude={"id"}),
        )
        return AddressPayload(address=address, errors=[])

    @mutation(description="Remove one of the signed-in user's addresses.")
    def delete_address(self, info: Info, input: DeleteAddressInput) -> DeleteAddressPayload:
        services.address_delete(
            user=require_user(info),
            address_id=decode_id(input.id, "Address"),
        )
        return DeleteAddressPayload(ok=True, deleted_address_id=input.id, errors=[])
