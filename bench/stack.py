"""The production shape the benchmark measures: make stack's processes (deploy/Procfile, started
by scripts/stack.py's Stack) on the benchmark's own database, ports, Redis database and queue
names, with BENCHMARK=true. The web process can be restarted alone with another number of
workers; every line the processes print goes to var/bench/stack.log only.
"""

import os
import subprocess
import sys
from pathlib import Path

from scripts.stack import PROCFILE, ROOT, STACK_ENV, Stack, read_env_file, read_procfile

# Overridable with BENCH_* variables, so the benchmark never touches make stack's, the tests' or
# anyone else's database, Redis database, queues or ports.
DEFAULTS = {
    "BENCH_DATABASE_URL": "postgres://postgres@127.0.0.1:5432/food_delivery_bench",
    "BENCH_REDIS_URL": "redis://127.0.0.1:6379/12",
    "BENCH_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672//",
    "BENCH_PORT": "8130",
    "BENCH_STRIPE_PORT": "8431",
    "BENCH_QUEUE_PREFIX": "fd-bench.",
}


def bench_setting(name: str) -> str:
    return os.environ.get(name) or DEFAULTS[name]


def bench_environment(out: Path) -> dict[str, str]:
    """deploy/stack.env (the production shape) with the benchmark's own places and knobs."""
    env = dict(os.environ) | read_env_file(STACK_ENV)
    stripe_port = bench_setting("BENCH_STRIPE_PORT")
    env.update(
        DATABASE_URL=bench_setting("BENCH_DATABASE_URL"),
        REDIS_URL=bench_setting("BENCH_REDIS_URL"),
        CACHE_KEY_PREFIX="fd-bench",
        CELERY_BROKER_URL=bench_setting("BENCH_BROKER_URL"),
        TASK_QUEUE_PREFIX=bench_setting("BENCH_QUEUE_PREFIX"),
        PORT=bench_setting("BENCH_PORT"),
        LOCALSTRIPE_PORT=stripe_port,
        STRIPE_API_BASE=f"http://127.0.0.1:{stripe_port}",
        BENCHMARK="true",
        GRAPHIQL="false",
        # A recycled worker would restart mid-measurement and hide memory growth.
        WEB_MAX_REQUESTS="0",
        # Twenty users check out from one address all the time; production's limit per customer
        # would refuse them. The limiter still runs (its Redis round trip is part of the cost).
        RATE_LIMIT_PLACE_ORDER_PER_MINUTE="1000000",
        # Two staff users accept every order the load places: the per-user limit on payment
        # calls (10 a minute) would refuse most of them.
        RATE_LIMIT_PAYMENT_CALLS_PER_MINUTE="1000000",
        # Tokens are issued once, before runs that last longer than the default 15 minutes.
        JWT_ACCESS_TOKEN_SECONDS="7200",  # noqa: S106 - a lifetime, not a secret
        STACK_DIR=str(out),
        PYTHON=sys.executable,
        PROMETHEUS_MULTIPROC_DIR=str(out / "metrics"),
        CELERY_BEAT_SCHEDULE_FILE=str(out / "celerybeat-schedule"),
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    for key in [key for key in env if key.startswith(("SENTRY_", "OTEL_"))]:
        del env[key]
    return env


class QuietStack(Stack):
    """make stack's process runner, writing to its log file only (the terminal shows results)."""

    def write(self, name: str, line: str) -> None:
        with self.lock:
            self.log.write(f"{name:<12}| {line.rstrip()}\n")


class BenchStack:
    def __init__(self, env: dict[str, str], out: Path):
        self.env = env
        self.log_path = out / "stack.log"
        self.commands = read_procfile(PROCFILE)
        self.services = QuietStack(env, self.log_path)
        self.web: QuietStack | None = None
        self.workers = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.env['PORT']}"

    @property
    def stripe_url(self) -> str:
        return self.env["STRIPE_API_BASE"]

    def start_services(self) -> None:
        for name in ("worker", "beat", "localstripe"):
            self.services.start(name, self.commands[name])

    def start_web(self, workers: int) -> None:
        self.stop_web()
        self.web = QuietStack(self.env | {"WEB_CONCURRENCY": str(workers)}, self.log_path)
        self.web.start("web", self.commands["web"])
        self.workers = workers

    def stop_web(self) -> None:
        if self.web is not None:
            self.web.stop(timeout=60)
            self.web = None

    def stop(self) -> None:
        self.stop_web()
        self.services.stop(timeout=60)

    def dead(self) -> list[str]:
        stacks = [self.services] + ([self.web] if self.web else [])
        return [
            name
            for stack in stacks
            for name, process in stack.processes.items()
            if process.poll() is not None
        ]

    def web_worker_pids(self) -> list[int]:
        """The uvicorn worker processes under gunicorn's master."""
        if self.web is None:
            return []
        master = self.web.processes["web"].pid
        return _children(master)


def _children(parent: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: fields follow the last ')'.
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            children.append(int(entry.name))
    return sorted(children)


def resident_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run_manage(env: dict[str, str], log_path: Path, *args: str) -> None:
    with log_path.open("a") as log:
        subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
