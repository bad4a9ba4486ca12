"""Saved cards: each customer's Stripe Customer, SetupIntents to save a card, the list of saved
cards, removing one, and which customer a saved card is paid with.

The card number never reaches us: the app confirms the SetupIntent with Stripe.js, then tells us
(`payment_method_setup_complete`), and we believe only what Stripe says about the SetupIntent
(its customer must be this user's, its status succeeded). No row lock is held while Stripe is
called: the customer row is written after Stripe answers, under a unique constraint.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from accounts.models import User
from core.errors import NotFound, ValidationFailed
from payments import gateway
from payments.errors import PaymentDeclined, PaymentUnavailable
from payments.models import SavedPaymentMethod, StripeCustomer

logger = logging.getLogger(__name__)
MAX_SAVED_CARDS = 20
_UNAVAILABLE = "The payment service is unreachable; try again in a moment."


@dataclass(frozen=True)
class CardSetup:
    setup_intent_id: str
    client_secret: str


def _unavailable(error: Exception) -> PaymentUnavailable:
    logger.warning("Stripe unavailable for saved cards: %s", error)
    return PaymentUnavailable(_UNAVAILABLE)


def stripe_customer_ensure(*, user: User, now: datetime) -> str:
    """The user's Stripe Customer id, created at Stripe the first time. Two concurrent first
    calls send one Idempotency-Key, so Stripe makes one customer; the row is unique per user."""
    existing = StripeCustomer.objects.filter(user=user).values_list("customer_id", flat=True)
    if existing:
        return existing[0]
    try:
        customer_id = gateway.customer_create(
            metadata={"user_id": str(user.pk)}, idempotency_key=f"customer-{user.pk}"
        )
    except gateway.GatewayError as error:
        raise _unavailable(error) from error
    try:
        with transaction.atomic():
            StripeCustomer.objects.create(user=user, customer_id=customer_id, created_at=now)
    except IntegrityError:
        return StripeCustomer.objects.get(user=user).customer_id
    return customer_id


def payment_method_setup_start(*, user: User, now: datetime) -> CardSetup:
    """Start saving a card: a SetupIntent of the user's customer, for the app to confirm."""
    if SavedPaymentMethod.objects.filter(user=user).count() >= MAX_SAVED_CARDS:
        raise ValidationFailed(f"At most {MAX_SAVED_CARDS} saved cards; remove one first.")
    customer_id = stripe_customer_ensure(user=user, now=now)
    try:
        setup = gateway.setup_intent_create(
            customer_id=customer_id,
            metadata={"user_id": str(user.pk)},
            idempotency_key=f"setup-{user.pk}-{now.timestamp()}",
        )
    except gateway.GatewayError as error:
        raise _unavailable(error) from error
    return CardSetup(setup_intent_id=setup.id, client_secret=setup.client_secret)


def payment_method_setup_complete(
    *, user: User, setup_intent_id: str, now: datetime
) -> SavedPaymentMethod:
    """Save the card of a SetupIntent the app confirmed. Safe to repeat: the card is saved once."""
    customer_id = (
        StripeCustomer.objects.filter(user=user).values_list("customer_id", flat=True).first()
    )
    not_yours = NotFound("No such card setup.", field="setupIntentId")
    if customer_id is None or not (setup_intent_id or "").startswith("seti_"):
        raise not_yours
    try:
        setup = gateway.setup_intent_retrieve(setup_intent_id)
    except gateway.GatewayRejected as error:
        raise not_yours from error
    except gateway.GatewayError as error:
        raise _unavailable(error) from error
    if setup.customer_id != customer_id:
        raise not_yours
    if setup.status == "requires_action":
        raise PaymentDeclined(
            "The card needs its own authentication: complete it in the app, then try again.",
            field="setupIntentId",
            code="PAYMENT_ACTION_REQUIRED",
        )
    if setup.status != "succeeded" or not setup.payment_method_id:
        raise PaymentDeclined("This card could not be saved; try another one.")
    saved = SavedPaymentMethod.objects.filter(
        stripe_payment_method_id=setup.payment_method_id
    ).first()
    if saved is not None:
        if saved.user_id != user.pk:
            raise not_yours
        return saved
    try:
        # Stripe attaches the card to the customer when the SetupIntent succeeds; attaching it
        # again to the same customer is harmless (and localstripe needs it: it does not attach).
        card = gateway.payment_method_attach(
            payment_method_id=setup.payment_method_id,
            customer_id=customer_id,
            idempotency_key=f"attach-{setup.id}",
        )
    except gateway.CardDeclined as error:
        raise PaymentDeclined("This card could not be saved; try another one.") from error
    except gateway.GatewayError as error:
        raise _unavailable(error) from error
    saved, _ = SavedPaymentMethod.objects.get_or_create(
        stripe_payment_method_id=card.id,
        defaults={
            "user": user,
            "brand": card.brand[:32],
            "last4": card.last4[:4],
            "exp_month": card.exp_month,
            "exp_year": card.exp_year,
            "created_at": now,
        },
    )
    return saved


def saved_payment_methods_of(user: User) -> QuerySet[SavedPaymentMethod]:
    return SavedPaymentMethod.objects.filter(user=user).order_by("-created_at", "-id")


def payment_method_remove(*, user: User, saved_id) -> None:
    """Detach a saved card at Stripe, then forget it. Another user's card is not found."""
    saved = SavedPaymentMethod.objects.filter(pk=saved_id, user=user).first()
    if saved is None:
        raise NotFound("No such card.", field="id")
    try:
        gateway.payment_method_detach(
            payment_method_id=saved.stripe_payment_method_id,
            idempotency_key=f"detach-{saved.pk}",
        )
    except gateway.GatewayRejected as error:
        # Already detached or gone at Stripe: nothing left to take away there.
        logger.info("detaching %s: %s", saved.stripe_payment_method_id, error.message)
    except gateway.GatewayError as error:
        raise _unavailable(error) from error
    SavedPaymentMethod.objects.filter(pk=saved.pk).delete()


class SavedCardOfAnotherUser(Exception):
    """A payment method another user saved: never paid with on this user's order."""


def saved_card_customer_id(*, payment_method_id: str, user_id) -> str:
    """The Stripe Customer to pay a saved card with ("" for a card that is not saved)."""
    saved = (
        SavedPaymentMethod.objects.filter(stripe_payment_method_id=payment_method_id)
        .values_list("user_id", "user__stripe_customer__customer_id")
        .first()
    )
    if saved is None:
        return ""
    owner, customer_id = saved
    if owner != user_id:
        raise SavedCardOfAnotherUser(payment_method_id)
    return customer_id or ""


def stripe_customer_forget(*, user_id) -> None:
    """Delete the user's Stripe Customer and saved cards (their account was deleted). Called
    after commit from a task; safe to repeat."""
    customer_id = (
        StripeCustomer.objects.filter(user_id=user_id).values_list("customer_id", flat=True).first()
    )
    if customer_id:
        try:
            gateway.customer_delete(customer_id)
        except gateway.GatewayUnavailable as error:
            raise PaymentUnavailable(_UNAVAILABLE) from error  # the task retries
    SavedPaymentMethod.objects.filter(user_id=user_id).delete()
    StripeCustomer.objects.filter(user_id=user_id).delete()
