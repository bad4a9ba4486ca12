"""The load generator: virtual users in one asyncio loop, in a process of its own.

`python -m bench.load CONFIG.json` reads what to run (the server, the scenario, how many users
for how long, and the ids and tokens the orchestrator prepared) and prints one JSON object: per
operation, the count, throughput, latency percentiles, errors, SQL queries per request and, for
calls that reach Stripe, the time spent there (X-Bench-* headers of a BENCHMARK server).

Each user sends its next request as soon as the previous one answered (a closed loop, no think
time): throughput and latency under as much load as `users` can make.
"""

import asyncio
import json
import random
import sys
import time
import uuid
from dataclasses import dataclass, field

import aiohttp
import orjson
import uvloop

from bench import operations

# Points in the dense demo city (all bench restaurants lie within ~4 km of its centre).
CITY_CENTRE = (38.7223, -9.1393)
SEARCH_TERMS = ["Dish 7", "bench 12", "pizza", "Dish 29", "bench 99"]


@dataclass
class Sample:
    operation: str
    latency_ms: float
    ok: bool
    queries: int | None
    stripe_ms: float | None


@dataclass
class Run:
    config: dict
    samples: list[Sample] = field(default_factory=list)
    recording: bool = False
    placed: asyncio.Queue = field(default_factory=asyncio.Queue)
    errors: dict[str, str] = field(default_factory=dict)


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of already sorted values."""
    if not values:
        return None
    rank = max(1, round(fraction * len(values) + 0.4999))
    return values[min(rank, len(values)) - 1]


def summarize(samples: list[Sample], seconds: float) -> dict:
    by_operation: dict[str, list[Sample]] = {}
    for sample in samples:
        by_operation.setdefault(sample.operation, []).append(sample)
    summary = {}
    for operation, group in sorted(by_operation.items()):
        latencies = sorted(s.latency_ms for s in group)
        queries = sorted(s.queries for s in group if s.queries is not None)
        stripe = sorted(s.stripe_ms for s in group if s.stripe_ms)
        without_stripe = sorted(s.latency_ms - (s.stripe_ms or 0.0) for s in group)
        summary[operation] = {
            "count": len(group),
            "errors": sum(not s.ok for s in group),
            "rps": len(group) / seconds if seconds else None,
            "p50": percentile(latencies, 0.50),
            "p95": percentile(latencies, 0.95),
            "p99": percentile(latencies, 0.99),
            "queries_min": queries[0] if queries else None,
            "queries_max": queries[-1] if queries else None,
            "stripe_p50": percentile(stripe, 0.50),
            "stripe_p95": percentile(stripe, 0.95),
            "without_stripe_p50": percentile(without_stripe, 0.50) if stripe else None,
            "without_stripe_p95": percentile(without_stripe, 0.95) if stripe else None,
        }
    return summary


class User:
    def __init__(self, run: Run, session: aiohttp.ClientSession, index: int):
        self.run = run
        self.session = session
        self.index = index
        self.data = run.config["data"]
        self.base_url = run.config["base_url"]
        self.random = random.Random(index)
        customers = self.data.get("customers") or [{}]
        self.customer = customers[index % len(customers)]

    async def _send(self, operation, method, url, *, json_body=None, token=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        started = time.perf_counter()
        body = None
        try:
            async with self.session.request(
                method, url, data=orjson.dumps(json_body) if json_body else None, headers=headers
            ) as response:
                raw = await response.read()
                status = response.status
                queries = response.headers.get("X-Bench-Queries")
                stripe_ms = response.headers.get("X-Bench-Stripe-Ms")
            latency = (time.perf_counter() - started) * 1000
            body = orjson.loads(raw) if raw[:1] == b"{" else None
            ok = status == 200 and body is not None and not body.get("errors")
        except (TimeoutError, aiohttp.ClientError, orjson.JSONDecodeError) as error:
            latency = (time.perf_counter() - started) * 1000
            ok, queries, stripe_ms = False, None, None
            self.run.errors.setdefault(operation, repr(error))
        if ok and body is not None:
            payload = next(iter((body.get("data") or {}).values()), None)
            if isinstance(payload, dict) and payload.get("errors"):
                ok = False
        if not ok and body is not None:
            self.run.errors.setdefault(operation, json.dumps(body)[:500])
        if self.run.recording:
            self.run.samples.append(
                Sample(
                    operation,
                    latency,
                    ok,
                    int(queries) if queries is not None else None,
                    float(stripe_ms) if stripe_ms is not None else None,
                )
            )
        return body if ok else None

    async def graphql(self, operation, document, variables=None, *, token=None):
        return await self._send(
            operation,
            "POST",
            f"{self.base_url}/graphql/",
            json_body={"query": document, "variables": variables or {}},
            token=token,
        )

    def _point(self) -> dict:
        latitude, longitude = CITY_CENTRE
        return {
            "latitude": latitude + self.random.uniform(-0.03, 0.03),
            "longitude": longitude + self.random.uniform(-0.035, 0.035),
        }

    # -- operations ------------------------------------------------------------------------
    async def near_me(self):
        await self.graphql("nearMe", operations.NEAR_ME, {"near": self._point()})

    async def search(self):
        term = self.random.choice(SEARCH_TERMS)
        await self.graphql("search", operations.SEARCH, {"search": term})

    async def menu(self):
        slug = self.random.choice(self.data["menu_slugs"])
        await self.graphql("menu", operations.MENU, {"slug": slug})

    async def menu_big(self):
        await self.graphql("menu", operations.MENU, {"slug": self.data["big_menu_slug"]})

    async def menu_floor(self):
        slug = self.data["big_menu_slug"]
        await self._send("menuFloor", "GET", f"{self.base_url}/bench/menu-floor/{slug}")

    async def menu_models(self):
        slug = self.data["big_menu_slug"]
        await self._send("menuModels", "GET", f"{self.base_url}/bench/menu-models/{slug}")

    async def me(self):
        await self.graphql("me", operations.ME, token=self.customer["token"])

    async def my_orders(self):
        token = self.customer["token"]
        await self.graphql("myOrders", operations.MY_ORDERS, {"first": 10}, token=token)

    async def order(self):
        order_id = self.random.choice(self.customer["order_ids"])
        token = self.customer["token"]
        await self.graphql("order", operations.ORDER, {"id": order_id}, token=token)

    async def place_order(self):
        checkout = self.data["checkout"]
        method = await self._stripe_payment_method()
        if method is None:
            return
        restaurant, *items = self.random.choice(checkout["restaurant_items"])
        body = await self.graphql(
            "placeOrder",
            operations.PLACE_ORDER,
            {
                "input": {
                    "restaurantId": restaurant,
                    "deliveryAddressId": self.customer["address_id"],
                    "items": [
                        {
                            "menuItemId": self.random.choice(items),
                            "quantity": 3,
                            "optionIds": [],
                            "note": "",
                        }
                    ],
                    "tip": 0,
                    "paymentMethodId": method,
                    "idempotencyKey": f"bench-{uuid.uuid4().hex}",
                }
            },
            token=self.customer["token"],
        )
        if body is not None:
            await self.run.placed.put(body["data"]["placeOrder"]["order"]["id"])

    async def _stripe_payment_method(self) -> str | None:
        """What Stripe.js does in the customer's browser before checkout (not our server)."""
        form = {
            "type": "card",
            "card[number]": "4242424242424242",
            "card[exp_month]": "12",
            "card[exp_year]": "2034",
            "card[cvc]": "123",
        }
        try:
            async with self.session.post(
                f"{self.run.config['stripe_url']}/v1/payment_methods",
                data=form,
                headers={"Authorization": "Bearer sk_test_localstripe"},
            ) as response:
                return (await response.json())["id"]
        except (TimeoutError, aiohttp.ClientError, KeyError) as error:
            self.run.errors.setdefault("stripe.paymentMethod", repr(error))
            return None

    async def accept_order(self):
        """Staff take the next placed order; with none waiting, they look at it again."""
        try:
            order_id = await asyncio.wait_for(self.run.placed.get(), timeout=0.5)
        except TimeoutError:
            return
        await self.graphql(
            "acceptOrder",
            operations.ACCEPT_ORDER,
            {"input": {"orderId": order_id, "preparationMinutes": 15}},
            token=self.data["staff_token"],
        )

    async def loop(self, mix: list[tuple[int, str]], deadline: float, requests: int | None):
        weights = [weight for weight, _ in mix]
        names = [name for _, name in mix]
        sent = 0
        while time.monotonic() < deadline and (requests is None or sent < requests):
            await getattr(self, self.random.choices(names, weights)[0])()
            sent += 1


# A scenario: who does what, by weight. Staff users (the last `staff` of them) accept orders.
SCENARIOS = {
    "near-me": {"mix": [(1, "near_me")]},
    "search": {"mix": [(1, "search")]},
    "menu-big": {"mix": [(1, "menu_big")]},
    "menu-floor": {"mix": [(1, "menu_floor")]},
    "menu-models": {"mix": [(1, "menu_models")]},
    "me": {"mix": [(1, "me")]},
    "my-orders": {"mix": [(1, "my_orders")]},
    "order": {"mix": [(1, "order")]},
    "place-order": {"mix": [(1, "place_order")]},
    "read-mix": {
        "mix": [(35, "near_me"), (25, "menu"), (10, "menu_big"), (10, "me"), (10, "my_orders")]
        + [(10, "order")],
    },
    "full-mix": {
        "mix": [(30, "near_me"), (20, "menu"), (10, "menu_big"), (10, "me"), (10, "my_orders")]
        + [(10, "order"), (10, "place_order")],
        "staff": 2,
        "staff_mix": [(1, "accept_order")],
    },
}


async def run_load(config: dict) -> dict:
    scenario = SCENARIOS[config["scenario"]]
    users = config["users"]
    staff = min(scenario.get("staff", 0), max(users - 1, 0))
    run = Run(config)
    timeout = aiohttp.ClientTimeout(total=config.get("timeout", 60))
    connector = aiohttp.TCPConnector(limit=users + 4, force_close=False)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        people = [User(run, session, index) for index in range(users)]
        warmup = config.get("warmup", 0.0)
        if warmup:
            deadline = time.monotonic() + warmup
            await asyncio.gather(*(_user_loop(p, scenario, staff, deadline, None) for p in people))
        run.recording = True
        started = time.monotonic()
        duration = config.get("duration") or 3600.0
        requests = config.get("requests")
        await asyncio.gather(
            *(_user_loop(p, scenario, staff, started + duration, requests) for p in people)
        )
        seconds = time.monotonic() - started
    return {
        "scenario": config["scenario"],
        "users": users,
        "seconds": seconds,
        "operations": summarize(run.samples, seconds),
        "first_errors": run.errors,
    }


def _user_loop(person: User, scenario: dict, staff: int, deadline: float, requests):
    is_staff = person.index >= person.run.config["users"] - staff
    mix = scenario["staff_mix"] if is_staff and staff else scenario["mix"]
    return person.loop(mix, deadline, requests)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    with open(argv[0]) as source:
        config = json.load(source)
    # uvloop (uvicorn's loop) keeps the generator's own CPU per request low: it shares the
    # machine with the servers it measures.
    print(json.dumps(uvloop.run(run_load(config))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
