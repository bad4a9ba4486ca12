"""Every GraphQL error gets a code, and is logged once at the level it deserves.

- A request the server never executed gets a code of its own: `GRAPHQL_PARSE_FAILED` (syntax,
  too many tokens), `GRAPHQL_VALIDATION_FAILED` (unknown fields, wrong argument types, depth
  and alias limits), `BAD_USER_INPUT` (variables that do not fit their types).
- Errors we raise on purpose (NOT_FOUND, FORBIDDEN, VALIDATION...) already carry theirs.
- Anything else is a bug or an outage: `INTERNAL`, shown as "Unexpected error.".

Logging: client mistakes once at INFO, without a traceback and without the values the client
sent (GraphQL's messages quote them: an inline password, or a whole variables object that failed
its types); bugs once at ERROR with their traceback (which is what reaches Sentry).
"""

import re

import structlog
from graphql import GraphQLError

from graphql_api.core.masking import is_unexpected

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"
INTERNAL = "INTERNAL"

# Codes of requests that never executed: the GraphQL-over-HTTP answer is a 4xx for these.
REQUEST_ERROR_CODES = frozenset({PARSE_FAILED, VALIDATION_FAILED, BAD_USER_INPUT})

logger = structlog.get_logger("graphql_api.errors")

# graphql-core's words for variables whose values do not fit their types (the unused or
# undefined variables of a document are validation errors instead).
_VARIABLE_COERCION = re.compile(
    r"Variable '\$[^']+' "
    r"(got invalid value|has invalid value|has an invalid value|of required type|of non-null type)"
)

_HIDDEN = "…"
# The places in graphql-core's messages where a value the client sent is printed.
_VALUES_IN_MESSAGES = [
    (re.compile(r"((?:got|has) invalid value:? ).*?(?=; |$| at ')", re.DOTALL), rf"\1{_HIDDEN}"),
    (re.compile(r"(value: ).*?(?=; |$)", re.DOTALL), rf"\1{_HIDDEN}"),
    (re.compile(r"(found ).*?(?=; |$)", re.DOTALL), rf"\1{_HIDDEN}"),
    (re.compile(r'"""(?:.|\n)*?"""|"(?:\\.|[^"\\])*"'), f'"{_HIDDEN}"'),
]


def message_without_values(message: str) -> str:
    for pattern, replacement in _VALUES_IN_MESSAGES:
        message = pattern.sub(replacement, message)
    return message


def error_code(error: GraphQLError, *, parsed: bool) -> str:
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code
    if is_unexpected(error):
        return INTERNAL
    if not parsed:
        return PARSE_FAILED
    if _VARIABLE_COERCION.match(error.message):
        return BAD_USER_INPUT
    if error.path is None:
        return VALIDATION_FAILED
    # Raised while executing without a code: a resolver's input check worded for the client.
    return BAD_USER_INPUT


def errors_coded_and_logged(errors: list[GraphQLError], execution_context) -> None:
    """`Schema.process_errors`: give each error its code and log it once."""
    parsed = execution_context is not None and execution_context.graphql_document is not None
    operation = getattr(execution_context, "operation_name", None)
    for error in errors:
        code = error_code(error, parsed=parsed)
        if code == INTERNAL:
            logger.error(
                "unexpected error in a GraphQL operation",
                path=_path(error),
                operation=operation,
                exc_info=error.original_error,
            )
            continue
        error.extensions = {**(error.extensions or {}), "code": code}
        logger.info(
            "graphql error",
            code=code,
            path=_path(error),
            operation=operation,
            # Our own messages are written for people and hold no input; graphql-core's quote
            # what the client sent, which may be a password.
            message=message_without_values(error.message),
        )


def _path(error: GraphQLError) -> str | None:
    return ".".join(str(part) for part in error.path) if error.path else None
