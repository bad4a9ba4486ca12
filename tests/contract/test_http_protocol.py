"""GraphQL over HTTP: media types, status codes and GET. Issue 11, "Protocol"."""

import json

import pytest

from tests.factories import RestaurantFactory

pytestmark = pytest.mark.django_db

GRAPHQL_RESPONSE = "application/graphql-response+json"


def post(client, body: dict, accept: str | None = None):
    headers = {"Accept": accept} if accept else {}
    return client.post(
        "/graphql/", json.dumps(body), content_type="application/json", headers=headers
    )


NEVER_RAN = [
    pytest.param({"query": "{ restaurants { "}, id="parse error"),
    pytest.param({"query": "{ notAField }"}, id="validation error"),
    pytest.param(
        {
            "query": "query($first: Int) { restaurants(first: $first) { totalCount } }",
            "variables": {"first": "many"},
        },
        id="variable coercion error",
    ),
]


@pytest.mark.parametrize("body", NEVER_RAN)
def test_a_request_that_never_ran_is_400_without_data_for_graphql_response_clients(client, body):
    response = post(client, body, accept=GRAPHQL_RESPONSE)

    assert response.status_code == 400
    assert response["Content-Type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    answer = response.json()
    assert "data" not in answer
    assert answer["errors"][0]["extensions"]["code"].startswith(("GRAPHQL_", "BAD_USER_INPUT"))


@pytest.mark.parametrize("body", NEVER_RAN)
@pytest.mark.parametrize("accept", [None, "application/json", "*/*"])
def test_application_json_clients_keep_200_with_data_null(client, body, accept):
    response = post(client, body, accept=accept)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["data"] is None


def test_a_request_that_ran_is_200_in_the_media_type_asked_for(client):
    RestaurantFactory()

    found = post(client, {"query": "{ restaurants { totalCount } }"}, accept=GRAPHQL_RESPONSE)
    not_found = post(
        client, {"query": '{ restaurant(slug: "nope") { name } }'}, accept=GRAPHQL_RESPONSE
    )

    assert found.status_code == 200
    assert found["Content-Type"].startswith(GRAPHQL_RESPONSE)
    assert found.json()["data"] == {"restaurants": {"totalCount": 1}}
    # It ran: a field error keeps 200 and `data`.
    assert not_found.status_code == 200
    assert not_found.json()["data"] == {"restaurant": None}


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE};q=0.5", "application/json"),
        (f"{GRAPHQL_RESPONSE};q=0", "application/json"),
    ],
)
def test_the_client_s_preference_decides_the_media_type(client, accept, media_type):
    response = post(client, {"query": "{ __typename }"}, accept=accept)

    assert response["Content-Type"].startswith(media_type)


def test_get_runs_queries(client):
    RestaurantFactory()

    response = client.get(
        "/graphql/", {"query": "{ restaurants { totalCount } }"}, headers={"Accept": "*/*"}
    )

    assert response.status_code == 200
    assert response.json()["data"] == {"restaurants": {"totalCount": 1}}


def test_get_refuses_mutations_with_405(client):
    mutation = 'mutation { login(input: {email: "a@b.test", password: "x"}) { accessToken } }'

    response = client.get("/graphql/", {"query": mutation}, headers={"Accept": "*/*"})

    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_the_view_allows_get_as_it_says():
    from graphql_api.views import graphql_view

    view = graphql_view()

    assert view.view_initkwargs["allow_queries_via_get"] is True
