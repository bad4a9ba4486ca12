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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

CITY_CENTRE = {"latitude": 38.7223, "longitude": -9.1393}


def _operations(slug: str):
    from bench import operations

    return {
        "menu": (operations.MENU, {"slug": slug}, False),
        "menu-cold": (operations.MENU, {"slug": slug}, True),
        "near-me": (operations.NEAR_ME, {"near": CITY_CENTRE}, False),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("operation", choices=["menu", "menu-cold", "near-me"])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--interval", type=float, default=0.0005, help="Sampling interval (s).")
    parser.add_argument("--depth", type=int, default=40, help="Lines of the call tree kept.")
    parser.add_argument("--slug", default="bench-menu-300", help="The menu's restaurant.")
    parser.add_argument("--out", default=str(ROOT / "var" / "bench"))
    args = parser.parse_args(argv)

    from bench.stack import bench_environment

    # The benchmark's database, cache and settings (make bench seeds them), not the shell's.
    os.environ.update(bench_environment(Path(args.out)))
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client
    from pyinstrument import Profiler

    document, variables, cold = _operations(args.slug)[args.operation]
    client = Client(HTTP_HOST="127.0.0.1")

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
