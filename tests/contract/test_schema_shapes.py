"""What the schema tells app authors: enums where values are fixed, non-null totals, and
descriptions that are true."""

from graphql import GraphQLEnumType, GraphQLNonNull

from graphql_api.schema import schema

GRAPHQL = schema._schema


def test_refund_status_and_notification_kind_are_enums():
    refund_status = GRAPHQL.get_type("Refund").fields["status"].type
    kind = GRAPHQL.get_type("Notification").fields["kind"].type

    assert isinstance(refund_status.of_type, GraphQLEnumType)
    assert set(refund_status.of_type.values) == {"PENDING", "SUCCEEDED", "FAILED"}
    assert isinstance(kind.of_type, GraphQLEnumType)
    assert {"ORDER_ACCEPTED", "ORDER_REFUNDED", "DELIVERY_OFFERED"} <= set(kind.of_type.values)


def test_every_total_count_is_non_null():
    connections = [name for name in GRAPHQL.type_map if name.endswith("Connection")]

    assert connections
    for name in connections:
        assert isinstance(GRAPHQL.get_type(name).fields["totalCount"].type, GraphQLNonNull), name


def test_page_arguments_say_what_they_do():
    for field in GRAPHQL.query_type.fields.values():
        if "last" in field.args:
            assert "from the end" in field.args["last"].description
            assert "after" not in field.args["last"].description


def test_order_updated_names_everyone_who_may_subscribe():
    description = GRAPHQL.subscription_type.fields["orderUpdated"].description

    for who in ("customer", "staff", "driver", "admins"):
        assert who in description


def test_delete_address_has_a_payload_of_its_own():
    assert GRAPHQL.mutation_type.fields["deleteAddress"].type.of_type.name == (
        "DeleteAddressPayload"
    )
