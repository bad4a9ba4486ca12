"""A worker in its own container serves the metrics of all its pool processes on its own port
(CELERY_WORKER_METRICS_PORT), summed from PROMETHEUS_MULTIPROC_DIR."""

import signal
import urllib.request
import uuid

import pytest
from kombu import Connection

from config.celery import app
from tests.live_servers import _free_port, _server_environment
from tests.ops.test_graceful_shutdown import BROKER_URL, QUEUES, ended, start, wait_for
from tests.ops.test_metrics import samples_of, value

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    # This process has no broker configured (eager); the messages go to the worker's broker.
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]


def test_a_worker_serves_its_pool_processes_metrics(tmp_path):
    prefix = f"fd-worker-metrics-{uuid.uuid4().hex[:8]}."
    port = _free_port()
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    env = _server_environment() | {
        "CELERY_BROKER_URL": BROKER_URL,
        "TASK_QUEUE_PREFIX": prefix,
        "CELERY_CONCURRENCY": "2",
        "CELERY_WORKER_METRICS_PORT": str(port),
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    worker = start("worker", env)

    def succeeded() -> float:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as reply:
                samples = samples_of(reply.read().decode())
        except OSError:
            return 0.0
        return value(samples, "celery_tasks_total", task="orders.expire_unpaid", outcome="success")

    try:
        with Connection(BROKER_URL) as broker:
            for _ in range(3):
                app.send_task("orders.expire_unpaid", queue=f"{prefix}default", connection=broker)
        assert wait_for(lambda: succeeded() == 3, timeout=120), succeeded()
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            ended(worker, timeout=60)
        with Connection(BROKER_URL) as broker:
            for queue in QUEUES:
                broker.SimpleQueue(f"{prefix}{queue}").clear()
    # Each pool process wrote its own file; the port served their sum.
    assert len(list(metrics_dir.glob("counter_*.db"))) >= 1
