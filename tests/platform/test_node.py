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


@pytest.mark.parametrize("key", ["1", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_unknown_or_malformed_ids_are_null_not_a_server_error(gql, key):
    gql.login_as(CustomerFactory())

    result = gql.execute(NODE, {"id": global_id("User", key)})

    assert result.errors is None
    assert result.data == {"node": None}


def test_a_string_that_is_no_global_id_is_a_clear_error(gql):
    result = gql.execute(NODE, {"id": "garbage"})

    assert result.data is None or result.data.get("node") is None
    assert "GlobalID" in result.errors[0]["message"]
