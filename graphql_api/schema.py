"""The one schema: every domain's queries, mutations and subscriptions merged."""

import uuid

import strawberry
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from strawberry import relay
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import Info
from strawberry_django.optimizer import DjangoOptimizerExtension

from graphql_api.accounts.mutations import AccountsMutation
from graphql_api.accounts.queries import AccountsQuery
from graphql_api.core.cost import QueryCostLimiter
from graphql_api.core.input_guard import InputGuard
from graphql_api.core.limits import OneSignInPerRequest
from graphql_api.core.masking import UNEXPECTED_ERROR_MESSAGE, is_unexpected
from graphql_api.core.metrics import GraphQLMetrics
from graphql_api.core.plain import PlainDataExecutionContext
from graphql_api.delivery.mutations import DeliveryMutation
from graphql_api.delivery.queries import DeliveryQuery
from graphql_api.notifications.mutations import NotificationsMutation
from graphql_api.notifications.queries import NotificationsQuery
from graphql_api.orders.mutations import OrdersMutation
from graphql_api.orders.queries import OrdersQuery
from graphql_api.orders.subscriptions import OrdersSubscription
from graphql_api.payments.mutations import PaymentsMutation
from graphql_api.restaurants.mutations import RestaurantsMutation
from graphql_api.restaurants.queries import RestaurantsQuery


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object the caller may see, by its global id; else null.")
    def node(self, info: Info, id: relay.GlobalID) -> relay.Node | None:
        # Every public object has a UUID primary key: anything else cannot exist, and must not
        # reach the database as a malformed value.
        try:
            uuid.UUID(id.node_id)
        except ValueError:
            return None
        try:
            return id.resolve_node_sync(info, required=False)
        except ObjectDoesNotExist:
            return None


Query = merge_types(
    "Query",
    (
        NodeQuery,
        AccountsQuery,
        OrdersQuery,
        DeliveryQuery,
        RestaurantsQuery,
        NotificationsQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        AccountsMutation,
        OrdersMutation,
        DeliveryMutation,
        PaymentsMutation,
        RestaurantsMutation,
        NotificationsMutation,
    ),
)
Subscription = merge_types("Subscription", (OrdersSubscription,))


def _extensions() -> list:
    """Extension factories: a fresh instance per request (the parse/validation caches behind
    them are shared, and bounded: unbounded they would grow with every unique document)."""
    extensions = [
        DjangoOptimizerExtension,
        lambda: QueryDepthLimiter(max_depth=settings.GRAPHQL_MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=settings.GRAPHQL_MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=settings.GRAPHQL_MAX_TOKENS),
        InputGuard,
        QueryCostLimiter,
        lambda: AddValidationRules([OneSignInPerRequest]),
        lambda: ParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
        lambda: MaskErrors(should_mask_error=is_unexpected, error_message=UNEXPECTED_ERROR_MESSAGE),
        GraphQLMetrics,
    ]
    if not settings.GRAPHQL_INTROSPECTION:
        extensions.append(DisableIntrospection)
    return extensions


schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    extensions=_extensions(),
    config=StrawberryConfig(relay_max_results=100),
    # Completes `PlainData` answers (the menus) in one walk instead of a resolver per field.
    execution_context_class=PlainDataExecutionContext,
)
