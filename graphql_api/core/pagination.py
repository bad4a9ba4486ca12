"""Pages of lists: the arguments every connection takes, checked into typed errors, and cursors.

Two kinds of cursor:
- **keyset** (`KeysetPages`): the cursor holds the sort key of its row (a timestamp and the id),
  and the next page is "the rows after that key". Rows added meanwhile never shift a page: a new
  order does not push the one you read last onto the next page again. Used by every list of
  orders and of notifications, which grow while an app pages through them.
- **offset** (`offset_cursors_check`): the position in the list. Used where the order is not by time
  (restaurants, nearest first or by name).

A malformed cursor, one of the other kind or of another list, and `first`/`last` outside
0..100 are VALIDATION errors on that argument (`extensions.field`), never "Unexpected error.".
"""

import base64
import binascii
import json
import uuid
from datetime import datetime

from django.db import models
from django.db.models import F, Q
from strawberry import relay
from strawberry.types import Info
from strawberry_django.fields.field import StrawberryDjangoConnectionExtension
from strawberry_django.relay import DjangoListConnection
from strawberry_django.relay.utils import resolve_edge_class

from core.errors import ValidationFailed
from graphql_api.core.errors import graphql_error

MAX_PAGE_SIZE = 100

ARGUMENT_DESCRIPTIONS = {
    "before": "Only items before this cursor (a cursor of this list).",
    "after": "Only items after this cursor (a cursor of this list).",
    "first": f"At most this many items from the start (0 to {MAX_PAGE_SIZE}; "
    f"default {MAX_PAGE_SIZE}).",
    "last": f"At most this many items from the end (0 to {MAX_PAGE_SIZE}).",
}

_KEYSET_PREFIX = "keyset"
_OFFSET_PREFIX = relay.types.PREFIX  # "arrayconnection", Strawberry's own


def _invalid(field: str, message: str):
    return graphql_error(ValidationFailed(message, field=field))


def _check_sizes(first: int | None, last: int | None) -> None:
    for name, value in (("first", first), ("last", last)):
        if value is not None and not 0 <= value <= MAX_PAGE_SIZE:
            raise _invalid(name, f"`{name}` is between 0 and {MAX_PAGE_SIZE}.")


def _decode(cursor: str, *, field: str, prefix: str) -> str:
    """The payload of a cursor of this kind; anything else is a VALIDATION error on `field`."""
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
    except (binascii.Error, UnicodeError, ValueError):
        raise _invalid(field, "Not a cursor of this list.") from None
    kind, _, payload = text.partition(":")
    if kind != prefix or not payload:
        raise _invalid(field, "Not a cursor of this list.")
    return payload


class PageArguments(StrawberryDjangoConnectionExtension):
    """The connection extension with our checks and honest argument descriptions."""

    def apply(self, field) -> None:
        super().apply(field)
        for argument in field.arguments:
            if argument.python_name in ARGUMENT_DESCRIPTIONS:
                argument.description = ARGUMENT_DESCRIPTIONS[argument.python_name]

    def resolve(self, next_, source, info: Info, *, first=None, last=None, **kwargs):
        _check_sizes(first, last)
        return super().resolve(next_, source, info, first=first, last=last, **kwargs)


def page_field(connection_type, *, description: str):
    """`strawberry_django.connection` with the checks above (use as a decorator)."""
    import strawberry_django

    field = strawberry_django.connection(
        connection_type, description=description, max_results=MAX_PAGE_SIZE
    )
    field.extensions = [
        PageArguments(max_results=MAX_PAGE_SIZE)
        if type(extension) is StrawberryDjangoConnectionExtension
        else extension
        for extension in field.extensions
    ]
    return field


def offset_cursors_check(*, after: str | None, before: str | None) -> None:
    """Offset cursors (Strawberry's): a position of 0 or more, else VALIDATION."""
    for name, cursor in (("after", after), ("before", before)):
        if cursor is not None:
            position = _decode(cursor, field=name, prefix=_OFFSET_PREFIX)
            if not position.isdigit():
                raise _invalid(name, "Not a cursor of this list.")


def _sort_keys(queryset: models.QuerySet) -> list[tuple[str, bool]]:
    """(field, descending) of the queryset's ordering, which must end with the primary key."""
    keys = []
    for term in queryset.query.order_by:
        if not isinstance(term, str):
            raise TypeError(f"Keyset pages need plain field orderings, not {term!r}")
        keys.append((term.lstrip("-"), term.startswith("-")))
    if not keys or keys[-1][0] not in ("pk", "id"):
        raise TypeError("Keyset pages need an ordering that ends with the primary key")
    return keys


def _key_value(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _parse_key(value, field_name: str, *, cursor_field: str):
    if value is None:
        return None
    if not isinstance(value, str):
        raise _invalid(cursor_field, "Not a cursor of this list.")
    try:
        if field_name in ("pk", "id"):
            return uuid.UUID(value)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _invalid(cursor_field, "Not a cursor of this list.") from None
    if parsed.tzinfo is None:
        raise _invalid(cursor_field, "Not a cursor of this list.")
    return parsed


def _beyond(keys, values, *, forward: bool) -> Q:
    """Rows strictly after (forward) or before the row whose sort key is `values`."""
    condition = Q(pk__in=[])
    equal = Q()
    for index, ((_name, descending), value) in enumerate(zip(keys, values, strict=True)):
        alias = f"_page_key{index}"
        later = descending != forward  # ascending and forward: greater
        if value is None:
            # NULLs sort last ascending in PostgreSQL (first descending): treat as the end.
            step = Q(**{f"{alias}__isnull": False}) if not later else Q(pk__in=[])
            condition |= equal & step
            equal &= Q(**{f"{alias}__isnull": True})
            continue
        step = Q(**{f"{alias}__{'gt' if later else 'lt'}": value})
        if later:  # NULL sorts above every value in PostgreSQL
            step |= Q(**{f"{alias}__isnull": True})
        condition |= equal & step
        equal &= Q(**{alias: value})
    return condition


class KeysetPages:
    """Mixin for a DjangoListConnection over a queryset ordered by (timestamp, pk): cursors are
    the sort key of their row, so pages stay put while rows are added. Costs the page query
    (plus what the optimizer prefetches) and one count when `totalCount` is asked for."""

    @classmethod
    def _cursor(cls, node, count: int) -> str:
        values = [_key_value(getattr(node, f"_page_key{i}")) for i in range(count)]
        payload = json.dumps(values, separators=(",", ":"))
        return base64.b64encode(f"{_KEYSET_PREFIX}:{payload}".encode()).decode()

    @classmethod
    def _decode_key(cls, cursor: str, keys, *, field: str) -> list:
        payload = _decode(cursor, field=field, prefix=_KEYSET_PREFIX)
        try:
            values = json.loads(payload)
        except ValueError:
            raise _invalid(field, "Not a cursor of this list.") from None
        if not isinstance(values, list) or len(values) != len(keys):
            raise _invalid(field, "Not a cursor of this list.")
        return [
            _parse_key(value, name, cursor_field=field)
            for (name, _), value in zip(keys, values, strict=True)
        ]

    @classmethod
    def resolve_connection(
        cls,
        nodes,
        *,
        info: Info,
        before: str | None = None,
        after: str | None = None,
        first: int | None = None,
        last: int | None = None,
        max_results: int | None = None,
        **kwargs,
    ):
        keys = _sort_keys(nodes)
        limit = max_results or MAX_PAGE_SIZE
        page = nodes.annotate(**{f"_page_key{i}": F(name) for i, (name, _) in enumerate(keys)})
        if after is not None:
            values = cls._decode_key(after, keys, field="after")
            page = page.filter(_beyond(keys, values, forward=True))
        if before is not None:
            values = cls._decode_key(before, keys, field="before")
            page = page.filter(_beyond(keys, values, forward=False))

        if last is not None and first is None:
            rows = list(page.reverse()[: last + 1])
            has_previous = len(rows) > last
            rows = rows[:last]
            rows.reverse()
            has_next = before is not None
        else:
            size = first if first is not None else limit
            rows = list(page[: size + 1])
            has_next = len(rows) > size
            rows = rows[:size]
            has_previous = after is not None
            if last is not None and len(rows) > last:
                rows = rows[len(rows) - last :]
                has_previous = True

        edge_class = resolve_edge_class(cls)
        edges = [
            edge_class(
                cursor=cls._cursor(row, len(keys)),
                node=cls.resolve_node(row, info=info, **kwargs),
            )
            for row in rows
        ]
        connection = cls(
            edges=edges,
            page_info=relay.PageInfo(
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
                has_previous_page=has_previous,
                has_next_page=has_next,
            ),
        )
        connection.nodes = nodes
        return connection


def total_of(connection: DjangoListConnection) -> int:
    """`totalCount` of a page: the whole list's size, in one query."""
    nodes = connection.nodes
    if isinstance(nodes, models.QuerySet):
        return nodes.count()
    return len(nodes) if nodes is not None else 0
