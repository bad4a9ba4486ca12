import base64

import pytest

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

NODE = "query Node($id: ID!) { node(id: $id) { id ... on User { email } } }"


def global_id(type_name: str, key: str) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


def test_node_resolves_the_callers_own_user(gql):
    user = CustomerFactory()
    gql.login_as(user)

    data = gql.data(NODE, {"id": global_id("User", str(user.pk))})

    assert data["node"]["email"] == user.email


@pytest.mark.parametrize(
    "node_id",
    [
        global_id("User", "1"),
        global_id("User", "not-a-uuid"),
        global_id("User", "00000000-0000-0000-0000-000000000000"),
        global_id("NoSuchType", "00000000-0000-0000-0000-000000000000"),
        # A type of the schema that is not a Node (Money), and one whose id is a UUID (Refund).
        global_id("Money", "00000000-0000-0000-0000-000000000000"),
        global_id("Refund", "00000000-0000-0000-0000-000000000000"),
        "xyz",
        "garbage",
        "",
    ],
)
def test_unknown_or_malformed_ids_are_not_found_never_a_server_error(gql, node_id):
    gql.login_as(CustomerFactory())

    result = gql.execute(NODE, {"id": node_id})

    assert result.data == {"node": None}
    assert result.errors[0]["message"] == "Nothing with this id."
    assert result.errors[0]["extensions"] == {"code": "NOT_FOUND", "field": "id"}


def test_an_inline_id_that_is_no_global_id_is_not_found_too(gql):
    result = gql.execute('{ node(id: "xyz") { id } }')

    assert result.data == {"node": None}
    assert result.errors[0]["extensions"]["code"] == "NOT_FOUND"
