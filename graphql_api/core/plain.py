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


class PlainDataExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def complete_value(self, return_type, field_details_list, info, path, result, *args):
        if type(result) is PlainData:
            return self._complete_plain(return_type, field_details_list, result.value)
        return super().complete_value(return_type, field_details_list, info, path, result, *args)

    def _complete_plain(self, return_type: GraphQLOutputType, field_details_list, value):
        if type(return_type) is GraphQLNonNull:
            completed = self._complete_plain(return_type.of_type, field_details_list, value)
            if completed is None:
                raise TypeError(f"Cannot return null for non-nullable {return_type.of_type}.")
            return completed
        if value is None:
            return None
        if type(return_type) is GraphQLList:
            item_type = return_type.of_type
            return [self._complete_plain(item_type, field_details_list, item) for item in value]
        if is_leaf_type(return_type):
            return return_type.serialize(value)
        return self._complete_object(return_type, field_details_list, value)

    def _complete_object(self, object_type: GraphQLObjectType, field_details_list, value: dict):
        # Memoised by graphql-core per (type, field list): siblings in a list share the lookup.
        grouped = self.collect_subfields(object_type, field_details_list).grouped_field_set
        completed = {}
        for key, details in grouped.items():
            name = details[0].node.name.value
            if name == "__typename":
                completed[key] = object_type.name
            else:
                field_type = object_type.fields[name].type
                completed[key] = self._complete_plain(field_type, details, value[name])
        return completed
