"""Saved cards: addPaymentMethod (a SetupIntent for the app to confirm), confirmPaymentMethod,
myPaymentMethods, removePaymentMethod. Thin: each calls one payments service."""

from collections.abc import Iterable
from datetime import datetime

import strawberry
import strawberry_django
from django.utils import timezone
from strawberry import relay
from strawberry.types import Info
from strawberry_django.relay import DjangoListConnection

from core.errors import NotAuthenticated
from graphql_api.core.context import current_user, require_user
from graphql_api.core.errors import UserError, graphql_error, mutation
from graphql_api.core.limits import user_within_limit
from graphql_api.core.pagination import KeysetPages, page_field, total_of
from graphql_api.core.relay_ids import decode_id
from payments.models import SavedPaymentMethod
from payments.services import cards


@strawberry_django.type(
    SavedPaymentMethod, name="PaymentMethod", description="A card the customer saved."
)
class PaymentMethodType(relay.Node):
    brand: str = strawberry_django.field(description="visa, mastercard, amex...")
    last4: str
    exp_month: int
    exp_year: int
    created_at: datetime
    stripe_payment_method_id: str = strawberry_django.field(
        description="Pass it as placeOrder's paymentMethodId to pay with this card."
    )

    @classmethod
    def get_queryset(cls, queryset, info: Info, **kwargs):
        user = current_user(info)
        if not user.is_authenticated:
            return queryset.none()
        return queryset.filter(user=user)


@strawberry.type(name="PaymentMethodConnection", description="A page of saved cards.")
class PaymentMethodConnection(KeysetPages, DjangoListConnection[PaymentMethodType]):
    @strawberry.field(description="How many cards the whole list holds.")
    def total_count(self) -> int:
        return total_of(self)


@strawberry.input
class ConfirmPaymentMethodInput:
    setup_intent_id: str = strawberry.field(
        description="The SetupIntent of addPaymentMethod, once Stripe.js confirmed it."
    )


@strawberry.input
class RemovePaymentMethodInput:
    id: strawberry.ID


@strawberry.type(description="Confirm this SetupIntent with Stripe.js (card details go there).")
class AddPaymentMethodPayload:
    setup_intent_id: str | None = None
    client_secret: str | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PaymentMethodPayload:
    payment_method: PaymentMethodType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RemovePaymentMethodPayload:
    ok: bool = False
    removed_payment_method_id: strawberry.ID | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CardsQuery:
    @page_field(PaymentMethodConnection, description="The signed-in user's saved cards.")
    def my_payment_methods(self, info: Info) -> Iterable[SavedPaymentMethod]:
        try:
            user = require_user(info)
        except NotAuthenticated as error:
            raise graphql_error(error) from None
        return cards.saved_payment_methods_of(user)


@strawberry.type
class CardsMutation:
    @mutation(
        description="Start saving a card: a SetupIntent of the user's Stripe Customer (made "
        "the first time), to confirm with Stripe.js, then confirmPaymentMethod."
    )
    def add_payment_method(self, info: Info) -> AddPaymentMethodPayload:
        user = user_within_limit(info, "add_payment_method")
        setup = cards.payment_method_setup_start(user=user, now=timezone.now())
        return AddPaymentMethodPayload(
            setup_intent_id=setup.setup_intent_id, client_secret=setup.client_secret
        )

    @mutation(description="Save the card of a confirmed SetupIntent (safe to repeat).")
    def confirm_payment_method(
        self, info: Info, input: ConfirmPaymentMethodInput
    ) -> PaymentMethodPayload:
        user = user_within_limit(info, "confirm_payment_method")
        saved = cards.payment_method_setup_complete(
            user=user, setup_intent_id=input.setup_intent_id, now=timezone.now()
        )
        return PaymentMethodPayload(payment_method=saved)

    @mutation(description="Remove a saved card (it is detached from the customer at Stripe).")
    def remove_payment_method(
        self, info: Info, input: RemovePaymentMethodInput
    ) -> RemovePaymentMethodPayload:
        user = user_within_limit(info, "remove_payment_method")
        cards.payment_method_remove(user=user, saved_id=decode_id(input.id, "PaymentMethod"))
        return RemovePaymentMethodPayload(ok=True, removed_payment_method_id=input.id)
