"""Inputs of partial updates: a field left out of the input is UNSET (keep the value), a field
given as null is None (clear it, where it may be empty)."""

import dataclasses

import strawberry


def given_fields(data, *, exclude: frozenset[str] | set[str] = frozenset()) -> dict:
    """The input's fields that the client sent (null included), by Python name."""
    return {
        field.name: getattr(data, field.name)
        for field in dataclasses.fields(data)
        if field.name not in exclude and getattr(data, field.name) is not strawberry.UNSET
    }
