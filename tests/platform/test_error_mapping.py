"""One way to turn domain errors into payloads: every mutation carries DomainErrorsToPayload."""

import pytest

from graphql_api.core.errors import DomainErrorsToPayload
from graphql_api.schema import schema
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_every_mutation_maps_domain_errors_to_its_payload():
    mutation_type = schema.schema_converter.type_map["Mutation"].definition
    for field in mutation_type.fields:
        assert any(isinstance(e, DomainErrorsToPayload) for e in field.extensions), field.name
        payload = field.type.__strawberry_definition__
        assert "errors" in {payload_field.python_name for payload_field in payload.fields}


def test_a_domain_error_empties_the_payload_and_names_code_and_field(gql):
    gql.login_as(CustomerFactory())
    data = gql.data(
        """mutation { acceptOrder(input: {orderId: "T3JkZXI6bm9wZQ==", preparationMinutes: 20})
             { order { id } errors { code field message } } }"""
    )
    assert data["acceptOrder"] == {
        "order": None,
        "errors": [{"code": "NOT_FOUND", "field": "orderId", "message": "No such order."}],
    }


def test_a_payload_with_a_flag_reports_false_on_failure(gql):
    data = gql.data(
        """mutation { deleteAddress(input: {id: "QWRkcmVzczpub3Bl"}) { ok errors { code } } }"""
    )
    assert data["deleteAddress"] == {"ok": False, "errors": [{"code": "NOT_AUTHENTICATED"}]}
