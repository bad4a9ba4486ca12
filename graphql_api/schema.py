"""The one schema: every domain's queries, mutations and subscriptions merged."""

import strawberry
import strawberry_django
from django.conf import settings
from strawberry import relay
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry_django.optimizer import DjangoOptimizerExtension

from graphql_api.accounts.queries import AccountsQuery


@strawberry.type
class NodeQuery:
    node: relay.Node | None = strawberry_django.node(
        description="Any object the caller may see, by its global id."
    )


Query = merge_types("Query", (NodeQuery, AccountsQuery))
Mutation = None


def _extensions() -> list:
    """Extension factories: a fresh instance per request (the parse/validation caches behind
    them are shared, and bounded: unbounded they would grow with every unique document)."""
    extensions = [
        DjangoOptimizerExtension,
        lambda: QueryDepthLimiter(max_depth=settings.GRAPHQL_MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=settings.GRAPHQL_MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=settings.GRAPHQL_MAX_TOKENS),
        lambda: ParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
    ]
    if not settings.GRAPHQL_INTROSPECTION:
        extensions.append(DisableIntrospection)
    return extensions


schema = strawberry.Schema(
    query=Query,
    extensions=_extensions(),
    config=StrawberryConfig(relay_max_results=100),
)
