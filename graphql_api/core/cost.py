"""What a request may cost: a static estimate of the work a document asks for, checked against
the caller's budget before anything executes.

Depth, alias and token limits bound a document's size, not its work: thirty aliases of
`restaurants(first: 100) { … menu { items { optionGroups { options } } } }` are a small
request and seconds of CPU. The estimate walks the operation (fragments included): every list
field, and every object field that loads a row (a Node), costs 1 plus what it selects,
multiplied by how many it may return — a connection by its page size (`first`/`last`, else the
most a page holds), a plain list by a size hint for that field (a menu's categories, a
category's items...). Scalars, and values that come with their parent (money), are free.
Anonymous, signed-in and staff callers get their own budget (settings); over budget, the
request fails with QUERY_TOO_COSTLY naming the cost and the budget. The cost is reported in
`extensions.cost`.
"""

from collections.abc import Iterator

from django.conf import settings
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)
from graphql.execution import ExecutionResult
from strawberry.extensions import SchemaExtension

from accounts.models import Role

# How many entries a plain (unpaginated) list field is assumed to hold: generous for real data
# (a large menu has ~15 categories of ~20 items), so honest clients never meet the limit.
LIST_SIZE_HINTS = {
    ("Restaurant", "menu"): 15,
    ("MenuCategory", "items"): 20,
    ("MenuItem", "optionGroups"): 4,
    ("OptionGroup", "options"): 6,
    ("Restaurant", "openingHours"): 21,
    ("Order", "items"): 10,
    ("Order", "events"): 12,
    ("OrderLine", "options"): 4,
    ("Query", "restaurantStats"): 31,
}
DEFAULT_LIST_SIZE = 10
# A connection asked for without `first` or `last` returns at most this many (relay_max_results).
MAX_PAGE_SIZE = 100
# Introspection is answered from the schema, not the database: a small fixed price.
INTROSPECTION_COST = 50


class QueryTooCostly(GraphQLError):
    def __init__(self, cost: int, budget: int, caller: str):
        super().__init__(
            f"This request would cost {cost}, over the budget of {budget} for {caller} callers: "
            "ask for fewer or smaller pages, or fewer nested lists.",
            extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "budget": budget},
        )


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict | None,
) -> int:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    operation = next(
        (o for o in operations if operation_name is None or _name(o) == operation_name), None
    )
    if operation is None:
        return 0
    root = schema.get_root_type(operation.operation)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walk = _Walk(schema, fragments, variables or {})
    return walk.selections(root, operation.selection_set, frozenset())


def _name(operation: OperationDefinitionNode) -> str | None:
    return operation.name.value if operation.name else None


class _Walk:
    def __init__(self, schema: GraphQLSchema, fragments: dict, variables: dict):
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def selections(self, parent, selection_set: SelectionSetNode, seen: frozenset) -> int:
        total = 0
        for parent_type, field in self._fields(parent, selection_set, seen):
            total += self.field(parent_type, field, seen)
        return total

    def _fields(self, parent, selection_set, seen) -> Iterator[tuple[GraphQLNamedType, FieldNode]]:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield parent, selection
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                yield from self._fields(target or parent, selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:  # validation refuses cycles anyway
                    continue
                target = self.schema.get_type(fragment.type_condition.name.value) or parent
                yield from self._fields(target, fragment.selection_set, seen | {name})

    def field(self, parent, node: FieldNode, seen: frozenset) -> int:
        name = node.name.value
        if name.startswith("__"):
            return INTROSPECTION_COST if name in ("__schema", "__type") else 0
        definition = getattr(parent, "fields", {}).get(name)
        if definition is None or node.selection_set is None:
            return 0  # a scalar, or a field validation already refused
        field_type = get_nullable_type(definition.type)
        child = self.selections(get_named_type(field_type), node.selection_set, seen)
        if "first" in definition.args or "last" in definition.args:
            return 1 + self._page_size(node) * child
        if isinstance(field_type, GraphQLList) and not _is_page_of_a_connection(parent, name):
            hint = LIST_SIZE_HINTS.get((parent.name, name), DEFAULT_LIST_SIZE)
            return 1 + hint * child
        # One object: a row to load if it is a Node (a restaurant, an order), else a value that
        # comes with its parent (an amount of money, a page's info, a payload).
        return (1 if _is_node(get_named_type(field_type)) else 0) + child

    def _page_size(self, node: FieldNode) -> int:
        sizes = [
            self._int_argument(argument.value)
            for argument in node.arguments
            if argument.name.value in ("first", "last")
        ]
        sizes = [size for size in sizes if size is not None]
        return max(0, min(max(sizes), MAX_PAGE_SIZE)) if sizes else MAX_PAGE_SIZE

    def _int_argument(self, value) -> int | None:
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            given = self.variables.get(value.name.value)
            return given if isinstance(given, int) and not isinstance(given, bool) else None
        return None


def _is_node(named_type) -> bool:
    return any(interface.name == "Node" for interface in getattr(named_type, "interfaces", ()))


def _is_page_of_a_connection(parent, name: str) -> bool:
    """A connection's `edges`: already counted by the connection field's page size."""
    return name == "edges" and parent.name.endswith("Connection")


def cost_budget(user) -> tuple[int, str]:
    """The caller's budget and how the caller is named in the refusal."""
    if user is None or not user.is_authenticated:
        return settings.GRAPHQL_COST_BUDGET_ANONYMOUS, "anonymous"
    if user.is_staff or user.role == Role.RESTAURANT_STAFF:
        return settings.GRAPHQL_COST_BUDGET_STAFF, "staff"
    return settings.GRAPHQL_COST_BUDGET_USER, "signed-in"


class QueryCostLimiter(SchemaExtension):
    """Refuses, before execution, a request over the caller's budget; reports the cost."""

    cost: int | None = None
    budget: int | None = None

    def on_execute(self):
        context = self.execution_context
        if context.graphql_document is not None:
            self.cost = operation_cost(
                context.schema._schema,
                context.graphql_document,
                context.operation_name,
                context.variables,
            )
            self.budget, caller = cost_budget(_user(context.context))
            if self.cost > self.budget:
                context.result = ExecutionResult(
                    data=None, errors=[QueryTooCostly(self.cost, self.budget, caller)]
                )
        yield

    def get_results(self) -> dict:
        if self.cost is None:
            return {}
        return {"cost": {"requested": self.cost, "budget": self.budget}}


def _user(context):
    if isinstance(context, dict):  # WebSocket: the consumer's context carries the user
        request = context.get("request")
        return context.get("user") or getattr(request, "user", None)
    return getattr(getattr(context, "request", None), "user", None)
