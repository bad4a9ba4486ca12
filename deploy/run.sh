#!/bin/sh
# The one way to start each process of the production shape. `make stack` (deploy/Procfile run
# by scripts/stack.py) and the containers (Dockerfile, docker-compose.yml) both call this, so
# the two cannot drift apart; every setting comes from the environment.
set -eu

PYTHON="${PYTHON:-python}"
prefix="${TASK_QUEUE_PREFIX:-}"
# A worker serves every queue unless told otherwise (docs/deploy.md: one worker per queue).
queues="${CELERY_WORKER_QUEUES:-${prefix}default,${prefix}notifications,${prefix}dispatch,${prefix}payments}"

case "${1:-}" in
  web)
    exec "$PYTHON" -m gunicorn config.asgi:application --config deploy/gunicorn.conf.py
    ;;
  worker)
    # SIGTERM is Celery's warm shutdown: in-flight tasks finish, nothing new is taken.
    exec "$PYTHON" -m celery -A config worker \
      --queues "$queues" \
      --concurrency "${CELERY_CONCURRENCY:-2}" \
      --hostname "${CELERY_WORKER_NAME:-worker-$$}@%h" \
      --loglevel "${LOG_LEVEL:-INFO}"
    ;;
  beat)
    exec "$PYTHON" -m celery -A config beat \
      --schedule "${CELERY_BEAT_SCHEDULE_FILE:-/tmp/celerybeat-schedule}" \
      --loglevel "${LOG_LEVEL:-INFO}"
    ;;
  localstripe)
    exec "$PYTHON" manage.py localstripe \
      --port "${LOCALSTRIPE_PORT:-8420}" \
      --webhook-url "${LOCALSTRIPE_WEBHOOK_URL:-http://127.0.0.1:${PORT:-8000}/webhooks/stripe/}"
    ;;
  migrate)
    exec "$PYTHON" manage.py migrate --noinput
    ;;
  *)
    echo "usage: deploy/run.sh web|worker|beat|localstripe|migrate" >&2
    exit 64
    ;;
esac
