# syntax=docker/dockerfile:1
# The production image: one image for web, worker and beat (deploy/run.sh picks the process,
# as make stack does). Dependencies are installed in a build stage into a virtualenv that is
# copied alone into the final stage: no pip cache, no compiler (every compiled dependency is
# installed from its wheel; localstripe, pure Python, is published only as a source archive).

FROM python:3.11-slim-bookworm AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
COPY requirements/base.txt /tmp/requirements.txt
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --only-binary=:all: --no-binary=localstripe \
       -r /tmp/requirements.txt

FROM python:3.11-slim-bookworm AS runtime
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHON=python \
    DEBUG=false \
    LOG_FORMAT=json \
    HOST=0.0.0.0 \
    PORT=8000 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/metrics \
    CELERY_BEAT_SCHEDULE_FILE=/tmp/celerybeat-schedule
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app \
    && install --directory --owner app --group app /tmp/metrics
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
# Code and static files belong to root: the app user can read them, not change them.
COPY . /app
# Static files (admin, GraphiQL) are collected into the image; whitenoise serves them. The keys
# only satisfy the settings' DEBUG=false checks for this one command and are not kept.
RUN SECRET_KEY="collectstatic-only-$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')" \
    STRIPE_SECRET_KEY="sk_collectstatic_only" STRIPE_WEBHOOK_SECRET="whsec_collectstatic_only" \
    python manage.py collectstatic --noinput -v0
USER 10001:10001
EXPOSE 8000
# The web process's liveness; compose gives worker and beat probes of their own.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz\", timeout=4)"]
ENTRYPOINT ["deploy/run.sh"]
CMD ["web"]
