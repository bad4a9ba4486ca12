"""Whole-response cache for public catalogue reads: a restaurant and its menu.

Opening a menu is the hottest read of the API, and on a 300-item menu executing GraphQL over
~1,500 objects costs several times the SQL (docs/performance.md). The answer to the same document
with the same variables is the same for every caller as long as nothing it read has changed, so
it is served from the cache as stored bytes.

What may be cached is decided by the document alone, against an allowlist: one root field,
`restaurant(slug|id)`, selecting only fields that come from the restaurant's own row or its
menu (whose version is a column of that row). Anything else — the address, opening hours, "open
now", distances, anything about the caller — makes the document uncacheable, and it runs as
always. The key holds the document, the variables, the caller's budget class (the cost limit
differs by caller, so a refusal for one must never be an answer for another) and a fingerprint of
the restaurant's row read in one indexed query before the answer is looked up: any change to the
row or to the menu (every menu edit bumps `menu_version` in its transaction) gives a new key, so
a stale answer can never be served, whichever web process cached it. A row read before an edit
commits can only ever file an answer under the old fingerprint.

Only complete answers (data, no errors) are stored. With the cache away, every request runs.
"""

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache

import structlog
from django.conf import settings
from django.core.cache import cache
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
    VariableNode,
    get_named_type,
    parse,
)
from graphql.error import GraphQLError
from prometheus_client import Counter

from core.cache import cache_or
from graphql_api.core.cost import cost_budget
from graphql_api.core.relay_ids import decode_id
from restaurants.selectors import restaurant_public

RESPONSES = Counter(
    "graphql_response_cache_total",
    "Catalogue reads by what the whole-response cache did: hit, miss (ran, then stored).",
    ["result"],
)

# The fields an answer may select and still be the same for every caller until the restaurant's
# row or its menu changes. A type listed with None allows every field (the menu's types: they
# are all built from the versioned menu).
CACHEABLE_FIELDS: dict[str, frozenset[str] | None] = {
    "Query": frozenset({"restaurant"}),
    "Restaurant": frozenset(
        {
            "id",
            "name",
            "slug",
            "description",
            "phone",
            "timeZone",
            "acceptingOrders",
            "preparationMinutes",
            "priceBand",
            "deliveryFee",
            "minimumOrder",
            "deliveryRadiusKm",
            "menu",
        }
    ),
    "Money": None,
    "MenuCategory": None,
    "MenuItem": None,
    "OptionGroup": None,
    "Option": None,
}
ALLOWED_DIRECTIVES = frozenset({"include", "skip"})
DOCUMENTS_REMEMBERED = 512


@dataclass(frozen=True)
class CatalogueRead:
    """A cacheable document: how its one root field names the restaurant."""

    argument: str  # "slug" or "id"
    literal: str | None = None
    variable: str | None = None

    def restaurant_named(self, variables: dict) -> str | None:
        value = self.literal if self.variable is None else variables.get(self.variable)
        return value if isinstance(value, str) and value else None


def cached_response_key(
    *, schema: GraphQLSchema, document: str, variables: dict | None, operation_name, user
) -> str | None:
    """The key of this request's answer, or None when it may not be cached. One indexed query
    (the restaurant's row) when the document is a catalogue read; none otherwise."""
    if not settings.GRAPHQL_RESPONSE_CACHE_SECONDS or not isinstance(document, str):
        return None
    variables = variables or {}
    if not isinstance(variables, dict) or not (
        operation_name is None or isinstance(operation_name, str)
    ):
        return None
    read = catalogue_read(schema, document, operation_name)
    if read is None:
        return None
    fingerprint = _restaurant_fingerprint(read, variables)
    if fingerprint is None:
        return None  # not found or not public: the normal path says so
    _, caller = cost_budget(user)
    try:
        canonical_variables = json.dumps(variables, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        return None
    digest = hashlib.sha256()
    for part in (document, canonical_variables, operation_name or "", caller, fingerprint):
        digest.update(part.encode())
        digest.update(b"\0")
    return f"gql-response:{digest.hexdigest()}"


def cached_response(key: str) -> bytes | None:
    body = cache_or(None, lambda: cache.get(key), what="graphql response")
    if body is None:
        RESPONSES.labels("miss").inc()
        return None
    RESPONSES.labels("hit").inc()
    structlog.contextvars.bind_contextvars(graphql_response_cache="hit")
    return body


def response_store(key: str, body: bytes) -> None:
    """Keep a complete answer (data and no errors) for the next caller."""
    if b'"errors"' in body:
        # A cheap first look; the exact test reads the answer.
        answer = json.loads(body)
        if answer.get("errors") or not answer.get("data"):
            return
    cache_or(
        None,
        lambda: cache.set(key, body, timeout=settings.GRAPHQL_RESPONSE_CACHE_SECONDS),
        what="graphql response",
    )


@lru_cache(maxsize=DOCUMENTS_REMEMBERED)
def catalogue_read(schema: GraphQLSchema, document: str, operation_name) -> CatalogueRead | None:
    """Whether a document may be answered from the cache, decided once per document."""
    try:
        ast = parse(document)
    except GraphQLError:
        return None
    operations = [each for each in ast.definitions if isinstance(each, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [
            each for each in operations if each.name and each.name.value == operation_name
        ]
    if len(operations) != 1 or operations[0].operation is not OperationType.QUERY:
        return None
    operation = operations[0]
    fragments = {
        each.name.value: each
        for each in ast.definitions
        if not isinstance(each, OperationDefinitionNode)
    }
    roots = operation.selection_set.selections
    if (
        len(roots) != 1
        or not isinstance(roots[0], FieldNode)
        or roots[0].name.value != "restaurant"
    ):
        return None
    if not _selects_only_cacheable(
        schema, schema.query_type, operation.selection_set, fragments, set()
    ):
        return None
    arguments = roots[0].arguments
    if len(arguments) != 1 or arguments[0].name.value not in {"slug", "id"}:
        return None
    value = arguments[0].value
    if isinstance(value, VariableNode):
        return CatalogueRead(argument=arguments[0].name.value, variable=value.name.value)
    if isinstance(value, StringValueNode):
        return CatalogueRead(argument=arguments[0].name.value, literal=value.value)
    return None


def _selects_only_cacheable(schema, parent, selection_set, fragments, seen) -> bool:
    if not isinstance(parent, GraphQLObjectType) or parent.name not in CACHEABLE_FIELDS:
        return False
    allowed = CACHEABLE_FIELDS[parent.name]
    for selection in selection_set.selections:
        directives = selection.directives or ()
        if any(directive.name.value not in ALLOWED_DIRECTIVES for directive in directives):
            return False
        if isinstance(selection, FieldNode):
            name = selection.name.value
            if name == "__typename":
                continue
            if allowed is not None and name not in allowed:
                return False
            field = parent.fields.get(name)
            if field is None:
                return False
            if selection.selection_set is not None and not _selects_only_cacheable(
                schema, get_named_type(field.type), selection.selection_set, fragments, seen
            ):
                return False
        else:
            if isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in seen or name not in fragments:
                    return False
                fragment, seen = fragments[name], seen | {name}
            elif isinstance(selection, InlineFragmentNode):
                fragment = selection
            else:
                return False
            condition = fragment.type_condition
            target = parent if condition is None else schema.get_type(condition.name.value)
            if target is not parent:
                return False
            if not _selects_only_cacheable(schema, parent, fragment.selection_set, fragments, seen):
                return False
    return True


def _restaurant_fingerprint(read: CatalogueRead, variables: dict) -> str | None:
    """Every column of the public restaurant's row, menu version included, as one string."""
    named = read.restaurant_named(variables)
    if named is None:
        return None
    if read.argument == "slug":
        queryset = restaurant_public(slug=named)
    else:
        restaurant_id = decode_id(named, "Restaurant")
        if restaurant_id is None:
            return None
        queryset = restaurant_public(restaurant_id=restaurant_id)
    row = queryset.values_list().first()
    return None if row is None else repr(row)
