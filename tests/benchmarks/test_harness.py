"""The benchmark's own parts (make bench runs them for minutes; here they run for seconds): the
baselines answer exactly what GraphQL answers, the cost headers count what they claim, the
load generator drives a real server, and the percentiles and targets are computed right."""

import json

import pytest
import stripe
from django.http import HttpResponse
from django.test import RequestFactory

from bench import operations
from bench.load import Sample, percentile, run_load, summarize
from bench.middleware import RequestCostMiddleware
from bench.report import targets
from bench.views import menu_floor, menu_models
from restaurants.models import Restaurant
from tests.factories import MenuItemFactory, OptionFactory, OptionGroupFactory, RestaurantFactory
from tests.live_servers import live_servers


@pytest.fixture
def small_menu():
    restaurant = RestaurantFactory(slug="small")
    for index in range(4):
        item = MenuItemFactory(
            category__restaurant=restaurant, name=f"Dish {index}", dietary_tags=["vegan"]
        )
        group = OptionGroupFactory(item=item, min_selected=index % 2)
        OptionFactory(group=group, name="Regular", price_delta=0)
        OptionFactory(group=group, name="Large", price_delta=200)
    MenuItemFactory(category__restaurant=restaurant, name="Water", is_available=False)
    return restaurant


@pytest.mark.django_db
@pytest.mark.parametrize("view", [menu_floor, menu_models])
def test_the_baselines_answer_exactly_what_the_graphql_menu_answers(gql, small_menu, view):
    expected = gql.data(operations.MENU, {"slug": "small"})

    response = view(RequestFactory().get("/"), slug="small")

    assert json.loads(response.content) == {"data": expected}


@pytest.mark.django_db
def test_cost_headers_count_the_requests_queries():
    def view(request):
        list(Restaurant.objects.all())
        Restaurant.objects.count()
        return HttpResponse("ok")

    response = RequestCostMiddleware(view)(RequestFactory().get("/"))

    assert response["X-Bench-Queries"] == "2"
    assert response["X-Bench-Stripe-Ms"] == "0.00"


def test_cost_headers_time_the_calls_to_stripe(localstripe):
    def view(request):
        client = stripe.RequestsClient(timeout=5)
        client.request("get", f"{localstripe.base_url}/v1/payment_intents?limit=1", {})
        return HttpResponse("ok")

    response = RequestCostMiddleware(view)(RequestFactory().get("/"))

    assert float(response["X-Bench-Stripe-Ms"]) > 0


def test_percentiles_are_nearest_rank():
    values = [float(n) for n in range(1, 101)]

    assert percentile(values, 0.50) == 50
    assert percentile(values, 0.95) == 95
    assert percentile(values, 0.99) == 99
    assert percentile([7.0], 0.99) == 7
    assert percentile([], 0.5) is None


def test_summary_separates_stripe_time_and_counts_errors():
    samples = [
        Sample("placeOrder", 100.0 + n, ok=n != 3, queries=12, stripe_ms=40.0) for n in range(10)
    ]

    summary = summarize(samples, seconds=2.0)["placeOrder"]

    assert summary["count"] == 10 and summary["errors"] == 1 and summary["rps"] == 5
    assert summary["p95"] == 109 and summary["without_stripe_p95"] == 69
    assert summary["queries_min"] == summary["queries_max"] == 12


def test_targets_are_judged_from_the_results():
    def run(operation: str, **row) -> dict:
        return {"operations": {operation: {"rps": 100.0} | row}}

    results = {
        "single": {
            "floor view (300)": {"p50": 20.0},
            "menu 300 cached": {"p50": 10.0, "queries_max": 1},
            "menu 300 cold": {"p50": 50.0, "queries_max": 5},
        },
        "load": {
            "near-me / 2w": run("nearMe", p95=60.0),
            "read mix / 1w": run("nearMe"),
            "read mix / 2w": run("nearMe", rps=180.0),
        },
        "growth": {10_000: {"nearMe": {"p50": 10.0}}, 100_000: {"nearMe": {"p50": 12.0}}},
        "memory": {},
    }

    judged = {name: met for name, _, met in targets(results)}

    assert judged == {
        "menu p50 (cached) <= 2.0x floor": True,
        "menu p50 (cold) <= 2.0x floor": False,
        "menu SQL queries <= 5 at any size": True,
        "near-me p95 at 20 users, 2 workers < 50 ms": False,
        "near-me 10,000 -> 100,000 growth < 2.0x": True,
        "read mix: 2 workers >= 1.7x the throughput of 1": True,
    }


@pytest.mark.django_db(transaction=True)
def test_the_load_generator_drives_a_real_server():
    RestaurantFactory(slug="small")

    with live_servers(1, env={"BENCHMARK": "true"}) as [server]:
        result = run_load_sync(
            {
                "base_url": server.http_url,
                "scenario": "near-me",
                "users": 2,
                "duration": 1.0,
                "data": {},
            }
        )

    near_me = result["operations"]["nearMe"]
    assert near_me["count"] > 2 and near_me["errors"] == 0, result["first_errors"]
    assert near_me["queries_min"] >= 1


def run_load_sync(config: dict) -> dict:
    import asyncio

    return asyncio.run(run_load(config))
