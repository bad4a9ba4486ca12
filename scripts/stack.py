"""make stack: the production shape on one machine, without containers.

Starts every process of deploy/Procfile (web: gunicorn with WEB_CONCURRENCY uvicorn workers;
a Celery worker; beat; localstripe) with deploy/stack.env under the environment, on the local
PostgreSQL, Redis and RabbitMQ. Before that it creates the stack's database if missing, migrates
it, loads the demo and collects static files. Every process's output goes, one line at a time
and prefixed with its name, to this terminal and to $STACK_DIR/stack.log.

Started and stopped together: Ctrl-C or SIGTERM stops them all gracefully (gunicorn lets
in-flight requests finish, the worker its in-flight tasks) and kills only what is still running
after STACK_STOP_TIMEOUT seconds; if any process dies on its own, the others are stopped too.
"""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROCFILE = ROOT / "deploy" / "Procfile"
STACK_ENV = ROOT / "deploy" / "stack.env"


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def read_procfile(path: Path) -> dict[str, str]:
    processes = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            name, _, command = line.partition(":")
            processes[name.strip()] = command.strip()
    return processes


def stack_environment() -> dict[str, str]:
    stack_dir = Path(os.environ.get("STACK_DIR", ROOT / "var" / "stack")).resolve()
    env = read_env_file(STACK_ENV) | dict(os.environ)
    env.update(
        STACK_DIR=str(stack_dir),
        PYTHON=sys.executable,
        PROMETHEUS_MULTIPROC_DIR=str(stack_dir / "metrics"),
        CELERY_BEAT_SCHEDULE_FILE=str(stack_dir / "celerybeat-schedule"),
        STATIC_ROOT=env.get("STATIC_ROOT", str(stack_dir / "static")),
        PYTHONUNBUFFERED="1",
    )
    return env


def database_ensure(database_url: str) -> None:
    """The stack's own database, created on the first run (migrate cannot create it)."""
    import psycopg
    from psycopg import sql

    name = database_url.rsplit("/", 1)[1].split("?")[0]
    server = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


class Stack:
    def __init__(self, env: dict[str, str], log_path: Path):
        self.env = env
        self.log = log_path.open("a", buffering=1)
        self.lock = threading.Lock()
        self.processes: dict[str, subprocess.Popen] = {}
        self.stopping = threading.Event()

    def write(self, name: str, line: str) -> None:
        text = f"{name:<12}| {line.rstrip()}\n"
        with self.lock:
            sys.stdout.write(text)
            sys.stdout.flush()
            self.log.write(text)

    def run_once(self, name: str, command: list[str]) -> None:
        process = subprocess.Popen(  # noqa: S603 - our own commands, not outside input
            command, cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        for line in process.stdout:
            self.write(name, line.decode(errors="replace"))
        if process.wait() != 0:
            raise SystemExit(f"{name} failed with exit code {process.returncode}")

    def start(self, name: str, command: str) -> None:
        process = subprocess.Popen(  # noqa: S603 - deploy/Procfile's commands
            # exec: the signals we send reach the process itself, not a shell in front of it.
            ["/bin/sh", "-c", f"exec {command}"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            # Its own process group: a terminal's Ctrl-C reaches us, and we stop each in order.
            start_new_session=True,
        )
        self.processes[name] = process
        threading.Thread(target=self._pump, args=(name, process), daemon=True).start()
        self.write("stack", f"started {name} (pid {process.pid}): {command}")

    def _pump(self, name: str, process: subprocess.Popen) -> None:
        for line in process.stdout:
            self.write(name, line.decode(errors="replace"))

    def stop(self, timeout: float) -> None:
        self.stopping.set()
        for name, process in self.processes.items():
            if process.poll() is None:
                self.write("stack", f"stopping {name}")
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for name, process in self.processes.items():
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.write("stack", f"{name} still running after {timeout:.0f} s: killing it")
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            self.write("stack", f"{name} exited with {process.returncode}")

    def watch(self) -> str | None:
        """Block until a process exits on its own (its name) or a stop is asked (None)."""
        while not self.stopping.wait(0.5):
            for name, process in self.processes.items():
                if process.poll() is not None:
                    return name
        return None


def main() -> int:
    env = stack_environment()
    stack_dir = Path(env["STACK_DIR"])
    stack_dir.mkdir(parents=True, exist_ok=True)
    # Multiprocess metrics files of a previous run would be summed with this run's.
    shutil.rmtree(env["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
    Path(env["PROMETHEUS_MULTIPROC_DIR"]).mkdir()
    stack = Stack(env, stack_dir / "stack.log")
    timeout = float(env.get("STACK_STOP_TIMEOUT", "100"))

    def request_stop(signum, frame):
        stack.stopping.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    stack.write("stack", f"database {env['DATABASE_URL']}, logs in {stack_dir / 'stack.log'}")
    database_ensure(env["DATABASE_URL"])
    stack.run_once("migrate", ["deploy/run.sh", "migrate"])
    stack.run_once("seed", [sys.executable, "manage.py", "seed_demo"])
    stack.run_once("static", [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"])
    for name, command in read_procfile(PROCFILE).items():
        if stack.stopping.is_set():
            break
        stack.start(name, command)
    stack.write("stack", f"up: http://{env['HOST']}:{env['PORT']}/graphql/ (Ctrl-C stops all)")
    died = stack.watch()
    if died:
        stack.write("stack", f"{died} exited on its own: stopping the others")
    stack.stop(timeout)
    return 1 if died else 0


if __name__ == "__main__":
    sys.exit(main())
