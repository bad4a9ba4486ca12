"""Ending access reaches open sockets on every process within two seconds.

HTTP re-reads the token on each request; these tests hold WebSockets open on one server process
and end the access elsewhere (the other process, the admin, a service call in this process),
and expect the affected sockets closed (or the affected subscription ended) with a code the
reference client does not retry: 1008 for a token that will never work again, 4401 for an
expired one (refresh and reconnect).
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from websockets.exceptions import ConnectionClosed

from accounts.models import RefreshToken
from accounts.services import user_deactivate
from graphql_api.websocket import CLOSE_TOKEN_EXPIRED, CLOSE_UNAUTHORIZED
from orders.models import OrderStatus
from orders.services.lifecycle import order_transition
from restaurants.models import RestaurantStaff
from restaurants.services import restaurant_staff_remove
from tests.factories import (
    AdminFactory,
    CustomerFactory,
    OrderFactory,
    RestaurantFactory,
    RestaurantStaffFactory,
)
from tests.live.helpers import (
    ORDER_UPDATED,
    RESTAURANT_ORDERS,
    REVOCATION_SECONDS,
    bearer,
    global_id,
    next_data,
    operation_error_code,
    sign_in,
    snapshot,
    timed_close,
    token_of,
)
from tests.live_servers import graphql_socket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]

LOGOUT = "mutation ($t: String!) { logout(input: {refreshToken: $t}) { ok errors { code } } }"
REFRESH = """
mutation ($t: String!) {
  refreshToken(input: {refreshToken: $t}) { accessToken refreshToken errors { code } }
}
"""
CHANGE_PASSWORD = """
mutation ($old: String!, $new: String!) {
  changePassword(input: {currentPassword: $old, newPassword: $new}) {
    accessToken errors { code message }
  }
}
"""
ME = "{ me { email } }"


def watching(server, token, order):
    """A socket following `order`, past its first message."""
    socket = graphql_socket(server, bearer(token))
    ws = socket.__enter__()
    ws.subscribe("1", ORDER_UPDATED, {"id": global_id("Order", order.pk)})
    next_data(ws)
    return socket, ws


def assert_closed_within(ws, code: int, seconds: float = REVOCATION_SECONDS) -> float:
    closed_with, reason, elapsed = timed_close(ws, timeout=seconds)
    assert closed_with == code, (closed_with, reason)
    return elapsed


def test_logout_closes_that_sessions_sockets_on_another_process_and_no_others(servers):
    first, second = servers
    order = OrderFactory(status=OrderStatus.PLACED)
    phone, laptop = sign_in(second, order.customer), sign_in(second, order.customer)
    phone_socket, phone_ws = watching(first, phone["accessToken"], order)
    laptop_socket, laptop_ws = watching(first, laptop["accessToken"], order)
    try:
        result = second.graphql(LOGOUT, {"t": phone["refreshToken"]})
        assert result["data"]["logout"]["ok"] is True

        elapsed = assert_closed_within(phone_ws, CLOSE_UNAUTHORIZED)
        # The other session goes on: still subscribed, still told about the order.
        order_transition(
            order_id=order.pk, to_status=OrderStatus.CANCELLED, actor=None, now=timezone.now()
        )
        assert next_data(laptop_ws)["orderUpdated"]["status"] == "CANCELLED"
        # And HTTP agrees: the logged-out session's access token no longer signs anyone in.
        assert second.graphql(ME, token=phone["accessToken"])["data"]["me"] is None
        assert second.graphql(ME, token=laptop["accessToken"])["data"]["me"] is not None
    finally:
        phone_socket.__exit__(None, None, None)
        laptop_socket.__exit__(None, None, None)
    print(f"logout -> socket on the other process closed in {elapsed * 1000:.0f} ms")


def test_change_password_closes_sockets_opened_with_older_tokens(servers):
    first, second = servers
    order = OrderFactory(status=OrderStatus.PLACED)
    session = sign_in(second, order.customer)
    old_socket, old_ws = watching(first, session["accessToken"], order)
    try:
        result = second.graphql(
            CHANGE_PASSWORD,
            {"old": "correct-horse-battery-staple", "new": "a-new-long-passphrase-2026"},
            token=session["accessToken"],
        )
        new_token = result["data"]["changePassword"]["accessToken"]
        assert new_token, result

        assert_closed_within(old_ws, CLOSE_UNAUTHORIZED)
        # The fresh session's socket is unaffected by the (possibly late) nudge.
        with graphql_socket(first, bearer(new_token)) as ws:
            ws.subscribe("1", ORDER_UPDATED, {"id": global_id("Order", order.pk)})
            assert next_data(ws)["orderUpdated"]["status"] == "PLACED"
            ws.assert_silent(0.5)
    finally:
        old_socket.__exit__(None, None, None)


def test_a_refresh_token_presented_twice_closes_every_socket_of_that_session(servers):
    first, second = servers
    order = OrderFactory(status=OrderStatus.PLACED)
    session = sign_in(second, order.customer)
    rotated = second.graphql(REFRESH, {"t": session["refreshToken"]})["data"]["refreshToken"]
    before_socket, before_ws = watching(first, session["accessToken"], order)
    after_socket, after_ws = watching(first, rotated["accessToken"], order)
    try:
        # The first refresh token again: it leaked. The whole family ends.
        replay = second.graphql(REFRESH, {"t": session["refreshToken"]})["data"]["refreshToken"]
        assert replay["errors"] == [{"code": "INVALID_TOKEN"}]

        assert_closed_within(before_ws, CLOSE_UNAUTHORIZED)
        assert_closed_within(after_ws, CLOSE_UNAUTHORIZED)
    finally:
        before_socket.__exit__(None, None, None)
        after_socket.__exit__(None, None, None)


def test_deactivating_a_user_closes_all_their_sockets(servers):
    first, second = servers
    order = OrderFactory(status=OrderStatus.PLACED)
    sockets = [watching(server, token_of(order.customer), order) for server in servers]
    try:
        user_deactivate(user_id=order.customer_id, now=timezone.now())
        for _, ws in sockets:
            assert_closed_within(ws, CLOSE_UNAUTHORIZED)
    finally:
        for socket, _ in sockets:
            socket.__exit__(None, None, None)


def test_the_admin_deactivate_action_closes_the_users_sockets(servers, client):
    order = OrderFactory(status=OrderStatus.PLACED)
    socket, ws = watching(servers[0], token_of(order.customer), order)
    try:
        client.force_login(AdminFactory())
        response = client.post(
            "/admin/accounts/user/",
            {"action": "deactivate", "_selected_action": [str(order.customer_id)]},
        )
        assert response.status_code == 302
        assert_closed_within(ws, CLOSE_UNAUTHORIZED)
    finally:
        socket.__exit__(None, None, None)


def test_leaving_a_restaurants_team_ends_only_the_subscriptions_it_allowed(servers):
    first, second = servers
    restaurant = RestaurantFactory()
    owner = RestaurantStaffFactory(restaurant=restaurant).user
    leaving = RestaurantStaffFactory(restaurant=restaurant, role="STAFF").user
    kitchen_order = OrderFactory(restaurant=restaurant, status=OrderStatus.ACCEPTED)
    own_order = OrderFactory(customer=leaving, status=OrderStatus.PLACED)  # they eat too
    with graphql_socket(first, bearer(token_of(leaving))) as ws:
        ws.subscribe("screen", RESTAURANT_ORDERS, {"id": global_id("Restaurant", restaurant.pk)})
        snapshot(ws, "restaurantOrders", 1, operation_id="screen")
        ws.subscribe("ticket", ORDER_UPDATED, {"id": global_id("Order", kitchen_order.pk)})
        next_data(ws, "ticket")
        ws.subscribe("lunch", ORDER_UPDATED, {"id": global_id("Order", own_order.pk)})
        next_data(ws, "lunch")

        restaurant_staff_remove(actor=owner, restaurant_id=restaurant.pk, user_id=leaving.pk)

        ended = {}
        for _ in range(2):
            message = ws.receive(timeout=REVOCATION_SECONDS)
            ended[message["id"]] = operation_error_code(message)
            if message["type"] == "next":  # an error mid-stream comes as next, then complete
                assert ws.receive(timeout=1) == {"id": message["id"], "type": "complete"}
        assert ended == {"screen": "NOT_FOUND", "ticket": "NOT_FOUND"}
        assert not RestaurantStaff.objects.filter(user=leaving).exists()

        # The socket and the subscription that did not depend on the team go on.
        order_transition(
            order_id=own_order.pk, to_status=OrderStatus.CANCELLED, actor=None, now=timezone.now()
        )
        assert next_data(ws, "lunch")["orderUpdated"]["status"] == "CANCELLED"


def test_a_socket_closes_when_its_access_token_expires(servers):
    order = OrderFactory(status=OrderStatus.PLACED)
    issued = timezone.now() - settings.JWT_ACCESS_TOKEN_LIFETIME + timedelta(seconds=2)
    socket, ws = watching(servers[0], token_of(order.customer, now=issued), order)
    try:
        # Expiry is checked to the second (the `exp` claim); allow that second on top.
        assert_closed_within(ws, CLOSE_TOKEN_EXPIRED, seconds=4)
    finally:
        socket.__exit__(None, None, None)


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("not-a-token", CLOSE_UNAUTHORIZED),
        ("expired", CLOSE_TOKEN_EXPIRED),
        ("of-a-deactivated-user", CLOSE_UNAUTHORIZED),
    ],
)
def test_connecting_with_a_bad_token_closes_with_a_code_the_client_does_not_retry(
    servers, token, code
):
    if token == "expired":
        token = token_of(CustomerFactory(), now=timezone.now() - timedelta(hours=1))
    elif token == "of-a-deactivated-user":
        token = token_of(CustomerFactory(is_active=False))
    with pytest.raises(ConnectionClosed) as closed, graphql_socket(servers[1], bearer(token)):
        pass
    assert closed.value.rcvd.code == code


def test_each_subscribe_checks_the_token_again(servers):
    """A lost nudge (Redis down at the wrong moment) is caught at the next subscribe."""
    first, second = servers
    order = OrderFactory(status=OrderStatus.PLACED)
    session = sign_in(second, order.customer)
    socket, ws = watching(first, session["accessToken"], order)
    try:
        # Revoked behind the sockets' back: no broadcast at all.
        RefreshToken.objects.filter(user=order.customer).update(revoked_at=timezone.now())
        ws.assert_silent(0.5)
        ws.subscribe("2", ORDER_UPDATED, {"id": global_id("Order", order.pk)})
        assert_closed_within(ws, CLOSE_UNAUTHORIZED, seconds=1)
    finally:
        socket.__exit__(None, None, None)
