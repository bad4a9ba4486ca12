"""`make bench` (`python -m bench [--quick]`): the whole benchmark, start to finish.

1. A fresh database (BENCH_DATABASE_URL), migrated and seeded by `seed_demo` at 1,000 bench
   restaurants (30 items each), plus menus of 30, 300 and 1,000 items, customers with 10 and
   10,000 orders, and the load's own customers.
2. The production shape (bench/stack.py): gunicorn with 2 uvicorn workers, a Celery worker on
   RabbitMQ, beat and localstripe, with BENCHMARK=true.
3. How cost grows with the data (single user), the single-user table with the two baselines,
   then load from a separate process (bench/load.py): 20 users on 2 workers, then on 1.
4. Tables on stdout and in var/bench/results.md (results.json beside it).

`--quick` stops at 10,000 restaurants and runs each load for a few seconds.
"""

import argparse
import http.client
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import operations
from bench.report import report
from bench.stack import BenchStack, bench_environment, resident_mb, run_manage

ROOT = Path(__file__).resolve().parent.parent
LOAD_USERS = 20
BIG_MENU = "bench-menu-300"
MENU_SIZES = (30, 300, 1000)
ORDER_COUNTS = (10, 10_000)


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Benchmark:
    def __init__(self, *, quick: bool, out: Path):
        self.quick = quick
        self.out = out
        self.env = bench_environment(out)
        self.stack = BenchStack(self.env, out)
        self.results: dict = {
            "mode": "quick" if quick else "full",
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "growth": {},
            "single": {},
            "load": {},
            "memory": {},
            # Other work on the machine skews every figure: the report shows how busy it was.
            "load_average_start": os.getloadavg(),
        }
        self.duration = 5.0 if quick else 20.0
        self.warmup = 2.0 if quick else 3.0
        self.single_requests = 15 if quick else 40

    # -- data --------------------------------------------------------------------------------
    def database_fresh(self) -> None:
        import psycopg
        from psycopg import sql

        url = self.env["DATABASE_URL"]
        name = url.rsplit("/", 1)[1].split("?")[0]
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        run_manage(self.env, self.stack.log_path, "migrate", "--noinput", "-v0")

    def restaurants_seed(self, total: int, items: int) -> None:
        from restaurants.models import Restaurant

        have = Restaurant.objects.filter(slug__regex=r"^bench-[0-9]+$").count()
        if total > have:
            started = time.monotonic()
            run_manage(
                self.env,
                self.stack.log_path,
                "seed_demo",
                f"--restaurants={total - have}",
                f"--items-per-restaurant={items}",
            )
            _log(f"seeded {total - have} restaurants in {time.monotonic() - started:.0f} s")

    def data_prepare(self) -> dict:
        """Menus, customers and orders beyond seed_demo, and the ids and tokens the load needs."""
        from django.db import connections
        from django.utils import timezone
        from strawberry.relay import to_base64

        from accounts.models import User
        from accounts.tokens import access_token_issue
        from bench.data import customer_with_orders_ensure, menu_restaurant_ensure
        from demo.city import ROUND_THE_CLOCK, demo_city_ensure
        from restaurants.models import MenuItem, Restaurant

        now = timezone.now()
        for size in MENU_SIZES:
            menu_restaurant_ensure(slug=f"bench-menu-{size}", items=size, now=now)
        staff = User.objects.get(email="staff@demo.test")
        always_open = demo_city_ensure(owner=staff, now=now)[:ROUND_THE_CLOCK]

        def token(user) -> str:
            return access_token_issue(
                user_id=user.pk, version=user.token_version, now=timezone.now()
            )[0]

        def customer(email: str, orders: int) -> dict:
            user = customer_with_orders_ensure(
                email=email, orders=orders, restaurant=always_open[0], now=now
            )
            return {
                "token": token(user),
                "address_id": to_base64("Address", user.addresses.get().pk),
                "order_ids": [
                    to_base64("Order", pk)
                    for pk in user.orders.order_by("-created_at").values_list("pk", flat=True)[:20]
                ],
            }

        checkout = []
        for restaurant in always_open:
            # Dishes without required options, three of which reach the minimum order.
            items = MenuItem.objects.filter(
                restaurant=restaurant, option_groups__isnull=True, price__gte=200
            ).values_list("pk", flat=True)[:3]
            checkout.append(
                [to_base64("Restaurant", restaurant.pk)]
                + [to_base64("MenuItem", pk) for pk in items]
            )
        slugs = list(
            Restaurant.objects.filter(slug__regex=r"^bench-[0-9]+$")
            .order_by("?")
            .values_list("slug", flat=True)[:2000]
        )
        data = {
            "customers": [customer(f"bench-load-{n}@bench.test", 10) for n in range(LOAD_USERS)],
            "by_orders": {
                count: customer(f"bench-orders-{count}@bench.test", count) for count in ORDER_COUNTS
            },
            "staff_token": token(staff),
            "menu_slugs": slugs,
            "big_menu_slug": BIG_MENU,
            "checkout": {"restaurant_items": checkout},
        }
        with connections["default"].cursor() as cursor:
            cursor.execute("ANALYZE")  # as seed_demo does: statistics for the rows just made
        connections.close_all()
        return data

    # -- measuring ---------------------------------------------------------------------------
    def load(self, name: str, scenario: str, *, users: int, data: dict, **overrides) -> dict:
        config = {
            "base_url": self.stack.url,
            "stripe_url": self.stack.stripe_url,
            "scenario": scenario,
            "users": users,
            "duration": self.duration,
            "warmup": self.warmup,
            "data": data,
        } | overrides
        path = self.out / f"load-{name}.json"
        path.write_text(json.dumps(config))
        completed = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "bench.load", str(path)],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(completed.stdout)
        if result["first_errors"]:
            _log(f"{name}: errors {result['first_errors']}")
        dead = self.stack.dead()
        if dead:
            raise SystemExit(f"{', '.join(dead)} died during {name}: see {self.stack.log_path}")
        return result

    def single(self, name: str, scenario: str, data: dict, **overrides) -> dict:
        """One user, a fixed number of requests after a short warm-up."""
        result = self.load(
            name,
            scenario,
            users=1,
            data=data,
            duration=None,
            requests=self.single_requests,
            warmup=1.0,
            **overrides,
        )
        return next(iter(result["operations"].values()))

    def menu_cold(self, slug: str) -> dict:
        """The first read after each edit of the menu: every request follows a version bump."""
        from restaurants.menu import menu_cache_invalidate
        from restaurants.models import Restaurant

        restaurant_id = Restaurant.objects.get(slug=slug).pk
        connection = http.client.HTTPConnection("127.0.0.1", int(self.env["PORT"]), timeout=60)
        body = json.dumps({"query": operations.MENU, "variables": {"slug": slug}})
        latencies, queries = [], []
        for attempt in range(self.single_requests + 2):
            menu_cache_invalidate(restaurant_id)
            started = time.perf_counter()
            connection.request(
                "POST", "/graphql/", body, headers={"Content-Type": "application/json"}
            )
            response = connection.getresponse()
            payload = json.loads(response.read())
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200 or payload.get("errors"):
                raise SystemExit(f"cold menu {slug} failed: {payload}")
            if attempt >= 2:  # the first two warm the connection and the worker
                latencies.append(elapsed)
                queries.append(int(response.headers["X-Bench-Queries"]))
        connection.close()
        latencies.sort()
        return {
            "count": len(latencies),
            "errors": 0,
            "p50": statistics.median(latencies),
            "p95": latencies[int(0.95 * (len(latencies) - 1))],
            "queries_min": min(queries),
            "queries_max": max(queries),
        }

    def growth(self, scale: int, data: dict) -> None:
        _log(f"growth at {scale:,} restaurants")
        self.results["growth"][scale] = {
            "nearMe": self.single(f"growth-{scale}-near", "near-me", data),
            "search": self.single(f"growth-{scale}-search", "search", data),
        }

    def memory(self, label: str) -> None:
        pids = self.stack.web_worker_pids()
        self.results["memory"][label] = {str(pid): resident_mb(pid) for pid in pids}

    # -- the run -----------------------------------------------------------------------------
    def run(self) -> dict:
        os.environ.update(self.env)
        sys.path.insert(0, str(ROOT))
        import django

        # Multiprocess metrics files of a previous run would be summed with this run's.
        metrics = Path(self.env["PROMETHEUS_MULTIPROC_DIR"])
        shutil.rmtree(metrics, ignore_errors=True)
        metrics.mkdir()
        _log(f"fresh database {self.env['DATABASE_URL']}; logs in {self.stack.log_path}")
        self.database_fresh()
        django.setup()
        self.restaurants_seed(1_000, 30)
        data = self.data_prepare()
        self.stack.start_services()
        self.stack.start_web(2)
        self.wait_until_up()
        try:
            self.growth(1_000, data)
            self.restaurants_seed(10_000, 30)
            self.growth(10_000, data)
            self.single_table(data)
            self.load_runs(data)
            if not self.quick:
                # Beyond 10,000, bench restaurants carry 3 dishes each: 30 would take the seed
                # past the time budget (docs/performance.md).
                self.restaurants_seed(100_000, 3)
                self.growth(100_000, data)
        finally:
            self.stack.stop()
        self.results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        self.results["load_average_end"] = os.getloadavg()
        return self.results

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.stack.dead():
                raise SystemExit(f"{self.stack.dead()} exited: see {self.stack.log_path}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", int(self.env["PORT"]))
                connection.request("GET", "/readyz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"the web process did not come up: see {self.stack.log_path}")

    def single_table(self, data: dict) -> None:
        _log("single user: menus, baselines, orders")
        single = self.results["single"]
        single["menu 300 cached"] = self.single("menu-cached", "menu-big", data)
        single["menu 300 cold"] = self.menu_cold(BIG_MENU)
        single["floor view (300)"] = self.single("floor", "menu-floor", data)
        single["plain models view (300)"] = self.single("models", "menu-models", data)
        for size in (30, 1000):
            slug = f"bench-menu-{size}"
            single[f"menu {size} cached"] = self.single(
                f"menu-{size}", "menu-big", data | {"big_menu_slug": slug}
            )
            single[f"menu {size} cold"] = self.menu_cold(slug)
        single["nearMe"] = self.single("near-me", "near-me", data)
        single["me"] = self.single("me", "me", data)
        single["order"] = self.single("order", "order", data)
        single["placeOrder"] = self.single("place-order", "place-order", data)
        for count, customer in data["by_orders"].items():
            single[f"myOrders ({count:,} orders)"] = self.single(
                f"my-orders-{count}", "my-orders", data | {"customers": [customer]}
            )

    def load_runs(self, data: dict) -> None:
        load = self.results["load"]
        for workers in (2, 1):
            if self.stack.workers != workers:
                self.stack.start_web(workers)
                self.wait_until_up()
            _log(f"{LOAD_USERS} users on {workers} worker(s)")
            runs = {
                "near-me": "near-me",
                "menu 300": "menu-big",
                "read mix": "read-mix",
            }
            for label, scenario in runs.items():
                name = f"{label} / {workers}w"
                load[name] = self.load(
                    name.replace(" ", "-").replace("/", ""), scenario, users=LOAD_USERS, data=data
                )
            if workers == 2:
                self.memory("after read mix 1")
                load["read mix (again) / 2w"] = self.load(
                    "read-mix-again", "read-mix", users=LOAD_USERS, data=data
                )
                self.memory("after read mix 2")
                load["full mix / 2w"] = self.load(
                    "full-mix", "full-mix", users=LOAD_USERS, data=data
                )
                self.memory("after full mix")


def machine() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="make bench: the real workload, measured.")
    parser.add_argument("--quick", action="store_true", help="10,000 restaurants, short loads.")
    parser.add_argument("--out", default=str(ROOT / "var" / "bench"))
    args = parser.parse_args(argv)
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    results = Benchmark(quick=args.quick, out=out).run()
    results["seconds"] = round(time.monotonic() - started)
    results["command"] = "make bench" + (" QUICK=1" if args.quick else "")
    (out / "results.json").write_text(json.dumps(results, indent=2))
    text = report(results)
    (out / "results.md").write_text(text)
    print(text)
    return 0
