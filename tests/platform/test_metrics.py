import pytest

pytestmark = pytest.mark.django_db


def test_metrics_count_graphql_operations_by_known_name(client, gql, settings):
    settings.GRAPHQL_METRICS_OPERATIONS = frozenset({"WhoAmI"})
    gql.execute("query Me { me { id } }")
    gql.execute("query WhoAmI { me { id } }")
    gql.execute("query Surprise123 { me { id } }")

    body = client.get("/metrics").content.decode()

    # A root field's name, one the settings list, and everything else in one bucket.
    assert 'graphql_operations_total{name="Me",outcome="ok",type="query"}' in body
    assert 'graphql_operations_total{name="WhoAmI",outcome="ok",type="query"}' in body
    assert 'graphql_operations_total{name="other",outcome="ok",type="query"}' in body
    assert "Surprise123" not in body
    assert (
        'django_http_responses_total_by_status_view_method_total{method="POST",status="200",'
        'view="graphql"}' in body
    )


def test_metrics_count_error_codes(client, gql):
    gql.execute(
        'mutation { login(input: {email: "nobody@example.com", password: "wrong-one-1"}) '
        "{ errors { code } } }"
    )
    gql.execute("{ notAField }")

    body = client.get("/metrics").content.decode()

    assert 'graphql_errors_total{code="INVALID_CREDENTIALS"}' in body
    assert 'graphql_errors_total{code="BAD_REQUEST"}' in body


def test_metrics_need_the_scrape_token_when_one_is_set(client, settings):
    settings.METRICS_TOKEN = "scrape-secret"

    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert (
        client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"}).status_code == 200
    )


def test_client_chosen_operation_names_do_not_grow_the_metrics(client, gql):
    """3,000 anonymous requests with made-up operation names once took /metrics from 27 KB to
    8.3 MB: every name became a label value."""
    gql.execute("query Warmup { me { id } }")
    before = len(client.get("/metrics").content)

    for n in range(300):
        gql.execute(f"query Made{n}Up {{ me {{ id }} }}")

    body = client.get("/metrics").content.decode()
    assert "Made17Up" not in body
    # Counters and histograms move; no new series appear (a series is hundreds of bytes).
    assert len(body) - before < 2_000
