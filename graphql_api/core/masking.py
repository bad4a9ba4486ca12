"""Unexpected failures reach clients as a bare "Unexpected error." without internals."""

from graphql import GraphQLError

UNEXPECTED_ERROR_MESSAGE = "Unexpected error."


def is_unexpected(error: GraphQLError) -> bool:
    """Errors we raised on purpose are GraphQLErrors (query errors with a `code`, validation,
    limits); anything else is a bug or an outage whose text must not leak. Strawberry has
    already logged it with its traceback."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)
