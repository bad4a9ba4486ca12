"""The API's rate limits: per client, per caller and per sign-in, counted by core.limits in the
shared cache (Redis), so a limit holds across the whole deployment.
"""

from django.conf import settings
from graphql import FieldNode, GraphQLError, OperationDefinitionNode, OperationType, ValidationRule
from strawberry.types import Info

from accounts.models import User
from accounts.sign_in_limits import sign_in_guard
from core.limits import rate_limit, request_ip
from graphql_api.core.context import require_user


def client_ip(info: Info) -> str:
    return request_ip(info.context.request)


def user_within_limit(info: Info, action: str) -> User:
    """The signed-in caller, once this call of an action that reaches Stripe or sends messages
    is counted against the caller's limit (aliases count one by one)."""
    user = require_user(info)
    rate_limit(action=action, key=str(user.pk), limit=settings.RATE_LIMIT_PAYMENT_CALLS_PER_MINUTE)
    return user


# --- signing in ----------------------------------------------------------------------------------
# Mutations that check a password or mint a session: one per request, so aliases cannot turn one
# request into thirty argon2 checks (or thirty attempts that the per-request limits see as one).
SIGN_IN_FIELDS = frozenset(
    {"login", "register", "refreshToken", "changePassword", "resetPassword", "signInWithProvider"}
)


class OneSignInPerRequest(ValidationRule):
    def enter_operation_definition(self, node: OperationDefinitionNode, *_args):
        if node.operation != OperationType.MUTATION:
            return
        sign_ins = [
            selection
            for selection in node.selection_set.selections
            if isinstance(selection, FieldNode) and selection.name.value in SIGN_IN_FIELDS
        ]
        if len(sign_ins) > 1:
            self.report_error(
                GraphQLError(
                    "Only one sign-in mutation (login, register, refreshToken, changePassword, "
                    "resetPassword, signInWithProvider) may be sent per request.",
                    sign_ins[1],
                    extensions={"code": "RATE_LIMITED"},
                )
            )


def sign_in_attempt(info: Info, email: str):
    """Guard one password check for `email` (accounts.sign_in_limits, shared with the admin
    consoles' sign-in pages)."""
    return sign_in_guard(ip=client_ip(info), email=email)


def rate_limit_request(info: Info, *, action: str, limit: int, extra_key: str = "") -> None:
    """Limit by client IP (and `extra_key`, e.g. the user changing a password)."""
    key = client_ip(info) + (f":{extra_key}" if extra_key else "")
    rate_limit(action=action, key=key, limit=limit)
