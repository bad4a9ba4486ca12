"""The benchmark's tables (markdown, as docs/performance.md holds them) and its targets."""

# The targets (docs/performance.md): what each one reads from the results.
MENU_FLOOR_RATIO = 2.0
MENU_MAX_QUERIES = 5
MENU_LOAD_P95_MS = 250
NEAR_ME_LOAD_P95_MS = 50
NEAR_ME_GROWTH = 2.0
PLACE_ORDER_P95_MS = 150
WORKER_SCALING = 1.7
WORKER_RSS_MB = 200


def _ms(value) -> str:
    return "–" if value is None else f"{value:,.1f}"


def _queries(row: dict) -> str:
    low, high = row.get("queries_min"), row.get("queries_max")
    if low is None:
        return "–"
    return str(low) if low == high else f"{low}–{high}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _single(results: dict) -> str:
    single = results["single"]
    floor = single.get("floor view (300)", {}).get("p50")
    models = single.get("plain models view (300)", {}).get("p50")
    rows = []
    for name, row in single.items():
        ratios = "–"
        if name.startswith("menu 300") and floor and models:
            ratios = f"{row['p50'] / floor:.2f}x / {row['p50'] / models:.2f}x"
        rows.append([name, _ms(row["p50"]), _ms(row["p95"]), _queries(row), ratios])
    return _table(
        ["operation (1 user)", "p50 ms", "p95 ms", "SQL queries", "p50 vs floor / vs models"],
        rows,
    )


def _load(results: dict) -> str:
    rows = []
    for run, result in results["load"].items():
        for operation, row in result["operations"].items():
            rows.append(
                [
                    run,
                    operation,
                    f"{row['rps']:.1f}",
                    _ms(row["p50"]),
                    _ms(row["p95"]),
                    _ms(row["p99"]),
                    str(row["errors"]),
                    _queries(row),
                    _ms(row.get("stripe_p95")),
                    _ms(row.get("without_stripe_p95")),
                ]
            )
    return _table(
        [
            "run (20 users)",
            "operation",
            "req/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "errors",
            "SQL queries",
            "Stripe p95 ms",
            "p95 without Stripe ms",
        ],
        rows,
    )


def _growth(results: dict) -> str:
    rows = []
    for scale, operations in results["growth"].items():
        for operation, row in operations.items():
            rows.append(
                [f"{int(scale):,}", operation, _ms(row["p50"]), _ms(row["p95"]), _queries(row)]
            )
    single = results["single"]
    for name in [name for name in single if name.startswith(("menu ", "myOrders"))]:
        if "view" not in name:
            row = single[name]
            rows.append(["–", name, _ms(row["p50"]), _ms(row["p95"]), _queries(row)])
    return _table(["restaurants", "operation (1 user)", "p50 ms", "p95 ms", "SQL queries"], rows)


def _memory(results: dict) -> str:
    rows = [
        [label, ", ".join(f"{mb:.0f}" for mb in by_pid.values() if mb is not None)]
        for label, by_pid in results["memory"].items()
    ]
    return _table(["when", "resident MB per web worker"], rows)


def _load_average(results: dict, when: str) -> str:
    values = results.get(f"load_average_{when}")
    return "–" if not values else " / ".join(f"{value:.2f}" for value in values)


def _total_rps(result: dict) -> float:
    return sum(row["rps"] for row in result["operations"].values())


def targets(results: dict) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for every target the run can judge (None: not measured)."""
    single, load, growth = results["single"], results["load"], results["growth"]
    checks: list[tuple[str, str, bool | None]] = []
    floor = single.get("floor view (300)", {}).get("p50")
    for kind in ("cached", "cold"):
        row = single.get(f"menu 300 {kind}")
        if row and floor:
            ratio = row["p50"] / floor
            checks.append(
                (
                    f"menu p50 ({kind}) <= {MENU_FLOOR_RATIO}x floor",
                    f"{ratio:.2f}x",
                    ratio <= MENU_FLOOR_RATIO,
                )
            )
    menu_queries = [
        row["queries_max"]
        for name, row in single.items()
        if name.startswith("menu ") and row.get("queries_max") is not None
    ]
    if menu_queries:
        checks.append(
            (
                f"menu SQL queries <= {MENU_MAX_QUERIES} at any size",
                f"at most {max(menu_queries)}",
                max(menu_queries) <= MENU_MAX_QUERIES,
            )
        )
    menu_load = load.get("menu 300 / 2w", {}).get("operations", {}).get("menu")
    if menu_load:
        checks.append(
            (
                f"menu p95 at 20 users, 2 workers < {MENU_LOAD_P95_MS} ms",
                f"{menu_load['p95']:.0f} ms",
                menu_load["p95"] < MENU_LOAD_P95_MS,
            )
        )
    near_load = load.get("near-me / 2w", {}).get("operations", {}).get("nearMe")
    if near_load:
        checks.append(
            (
                f"near-me p95 at 20 users, 2 workers < {NEAR_ME_LOAD_P95_MS} ms",
                f"{near_load['p95']:.0f} ms",
                near_load["p95"] < NEAR_ME_LOAD_P95_MS,
            )
        )
    ten, hundred = growth.get(10_000) or growth.get("10000"), growth.get(100_000)
    hundred = hundred or growth.get("100000")
    if ten and hundred:
        ratio = hundred["nearMe"]["p50"] / ten["nearMe"]["p50"]
        checks.append(
            (
                f"near-me 10,000 -> 100,000 growth < {NEAR_ME_GROWTH}x",
                f"{ratio:.2f}x",
                ratio < NEAR_ME_GROWTH,
            )
        )
    places = {
        "1 user": single.get("placeOrder"),
        "full mix, 20 users": load.get("full mix / 2w", {}).get("operations", {}).get("placeOrder"),
    }
    for label, place in places.items():
        if place and place.get("without_stripe_p95") is not None:
            checks.append(
                (
                    f"placeOrder p95 without Stripe < {PLACE_ORDER_P95_MS} ms ({label})",
                    f"{place['without_stripe_p95']:.0f} ms "
                    f"(Stripe p95 {place['stripe_p95']:.0f} ms)",
                    place["without_stripe_p95"] < PLACE_ORDER_P95_MS,
                )
            )
    one, two = load.get("read mix / 1w"), load.get("read mix / 2w")
    if one and two:
        ratio = _total_rps(two) / _total_rps(one)
        checks.append(
            (
                f"read mix: 2 workers >= {WORKER_SCALING}x the throughput of 1",
                f"{ratio:.2f}x ({_total_rps(two):.0f} vs {_total_rps(one):.0f} req/s)",
                ratio >= WORKER_SCALING,
            )
        )
    first, second = (
        results["memory"].get("after read mix 1"),
        results["memory"].get("after read mix 2"),
    )
    if first and second:
        largest = max(mb for mb in (*first.values(), *second.values()) if mb is not None)
        growth_mb = max(second[pid] - first[pid] for pid in first if pid in second)
        checks.append(
            (
                f"web workers < {WORKER_RSS_MB} MB resident",
                f"largest {largest:.0f} MB",
                largest < WORKER_RSS_MB,
            )
        )
        checks.append(
            (
                "no growth across two consecutive read-mix runs",
                f"{growth_mb:+.1f} MB",
                growth_mb <= 2.0,
            )
        )
    return checks


def report(results: dict) -> str:
    machine = results["machine"]
    sections = [
        f"# make bench ({results['mode']}): {results['started']}, {results['seconds']} s",
        f"{machine['cpu']}, {machine['cores']} cores, {machine['memory_gb']} GB; Python "
        f"{machine['python']}; {machine['system']}. Command: `{results['command']}`. "
        f"Load average (1, 5, 15 min) at the start {_load_average(results, 'start')}, at the end "
        f"{_load_average(results, 'end')}.",
        "## Targets",
        _table(
            ["target", "measured", "met"],
            [
                [name, measured, {True: "yes", False: "**no**", None: "–"}[met]]
                for name, measured, met in targets(results)
            ],
        ),
        "## Single user",
        _single(results),
        "## Under load: 20 users, no think time",
        _load(results),
        "## How cost grows",
        _growth(results),
        "## Memory of the web workers",
        _memory(results),
    ]
    return "\n\n".join(sections) + "\n"
