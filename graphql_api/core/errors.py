"""The typed error every mutation payload carries, and the mapping from domain errors to it."""

import logging
from enum import Enum

import strawberry
from graphql import GraphQLError

from accounts.errors import DomainError
from graphql_api.core.metrics import error_code_observed

logger = logging.getLogger(__name__)


@strawberry.enum(description="Stable codes the apps switch on.")
class ErrorCode(Enum):
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    INVALID_TOKEN = "INVALID_TOKEN"
    NOT_AUTHENTICATED = "NOT_AUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    VALIDATION = "VALIDATION"
    RATE_LIMITED = "RATE_LIMITED"
    RESTAURANT_CLOSED = "RESTAURANT_CLOSED"
    ITEM_UNAVAILABLE = "ITEM_UNAVAILABLE"
    OUT_OF_DELIVERY_RANGE = "OUT_OF_DELIVERY_RANGE"
    BELOW_MINIMUM_ORDER = "BELOW_MINIMUM_ORDER"
    PAYMENT_DECLINED = "PAYMENT_DECLINED"
    PAYMENT_ACTION_REQUIRED = "PAYMENT_ACTION_REQUIRED"
    PAYMENT_UNAVAILABLE = "PAYMENT_UNAVAILABLE"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    CONFLICT = "CONFLICT"


@strawberry.type(description="An expected failure: what went wrong, and on which input field.")
class UserError:
    code: ErrorCode
    field: str | None
    message: str

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
        return cls(code=code, field=error.field, message=error.message)


def graphql_error(error: DomainError) -> GraphQLError:
    """A domain error raised from a query field, with its code in `extensions`."""
    return GraphQLError(error.message, extensions={"code": error.code})
