"""Global ids in, database ids out."""

import uuid

from strawberry import relay


def decode_id(value: str | None, type_name: str) -> uuid.UUID | None:
    """The UUID a global id of `type_name` names, or None for anything else (malformed, another
    type's id): callers report None as "not found", never as a server error."""
    if not value:
        return None
    try:
        global_id = relay.GlobalID.from_id(value)
        if global_id.type_name != type_name:
            return None
        return uuid.UUID(global_id.node_id)
    except (ValueError, TypeError):
        return None
