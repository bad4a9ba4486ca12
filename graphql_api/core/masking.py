"""Unexpected failures reach clients as a bare "Unexpected error." without internals."""

from graphql import GraphQLError

UNEXPECTED_ERROR_MESSAGE = "Unexpected error."


def is_unexpected(error: GraphQLError) -> bool:
    """Errors we raised on purpose are GraphQLErrors (query errors with a `code`, validation,
    limits); anything else is a bug or an outage whose text must not leak. Strawberry has
    already logged it with its traceback."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return False
    # Relay's own checks of pagination arguments (`first` above the cap of 100, a negative
    # `last`, a cursor from another list) are the client's mistakes, worded for the client.
    return not (
        isinstance(original, ValueError | TypeError) and str(original).startswith("Argument '")
    )
