"""Unexpected failures reach clients as a bare "Unexpected error." without internals."""

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

UNEXPECTED_ERROR_MESSAGE = "Unexpected error."


def is_unexpected(error: GraphQLError) -> bool:
    """Errors we raised on purpose are GraphQLErrors (query errors with a `code`, validation,
    limits); anything else is a bug or an outage whose text must not leak, logged with its
    traceback by graphql_api.core.error_log."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return False
    # Relay's own checks of pagination arguments are the client's mistakes, worded for the
    # client (graphql_api.core.pagination checks them first, with codes: this is a backstop).
    return not (
        isinstance(original, ValueError | TypeError) and str(original).startswith("Argument '")
    )


class MaskUnexpectedErrors(MaskErrors):
    """Unexpected errors reach clients as "Unexpected error." with the code INTERNAL."""

    def __init__(self):
        super().__init__(should_mask_error=is_unexpected, error_message=UNEXPECTED_ERROR_MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL"}
        return masked
