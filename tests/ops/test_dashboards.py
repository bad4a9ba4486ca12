"""The Grafana dashboard and the Prometheus alert rules under deploy/ use only metrics that the
code defines, with PromQL that Prometheus accepts (where promtool is installed)."""

import json
import os
import re
import shutil
import subprocess

import pytest
import yaml
from prometheus_client import REGISTRY

from config.metrics import SharedStateCollector
from tests.live_servers import ROOT

DASHBOARD = ROOT / "deploy" / "grafana" / "food-delivery.json"
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"
PROMQL_WORDS = {
    "sum", "max", "min", "avg", "count", "rate", "increase", "histogram_quantile",
    "by", "without", "on", "ignoring", "and", "or", "unless", "bool", "offset",
}  # fmt: skip
SERIES_SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}


def dashboard_expressions() -> list[str]:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return [target["expr"] for panel in panels for target in panel.get("targets", [])]


def alert_expressions() -> list[str]:
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    return [rule["expr"] for group in groups for rule in group["rules"]]


def metric_names(expression: str) -> set[str]:
    text = re.sub(r'"[^"]*"', "", expression)
    text = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", text)
    text = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", " ", text)
    names = re.findall(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()", text)
    return {name for name in names if name not in PROMQL_WORDS}


@pytest.fixture
def defined_series(client, db) -> set[str]:
    """Every series name the processes can expose: what the web process registers once it
    has served requests, what a worker registers once it has loaded the tasks, and the gauges
    read at scrape time."""
    import orders.tasks  # noqa: F401 - a worker loads these (and the services they call)
    import payments.tasks  # noqa: F401

    client.post("/graphql/", {"query": "{ me { id } }"}, content_type="application/json")
    names = set()
    for family in [*REGISTRY.collect(), *SharedStateCollector().describe()]:
        for suffix in SERIES_SUFFIXES.get(family.type, ("",)):
            names.add(family.name + suffix)
    return names


@pytest.mark.parametrize("source", ["dashboard", "alerts"])
def test_every_metric_used_is_defined(source, defined_series):
    expressions = dashboard_expressions() if source == "dashboard" else alert_expressions()
    used = set().union(*(metric_names(e) for e in expressions))

    assert len(used) >= 10
    assert used - defined_series == set()


def test_the_alerts_cover_what_operations_must_hear_about():
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    rules = {rule["alert"]: rule for group in groups for rule in group["rules"]}

    for needed in (
        "HTTPServerErrorRateHigh",
        "GraphQLLatencyP95High",
        "PaymentFailuresHigh",
        "DeliveriesWaitingForDriver",
        "CeleryTasksFailing",
        "CeleryQueueBacklog",
    ):
        assert needed in rules, needed
    for rule in rules.values():
        assert rule["labels"]["severity"] in {"page", "ticket"}
        assert rule["annotations"]["summary"]


def test_a_metric_nobody_defines_is_caught(defined_series):
    assert metric_names('sum by (queue) (rate(celery_queue_lenght{queue="x"}[5m]))') == {
        "celery_queue_lenght"
    }
    assert "celery_queue_lenght" not in defined_series


@pytest.mark.skipif(
    not (os.environ.get("PROMTOOL") or shutil.which("promtool")),
    reason="needs promtool (Debian package prometheus) on PATH or in PROMTOOL",
)
def test_prometheus_accepts_the_rules_and_the_dashboard_queries(tmp_path):
    promtool = os.environ.get("PROMTOOL") or shutil.which("promtool")
    # The dashboard's queries, checked by promtool as recording rules.
    recorded = {
        "groups": [
            {
                "name": "dashboard",
                "rules": [
                    {"record": f"dashboard:query{number}", "expr": expression}
                    for number, expression in enumerate(dashboard_expressions())
                ],
            }
        ]
    }
    dashboard_rules = tmp_path / "dashboard.yml"
    dashboard_rules.write_text(yaml.safe_dump(recorded))

    checked = subprocess.run(
        [promtool, "check", "rules", str(ALERTS), str(dashboard_rules)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert checked.returncode == 0, checked.stdout + checked.stderr
