"""GraphQL enums made from the models' TextChoices, so a new status cannot be forgotten in the
schema: the names and values clients see are the models' own."""

from enum import Enum

import strawberry
from django.db import models


def enum_from_choices(
    choices: type[models.TextChoices], *, name: str, description: str | None = None
) -> type[Enum]:
    python_enum = Enum(name, {member.name: member.value for member in choices})
    return strawberry.enum(python_enum, name=name, description=description)
