"""A lean execution path for big answers that are already plain data.

graphql-core completes a value field by field: every field of every object goes through a
resolver call, Strawberry's wrappers and the extensions' hooks. On a menu of 300 items and 900
options that is some 7,500 calls, and it is where the menu's time went (docs/performance.md).
A resolver whose answer is already plain data (dicts keyed by GraphQL field names, with
output-ready leaves) returns it wrapped in `PlainData`; the executor below then completes it in
one tight walk of the query's selections: the same fields, aliases, fragments, @include/@skip
and __typename as graphql-core would give, with no resolver per field. Such types must have no
arguments, resolvers or permissions on their fields (the menu's types have none).
"""

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    is_leaf_type,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class PlainData:
    """An answer already shaped as the field's GraphQL type (see the module's docstring)."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value


INT_RANGE = range(-(2**31), 2**31)


class PlainDataExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Completes `PlainData` with completers compiled once per (type, selections) of this
    execution: a list of 1,000 items walks one prepared function per field, not the type
    checks of every level for every value."""

    def complete_value(self, return_type, field_details_list, info, path, result, *args):
        if type(result) is PlainData:
            return self._completer(return_type, field_details_list)(result.value)
        return super().complete_value(return_type, field_details_list, info, path, result, *args)

    def _completer(self, return_type: GraphQLOutputType, field_details_list) -> Callable:
        # Keyed like graphql-core's own memo: siblings in a list share the selections' list,
        # and keeping it in the value keeps its id from being reused during this execution.
        completers = self.__dict__.setdefault("_plain_completers", {})
        key = (return_type, id(field_details_list))
        known = completers.get(key)
        if known is None:
            known = (field_details_list, self._compile(return_type, field_details_list))
            completers[key] = known
        return known[1]

    def _compile(self, return_type: GraphQLOutputType, field_details_list) -> Callable:
        if type(return_type) is GraphQLNonNull:
            inner = self._compile(return_type.of_type, field_details_list)
            type_name = return_type.of_type

            def non_null(value):
                completed = inner(value)
                if completed is None:
                    raise TypeError(f"Cannot return null for non-nullable {type_name}.")
                return completed

            return non_null
        if type(return_type) is GraphQLList:
            item = self._compile(return_type.of_type, field_details_list)
            return lambda value: None if value is None else [item(each) for each in value]
        if is_leaf_type(return_type):
            return _leaf_completer(return_type)
        return self._object_completer(return_type, field_details_list)

    def _object_completer(self, object_type: GraphQLObjectType, field_details_list) -> Callable:
        fields = None  # compiled at the first value: the selections may hold cycles of types

        def complete(value):
            nonlocal fields
            if value is None:
                return None
            if fields is None:
                fields = self._object_fields(object_type, field_details_list)
            return {
                key: (constant if complete_field is None else complete_field(value[name]))
                for key, name, complete_field, constant in fields
            }

        return complete

    def _object_fields(self, object_type: GraphQLObjectType, field_details_list) -> list:
        grouped = self.collect_subfields(object_type, field_details_list).grouped_field_set
        fields = []
        for key, details in grouped.items():
            name = details[0].node.name.value
            if name == "__typename":
                fields.append((key, name, None, object_type.name))
            else:
                field_type = object_type.fields[name].type
                fields.append((key, name, self._completer(field_type, details), None))
        return fields


def _leaf_completer(leaf_type) -> Callable:
    serialize = leaf_type.serialize
    # The built-in scalars' own checks, skipped for values already of the output's type.
    native = {"String": str, "ID": str, "Boolean": bool, "Float": float}.get(leaf_type.name)

    def leaf(value):
        if value is None:
            return None
        kind = type(value)
        if kind is native or (kind is int and leaf_type.name == "Int" and value in INT_RANGE):
            return value
        return serialize(value)

    return leaf
