"""The one schema: every domain's queries, mutations and subscriptions merged."""

import uuid

import strawberry
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from strawberry import relay
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
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

from core.errors import NotFound
from graphql_api.accounts.mutations import AccountsMutation
from graphql_api.accounts.queries import AccountsQuery
from graphql_api.accounts.self_service import SelfServiceMutation, SelfServiceQuery
from graphql_api.core.cost import QueryCostLimiter
from graphql_api.core.error_log import errors_coded_and_logged
from graphql_api.core.errors import graphql_error
from graphql_api.core.input_guard import InputGuard
from graphql_api.core.limits import OneSignInPerRequest
from graphql_api.core.masking import MaskUnexpectedErrors
from graphql_api.core.metrics import GraphQLMetrics
from graphql_api.core.plain import PlainDataExecutionContext
from graphql_api.delivery.mutations import DeliveryMutation
from graphql_api.delivery.queries import DeliveryQuery
from graphql_api.favourites.schema import FavouritesMutation, FavouritesQuery
from graphql_api.notifications.mutations import NotificationsMutation
from graphql_api.notifications.queries import NotificationsQuery
from graphql_api.orders.mutations import OrdersMutation
from graphql_api.orders.queries import OrdersQuery
from graphql_api.orders.subscriptions import OrdersSubscription
from graphql_api.payments.cards import CardsMutation, CardsQuery
from graphql_api.payments.mutations import PaymentsMutation
from graphql_api.promotions.schema import PromotionsQuery
from graphql_api.restaurants.mutations import RestaurantsMutation
from graphql_api.restaurants.queries import RestaurantsQuery
from graphql_api.reviews.mutations import ReviewsMutation
from graphql_api.reviews.queries import ReviewsQuery


@strawberry.type
class NodeQuery:
    @strawberry.field(
        description="Any object the caller may see, by its global id; else null with a "
        "NOT_FOUND error (also for a malformed id, or one of a type that is no Node)."
    )
    def node(self, info: Info, id: strawberry.ID) -> relay.Node | None:
        node = None
        try:
            global_id = relay.GlobalID.from_id(id)
            # Every public object has a UUID primary key: anything else cannot exist, and
            # must not reach the database as a malformed value.
            uuid.UUID(global_id.node_id)
            if _is_node_type(info, global_id.type_name):
                node = global_id.resolve_node_sync(info, required=False)
        except (ValueError, TypeError, ObjectDoesNotExist):
            node = None
        if node is None:
            raise graphql_error(NotFound("Nothing with this id.", field="id"))
        return node


def _is_node_type(info: Info, type_name: str) -> bool:
    definition = info.schema.get_type_by_name(type_name)
    return definition is not None and any(
        getattr(interface, "name", None) == "Node"
        for interface in getattr(definition, "interfaces", [])
    )


Query = merge_types(
    "Query",
    (
        NodeQuery,
        AccountsQuery,
        SelfServiceQuery,
        OrdersQuery,
        DeliveryQuery,
        RestaurantsQuery,
        NotificationsQuery,
        ReviewsQuery,
        FavouritesQuery,
        PromotionsQuery,
        CardsQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        AccountsMutation,
        SelfServiceMutation,
        OrdersMutation,
        DeliveryMutation,
        PaymentsMutation,
        CardsMutation,
        RestaurantsMutation,
        NotificationsMutation,
        ReviewsMutation,
        FavouritesMutation,
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
        MaskUnexpectedErrors,
        GraphQLMetrics,
    ]
    if not settings.GRAPHQL_INTROSPECTION:
        extensions.append(DisableIntrospection)
    return extensions


class APISchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        # Instead of Strawberry's: every error at ERROR with a traceback, quoting the input.
        errors_coded_and_logged(errors, execution_context)


schema = APISchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    extensions=_extensions(),
    config=StrawberryConfig(relay_max_results=100),
    # Completes `PlainData` answers (the menus) in one walk instead of a resolver per field.
    execution_context_class=PlainDataExecutionContext,
)
