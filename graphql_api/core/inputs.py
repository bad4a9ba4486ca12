"""Inputs of partial updates: a field left out of the input is UNSET (keep the value), a field
given as null is None (clear it, where it may be empty)."""

import dataclasses

import strawberry
from strawberry.utils.str_converters import to_camel_case

from core.errors import FieldErrors, ValidationFailed


def given_fields(data, *, exclude: frozenset[str] | set[str] = frozenset()) -> dict:
    """The input's fields that the client sent (null included), by Python name."""
    return {
        field.name: getattr(data, field.name)
        for field in dataclasses.fields(data)
        if field.name not in exclude and getattr(data, field.name) is not strawberry.UNSET
    }


def changes_of(
    data, *, clear_values: dict | None = None, exclude: frozenset[str] | set[str] = frozenset()
) -> dict:
    """A partial update's changes: the fields the client sent. A field sent as null becomes its
    entry of `clear_values` (clearing it: an empty description, no dietary tags); null for any
    other field is VALIDATION on that field (every such field reported at once)."""
    clear_values = clear_values or {}
    invalid = FieldErrors()
    changes = {}
    for name, value in given_fields(data, exclude=exclude).items():
        if value is None:
            if name in clear_values:
                changes[name] = clear_values[name]
            else:
                invalid.add(
                    ValidationFailed(
                        "This cannot be null: leave it out to keep it.", field=to_camel_case(name)
                    )
                )
            continue
        changes[name] = value
    invalid.raise_any()
    return changes
