"""Input no column can hold, or too large to be worth reading, is refused at the edge: once,
for every argument, before the values are even coerced to their input types.

- PostgreSQL's text types cannot store the NUL character (U+0000): a name, a note or an
  idempotency key carrying one used to reach the database and fail there as an unexpected
  error. Any NUL anywhere in a request's variables or in the document's own string literals
  fails the request with VALIDATION.
- A list argument longer than GRAPHQL_MAX_INPUT_LIST_LENGTH (30,000 opening-hour spans took 3.4 s
  to coerce before the service's own limit of 28 could say no) fails the same way.
"""

from django.conf import settings
from graphql import GraphQLError, ListValueNode, StringValueNode, visit
from graphql.execution import ExecutionResult
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

NUL = "\x00"


class InputGuard(SchemaExtension):
    def on_execute(self):
        context = self.execution_context
        if context.result is None:
            problem = _problem(context.variables) or _document_problem(context.graphql_document)
            if problem:
                context.result = ExecutionResult(
                    data=None, errors=[GraphQLError(problem, extensions={"code": "VALIDATION"})]
                )
        yield


def _too_long_list() -> str:
    return f"A list argument holds at most {settings.GRAPHQL_MAX_INPUT_LIST_LENGTH} entries."


NUL_REFUSED = "Text may not contain the NUL character (U+0000)."


def _problem(value) -> str | None:
    if isinstance(value, str):
        return NUL_REFUSED if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if problem := _problem(key) or _problem(item):
                return problem
    if isinstance(value, list | tuple):
        if len(value) > settings.GRAPHQL_MAX_INPUT_LIST_LENGTH:
            return _too_long_list()
        for item in value:
            if problem := _problem(item):
                return problem
    return None


class _Finder(Visitor):
    problem: str | None = None

    def enter_string_value(self, node: StringValueNode, *_args):
        if NUL in node.value:
            self.problem = NUL_REFUSED
            return self.BREAK
        return None

    def enter_list_value(self, node: ListValueNode, *_args):
        if len(node.values) > settings.GRAPHQL_MAX_INPUT_LIST_LENGTH:
            self.problem = _too_long_list()
            return self.BREAK
        return None


def _document_problem(document) -> str | None:
    if document is None:
        return None
    finder = _Finder()
    visit(document, finder)
    return finder.problem
