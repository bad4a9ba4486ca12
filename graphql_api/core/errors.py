"""The typed error every mutation payload carries, and the mapping from domain errors to it."""

import logging
from enum import Enum

import strawberry
from graphql import GraphQLError

from core.errors import DomainError

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
