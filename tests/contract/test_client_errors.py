"""Every error a client can cause carries `extensions.code` (or a typed payload error), and
"Unexpected error." is left for bugs. Issue 11, "Errors"."""

import base64
import logging

import pytest
from django.test import override_settings
from strawberry import relay

from accounts.models import Address, User
from config.logging import formatter
from tests.factories import CustomerFactory, RestaurantFactory

pytestmark = pytest.mark.django_db


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


RESTAURANTS = (
    "query($first: Int, $last: Int, $after: String, $before: String) {"
    " restaurants(first: $first, last: $last, after: $after, before: $before) {"
    " totalCount edges { node { name } } } }"
)
MY_ORDERS = (
    "query($first: Int, $after: String) { myOrders(first: $first, after: $after) {"
    " totalCount edges { cursor node { number } } } }"
)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"first": 2, "after": "bogus"}, "after"),
        ({"first": 2, "after": b64("arrayconnection:-5")}, "after"),
        ({"first": 2, "before": b64("something:else")}, "before"),
        ({"first": 2, "after": b64("keyset:[1,2]")}, "after"),
        ({"first": 101}, "first"),
        ({"first": -1}, "first"),
        ({"last": 101}, "last"),
        ({"last": -3}, "last"),
    ],
)
def test_bad_page_arguments_of_the_catalogue_are_validation_errors(gql, arguments, field):
    RestaurantFactory()

    result = gql.execute(RESTAURANTS, arguments)

    assert result.data is None
    assert result.errors[0]["extensions"] == {"code": "VALIDATION", "field": field}
    assert result.errors[0]["message"] != "Unexpected error."


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"first": 2, "after": "bogus"}, "after"),
        # An offset cursor of Strawberry's kind, negative: the old lists crashed on it.
        ({"first": 2, "after": b64("arrayconnection:-5")}, "after"),
        ({"first": 2, "after": b64('keyset:["not a time","x"]')}, "after"),
        ({"first": 2, "after": b64("keyset:{}")}, "after"),
        ({"first": 500}, "first"),
        ({"first": -1}, "first"),
    ],
)
def test_bad_page_arguments_of_my_orders_are_validation_errors(gql, arguments, field):
    gql.login_as(CustomerFactory())

    result = gql.execute(MY_ORDERS, arguments)

    assert result.data is None
    assert result.errors[0]["extensions"] == {"code": "VALIDATION", "field": field}


REGISTER = """mutation($input: RegisterInput!) { register(input: $input) {
  accessToken errors { code field message } } }"""
ADD_ADDRESS = """mutation($input: AddressInput!) { addAddress(input: $input) {
  address { id } errors { code field } } }"""


def test_register_reports_every_invalid_field_at_once(gql):
    result = gql.data(
        REGISTER,
        {"input": {"email": "not-an-email", "password": "short", "fullName": "  "}},
    )["register"]

    assert result["accessToken"] is None
    assert {(error["code"], error["field"]) for error in result["errors"]} == {
        ("VALIDATION", "email"),
        ("VALIDATION", "fullName"),
        ("VALIDATION", "password"),
    }
    assert not User.objects.exists()


def test_add_address_reports_every_invalid_field_at_once(gql):
    gql.login_as(CustomerFactory())
    address = {
        "line1": "Rua Augusta 100",
        "city": "Lisbon",
        "postalCode": "1100-053",
        "country": "Portugal",
        "latitude": 123,
        "longitude": 500,
    }

    result = gql.data(ADD_ADDRESS, {"input": address})["addAddress"]

    assert result["address"] is None
    assert sorted(error["field"] for error in result["errors"]) == [
        "country",
        "latitude",
        "longitude",
    ]
    assert not Address.objects.exists()


LOGIN = """mutation($input: LoginInput!) { login(input: $input) {
  accessToken errors { code field message retryAfter } } }"""


@override_settings(RATE_LIMIT_SIGN_IN_PER_ACCOUNT=2, SIGN_IN_LOCKOUT_AFTER_FAILURES=50)
def test_rate_limited_says_when_to_try_again(gql):
    credentials = {"email": "rita@example.test", "password": "wrong-password-1"}
    for _ in range(2):
        failed = gql.data(LOGIN, {"input": credentials})["login"]["errors"][0]
        assert failed["code"] == "INVALID_CREDENTIALS"
        assert failed["retryAfter"] is None

    blocked = gql.data(LOGIN, {"input": credentials})["login"]["errors"][0]

    assert blocked["code"] == "RATE_LIMITED"
    assert 1 <= blocked["retryAfter"] <= 60
    assert f"{blocked['retryAfter']} seconds" in blocked["message"]


@override_settings(SIGN_IN_LOCKOUT_AFTER_FAILURES=2, SIGN_IN_LOCKOUT_SECONDS=900)
def test_a_locked_out_account_says_when_to_try_again(gql):
    credentials = {"email": "rita@example.test", "password": "wrong-password-1"}
    for _ in range(2):
        gql.data(LOGIN, {"input": credentials})

    blocked = gql.data(LOGIN, {"input": credentials})["login"]["errors"][0]

    assert blocked["code"] == "RATE_LIMITED"
    assert 890 <= blocked["retryAfter"] <= 900


def test_a_query_error_carries_retry_after_in_extensions():
    from core.errors import RateLimited
    from graphql_api.core.errors import graphql_error

    error = graphql_error(RateLimited(retry_after=17))

    assert error.extensions == {"code": "RATE_LIMITED", "retryAfter": 17}


RESTAURANT = "query($id: ID, $slug: String) { restaurant(id: $id, slug: $slug) { name } }"


@pytest.mark.parametrize(
    ("arguments", "code", "field"),
    [
        ({"id": "xyz"}, "NOT_FOUND", "id"),
        (
            {"id": str(relay.GlobalID("Restaurant", "00000000-0000-0000-0000-000000000000"))},
            "NOT_FOUND",
            "id",
        ),
        ({"slug": "nope"}, "NOT_FOUND", "slug"),
        ({}, "VALIDATION", "id"),
        ({"id": "xyz", "slug": "nope"}, "VALIDATION", "id"),
    ],
)
def test_a_single_restaurant_that_is_not_there_is_not_found(gql, arguments, code, field):
    RestaurantFactory(slug="there")

    result = gql.execute(RESTAURANT, arguments)

    assert result.data == {"restaurant": None}
    assert result.errors[0]["extensions"] == {"code": code, "field": field}


def test_every_single_object_query_answers_not_found_the_same_way(gql):
    gql.login_as(CustomerFactory())
    missing = "00000000-0000-0000-0000-000000000000"
    answers = [
        gql.execute("query($id: ID!) { order(id: $id) { id } }", {"id": "xyz"}),
        gql.execute(
            "query($id: ID!) { order(id: $id) { id } }",
            {"id": str(relay.GlobalID("Order", missing))},
        ),
        gql.execute(RESTAURANT, {"slug": "nope"}),
        gql.execute("query($id: ID!) { node(id: $id) { id } }", {"id": "xyz"}),
    ]

    for answer in answers:
        assert list(answer.data.values()) == [None]
        assert answer.errors[0]["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("document", "variables", "code"),
    [
        ("{ restaurants { ", {}, "GRAPHQL_PARSE_FAILED"),
        ("{ notAField }", {}, "GRAPHQL_VALIDATION_FAILED"),
        (
            "query($first: Int) { restaurants(first: $first) { totalCount } }",
            {"first": "x"},
            "BAD_USER_INPUT",
        ),
        ("query($id: ID!) { order(id: $id) { id } }", {}, "BAD_USER_INPUT"),
    ],
)
def test_requests_that_never_ran_carry_a_code(gql, document, variables, code):
    result = gql.execute(document, variables)

    assert result.errors[0]["extensions"]["code"] == code


def _rendered(records) -> str:
    render = formatter("json")
    return "\n".join(render.format(record) for record in records)


def test_expected_errors_are_logged_once_at_info_without_a_traceback(gql, caplog):
    caplog.set_level(logging.INFO)
    gql.execute("{ restaurants { ")
    gql.execute("query($id: ID!) { order(id: $id) { id } }", {"id": "xyz"})
    gql.execute("{ myOrders(first: 1) { totalCount } }")
    gql.execute('{ node(id: "xyz") { id } }')

    error_records = [r for r in caplog.records if r.name == "graphql_api.errors"]
    assert [r.levelno for r in error_records] == [logging.INFO] * 4
    assert [r.msg["code"] for r in error_records] == [
        "GRAPHQL_PARSE_FAILED",
        "NOT_FOUND",
        "NOT_AUTHENTICATED",
        "NOT_FOUND",
    ]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "Traceback" not in _rendered(caplog.records)


def test_a_bug_is_logged_once_at_error_with_its_traceback_and_masked(gql, caplog, monkeypatch):
    from graphql_api.restaurants import queries

    def broken(**kwargs):
        raise RuntimeError("a bug in the catalogue")

    monkeypatch.setattr(queries, "restaurants_listed", broken)
    caplog.set_level(logging.INFO)

    result = gql.execute("{ restaurants { totalCount } }")

    assert result.errors[0]["message"] == "Unexpected error."
    assert result.errors[0]["extensions"] == {"code": "INTERNAL"}
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "Traceback" in _rendered(errors)
    assert "RuntimeError: a bug in the catalogue" in _rendered(errors)


SECRET = "Hunter2-Secret-Passphrase"


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        # An inline password in an operation that fails to parse, to validate, or to run.
        (f'mutation {{ login(input: {{email: "a@b.test", password: "{SECRET}"}}) {{ nope }}', {}),
        (
            f'mutation {{ login(input: {{email: "a@b.test", password: "{SECRET}"}}) {{ nope }} }}',
            {},
        ),
        (f'mutation {{ login(input: {{email: 1, password: "{SECRET}"}}) {{ accessToken }} }}', {}),
        (
            f'mutation {{ login(input: {{email: "a@b.test", password: {SECRET} }}) '
            "{ accessToken } }",
            {},
        ),
        # Variables that fail their types are quoted whole by GraphQL's message.
        (LOGIN, {"input": {"email": 5, "password": SECRET}}),
        (LOGIN, {"input": {"email": "a@b.test", "password": [SECRET]}}),
        (REGISTER, {"input": {"email": "a@b.test", "password": SECRET, "fullName": 7}}),
        # A sign-in that runs and fails.
        (LOGIN, {"input": {"email": "a@b.test", "password": SECRET}}),
    ],
)
def test_failing_sign_ins_leave_no_password_in_the_log(gql, caplog, document, variables):
    caplog.set_level(logging.DEBUG)

    result = gql.execute(document, variables)

    assert result.errors or result.data
    logged = _rendered(caplog.records)
    assert "graphql error" in logged or "INVALID_CREDENTIALS" in logged
    assert SECRET not in logged
    assert SECRET.lower() not in logged.lower()
