"""Gunicorn in front of the ASGI application: a master process and WEB_CONCURRENCY uvicorn
workers (HTTP and WebSocket), everything from the environment.

Shutdown is graceful: on SIGTERM the master stops accepting, lets each worker finish its
in-flight requests for up to WEB_GRACEFUL_TIMEOUT seconds, and only then kills what is left.
"""

import os

from prometheus_client import multiprocess

from config.logging import level_name, logging_config

host = os.environ.get("HOST", "127.0.0.1")
bind = os.environ.get("WEB_BIND", f"{host}:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "uvicorn_worker.UvicornWorker"
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "30"))
# A worker whose event loop has not reported to the master for this long is restarted (uvicorn
# workers report on their own, so long requests and open subscriptions do not count).
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
keepalive = int(os.environ.get("WEB_KEEPALIVE", "5"))
# A worker restarts after this many requests (with jitter, so they do not restart together):
# bounded memory growth whatever a library leaks. 0 turns it off.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Our request log line replaces the access log (it carries the request id); gunicorn's own
# lines go through the same structured formatter as the application's.
accesslog = None
log_level = level_name(os.environ.get("LOG_LEVEL", "INFO"))
logconfig_dict = logging_config(log_format=os.environ.get("LOG_FORMAT", "console"), level=log_level)
# gunicorn gives its error log a plain handler of its own (the uvicorn workers reuse it);
# naming the logger here replaces that handler with ours.
logconfig_dict["loggers"]["gunicorn.error"] = {
    "handlers": ["console"],
    "level": log_level,
    "propagate": False,
}
# Only the proxies in front may say which client a request came from (the rate limits key on
# it), and only when TRUST_X_FORWARDED_FOR says there are such proxies: otherwise nobody is
# trusted, not even loopback (uvicorn's default), so no client can choose its own address.
TRUST_X_FORWARDED_FOR = os.environ.get("TRUST_X_FORWARDED_FOR", "false").lower() in (
    "1",
    "true",
    "yes",
    "on",
)
forwarded_allow_ips = (
    os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1") if TRUST_X_FORWARDED_FOR else ""
)
# gunicorn 27 listens on a control socket in $HOME by default: one per machine, which two
# stacks side by side would fight over; nothing here uses it.
control_socket_disable = True


def child_exit(server, worker):
    # Its live gauges (open subscriptions) leave the sum with it (prometheus multiprocess mode).
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        multiprocess.mark_process_dead(worker.pid)
