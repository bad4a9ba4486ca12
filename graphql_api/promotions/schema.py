"""checkPromoCode: what a code would do for a cart, or the typed reason it does not apply."""

from enum import Enum

import strawberry
from django.conf import settings
from django.utils import timezone
from strawberry.types import Info

from core.errors import DomainError
from core.limits import rate_limit
from graphql_api.core.context import require_user
from graphql_api.core.errors import graphql_error
from graphql_api.core.relay_ids import decode_id
from graphql_api.core.types import Money, money
from orders.services.cart import promo_code_check
from promotions.errors import PromoCodeNotApplicable

PromoCodeProblem = strawberry.enum(
    Enum("PromoCodeProblem", {reason: reason for reason in PromoCodeNotApplicable.REASONS}),
    name="PromoCodeProblem",
    description="Why a promo code does not apply.",
)


@strawberry.type(description="What a code would take off, or why it does not apply.")
class PromoCodeCheck:
    code: str
    applies: bool
    discount: Money | None = strawberry.field(description="Off the food; null if not applying.")
    problem: PromoCodeProblem | None
    message: str | None = strawberry.field(description="For people, when it does not apply.")


@strawberry.type
class PromotionsQuery:
    @strawberry.field(
        description="Would this code apply to this much food (`subtotal`, minor units) at this "
        "restaurant for the signed-in customer now? Writes nothing; rate limited."
    )
    def check_promo_code(
        self, info: Info, code: str, restaurant_id: strawberry.ID, subtotal: int
    ) -> PromoCodeCheck:
        try:
            customer = require_user(info)
            # Guessing codes one by one is the abuse to stop.
            rate_limit(
                action="check_promo_code",
                key=str(customer.pk),
                limit=settings.RATE_LIMIT_PROMO_CHECKS_PER_MINUTE,
            )
            applied = promo_code_check(
                customer=customer,
                code=code,
                restaurant_id=decode_id(restaurant_id, "Restaurant"),
                subtotal=subtotal,
                now=timezone.now(),
            )
        except PromoCodeNotApplicable as refusal:
            return PromoCodeCheck(
                code=code.strip().upper(),
                applies=False,
                discount=None,
                problem=PromoCodeProblem(refusal.reason),
                message=refusal.message,
            )
        except DomainError as error:
            raise graphql_error(error) from None
        return PromoCodeCheck(
            code=applied.code,
            applies=True,
            discount=money(applied.discount, applied.currency),
            problem=None,
            message=None,
        )
