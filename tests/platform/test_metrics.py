import pytest

pytestmark = pytest.mark.django_db


def test_metrics_count_graphql_operations_by_name(client, gql):
    gql.execute("query WhoAmI { me { id } }")

    body = client.get("/metrics").content.decode()

    assert 'graphql_operations_total{name="WhoAmI",outcome="ok",type="query"}' in body
    assert 'http_requests_total{method="POST",route="graphql/",status="200"}' in body


def test_metrics_need_the_scrape_token_when_one_is_set(client, settings):
    settings.METRICS_TOKEN = "scrape-secret"

    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert (
        client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"}).status_code == 200
    )
