import strawberry


@strawberry.type(description="An amount of money in minor units (cents) of an ISO 4217 currency.")
class Money:
    amount: int
    currency: str


def money(amount: int, currency: str) -> Money:
    return Money(amount=amount, currency=currency)
