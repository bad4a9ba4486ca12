"""The typed error every mutation payload carries, and the mapping from domain errors to it."""

import logging
from collections.abc import Callable
from enum import Enum

import strawberry
from graphql import GraphQLError
from strawberry.extensions import FieldExtension
from strawberry.types import Info
from strawberry.types.base import StrawberryList, StrawberryOptional
from strawberry.types.field import StrawberryField

from core.errors import DomainError
from graphql_api.core.metrics import error_code_observed

logger = logging.getLogger(__name__)


@strawberry.enum(
    description="Stable codes the apps switch on, in payload errors and in GraphQL errors' "
    "`extensions.code`; requests that never ran carry GRAPHQL_PARSE_FAILED, "
    "GRAPHQL_VALIDATION_FAILED or BAD_USER_INPUT there, and bugs INTERNAL (README: Errors)."
)
class ErrorCode(Enum):
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    INVALID_TOKEN = "INVALID_TOKEN"
    NOT_AUTHENTICATED = "NOT_AUTHENTICATED"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    VALIDATION = "VALIDATION"
    RATE_LIMITED = "RATE_LIMITED"
    RESTAURANT_CLOSED = "RESTAURANT_CLOSED"
    ITEM_UNAVAILABLE = "ITEM_UNAVAILABLE"
    OUT_OF_DELIVERY_RANGE = "OUT_OF_DELIVERY_RANGE"
    BELOW_MINIMUM_ORDER = "BELOW_MINIMUM_ORDER"
    SLOT_UNAVAILABLE = "SLOT_UNAVAILABLE"
    PAYMENT_DECLINED = "PAYMENT_DECLINED"
    PAYMENT_ACTION_REQUIRED = "PAYMENT_ACTION_REQUIRED"
    PAYMENT_UNAVAILABLE = "PAYMENT_UNAVAILABLE"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    CONFLICT = "CONFLICT"
    VERIFICATION_REQUIRED = "VERIFICATION_REQUIRED"
    PROVIDER_UNAVAILABLE = "PROVIDER_UNAVAILABLE"
    REVIEW_NOT_ALLOWED = "REVIEW_NOT_ALLOWED"
    PROMO_CODE_NOT_APPLICABLE = "PROMO_CODE_NOT_APPLICABLE"


@strawberry.type(description="An expected failure: what went wrong, and on which input field.")
class UserError:
    code: ErrorCode
    field: str | None = strawberry.field(
        description="The input field at fault, as a path (`email`, `items[2].menuItemId`); "
        "null when the failure is not about one field."
    )
    message: str = strawberry.field(description="For people: safe to show as it is.")
    retry_after: int | None = strawberry.field(
        default=None,
        description="With RATE_LIMITED: whole seconds until a new attempt can succeed.",
    )

    def __post_init__(self):
        # Every typed error a client receives is counted and named in the request's log line,
        # whichever resolver built it.
        error_code_observed(self.code.value)

    @classmethod
    def from_domain(cls, error: DomainError) -> "UserError":
        try:
            code = ErrorCode(error.code)
        except ValueError:
            logger.error("Domain error with unknown code %r", error.code)
            code = ErrorCode.VALIDATION
        return cls(
            code=code,
            field=error.field,
            message=error.message,
            retry_after=getattr(error, "retry_after", None),
        )

    @classmethod
    def all_from_domain(cls, error: DomainError) -> list["UserError"]:
        """Every failure the error reports: all invalid fields of an input at once."""
        return [cls.from_domain(each) for each in error.errors]


def error_extensions(error: DomainError) -> dict:
    """`extensions` of a GraphQL error for a domain error: its code, the field at fault, and
    for RATE_LIMITED the seconds to wait."""
    extensions = {"code": error.code}
    if error.field:
        extensions["field"] = error.field
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        extensions["retryAfter"] = retry_after
    return extensions


def graphql_error(error: DomainError) -> GraphQLError:
    """A domain error raised from a query field, with its code in `extensions`."""
    return GraphQLError(error.message, extensions=error_extensions(error))


class DomainErrorsToPayload(FieldExtension):
    """The one way a mutation reports an expected failure: a DomainError raised anywhere below
    the resolver becomes the payload's `errors`, with every other field of the payload empty.
    Unexpected exceptions pass through (and are masked as "Unexpected error.")."""

    def apply(self, field: StrawberryField) -> None:
        self.field = field

    def _failed(self, error: DomainError):
        payload_type = self.field.type
        values = {}
        for payload_field in payload_type.__strawberry_definition__.fields:
            if payload_field.python_name == "errors":
                values["errors"] = UserError.all_from_domain(error)
            else:
                values[payload_field.python_name] = _empty(payload_field.type)
        return payload_type(**values)

    def resolve(self, next_: Callable, source, info: Info, **kwargs):
        try:
            return next_(source, info, **kwargs)
        except DomainError as error:
            return self._failed(error)

    async def resolve_async(self, next_: Callable, source, info: Info, **kwargs):
        try:
            return await next_(source, info, **kwargs)
        except DomainError as error:
            return self._failed(error)


def _empty(field_type):
    if isinstance(field_type, StrawberryOptional):
        return None
    if isinstance(field_type, StrawberryList):
        return []
    if field_type is bool:
        return False
    if field_type is int:
        return 0
    raise TypeError(f"A payload field of type {field_type} has no empty value.")


def mutation(*, description: str, **options):
    """`strawberry.mutation` with its expected failures mapped to the payload's `errors`."""
    return strawberry.mutation(
        description=description, extensions=[DomainErrorsToPayload()], **options
    )
