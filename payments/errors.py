from core.errors import DomainError


class PaymentsError(DomainError):
    """Base of the payments app's expected failures."""


class PaymentDeclined(PaymentsError):
    code = "PAYMENT_DECLINED"


class PaymentActionRequired(PaymentsError):
    code = "PAYMENT_ACTION_REQUIRED"


class PaymentUnavailable(PaymentsError):
    """Stripe could not be reached or answered with a server error: the outcome is unknown."""

    code = "PAYMENT_UNAVAILABLE"


class PaymentCaptureFailed(PaymentsError):
    code = "PAYMENT_DECLINED"


class PaymentNotFound(PaymentsError):
    code = "NOT_FOUND"


class RefundNotAllowed(PaymentsError):
    code = "VALIDATION"


class InvalidWebhook(PaymentsError):
    """Unsigned, badly signed, stale, oversized or malformed: nothing is stored."""

    code = "VALIDATION"
