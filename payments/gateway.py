"""The only module that talks to Stripe (or a Stripe-compatible server such as localstripe).

Everything here is a small typed call; Stripe's own errors are mapped to three outcomes the
services understand: the card was refused (`CardDeclined`), Stripe refused the request
(`GatewayRejected`), or nobody knows what happened (`GatewayUnavailable`: network trouble,
time-outs, rate limits, Stripe's 5xx).
"""

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

import stripe
from django.conf import settings
from prometheus_client import Counter

# Stripe's own webhook bodies are a few KB; anything this large is not from Stripe.
MAX_WEBHOOK_BYTES = 256 * 1024

PAYMENT_OUTCOMES = Counter(
    "payment_outcomes_total",
    "Stripe calls by operation and outcome: Stripe's status of the object, or declined, "
    "rejected, unavailable.",
    ["operation", "outcome"],
)


class GatewayError(Exception):
    def __init__(self, message: str, *, code: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code


class CardDeclined(GatewayError):
    pass


class GatewayRejected(GatewayError):
    pass


class GatewayUnavailable(GatewayError):
    pass


class WebhookRejected(GatewayError):
    pass


@dataclass(frozen=True)
class Intent:
    id: str
    status: str
    amount: int
    amount_capturable: int
    amount_received: int
    currency: str
    client_secret: str
    error_code: str
    error_message: str
    # Ours, set at creation: which payment the intent belongs to.
    payment_id: str = ""


@dataclass(frozen=True)
class RefundOutcome:
    id: str
    status: str
    amount: int
    # Ours, set at creation: which refund row asked for it ("" for refunds made elsewhere).
    refund_id: str = ""


# When the current unit of work must stop waiting on Stripe (monotonic clock); None: no budget.
_deadline: ContextVar[float | None] = ContextVar("stripe_deadline", default=None)


@contextmanager
def budget(seconds: float | None = None) -> Iterator[None]:
    """Bound the total time spent waiting on Stripe inside the block, over every call and
    retry (STRIPE_REQUEST_BUDGET_SECONDS by default): a slow Stripe costs a request this long,
    not a timeout per try times the tries per call times the calls."""
    seconds = settings.STRIPE_REQUEST_BUDGET_SECONDS if seconds is None else seconds
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


@lru_cache(maxsize=4)
def _client(api_key: str, api_base: str, timeout: float) -> stripe.StripeClient:
    # Retries are ours (`_call`), within the budget; the client's own would multiply it.
    options = {"max_network_retries": 0, "http_client": stripe.RequestsClient(timeout=timeout)}
    if api_base:
        options["base_addresses"] = {"api": api_base}
    return stripe.StripeClient(api_key, **options)


def client() -> stripe.StripeClient:
    return _client(
        settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE, settings.STRIPE_TIMEOUT_SECONDS
    )


def _call(operation: str, request):
    """One Stripe request, retried on network trouble while time remains (every write carries
    an Idempotency-Key, so a retry of a request whose answer was lost does nothing twice)."""
    attempts = 1 + settings.STRIPE_MAX_NETWORK_RETRIES
    for attempt in range(attempts):
        try:
            return _once(operation, request)
        except GatewayUnavailable:
            deadline = _deadline.get()
            out_of_time = deadline is not None and (
                time.monotonic() + settings.STRIPE_TIMEOUT_SECONDS > deadline
            )
            if attempt == attempts - 1 or out_of_time:
                raise
            time.sleep(min(0.25 * 2**attempt, 1.0))
    raise AssertionError("unreachable")


def _once(operation: str, request):
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() >= deadline:
        raise GatewayUnavailable("Stripe did not answer within this request's budget.")
    try:
        result = request()
    except stripe.CardError as error:
        PAYMENT_OUTCOMES.labels(operation, "declined").inc()
        raise CardDeclined(_message(error), code=error.code or "card_declined") from error
    except (stripe.APIConnectionError, stripe.RateLimitError) as error:
        PAYMENT_OUTCOMES.labels(operation, "unavailable").inc()
        raise GatewayUnavailable(_message(error)) from error
    except stripe.StripeError as error:
        if error.http_status is None or error.http_status >= 500:
            PAYMENT_OUTCOMES.labels(operation, "unavailable").inc()
            raise GatewayUnavailable(_message(error)) from error
        PAYMENT_OUTCOMES.labels(operation, "rejected").inc()
        raise GatewayRejected(_message(error), code=error.code or "") from error
    # Stripe's own status of the object (requires_capture, requires_action, succeeded...): a
    # short fixed list, so a safe label.
    PAYMENT_OUTCOMES.labels(operation, str(getattr(result, "status", None) or "ok")).inc()
    return result


def _message(error: stripe.StripeError) -> str:
    return error.user_message or str(error) or "Stripe refused the request."


def _intent(obj) -> Intent:
    if isinstance(obj, stripe.StripeObject):
        obj = obj.to_dict()
    last_error = obj.get("last_payment_error") or {}
    return Intent(
        id=obj["id"],
        status=obj["status"],
        amount=obj.get("amount") or 0,
        amount_capturable=obj.get("amount_capturable") or 0,
        amount_received=obj.get("amount_received") or 0,
        currency=(obj.get("currency") or "").upper(),
        client_secret=obj.get("client_secret") or "",
        error_code=last_error.get("code") or "",
        error_message=last_error.get("message") or "",
        payment_id=str((obj.get("metadata") or {}).get("payment_id") or ""),
    )


def _refund(obj) -> RefundOutcome:
    if isinstance(obj, stripe.StripeObject):
        obj = obj.to_dict()
    return RefundOutcome(
        id=obj["id"],
        status=obj["status"],
        amount=obj["amount"],
        refund_id=str((obj.get("metadata") or {}).get("refund_id") or ""),
    )


def intent_create(
    *,
    amount: int,
    currency: str,
    payment_method_id: str,
    metadata: dict,
    idempotency_key: str,
    customer_id: str = "",
) -> Intent:
    """Create, without confirming, a card PaymentIntent to be captured by hand later. A saved
    card is paid with together with its customer (Stripe requires it)."""
    params = {
        "amount": amount,
        "currency": currency.lower(),
        "payment_method": payment_method_id,
        "payment_method_types": ["card"],
        "capture_method": "manual",
        "metadata": metadata,
    }
    if customer_id:
        params["customer"] = customer_id
    options = {"idempotency_key": idempotency_key}
    return _intent(_call("create", lambda: client().v1.payment_intents.create(params, options)))


# A look-up before checkout writes anything: one short try, so a slow Stripe adds at most this
# to a checkout (whose authorisation then has its own budget).
PAYMENT_METHOD_CHECK_TIMEOUT_SECONDS = 2.0


def payment_method_exists(payment_method_id: str) -> bool:
    """Whether Stripe knows this payment method (False for an unknown or malformed id).
    GatewayUnavailable when Stripe cannot say within one short try."""
    quick = _client(
        settings.STRIPE_SECRET_KEY,
        settings.STRIPE_API_BASE,
        min(settings.STRIPE_TIMEOUT_SECONDS, PAYMENT_METHOD_CHECK_TIMEOUT_SECONDS),
    )
    try:
        _once("payment_method", lambda: quick.v1.payment_methods.retrieve(payment_method_id))
    except GatewayRejected:
        return False
    return True


def intent_confirm(intent_id: str, *, idempotency_key: str) -> Intent:
    options = {"idempotency_key": idempotency_key}
    return _intent(
        _call("confirm", lambda: client().v1.payment_intents.confirm(intent_id, {}, options))
    )


def intent_retrieve(intent_id: str) -> Intent:
    return _intent(_call("retrieve", lambda: client().v1.payment_intents.retrieve(intent_id)))


def intent_capture(intent_id: str, *, amount: int, idempotency_key: str) -> Intent:
    params = {"amount_to_capture": amount}
    options = {"idempotency_key": idempotency_key}
    return _intent(
        _call("capture", lambda: client().v1.payment_intents.capture(intent_id, params, options))
    )


def intent_cancel(intent_id: str, *, idempotency_key: str) -> Intent:
    options = {"idempotency_key": idempotency_key}
    return _intent(
        _call("cancel", lambda: client().v1.payment_intents.cancel(intent_id, {}, options))
    )


def refund_create(
    *, intent_id: str, amount: int, metadata: dict, idempotency_key: str
) -> RefundOutcome:
    params = {"payment_intent": intent_id, "amount": amount, "metadata": metadata}
    options = {"idempotency_key": idempotency_key}
    return _refund(_call("refund", lambda: client().v1.refunds.create(params, options)))


def refunds_of(intent_id: str) -> list[RefundOutcome]:
    """Every refund Stripe holds for the intent (a payment is refunded in a few parts at most;
    a hundred is Stripe's page size and far beyond what our refund rules allow)."""
    params = {"payment_intent": intent_id, "limit": 100}
    page = _call("refunds", lambda: client().v1.refunds.list(params))
    return [_refund(refund) for refund in page.data]


def webhook_event(payload: bytes, signature: str, *, now: float) -> object:
    """The verified event of a webhook call (signature over the raw body, timestamp within the
    tolerance either way: Stripe's library only refuses old ones). The body's shape is the
    caller's to check: a correctly signed body may still not be an event."""
    if len(payload) > MAX_WEBHOOK_BYTES:
        raise WebhookRejected("The body is too large.")
    if not signature:
        raise WebhookRejected("The Stripe-Signature header is missing.")
    tolerance = settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"), signature, settings.STRIPE_WEBHOOK_SECRET, tolerance
        )
    except stripe.SignatureVerificationError as error:
        raise WebhookRejected("The signature does not verify.") from error
    except UnicodeDecodeError as error:
        raise WebhookRejected("The body is not UTF-8.") from error
    if _signed_at(signature) > now + tolerance:
        raise WebhookRejected("The signature's timestamp is in the future.")
    try:
        return json.loads(payload)
    except ValueError as error:
        raise WebhookRejected("The body is not JSON.") from error


def _signed_at(signature: str) -> int:
    """The t= of a Stripe-Signature header that verified (so it is there and an integer)."""
    for part in signature.split(","):
        key, _, value = part.partition("=")
        if key.strip() == "t":
            return int(value)
    raise WebhookRejected("The Stripe-Signature header has no timestamp.")


# --- customers and saved cards -------------------------------------------------------------------


@dataclass(frozen=True)
class SetupOutcome:
    id: str
    status: str
    customer_id: str
    payment_method_id: str
    client_secret: str


@dataclass(frozen=True)
class Card:
    id: str
    customer_id: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int


def _setup(obj) -> SetupOutcome:
    obj = obj.to_dict() if isinstance(obj, stripe.StripeObject) else obj
    payment_method = obj.get("payment_method") or ""
    if isinstance(payment_method, dict):
        payment_method = payment_method.get("id", "")
    return SetupOutcome(
        id=obj["id"],
        status=obj["status"],
        customer_id=obj.get("customer") or "",
        payment_method_id=payment_method,
        client_secret=obj.get("client_secret") or "",
    )


def _card(obj) -> Card:
    obj = obj.to_dict() if isinstance(obj, stripe.StripeObject) else obj
    card = obj.get("card") or {}
    return Card(
        id=obj["id"],
        customer_id=obj.get("customer") or "",
        brand=str(card.get("brand") or "unknown"),
        last4=str(card.get("last4") or ""),
        exp_month=int(card.get("exp_month") or 0),
        exp_year=int(card.get("exp_year") or 0),
    )


def customer_create(*, metadata: dict, idempotency_key: str) -> str:
    """A new Stripe Customer (only our user id goes to Stripe, no name or email)."""
    options = {"idempotency_key": idempotency_key}
    params = {"metadata": metadata}
    return _call("customer", lambda: client().v1.customers.create(params, options)).id


def customer_delete(customer_id: str) -> None:
    """Delete a customer (its cards go with it); one that is already gone is fine."""
    try:
        _call("customer_delete", lambda: client().v1.customers.delete(customer_id))
    except GatewayRejected as error:
        if error.code != "resource_missing" and "No such" not in error.message:
            raise


def setup_intent_create(*, customer_id: str, metadata: dict, idempotency_key: str) -> SetupOutcome:
    """A SetupIntent the app confirms with Stripe.js: the card goes from the app to Stripe."""
    params = {
        "customer": customer_id,
        "usage": "off_session",
        "payment_method_types": ["card"],
        "metadata": metadata,
    }
    options = {"idempotency_key": idempotency_key}
    return _setup(_call("setup", lambda: client().v1.setup_intents.create(params, options)))


def setup_intent_retrieve(setup_intent_id: str) -> SetupOutcome:
    return _setup(_call("setup", lambda: client().v1.setup_intents.retrieve(setup_intent_id)))


def payment_method_retrieve(payment_method_id: str) -> Card:
    return _card(
        _call("payment_method", lambda: client().v1.payment_methods.retrieve(payment_method_id))
    )


def payment_method_attach(
    *, payment_method_id: str, customer_id: str, idempotency_key: str
) -> Card:
    params = {"customer": customer_id}
    options = {"idempotency_key": idempotency_key}
    return _card(
        _call(
            "attach",
            lambda: client().v1.payment_methods.attach(payment_method_id, params, options),
        )
    )


def payment_method_detach(*, payment_method_id: str, idempotency_key: str) -> None:
    options = {"idempotency_key": idempotency_key}
    _call("detach", lambda: client().v1.payment_methods.detach(payment_method_id, {}, options))
