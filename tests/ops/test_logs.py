"""Structured logs: one line per request with its id, the ids carried into tasks, no secrets."""

import json
import logging

import pytest
import structlog
from django.conf import settings

from config.logging import REDACTED, scrub
from payments.models import Payment
from tests.factories import DEFAULT_PASSWORD
from tests.ops import failing_urls
from tests.orders.checkout_helpers import PLACE_ORDER, a_menu, checkout_input, line
from tests.payments.test_webhooks import intent_event, signed

LOGIN = """mutation Login($input: LoginInput!) { login(input: $input) {
  accessToken refreshToken errors { code } } }"""
REFRESH = """mutation Refresh($input: RefreshTokenInput!) { refreshToken(input: $input) {
  accessToken refreshToken errors { code } } }"""


def post_graphql(client, document, variables, *, token=None, request_id=None):
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if request_id:
        headers["X-Request-ID"] = request_id
    return client.post(
        "/graphql/",
        {"query": document, "variables": variables},
        content_type="application/json",
        headers=headers,
    )


def request_lines(logs, request_id):
    return [e for e in logs.events() if e.get("request_id") == request_id]


@pytest.mark.django_db
def test_a_request_logs_one_line_with_its_id_operation_and_outcome(client, captured_logs):
    response = post_graphql(
        client,
        LOGIN,
        {"input": {"email": "nobody@example.com", "password": "not-the-password"}},
        request_id="edge-7f3a",
    )

    assert response["X-Request-ID"] == "edge-7f3a"
    [line_] = [e for e in request_lines(captured_logs, "edge-7f3a") if e["event"] == "request"]
    assert line_["graphql_operation"] == "Login"
    assert line_["graphql_type"] == "mutation"
    assert line_["error_codes"] == ["INVALID_CREDENTIALS"]
    assert line_["outcome"] == "error"
    assert line_["status"] == 200
    assert line_["level"] == "info"
    assert line_["duration_ms"] > 0


@pytest.mark.django_db
def test_the_request_id_is_generated_when_absent_or_unsafe(client, captured_logs):
    generated = client.get("/graphql/", headers={"Accept": "text/html"})["X-Request-ID"]
    forged = client.get(
        "/graphql/", headers={"Accept": "text/html", "X-Request-ID": 'x" level="critical'}
    )["X-Request-ID"]

    assert len(generated) == 32
    assert len(forged) == 32
    assert forged != generated
    assert "critical" not in captured_logs.text


@pytest.mark.django_db
def test_the_line_names_the_signed_in_user(client, captured_logs):
    menu = a_menu()
    login = post_graphql(
        client, LOGIN, {"input": {"email": menu.customer.email, "password": DEFAULT_PASSWORD}}
    ).json()["data"]["login"]

    post_graphql(client, "query Me { me { id } }", {}, token=login["accessToken"], request_id="r1")

    [request] = [e for e in request_lines(captured_logs, "r1") if e["event"] == "request"]
    assert request["user_id"] == str(menu.customer.pk)
    assert request["outcome"] == "ok"


@pytest.mark.django_db
def test_a_failing_request_logs_its_traceback_and_line_under_its_id(
    client, captured_logs, settings
):
    settings.ROOT_URLCONF = "tests.ops.failing_urls"
    client.raise_request_exception = False

    response = client.post("/fail/", headers={"X-Request-ID": "boom-1"})

    assert response.status_code == 500
    assert response["X-Request-ID"] == "boom-1"
    lines = request_lines(captured_logs, "boom-1")
    failure = next(e for e in lines if e["logger"] == "django.request")
    [request] = [e for e in lines if e["event"] == "request"]
    assert failure["level"] == "error"
    assert "RuntimeError: could not charge" in failure["exception"]
    assert failing_urls.CARD not in captured_logs.text
    assert (request["status"], request["outcome"]) == (500, "server_error")


def test_secrets_are_masked_by_key_and_by_shape():
    event = {
        "event": "calling Stripe with sk_test_abc123 for pi_3Nx_secret_Zz9 and 4242 4242 4242 4242",
        "headers": {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlX3g"},
        "input": {"password": "hunter2-hunter2", "refreshToken": "opaque-refresh"},
        "signature_header": "t=1700000000,v1=" + "ab" * 32,
        "order_number": "A-1042",
    }

    masked = scrub(event)

    assert masked["event"] == f"calling Stripe with {REDACTED} for {REDACTED} and {REDACTED}"
    assert masked["headers"]["Authorization"] == REDACTED
    assert masked["input"] == {"password": REDACTED, "refreshToken": REDACTED}
    assert masked["signature_header"] == REDACTED
    assert masked["order_number"] == "A-1042"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            "invalid value {'email': 'a@b.c', 'password': 'hunter2-secret'}.",
            f"invalid value {{'email': 'a@b.c', 'password': '{REDACTED}'}}.",
        ),
        ('{"refreshToken": "opaque\\"quoted"}', f'{{"refreshToken": "{REDACTED}"}}'),
        ("GET /reset?token=abc123&next=/", f"GET /reset?token={REDACTED}&next=/"),
        ("Authorization: Bearer abc.def", f"Authorization: {REDACTED}"),
        ("password: hunter2 was refused", f"password: {REDACTED} was refused"),
        ("refresh token rotated: family 7", "refresh token rotated: family 7"),
    ],
)
def test_secrets_inside_text_are_masked(text, masked):
    assert scrub(text) == masked


def test_library_lines_are_redacted_too(captured_logs):
    logging.getLogger("some.library").warning("retrying with whsec_%s", "livewebhooksecret")

    [event] = captured_logs.events()
    assert event["event"] == f"retrying with {REDACTED}"
    assert "livewebhooksecret" not in captured_logs.text


@pytest.mark.django_db(transaction=True)
def test_no_secret_reaches_a_log_line_through_sign_in_refresh_checkout_and_webhook(
    client, localstripe, captured_logs
):
    menu = a_menu()
    card_number = "4242424242424242"
    payment_method = localstripe.payment_method(card_number)
    # From here on only the server speaks (factory_boy logs the test data it makes).
    captured_logs.clear()

    login = post_graphql(
        client, LOGIN, {"input": {"email": menu.customer.email, "password": DEFAULT_PASSWORD}}
    ).json()["data"]["login"]
    refreshed = post_graphql(
        client, REFRESH, {"input": {"refreshToken": login["refreshToken"]}}
    ).json()["data"]["refreshToken"]
    # A malformed sign-in: GraphQL echoes the variables in its error, which Strawberry logs.
    assert post_graphql(client, LOGIN, {"input": {"password": DEFAULT_PASSWORD}}).json()["errors"]
    placed = post_graphql(
        client,
        PLACE_ORDER,
        {"input": checkout_input(menu, [line(menu.soup, 3)], payment_method_id=payment_method)},
        token=refreshed["accessToken"],
        request_id="checkout-1",
    ).json()["data"]["placeOrder"]
    assert placed["order"]["status"] == "PLACED", placed
    payment = Payment.objects.get()
    body, signature = signed(intent_event(payment, "payment_intent.succeeded", "succeeded"))
    webhook = client.post(
        "/webhooks/stripe/",
        body,
        content_type="application/json",
        headers={"Stripe-Signature": signature},
    )
    assert webhook.status_code == 200

    secrets = {
        "password": DEFAULT_PASSWORD,
        "first access token": login["accessToken"],
        "first refresh token": login["refreshToken"],
        "second access token": refreshed["accessToken"],
        "second refresh token": refreshed["refreshToken"],
        "payment client secret": Payment.objects.get().client_secret,
        "card number": card_number,
        "Stripe secret key": settings.STRIPE_SECRET_KEY,
        "webhook signing secret": settings.STRIPE_WEBHOOK_SECRET,
        "webhook signature": signature.split("v1=")[1],
    }
    logged = captured_logs.text
    # The flow was logged (so the search below searched something): a line per request.
    requests = [e for e in captured_logs.events() if e["event"] == "request"]
    assert [r["path"] for r in requests] == ["/graphql/"] * 4 + ["/webhooks/stripe/"]
    for name, secret in secrets.items():
        assert secret, name
        assert secret not in logged, f"the {name} was logged"


@pytest.mark.django_db(transaction=True)
def test_tasks_enqueued_by_a_request_log_its_request_id(client, localstripe, captured_logs):
    menu = a_menu()
    placed = post_graphql(
        client,
        PLACE_ORDER,
        {"input": checkout_input(menu, [line(menu.soup, 3)], payment_method_id="pm_card_visa")},
        token=client_token(menu.customer),
        request_id="checkout-2",
    ).json()["data"]["placeOrder"]
    assert placed["order"]["status"] == "PLACED", placed

    # Eager here (no broker): the task runs inside the request. A real worker is covered by
    # tests/ops/test_stack.py, which reads a worker's lines.
    tasks = [e for e in request_lines(captured_logs, "checkout-2") if e.get("logger") == "task"]
    assert tasks, json.dumps(captured_logs.events(), indent=1)
    assert {t["outcome"] for t in tasks} == {"success"}
    assert all(t["task_id"] and t["task"] for t in tasks)
    # Once the request ends its context is gone: nothing later claims to be part of it.
    assert structlog.contextvars.get_contextvars() == {}


def client_token(user) -> str:
    from django.utils import timezone

    from accounts.tokens import access_token_issue

    return access_token_issue(user_id=user.pk, version=user.token_version, now=timezone.now())[0]
