"""Generated requests over the whole schema (hypothesis-graphql), anonymous and signed in: no
answer is ever "Unexpected error." — every mistake a client can make gets a typed error.

Bounded (FUZZ_EXAMPLES per test, no shrinking database) so it runs in `make test`; raise
FUZZ_EXAMPLES locally for a longer search.
"""

import os
from datetime import UTC

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries

from graphql_api.core.masking import UNEXPECTED_ERROR_MESSAGE
from graphql_api.schema import schema
from orders.models import OrderStatus
from tests.factories import CustomerFactory, MenuItemFactory, OrderFactory
from tests.graphql_client import GraphQLClient

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "120"))
SCHEMA = schema._schema
CUSTOM_SCALARS = {
    "Date": st.dates().map(lambda d: nodes.String(d.isoformat())),
    "DateTime": st.datetimes(timezones=st.just(UTC)).map(lambda d: nodes.String(d.isoformat())),
    "Time": st.times().map(lambda t: nodes.String(t.strftime("%H:%M"))),
}
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Seen across the run: how many requests, and how many carried a typed error.
TALLY = {"requests": 0, "typed_errors": 0}


@pytest.fixture(scope="module", autouse=True)
def tally_report():
    """The run's figures, for `pytest -s` (the closing notes quote them)."""
    yield
    print(f"\nfuzz: {TALLY['requests']} requests, {TALLY['typed_errors']} typed errors")


@pytest.fixture
def world(settings):
    settings.RATE_LIMITS_ENABLED = False  # fuzzing is not abuse; the limits have their tests
    customer = CustomerFactory()
    item = MenuItemFactory()
    OrderFactory(customer=customer, restaurant=item.category.restaurant, status=OrderStatus.PLACED)
    return customer


def check(client, document: str, token: str | None) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.post(
        "/graphql/", {"query": document}, content_type="application/json", headers=headers
    )
    text = response.content.decode()
    TALLY["requests"] += 1
    assert UNEXPECTED_ERROR_MESSAGE not in text, f"{document}\n-> {text[:2000]}"
    assert response.status_code < 500, text[:2000]
    body = response.json()
    for error in body.get("errors") or []:
        assert (error.get("extensions") or {}).get("code"), f"{document}\n-> {error}"
        TALLY["typed_errors"] += 1


def token_for(client, user) -> str:
    return GraphQLClient(client).login_as(user).token


@FUZZ
@given(document=queries(SCHEMA, custom_scalars=CUSTOM_SCALARS))
def test_anonymous_queries(client, world, document):
    check(client, document, None)


@FUZZ
@given(document=queries(SCHEMA, custom_scalars=CUSTOM_SCALARS))
def test_customer_queries(client, world, document):
    check(client, document, token_for(client, world))


@FUZZ
@given(document=mutations(SCHEMA, custom_scalars=CUSTOM_SCALARS))
def test_customer_mutations(client, world, document):
    check(client, document, token_for(client, world))


@FUZZ
@given(document=mutations(SCHEMA, custom_scalars=CUSTOM_SCALARS))
def test_anonymous_mutations(client, world, document):
    check(client, document, None)
