"""A profile of one operation, in process, with pyinstrument: `python -m bench.profile menu`.

Runs the request through Django's whole stack (middleware, view, GraphQL) against the
benchmark's database and cache, warms it once, then records `--repeat` requests. Prints the
call tree (pyinstrument's text) and the median time without the profiler.
"""

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

CITY_CENTRE = {"latitude": 38.7223, "longitude": -9.1393}


def _operations():
    from bench import operations

    return {
        "menu": (operations.MENU, {"slug": "bench-menu-300"}, False),
        "menu-cold": (operations.MENU, {"slug": "bench-menu-300"}, True),
        "near-me": (operations.NEAR_ME, {"near": CITY_CENTRE}, False),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("operation", choices=["menu", "menu-cold", "near-me"])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--interval", type=float, default=0.0005, help="Sampling interval (s).")
    parser.add_argument("--depth", type=int, default=40, help="Lines of the call tree kept.")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client
    from pyinstrument import Profiler

    document, variables, cold = _operations()[args.operation]
    client = Client()

    def request():
        if cold:
            cache.clear()
        response = client.post(
            "/graphql/",
            {"query": document, "variables": variables},
            content_type="application/json",
        )
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise SystemExit(f"{args.operation} failed: {response.status_code} {body}")

    request()
    durations = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        request()
        durations.append((time.perf_counter() - started) * 1000)
    profiler = Profiler(interval=args.interval)
    profiler.start()
    for _ in range(args.repeat):
        request()
    profiler.stop()
    print(
        f"{args.operation}: median {statistics.median(durations):.1f} ms over {args.repeat} "
        "requests without the profiler; the tree below is the sum of as many profiled requests."
    )
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    print("\n".join(text.splitlines()[: args.depth]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
