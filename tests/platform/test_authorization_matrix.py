"""Who may do what: every query and mutation of the schema × every kind of caller, in one table.

Each row names the callers that reach the protected object (read it, or change it); every other
caller must be refused with a typed error or see nothing of it, and change nothing. A row is
missing for an operation of the schema: the test fails, so a new operation cannot ship without
its row. Subscriptions have their rows too (test_subscription_matrix, over real sockets).

Callers: anonymous; customers A (owns the orders) and B; the owner, manager and staff of
restaurant 1 (the orders' restaurant) and of restaurant 2; the driver offered order W, the
driver assigned to orders R and P, another driver; an admin.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from strawberry import relay

from accounts.account_tokens import account_token_issue, account_token_secret
from accounts.models import RefreshToken, TokenPurpose, User
from accounts.services import session_start
from delivery.models import Delivery, DeliveryStatus
from delivery.services.dispatch import delivery_dispatch
from favourites.services import favourite_add
from graphql_api.schema import schema
from notifications.models import Notification
from orders.models import Order, OrderStatus
from orders.services.acceptance import order_accept
from payments.localstripe import card_payment_method
from restaurants.models import MenuItem, Option, OptionGroup, StaffRole
from reviews.services import review_submit
from tests.delivery.dispatch_helpers import driver_at
from tests.factories import (
    DEFAULT_PASSWORD,
    AdminFactory,
    CustomerFactory,
    DriverFactory,
    OrderFactory,
    PickupOrderFactory,
    RestaurantStaffFactory,
)
from tests.graphql_client import GraphQLClient
from tests.live_servers import graphql_socket, live_servers
from tests.orders.checkout_helpers import PLACE_ORDER, a_menu, checkout_input, line

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("localstripe")]

CALLERS = (
    "anonymous",
    "customer_a",
    "customer_b",
    "owner_1",
    "manager_1",
    "staff_1",
    "owner_2",
    "manager_2",
    "staff_2",
    "driver_offered",
    "driver_assigned",
    "driver_other",
    "admin",
)
SIGNED_IN = frozenset(CALLERS) - {"anonymous"}
KITCHEN_1 = frozenset({"owner_1", "manager_1", "staff_1", "admin"})
MANAGERS_1 = frozenset({"owner_1", "manager_1", "admin"})
DRIVERS = frozenset({"driver_offered", "driver_assigned", "driver_other"})


def gid(type_name: str, pk) -> str:
    return str(relay.GlobalID(type_name, str(pk)))


@dataclass
class World:
    users: dict
    restaurant: object
    item: MenuItem
    group: OptionGroup
    option: Option
    address_a: object
    placed: Order  # PLACED, card authorised at localstripe
    captured: Order  # ACCEPTED through acceptOrder: card captured
    waiting: Order  # ACCEPTED, offered to driver_offered
    stranded: Order  # ACCEPTED, no driver found: on dispatch's watch list
    ready: Order  # READY_FOR_PICKUP, assigned to driver_assigned
    on_the_way: Order  # PICKED_UP by driver_assigned
    collectable: Order  # a pickup order READY_FOR_COLLECTION, code 4821
    notification: Notification
    refresh_token_a: str
    menu: object = field(repr=False, default=None)


def build_world(gql) -> World:
    menu = a_menu()
    restaurant = menu.restaurant
    customer_a, customer_b = menu.customer, CustomerFactory()
    users = {"anonymous": None, "customer_a": customer_a, "customer_b": customer_b}
    other_restaurant = RestaurantStaffFactory(role=StaffRole.OWNER).restaurant
    for number, place in (("1", restaurant), ("2", other_restaurant)):
        for role in ("owner", "manager", "staff"):
            users[f"{role}_{number}"] = RestaurantStaffFactory(
                restaurant=place, role=StaffRole(role.upper())
            ).user
    users["driver_offered"] = driver_at(0.5)
    users["driver_assigned"] = DriverFactory()
    users["driver_other"] = DriverFactory()
    users["admin"] = AdminFactory()

    gql.login_as(customer_a)
    orders = []
    for key in ("matrix-placed-0001", "matrix-captured-01"):
        variables = {"input": checkout_input(menu, [line(menu.soup, 3)], key=key)}
        payload = gql.data(PLACE_ORDER, variables)["placeOrder"]
        assert payload["order"]["status"] == "PLACED", payload
        orders.append(Order.objects.get(number=payload["order"]["number"]))
    placed, captured = orders
    order_accept(
        order_id=captured.pk, actor=users["owner_1"], preparation_minutes=10, now=timezone.now()
    )

    now = timezone.now()
    common = {"customer": customer_a, "restaurant": restaurant, "accepted_at": now}
    waiting = OrderFactory(status=OrderStatus.ACCEPTED, **common)
    delivery_dispatch(order_id=waiting.pk, now=now)
    stranded = OrderFactory(status=OrderStatus.ACCEPTED, **common)
    Delivery.objects.create(order=stranded, status=DeliveryStatus.WAITING_FOR_DRIVER)
    ready = OrderFactory(status=OrderStatus.READY_FOR_PICKUP, **common)
    on_the_way = OrderFactory(status=OrderStatus.PICKED_UP, **common)
    for order, status in ((ready, DeliveryStatus.ASSIGNED), (on_the_way, DeliveryStatus.PICKED_UP)):
        Delivery.objects.create(
            order=order,
            driver=users["driver_assigned"],
            status=status,
            assigned_at=now - timedelta(minutes=5),
        )
    collectable = PickupOrderFactory(status=OrderStatus.READY_FOR_COLLECTION, **common)
    notification = Notification.objects.create(
        recipient=customer_a, kind="ORDER_PLACED", title="Placed", body="Yours", source_key="m1"
    )
    group = menu.pizza.option_groups.first()
    return World(
        users=users,
        restaurant=restaurant,
        item=menu.soup,
        group=group,
        option=group.options.first(),
        address_a=menu.address,
        placed=placed,
        captured=captured,
        waiting=waiting,
        stranded=stranded,
        ready=ready,
        on_the_way=on_the_way,
        collectable=collectable,
        notification=notification,
        refresh_token_a=session_start(
            email=customer_a.email, password=DEFAULT_PASSWORD, now=now
        ).refresh_token,
        menu=menu,
    )


@dataclass(frozen=True)
class Row:
    document: str
    variables: Callable[[World], dict]
    reach: frozenset
    # Whether the caller got at the protected thing; by default: the answer carries no error
    # anywhere and the operation's field is not null.
    reached: Callable[[dict, World], bool] | None = None


def ids_in(connection: dict) -> set:
    return {edge["node"]["id"] for edge in (connection or {}).get("edges", [])}


def field_value(body: dict) -> object:
    data = body.get("data") or {}
    return next(iter(data.values()), None)


def no_errors(body: dict) -> bool:
    value = field_value(body)
    payload_errors = value.get("errors") if isinstance(value, dict) else None
    return not body.get("errors") and value is not None and not payload_errors


def order_row(name: str, target: str, reach, extra: str = "") -> Row:
    return Row(
        f"mutation($id: ID!) {{ {name}(input: {{orderId: $id{extra}}}) "
        "{ order { id status } errors { code } } }",
        lambda w: {"id": gid("Order", getattr(w, target).pk)},
        frozenset(reach),
    )


ADDRESS = (
    'line1: "Rua B 2", city: "Lisbon", postalCode: "1100", country: "PT", '
    "latitude: 38.71, longitude: -9.14"
)
# Every operation of the schema, with the callers that reach what it protects.
QUERIES = {
    "node": Row(
        "query($id: ID!) { node(id: $id) { id } }",
        lambda w: {"id": gid("Order", w.placed.pk)},
        KITCHEN_1 | {"customer_a"},
    ),
    "me": Row("{ me { id } }", lambda w: {}, SIGNED_IN),
    "order": Row(
        "query($id: ID!) { order(id: $id) { id } }",
        lambda w: {"id": gid("Order", w.ready.pk)},
        KITCHEN_1 | {"customer_a", "driver_assigned"},
    ),
    "myOrders": Row(
        "{ myOrders(first: 20) { edges { node { id } } } }",
        lambda w: {},
        frozenset({"customer_a"}),
        lambda body, w: (
            gid("Order", w.placed.pk) in ids_in((body.get("data") or {}).get("myOrders"))
        ),
    ),
    "restaurantOrders": Row(
        "query($id: ID!) { restaurantOrders(restaurantId: $id, first: 20) "
        "{ edges { node { id } } } }",
        lambda w: {"id": gid("Restaurant", w.restaurant.pk)},
        KITCHEN_1,
        lambda body, w: (
            gid("Order", w.placed.pk) in ids_in((body.get("data") or {}).get("restaurantOrders"))
        ),
    ),
    # The customer's own cart: another customer's address does not exist for them.
    "checkoutQuote": Row(
        "query($input: CheckoutQuoteInput!) { checkoutQuote(input: $input) "
        "{ quote { total { amount } } errors { code } } }",
        lambda w: {"input": quote_input(w.menu)},
        frozenset({"customer_a"}),
    ),
    # Public, like the restaurant's hours.
    "availableSlots": Row(
        "query($id: ID!, $day: Date!) { availableSlots(restaurantId: $id, date: $day, "
        "mode: PICKUP) { startsAt } }",
        lambda w: {"id": gid("Restaurant", w.restaurant.pk), "day": str(timezone.now().date())},
        frozenset(CALLERS),
    ),
    "restaurantStats": Row(
        "query($id: ID!, $day: Date!) { restaurantStats(restaurantId: $id, from: $day, to: $day) "
        "{ orders } }",
        lambda w: {"id": gid("Restaurant", w.restaurant.pk), "day": str(timezone.now().date())},
        KITCHEN_1,
    ),
    "myDeliveries": Row(
        "{ myDeliveries(first: 20) { edges { node { id } } } }",
        lambda w: {},
        frozenset({"driver_assigned"}),
        lambda body, w: (
            gid("Order", w.ready.pk) in ids_in((body.get("data") or {}).get("myDeliveries"))
        ),
    ),
    "myDeliveryOffers": Row(
        "{ myDeliveryOffers { orderId } }",
        lambda w: {},
        frozenset({"driver_offered"}),
        lambda body, w: (
            gid("Order", w.waiting.pk)
            in {
                offer["orderId"] for offer in (body.get("data") or {}).get("myDeliveryOffers") or []
            }
        ),
    ),
    "deliveriesWaiting": Row(
        "query($id: ID) { deliveriesWaiting(restaurantId: $id, first: 20) "
        "{ edges { node { id } } } }",
        lambda w: {"id": gid("Restaurant", w.restaurant.pk)},
        KITCHEN_1,
        lambda body, w: (
            gid("Order", w.stranded.pk) in ids_in((body.get("data") or {}).get("deliveriesWaiting"))
        ),
    ),
    "restaurants": Row(
        "{ restaurants(first: 5) { totalCount } }", lambda w: {}, frozenset(CALLERS)
    ),
    "restaurant": Row(
        "query($id: ID!) { restaurant(id: $id) { id } }",
        lambda w: {"id": gid("Restaurant", w.restaurant.pk)},
        frozenset(CALLERS),
    ),
    "myNotifications": Row(
        "{ myNotifications(first: 20) { edges { node { id } } } }",
        lambda w: {},
        frozenset({"customer_a"}),
        lambda body, w: (
            gid("Notification", w.notification.pk)
            in ids_in((body.get("data") or {}).get("myNotifications"))
        ),
    ),
    "myNotificationPreferences": Row(
        "{ myNotificationPreferences { emailEnabled } }", lambda w: {}, SIGNED_IN
    ),
    "reorder": Row(
        "query($id: ID!) { reorder(orderId: $id) { cart { subtotalNow { amount } } "
        "errors { code } } }",
        lambda w: {"id": gid("Order", w.captured.pk)},
        frozenset({"customer_a"}),
    ),
    # Any signed-in customer may ask; the answer is about their own use of the code.
    "checkPromoCode": Row(
        'query($id: ID!) { checkPromoCode(code: "NONE", restaurantId: $id, subtotal: 1000) '
        "{ applies problem } }",
        lambda w: {"id": gid("Restaurant", w.restaurant.pk)},
        SIGNED_IN,
    ),
    "myPaymentMethods": Row(
        "{ myPaymentMethods(first: 20) { edges { node { id } } } }",
        lambda w: {"_": str(saved_card_of_a(w).pk)},
        frozenset({"customer_a"}),
        lambda body, w: bool(ids_in((body.get("data") or {}).get("myPaymentMethods"))),
    ),
    # Everyone signed in has a list; only customer A's holds customer A's session.
    "mySessions": Row(
        "{ mySessions(first: 20) { edges { node { id } } } }",
        lambda w: {},
        frozenset({"customer_a"}),
        lambda body, w: (
            gid("Session", session_of(w.refresh_token_a))
            in ids_in((body.get("data") or {}).get("mySessions"))
        ),
    ),
    "restaurantReviews": Row(
        "query($id: ID!) { restaurantReviews(restaurantId: $id, first: 5) { totalCount } }",
        lambda w: {"id": gid("Restaurant", w.restaurant.pk)},
        frozenset(CALLERS),
    ),
    # Everyone signed in has a list of their own; the world's favourite is customer A's.
    "myFavourites": Row(
        "{ myFavourites(first: 5) { edges { node { restaurant { id } } } } }",
        lambda w: _favourite_of_a(w),
        frozenset({"customer_a"}),
        lambda body, w: bool(((body.get("data") or {}).get("myFavourites") or {}).get("edges")),
    ),
}


def session_of(refresh_token: str):
    from accounts.services import _hash_refresh_token

    return RefreshToken.objects.get(token_hash=_hash_refresh_token(refresh_token)).family


def account_secret(user, purpose: str, target: str | None = None) -> str:
    """A fresh token of `purpose` for `user`, issued inside the caller's rolled-back savepoint."""
    token = account_token_issue(
        user=user, purpose=purpose, target=target or user.email, now=timezone.now()
    )
    return account_token_secret(token)


def saved_card_of_a(world: World):
    from payments.models import SavedPaymentMethod

    return SavedPaymentMethod.objects.create(
        user=world.users["customer_a"],
        stripe_payment_method_id=card_payment_method(settings.STRIPE_API_BASE, "4242424242424242"),
        brand="visa",
        last4="4242",
        exp_month=12,
        exp_year=2034,
    )


def confirmed_setup_of_a(world: World) -> str:
    from payments import gateway
    from payments.localstripe import request
    from payments.services.cards import stripe_customer_ensure

    customer_id = stripe_customer_ensure(user=world.users["customer_a"], now=timezone.now())
    setup = gateway.setup_intent_create(
        customer_id=customer_id, metadata={}, idempotency_key=f"matrix-{timezone.now()}"
    )
    payment_method = card_payment_method(settings.STRIPE_API_BASE, "4242424242424242")
    request(
        "POST",
        settings.STRIPE_API_BASE,
        f"/v1/setup_intents/{setup.id}/confirm",
        {"client_secret": setup.client_secret, "payment_method": payment_method},
    )
    return setup.id


def everyone_unverified(world: World) -> dict:
    User.objects.update(email_verified_at=None, phone_verified_at=None)
    return {}


def _favourite_of_a(world: World) -> dict:
    favourite_add(
        user=world.users["customer_a"], restaurant_id=world.restaurant.pk, now=timezone.now()
    )
    return {}


def _delivered_order_of_a(world: World) -> Order:
    return OrderFactory(
        status=OrderStatus.DELIVERED,
        delivered_at=timezone.now(),
        customer=world.users["customer_a"],
        restaurant=world.restaurant,
    )


def _review_of_a(world: World) -> dict:
    order = _delivered_order_of_a(world)
    review = review_submit(customer=order.customer, order_id=order.pk, stars=3, now=timezone.now())
    return {"id": gid("Review", review.pk)}


def quote_input(menu) -> dict:
    data = checkout_input(menu, [line(menu.soup, 3)])
    for key in ("paymentMethodId", "idempotencyKey"):
        data.pop(key)
    return data


def restaurant_row(document: str, variables, reach=KITCHEN_1) -> Row:
    return Row(document, variables, frozenset(reach))


MUTATIONS = {
    "register": Row(
        'mutation { register(input: {email: "fresh@example.test", password: "a-long-unusual-'
        'passphrase", fullName: "Fresh"}) { accessToken errors { code } } }',
        lambda w: {},
        frozenset(CALLERS),
    ),
    "login": Row(
        "mutation($email: String!, $password: String!) { login(input: {email: $email, "
        "password: $password}) { accessToken errors { code } } }",
        lambda w: {"email": w.users["customer_a"].email, "password": DEFAULT_PASSWORD},
        frozenset(CALLERS),
    ),
    # A refresh token is a bearer capability: whoever holds it may use or end it.
    "refreshToken": Row(
        "mutation($t: String!) { refreshToken(input: {refreshToken: $t}) { accessToken "
        "errors { code } } }",
        lambda w: {"t": w.refresh_token_a},
        frozenset(CALLERS),
    ),
    "logout": Row(
        "mutation($t: String!) { logout(input: {refreshToken: $t}) { ok errors { code } } }",
        lambda w: {"t": w.refresh_token_a},
        frozenset(CALLERS),
    ),
    "changePassword": Row(
        "mutation($p: String!) { changePassword(input: {currentPassword: $p, "
        'newPassword: "another-long-passphrase"}) { accessToken errors { code } } }',
        lambda w: {"p": DEFAULT_PASSWORD},
        SIGNED_IN,
    ),
    "addAddress": Row(
        f"mutation {{ addAddress(input: {{{ADDRESS}}}) {{ address {{ id }} errors {{ code }} }} }}",
        lambda w: {},
        SIGNED_IN,
    ),
    "updateAddress": Row(
        f"mutation($id: ID!) {{ updateAddress(input: {{id: $id, {ADDRESS}}}) "
        "{ address { id } errors { code } } }",
        lambda w: {"id": gid("Address", w.address_a.pk)},
        frozenset({"customer_a"}),
    ),
    "deleteAddress": Row(
        "mutation($id: ID!) { deleteAddress(input: {id: $id}) { errors { code } } }",
        lambda w: {"id": gid("Address", w.address_a.pk)},
        frozenset({"customer_a"}),
        lambda body, w: (
            not body.get("errors")
            and not body["data"]["deleteAddress"]["errors"]
            and not type(w.address_a).objects.filter(pk=w.address_a.pk).exists()
        ),
    ),
    "placeOrder": Row(
        PLACE_ORDER,
        lambda w: {"input": checkout_input(w.menu, [line(w.menu.soup, 3)], key="matrix-again-1")},
        frozenset({"customer_a"}),
    ),
    "cancelOrder": order_row("cancelOrder", "placed", KITCHEN_1 | {"customer_a"}),
    "acceptOrder": order_row("acceptOrder", "placed", KITCHEN_1, ", preparationMinutes: 15"),
    "rejectOrder": order_row("rejectOrder", "placed", KITCHEN_1),
    "markOrderReady": order_row("markOrderReady", "waiting", KITCHEN_1),
    "markCollected": order_row("markCollected", "collectable", KITCHEN_1, ', pickupCode: "4821"'),
    "setDriverAvailability": Row(
        "mutation { setDriverAvailability(input: {available: true, latitude: 38.7, "
        "longitude: -9.1}) { errors { code } } }",
        lambda w: {},
        DRIVERS,
    ),
    "updateDriverLocation": Row(
        "mutation { updateDriverLocation(input: {latitude: 38.7, longitude: -9.1}) "
        "{ errors { code } } }",
        lambda w: {},
        DRIVERS,
    ),
    "acceptDelivery": order_row("acceptDelivery", "waiting", {"driver_offered"}),
    "declineDelivery": Row(
        "mutation($id: ID!) { declineDelivery(input: {orderId: $id}) { errors { code } } }",
        lambda w: {"id": gid("Order", w.waiting.pk)},
        frozenset({"driver_offered"}),
    ),
    "markPickedUp": order_row("markPickedUp", "ready", {"driver_assigned", "admin"}),
    "markDelivered": order_row("markDelivered", "on_the_way", {"driver_assigned", "admin"}),
    "confirmPayment": order_row("confirmPayment", "placed", {"customer_a"}),
    "refundOrder": Row(
        'mutation($id: ID!) { refundOrder(input: {orderId: $id, idempotencyKey: "matrix-refund", '
        "amount: 100}) { refund { status } errors { code } } }",
        lambda w: {"id": gid("Order", w.captured.pk)},
        MANAGERS_1,
    ),
    "setAcceptingOrders": restaurant_row(
        "mutation($id: ID!) { setAcceptingOrders(input: {restaurantId: $id, "
        "acceptingOrders: false}) { errors { code } } }",
        lambda w: {"id": gid("Restaurant", w.restaurant.pk)},
    ),
    "createMenuCategory": restaurant_row(
        'mutation($id: ID!) { createMenuCategory(input: {restaurantId: $id, name: "New"}) '
        "{ errors { code } } }",
        lambda w: {"id": gid("Restaurant", w.restaurant.pk)},
    ),
    "updateMenuCategory": restaurant_row(
        'mutation($id: ID!) { updateMenuCategory(input: {id: $id, name: "Renamed"}) '
        "{ errors { code } } }",
        lambda w: {"id": gid("MenuCategory", w.item.category_id)},
    ),
    "createMenuItem": restaurant_row(
        'mutation($id: ID!) { createMenuItem(input: {categoryId: $id, name: "Dish", '
        "price: 500}) { errors { code } } }",
        lambda w: {"id": gid("MenuCategory", w.item.category_id)},
    ),
    "updateMenuItem": restaurant_row(
        "mutation($id: ID!) { updateMenuItem(input: {id: $id, price: 460}) { errors { code } } }",
        lambda w: {"id": gid("MenuItem", w.item.pk)},
    ),
    "setMenuItemAvailability": restaurant_row(
        "mutation($id: ID!) { setMenuItemAvailability(input: {menuItemId: $id, "
        "isAvailable: false}) { errors { code } } }",
        lambda w: {"id": gid("MenuItem", w.item.pk)},
    ),
    "deleteMenuItem": restaurant_row(
        "mutation($id: ID!) { deleteMenuItem(input: {id: $id}) { errors { code } } }",
        lambda w: {"id": gid("MenuItem", w.item.pk)},
    ),
    "createOptionGroup": restaurant_row(
        'mutation($id: ID!) { createOptionGroup(input: {menuItemId: $id, name: "Sauce"}) '
        "{ errors { code } } }",
        lambda w: {"id": gid("MenuItem", w.item.pk)},
    ),
    "createOption": restaurant_row(
        'mutation($id: ID!) { createOption(input: {optionGroupId: $id, name: "Extra"}) '
        "{ errors { code } } }",
        lambda w: {"id": gid("OptionGroup", w.group.pk)},
    ),
    "setOptionAvailability": restaurant_row(
        "mutation($id: ID!) { setOptionAvailability(input: {optionId: $id, isAvailable: false}) "
        "{ errors { code } } }",
        lambda w: {"id": gid("Option", w.option.pk)},
    ),
    "setOpeningHours": restaurant_row(
        "mutation($id: ID!) { setOpeningHours(input: {restaurantId: $id, hours: [{weekday: 0, "
        'opensAt: "10:00", closesAt: "22:00"}]}) { errors { code } } }',
        lambda w: {"id": gid("Restaurant", w.restaurant.pk)},
    ),
    "addClosure": restaurant_row(
        "mutation($id: ID!, $at: DateTime!) { addClosure(input: {restaurantId: $id, "
        "startsAt: $at}) { errors { code } } }",
        lambda w: {
            "id": gid("Restaurant", w.restaurant.pk),
            "at": (timezone.now() + timedelta(days=1)).isoformat(),
        },
    ),
    "markNotificationsRead": Row(
        "mutation($id: ID!) { markNotificationsRead(input: {ids: [$id]}) { errors { code } } }",
        lambda w: {"id": gid("Notification", w.notification.pk)},
        frozenset({"customer_a"}),
        lambda body, w: Notification.objects.filter(
            pk=w.notification.pk, read_at__isnull=False
        ).exists(),
    ),
    "updateNotificationPreferences": Row(
        "mutation { updateNotificationPreferences(input: {sms: false}) { errors { code } } }",
        lambda w: {},
        SIGNED_IN,
    ),
    # Answered alike for everyone (and every email): nothing to reach but a mailbox.
    "requestPasswordReset": Row(
        "mutation($e: String!) { requestPasswordReset(input: {email: $e}) { ok errors { code } } }",
        lambda w: {"e": w.users["customer_a"].email},
        frozenset(CALLERS),
    ),
    # Reset and verification tokens are bearer capabilities, like refresh tokens.
    "resetPassword": Row(
        "mutation($t: String!) { resetPassword(input: {token: $t, newPassword: "
        '"a-new-long-passphrase"}) { ok errors { code } } }',
        lambda w: {"t": account_secret(w.users["customer_a"], TokenPurpose.PASSWORD_RESET)},
        frozenset(CALLERS),
    ),
    "verifyEmail": Row(
        "mutation($t: String!) { verifyEmail(input: {token: $t}) { user { id } errors { code } } }",
        lambda w: {"t": account_secret(w.users["customer_a"], TokenPurpose.EMAIL_VERIFICATION)},
        frozenset(CALLERS),
    ),
    "sendEmailVerification": Row(
        "mutation { sendEmailVerification { ok errors { code } } }",
        everyone_unverified,
        SIGNED_IN,
    ),
    "changeEmail": Row(
        'mutation($p: String!) { changeEmail(input: {newEmail: "moved@example.test", '
        "password: $p}) { ok errors { code } } }",
        lambda w: {"p": DEFAULT_PASSWORD},
        SIGNED_IN,
    ),
    "updateProfile": Row(
        'mutation { updateProfile(input: {fullName: "New Name"}) { user { id } errors { code } } }',
        lambda w: {},
        SIGNED_IN,
    ),
    "sendPhoneVerification": Row(
        "mutation { sendPhoneVerification { ok errors { code } } }",
        everyone_unverified,
        SIGNED_IN,
    ),
    # Customer A's texted code verifies nobody else's phone.
    "verifyPhone": Row(
        "mutation($c: String!) { verifyPhone(input: {code: $c}) { user { id } errors { code } } }",
        lambda w: {
            "c": account_secret(
                w.users["customer_a"], TokenPurpose.PHONE_VERIFICATION, w.users["customer_a"].phone
            )
        },
        frozenset({"customer_a"}),
    ),
    "endSession": Row(
        "mutation($id: ID!) { endSession(input: {id: $id}) { ok errors { code } } }",
        lambda w: {"id": gid("Session", session_of(w.refresh_token_a))},
        frozenset({"customer_a"}),
    ),
    # With no client ids configured the providers refuse every caller alike; the checks of a
    # real token (loopback JWKS) are in tests/accounts/test_sign_in_with_provider.py.
    "signInWithProvider": Row(
        'mutation { signInWithProvider(input: {provider: GOOGLE, idToken: "x.y.z", '
        'nonce: "n"}) { accessToken errors { code } } }',
        lambda w: {},
        frozenset(),
    ),
    "exportMyData": Row(
        "mutation { exportMyData { ok errors { code } } }", lambda w: {}, SIGNED_IN
    ),
    "addPaymentMethod": Row(
        "mutation { addPaymentMethod { setupIntentId errors { code } } }", lambda w: {}, SIGNED_IN
    ),
    "confirmPaymentMethod": Row(
        "mutation($s: String!) { confirmPaymentMethod(input: {setupIntentId: $s}) "
        "{ paymentMethod { id } errors { code } } }",
        lambda w: {"s": confirmed_setup_of_a(w)},
        frozenset({"customer_a"}),
    ),
    "removePaymentMethod": Row(
        "mutation($id: ID!) { removePaymentMethod(input: {id: $id}) { ok errors { code } } }",
        lambda w: {"id": gid("PaymentMethod", saved_card_of_a(w).pk)},
        frozenset({"customer_a"}),
    ),
    # Customers only, and not while an order is under way (customer A has some).
    "requestAccountDeletion": Row(
        "mutation($p: String!) { requestAccountDeletion(input: {password: $p}) "
        "{ ok errors { code } } }",
        lambda w: {"p": DEFAULT_PASSWORD},
        frozenset({"customer_b"}),
    ),
    "rateOrder": Row(
        "mutation($id: ID!) { rateOrder(input: {orderId: $id, stars: 4}) "
        "{ review { stars } errors { code } } }",
        lambda w: {"id": gid("Order", _delivered_order_of_a(w).pk)},
        frozenset({"customer_a"}),
    ),
    "replyToReview": Row(
        'mutation($id: ID!) { replyToReview(input: {reviewId: $id, text: "Thank you"}) '
        "{ review { reply } errors { code } } }",
        _review_of_a,
        MANAGERS_1,
    ),
    # A favourite is the caller's own: every signed-in caller may keep (or drop) one.
    "addFavourite": Row(
        "mutation($id: ID!) { addFavourite(input: {restaurantId: $id}) "
        "{ isFavourite errors { code } } }",
        lambda w: {"id": gid("Restaurant", w.restaurant.pk)},
        SIGNED_IN,
    ),
    "removeFavourite": Row(
        "mutation($id: ID!) { removeFavourite(input: {restaurantId: $id}) "
        "{ isFavourite errors { code } } }",
        lambda w: {"id": gid("Restaurant", w.restaurant.pk)},
        SIGNED_IN,
    ),
}


def test_every_operation_of_the_schema_has_a_row():
    graphql_schema = schema._schema
    assert set(graphql_schema.query_type.fields) == set(QUERIES)
    assert set(graphql_schema.mutation_type.fields) == set(MUTATIONS)
    assert set(graphql_schema.subscription_type.fields) == set(SUBSCRIPTIONS)


def call(client, user, row: Row, world: World) -> dict:
    gql = GraphQLClient(client)
    if user is not None:
        gql.login_as(user)
    headers = {"Authorization": f"Bearer {gql.token}"} if gql.token else {}
    return client.post(
        "/graphql/",
        {"query": row.document, "variables": row.variables(world)},
        content_type="application/json",
        headers=headers,
    ).json()


def check_row(client, gql, row: Row) -> None:
    """Every caller against one fresh world; each call rolled back before the next."""
    world = build_world(gql)
    wrong = {}
    for caller in CALLERS:
        with transaction.atomic():
            body = call(client, world.users[caller], row, world)
            check = row.reached or (lambda body, world: no_errors(body))
            if bool(check(body, world)) != (caller in row.reach):
                wrong[caller] = body
            assert "Unexpected error." not in str(body), (caller, body)
            transaction.set_rollback(True)
    assert not wrong, "\n".join(
        f"{caller} ({'should' if caller in row.reach else 'should not'} reach): {body}"
        for caller, body in wrong.items()
    )


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_queries(client, gql, settings, name):
    settings.RATE_LIMITS_ENABLED = False
    check_row(client, gql, QUERIES[name])


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutations(client, gql, settings, name):
    settings.RATE_LIMITS_ENABLED = False
    check_row(client, gql, MUTATIONS[name])


SUBSCRIPTIONS = {
    "orderUpdated": KITCHEN_1 | {"customer_a"},
    "restaurantOrders": KITCHEN_1,
}


SUBSCRIBE = {
    "orderUpdated": "subscription($id: ID!) { orderUpdated(orderId: $id) { id status } }",
    # With changedSince the subscription first catches up: its first answer is the order.
    "restaurantOrders": "subscription($id: ID!, $since: DateTime) { restaurantOrders("
    "restaurantId: $id, changedSince: $since) { id status } }",
}


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_subscriptions(settings):
    """Over real sockets on a real server process (which reads the committed world)."""
    order = OrderFactory(status=OrderStatus.PLACED)
    restaurant = order.restaurant
    users = {"anonymous": None, "customer_a": order.customer, "customer_b": CustomerFactory()}
    other = RestaurantStaffFactory(role=StaffRole.OWNER).restaurant
    for number, place in (("1", restaurant), ("2", other)):
        for role in ("owner", "manager", "staff"):
            users[f"{role}_{number}"] = RestaurantStaffFactory(
                restaurant=place, role=StaffRole(role.upper())
            ).user
    users["driver_offered"] = DriverFactory()
    users["driver_assigned"] = DriverFactory()
    Delivery.objects.create(
        order=order, driver=users["driver_assigned"], status=DeliveryStatus.ASSIGNED
    )
    users["driver_other"] = DriverFactory()
    users["admin"] = AdminFactory()
    # The assigned driver follows the order too, once a delivery is theirs.
    expected = dict(SUBSCRIPTIONS)
    expected["orderUpdated"] = expected["orderUpdated"] | {"driver_assigned"}
    variables = {
        "orderUpdated": {"id": gid("Order", order.pk)},
        "restaurantOrders": {
            "id": gid("Restaurant", restaurant.pk),
            "since": (timezone.now() - timedelta(hours=1)).isoformat(),
        },
    }

    wrong = {}
    with live_servers(1) as [server]:
        for name, document in SUBSCRIBE.items():
            for caller in CALLERS:
                user = users[caller]
                params = {"token": GraphQLClient(None).login_as(user).token} if user else {}
                with graphql_socket(server, params) as ws:
                    ws.subscribe("1", document, variables[name])
                    message = ws.receive(timeout=10)
                reached = message["type"] == "next" and not message["payload"].get("errors")
                if reached != (caller in expected[name]):
                    wrong[(name, caller)] = message
    assert not wrong, wrong
