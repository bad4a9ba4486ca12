"""Text that no column can hold is refused at the edge, once, for every string input.

PostgreSQL's text types cannot store the NUL character (U+0000): a name, a note or an
idempotency key carrying one used to reach the database and fail there as an unexpected error.
Any NUL anywhere in a request's variables or in the document's own string literals now fails
the request with VALIDATION before anything executes.
"""

from graphql import GraphQLError, StringValueNode, visit
from graphql.execution import ExecutionResult
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

NUL = "\x00"


class RefuseNulCharacters(SchemaExtension):
    def on_execute(self):
        context = self.execution_context
        if context.result is None and (
            _holds_nul(context.variables) or _document_holds_nul(context.graphql_document)
        ):
            context.result = ExecutionResult(
                data=None,
                errors=[
                    GraphQLError(
                        "Text may not contain the NUL character (U+0000).",
                        extensions={"code": "VALIDATION"},
                    )
                ],
            )
        yield


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(item) for item in value)
    return False


class _NulFinder(Visitor):
    found = False

    def enter_string_value(self, node: StringValueNode, *_args):
        if NUL in node.value:
            self.found = True
            return self.BREAK
        return None


def _document_holds_nul(document) -> bool:
    if document is None:
        return False
    finder = _NulFinder()
    visit(document, finder)
    return finder.found
