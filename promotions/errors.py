from core.errors import DomainError


class PromoCodeNotApplicable(DomainError):
    """Why a code does not apply, as one of REASONS (the app shows the message; `reason` lets
    it react, e.g. offer to add food for BELOW_MINIMUM_SUBTOTAL)."""

    code = "PROMO_CODE_NOT_APPLICABLE"
    REASONS = (
        "UNKNOWN_CODE",
        "NOT_STARTED",
        "EXPIRED",
        "WRONG_RESTAURANT",
        "WRONG_CURRENCY",
        "BELOW_MINIMUM_SUBTOTAL",
        "USED_UP",
        "ALREADY_USED",
        "FIRST_ORDER_ONLY",
    )

    def __init__(self, reason: str, message: str):
        assert reason in self.REASONS, reason
        super().__init__(message, field="promoCode")
        self.reason = reason
