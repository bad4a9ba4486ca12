"""The one settings module, driven by the environment (12-factor).

With no environment at all the project runs for a newcomer: SQLite, local-memory cache, eager
Celery, in-memory channel layer, GraphiQL on and the local Stripe stand-in. Every variable is
listed in the README.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config.logging import level_name, logging_config, structlog_configure
from config.secrets import refuse_unsafe_secrets

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# The development key is public: it is refused whenever DEBUG is off.
DEVELOPMENT_SECRET_KEY = "dev-insecure-key-only-for-local-development-never-in-production"

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
if not DEBUG and (
    SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        "DEBUG is off: set SECRET_KEY to a random value of at least 50 characters."
    )

# Django's error pages and reports hide credentials inside service URLs too.
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.error_reports.CredentialsFilter"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Browser apps on other origins may call the API (only /graphql/): these origins, exactly. The
# API authenticates by bearer token, so no credentials (cookies) are ever allowed cross-origin.
# In development the usual local dev servers are allowed; in production none unless listed.
DEV_SERVER_ORIGINS = [
    f"http://{host}:{port}" for port in (3000, 5173, 8080) for host in ("localhost", "127.0.0.1")
]
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=DEV_SERVER_ORIGINS if DEBUG else [])
CORS_URLS_REGEX = r"^/graphql/?$"
CORS_ALLOW_METHODS = ("GET", "POST", "OPTIONS")
CORS_ALLOW_HEADERS = ("authorization", "content-type", "accept", "x-request-id")
CORS_EXPOSE_HEADERS = ("X-Request-ID",)
CORS_ALLOW_CREDENTIALS = False
CORS_PREFLIGHT_MAX_AGE = 600

INSTALLED_APPS = [
    # django.contrib.admin with the platform's own site (login limit, dashboard).
    "console.apps.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_prometheus",
    "corsheaders",
    # Metrics of the domain's events and optional tracing, wired once the apps are loaded.
    "config.apps.ObservabilityConfig",
    # Before strawberry_django: our `export_schema` command replaces the library's.
    "graphql_api",
    "strawberry_django",
    # The domain, from the bottom up (import-linter holds the order: pyproject.toml).
    "core",
    "accounts",
    "restaurants",
    "payments",
    "promotions",
    "orders",
    "delivery",
    "notifications",
    "reviews",
    "favourites",
    "privacy",
    "reactions",
    "demo",
    # The staff consoles: the platform admin's orders and dashboard, the managers' console.
    "console",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "config.request_log.RequestLogMiddleware",
    # Before anything that may answer: a preflight OPTIONS gets its CORS answer here.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.BearerTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Data stores -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Under ASGI every request runs in a thread of its own: a connection kept per thread
# (CONN_MAX_AGE) is a connection per request left open. PostgreSQL connections come from the
# pool below instead; 0 closes them at the end of each request otherwise.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Many readers and one writer without "database is locked" under the dev server.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that stops answering fails requests after these, instead of hanging them.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        connect_timeout=env.int("DB_CONNECT_TIMEOUT_SECONDS", default=3),
        options=f"-c statement_timeout={env.int('DB_STATEMENT_TIMEOUT_MS', default=15_000)}",
    )
# Each process keeps a pool of at most DB_POOL_MAX_SIZE connections (psycopg_pool); 0 turns the
# pool off. The sum over processes must stay under PostgreSQL's max_connections (docs/deploy.md).
DB_POOL_MAX_SIZE = env.int("DB_POOL_MAX_SIZE", default=10)
if DB_POOL_MAX_SIZE and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=1),
        "max_size": DB_POOL_MAX_SIZE,
        # Seconds a request waits for a free connection before failing.
        "timeout": env.float("DB_POOL_TIMEOUT_SECONDS", default=10.0),
    }
    # Django refuses a pool together with persistent connections: the pool is the persistence.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# Query counts and latencies per database (django-prometheus wraps the real backend).
DATABASES["default"]["ENGINE"] = DATABASES["default"]["ENGINE"].replace(
    "django.db.backends.", "django_prometheus.db.backends."
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_prometheus.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="fd"),
            # Short: a slow or black-holed Redis costs a request this long once, then
            # core.cache skips it for a few seconds.
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_SOCKET_TIMEOUT_SECONDS", default=0.5),
                "SOCKET_TIMEOUT": env.float("REDIS_SOCKET_TIMEOUT_SECONDS", default=0.5),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django_prometheus.cache.backends.locmem.LocMemCache"}}

# --- Channel layer (live updates over WebSocket) -----------------------------------------------
# channels_redis waits for messages with BZPOPMIN blocking 5 s at a time; the socket timeout must
# be longer, or every idle subscriber's read times out (redis-py's default is exactly 5 s: idle
# sockets died after 5 s). Finite all the same: a link to Redis that silently stops answering
# is noticed after this long and the sockets are closed so that clients reconnect and resync.
CHANNEL_LAYER_REDIS_URL = env.str("CHANNEL_LAYER_REDIS_URL", default=REDIS_URL)
CHANNEL_LAYER_SOCKET_TIMEOUT_SECONDS = env.float("CHANNEL_LAYER_SOCKET_TIMEOUT_SECONDS", default=15)
CHANNEL_LAYER_BLOCKING_READ_SECONDS = 5  # channels_redis.core.RedisChannelLayer.brpop_timeout
if CHANNEL_LAYER_SOCKET_TIMEOUT_SECONDS <= CHANNEL_LAYER_BLOCKING_READ_SECONDS:
    raise ImproperlyConfigured(
        "CHANNEL_LAYER_SOCKET_TIMEOUT_SECONDS must be above the channel layer's "
        f"{CHANNEL_LAYER_BLOCKING_READ_SECONDS} s blocking read."
    )
if CHANNEL_LAYER_REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # channels_redis's layer with group operations retried once (stale connections).
            "BACKEND": "config.channel_layer.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": CHANNEL_LAYER_REDIS_URL,
                        "socket_timeout": CHANNEL_LAYER_SOCKET_TIMEOUT_SECONDS,
                        "socket_connect_timeout": env.float(
                            "CHANNEL_LAYER_CONNECT_TIMEOUT_SECONDS", default=3
                        ),
                        "socket_keepalive": True,
                    }
                ],
                "prefix": env.str("CACHE_KEY_PREFIX", default="fd"),
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# Publishing one live update never holds a request or task longer than this (Redis down).
LIVE_PUBLISH_TIMEOUT_SECONDS = env.float("LIVE_PUBLISH_TIMEOUT_SECONDS", default=2)
# graphql-transport-ws `ping` from the server this often, so that proxies and load balancers that
# drop idle connections after 30-60 s keep subscriptions open; 0 turns it off.
GRAPHQL_WS_KEEPALIVE_SECONDS = env.float("GRAPHQL_WS_KEEPALIVE_SECONDS", default=15)
# restaurantOrders(changedSince:) also replays orders whose status changed this long before the
# given instant: a change is stamped when its transaction starts and may commit after a later one
# was already delivered, so a resume point taken from the latest update could otherwise skip it.
LIVE_RESUME_OVERLAP_SECONDS = env.int("LIVE_RESUME_OVERLAP_SECONDS", default=120)

# --- Accounts and tokens -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

JWT_SIGNING_KEY = env.str("JWT_SIGNING_KEY", default=SECRET_KEY)
JWT_ISSUER = env.str("JWT_ISSUER", default="food-delivery")
JWT_ACCESS_TOKEN_LIFETIME = timedelta(seconds=env.int("JWT_ACCESS_TOKEN_SECONDS", default=15 * 60))
JWT_REFRESH_TOKEN_LIFETIME = timedelta(
    seconds=env.int("JWT_REFRESH_TOKEN_SECONDS", default=30 * 24 * 3600)
)

# --- Account self-service (issue 15) --------------------------------------------------------------
# Links in account emails point at the apps (which call resetPassword / verifyEmail with the
# token) and at this server (data exports).
ACCOUNT_LINK_BASE_URL = env.str("ACCOUNT_LINK_BASE_URL", default="http://localhost:3000")
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
PASSWORD_RESET_TOKEN_SECONDS = env.int("PASSWORD_RESET_TOKEN_SECONDS", default=3600)
EMAIL_VERIFICATION_TOKEN_SECONDS = env.int("EMAIL_VERIFICATION_TOKEN_SECONDS", default=2 * 86400)
PHONE_VERIFICATION_CODE_SECONDS = env.int("PHONE_VERIFICATION_CODE_SECONDS", default=600)
PHONE_VERIFICATION_MAX_ATTEMPTS = env.int("PHONE_VERIFICATION_MAX_ATTEMPTS", default=5)
# Messages (reset links, codes) per minute per target (an email, a user) and per client IP.
RATE_LIMIT_ACCOUNT_MESSAGES_PER_MINUTE = env.int(
    "RATE_LIMIT_ACCOUNT_MESSAGES_PER_MINUTE", default=3
)
DATA_EXPORT_LINK_SECONDS = env.int("DATA_EXPORT_LINK_SECONDS", default=7 * 86400)
# Sign in with Google or Apple: the apps' client ids (the tokens' audiences); empty: turned off.
OAUTH_GOOGLE_CLIENT_IDS = env.list("OAUTH_GOOGLE_CLIENT_IDS", default=[])
OAUTH_APPLE_CLIENT_IDS = env.list("OAUTH_APPLE_CLIENT_IDS", default=[])
OAUTH_GOOGLE_JWKS_URL = env.str(
    "OAUTH_GOOGLE_JWKS_URL", default="https://www.googleapis.com/oauth2/v3/certs"
)
OAUTH_APPLE_JWKS_URL = env.str(
    "OAUTH_APPLE_JWKS_URL", default="https://appleid.apple.com/auth/keys"
)
OAUTH_JWKS_CACHE_SECONDS = env.int("OAUTH_JWKS_CACHE_SECONDS", default=3600)
OAUTH_JWKS_TIMEOUT_SECONDS = env.float("OAUTH_JWKS_TIMEOUT_SECONDS", default=3.0)

# --- GraphQL -----------------------------------------------------------------------------------
GRAPHIQL = env.bool("GRAPHIQL", default=DEBUG)
GRAPHQL_MAX_DEPTH = env.int("GRAPHQL_MAX_DEPTH", default=12)
GRAPHQL_MAX_ALIASES = env.int("GRAPHQL_MAX_ALIASES", default=30)
GRAPHQL_MAX_TOKENS = env.int("GRAPHQL_MAX_TOKENS", default=5000)
# The longest list any argument may carry (cart lines, opening-hour spans, ids): checked before
# the values are coerced, so a huge list costs nothing to refuse.
GRAPHQL_MAX_INPUT_LIST_LENGTH = env.int("GRAPHQL_MAX_INPUT_LIST_LENGTH", default=200)
# What one request may cost (graphql_api/core/cost.py): a whole menu with its options is about
# 1,500, a page of 20 restaurants about 40, a page of 20 orders with lines and events about
# 300; the review's 30 aliased pages of 100 menus, 4.5 million.
GRAPHQL_COST_BUDGET_ANONYMOUS = env.int("GRAPHQL_COST_BUDGET_ANONYMOUS", default=5000)
GRAPHQL_COST_BUDGET_USER = env.int("GRAPHQL_COST_BUDGET_USER", default=10000)
GRAPHQL_COST_BUDGET_STAFF = env.int("GRAPHQL_COST_BUDGET_STAFF", default=50000)
# How long after delivery a customer may rate an order (and change the rating).
REVIEW_WINDOW_DAYS = env.int("REVIEW_WINDOW_DAYS", default=14)
# How long a whole answer to a public catalogue read (a restaurant and its menu) is kept; 0 turns
# the response cache off (graphql_api/core/response_cache.py). Edits never wait for it: any change
# to the restaurant or its menu makes a new key.
GRAPHQL_RESPONSE_CACHE_SECONDS = env.int("GRAPHQL_RESPONSE_CACHE_SECONDS", default=600)
# Off in production unless asked for: the schema is public in schema.graphql, but a live
# introspection endpoint is one more thing an attacker can lean on (cost, probing).
GRAPHQL_INTROSPECTION = env.bool("GRAPHQL_INTROSPECTION", default=DEBUG)
STRAWBERRY_DJANGO = {
    "PAGINATION_DEFAULT_LIMIT": 20,
    "PAGINATION_MAX_LIMIT": 100,
    "MAP_AUTO_ID_AS_GLOBAL_ID": True,
}

# Client operation names reported as themselves in metrics, besides the schema's root fields
# (any other name is counted as "other", so clients cannot blow up the label set).
GRAPHQL_METRICS_OPERATIONS = frozenset(env.list("GRAPHQL_METRICS_OPERATIONS", default=[]))

# When set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>` (Prometheus scrape).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Without a token, /metrics answers only where this is on (the demo); production serves its
# internals (operation names, queue sizes) to nobody without the token.
METRICS_WITHOUT_TOKEN = env.bool("METRICS_WITHOUT_TOKEN", default=DEBUG)

# Requests per window per client for the sensitive mutations (login, register, placeOrder...).
RATE_LIMITS_ENABLED = env.bool("RATE_LIMITS_ENABLED", default=True)
RATE_LIMIT_AUTH_PER_MINUTE = env.int("RATE_LIMIT_AUTH_PER_MINUTE", default=10)
# Sign-in (login) attempts per minute: per client IP (high: many people share a NAT) and per
# account (the normalised email); after SIGN_IN_LOCKOUT_AFTER_FAILURES failures for an account it
# is refused for SIGN_IN_LOCKOUT_SECONDS (counted from the first failure), known or not.
RATE_LIMIT_SIGN_IN_PER_IP = env.int("RATE_LIMIT_SIGN_IN_PER_IP", default=30)
RATE_LIMIT_SIGN_IN_PER_ACCOUNT = env.int("RATE_LIMIT_SIGN_IN_PER_ACCOUNT", default=10)
SIGN_IN_LOCKOUT_AFTER_FAILURES = env.int("SIGN_IN_LOCKOUT_AFTER_FAILURES", default=10)
SIGN_IN_LOCKOUT_SECONDS = env.int("SIGN_IN_LOCKOUT_SECONDS", default=900)
# Per signed-in user and minute: mutations that call Stripe or send messages.
RATE_LIMIT_PAYMENT_CALLS_PER_MINUTE = env.int("RATE_LIMIT_PAYMENT_CALLS_PER_MINUTE", default=10)
# checkPromoCode per user: enough to try a few codes, too few to guess them one by one.
RATE_LIMIT_PROMO_CHECKS_PER_MINUTE = env.int("RATE_LIMIT_PROMO_CHECKS_PER_MINUTE", default=20)
# The most support staff (without "refund any amount") refund of one order, in minor units.
SUPPORT_REFUND_LIMIT = env.int("SUPPORT_REFUND_LIMIT", default=5000)
# Checkout attempts per customer per minute (repeats of one idempotency key count too).
RATE_LIMIT_PLACE_ORDER_PER_MINUTE = env.int("RATE_LIMIT_PLACE_ORDER_PER_MINUTE", default=10)
# Which client a request came from (the rate limits' key) is the web server's to decide:
# TRUST_X_FORWARDED_FOR and FORWARDED_ALLOW_IPS are read by deploy/gunicorn.conf.py.

# --- Celery ------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# No broker configured: run tasks in-process so the newcomer's server needs nothing else.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = env.bool("CELERY_TASK_EAGER_PROPAGATES", default=False)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
# A message is acknowledged when its task ends, so a worker that dies mid-task leaves it to be
# delivered again; one message at a time per worker process keeps that promise cheap.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=90)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers log through LOGGING below (structured, with request ids), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A worker serves its processes' metrics on this port (0: off); needs PROMETHEUS_MULTIPROC_DIR.
CELERY_WORKER_METRICS_PORT = env.int("CELERY_WORKER_METRICS_PORT", default=0)
CELERY_WORKER_METRICS_ADDRESS = env.str("CELERY_WORKER_METRICS_ADDRESS", default="127.0.0.1")
# Redis as broker: an unacknowledged message (its worker died) returns to the queue after
# `visibility_timeout`; workers sweep for such messages every `unacked_restore_interval`.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than any task may hold a message: the longest retry back-off (600 s, a task held
    # until its countdown) plus the hard time limit. Shorter, and such a message would be
    # delivered twice; much longer, and a killed worker's message waits that long.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": 1,
}
# Deployments sharing one broker (make stack beside a development RabbitMQ's other users) keep
# apart by this prefix of every queue name; workers are started with the same prefix.
TASK_QUEUE_PREFIX = env.str("TASK_QUEUE_PREFIX", default="")
CELERY_TASK_DEFAULT_QUEUE = f"{TASK_QUEUE_PREFIX}default"
# A queue per concern, by the task's name (its app): a backlog of notifications never delays
# finding a driver or settling money. (Celery deprecates queues declared on the task itself.)
CELERY_TASK_ROUTES = {
    "delivery.*": {"queue": f"{TASK_QUEUE_PREFIX}dispatch"},
    "notifications.*": {"queue": f"{TASK_QUEUE_PREFIX}notifications"},
    "payments.*": {"queue": f"{TASK_QUEUE_PREFIX}payments"},
    "orders.stripe_event_apply": {"queue": f"{TASK_QUEUE_PREFIX}payments"},
    "orders.payments_reconcile": {"queue": f"{TASK_QUEUE_PREFIX}payments"},
    "orders.acceptances_resume": {"queue": f"{TASK_QUEUE_PREFIX}payments"},
}
# Periodic work (celery beat). Dispatch: unanswered offers move on within seconds of expiring, and
# deliveries waiting for a driver are retried once their back-off has passed. The outbox sweep
# relays side effects that a broker or Redis outage at commit left behind.
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "reactions.outbox_sweep", "schedule": 10.0},
    "delivery-offers-expire": {"task": "delivery.offers_expire", "schedule": 10.0},
    "deliveries-redispatch-due": {"task": "delivery.redispatch_due", "schedule": 15.0},
    "payments-reconcile": {"task": "orders.payments_reconcile", "schedule": 60.0},
    "orders-expire-unpaid": {"task": "orders.expire_unpaid", "schedule": 60.0},
    "orders-acceptances-resume": {"task": "orders.acceptances_resume", "schedule": 15.0},
    "orders-scheduled-expire": {"task": "orders.scheduled_expire", "schedule": 60.0},
    "orders-scheduled-remind": {"task": "orders.scheduled_remind", "schedule": 60.0},
    "accounts-purge-refresh-tokens": {
        "task": "accounts.purge_refresh_tokens",
        "schedule": 24 * 3600.0,
    },
}
# Wiring: the function that hands outbox messages to their consumers (core.outbox).
OUTBOX_RELAY = "reactions.relay.relay"
# Orders still waiting for their payment this long are cancelled (and the hold released).
ORDER_PAYMENT_TIMEOUT_MINUTES = env.int("ORDER_PAYMENT_TIMEOUT_MINUTES", default=30)

# --- Notifications -----------------------------------------------------------------------------
# SMS and push go to a provider over HTTP when these are set; otherwise to the log provider,
# which records exactly what would be sent.
NOTIFY_SMS_URL = env.str("NOTIFY_SMS_URL", default="")
NOTIFY_PUSH_URL = env.str("NOTIFY_PUSH_URL", default="")
NOTIFY_PROVIDER_TOKEN = env.str("NOTIFY_PROVIDER_TOKEN", default="")
NOTIFY_PROVIDER_TIMEOUT_SECONDS = env.float("NOTIFY_PROVIDER_TIMEOUT_SECONDS", default=5.0)
# Where the log provider appends what it would send (one JSON line per message); empty: log only.
NOTIFY_LOG_OUTBOX = env.str("NOTIFY_LOG_OUTBOX", default="")
# Tests only: the log provider pauses this long per message, so a test can kill a worker mid-send.
NOTIFY_TEST_SEND_DELAY_SECONDS = env.float("NOTIFY_TEST_SEND_DELAY_SECONDS", default=0.0)

# --- Catalogue ---------------------------------------------------------------------------------
# No restaurant delivers further than this (near-me searches box their candidates with it).
MAX_DELIVERY_RADIUS_M = env.int("MAX_DELIVERY_RADIUS_M", default=20_000)

# --- Fees (minor units of the restaurant's currency; a restaurant's own values win) ----------
# The platform's delivery-fee bands, "upToMetres:fee" pairs, for restaurants without their own
# (empty: such a restaurant charges its flat delivery fee at any distance it serves).
DELIVERY_FEE_BANDS = env.str("DELIVERY_FEE_BANDS", default="")
# Orders whose food comes to less than the threshold pay the small-order fee (0: none).
SMALL_ORDER_THRESHOLD = env.int("SMALL_ORDER_THRESHOLD", default=0)
SMALL_ORDER_FEE = env.int("SMALL_ORDER_FEE", default=0)
# The platform's service fee: a share of the food in basis points (100 = 1 %), rounded half up,
# then raised to the floor and cut to the cap (cap 0: no cap). 0 basis points and floor 0: none.
SERVICE_FEE_BASIS_POINTS = env.int("SERVICE_FEE_BASIS_POINTS", default=0)
SERVICE_FEE_MIN = env.int("SERVICE_FEE_MIN", default=0)
SERVICE_FEE_MAX = env.int("SERVICE_FEE_MAX", default=0)

# --- Scheduled orders --------------------------------------------------------------------------
# How many days ahead (besides today) a customer may choose a slot: Stripe keeps an
# authorisation about 7 days, so the card is always captured or released before it lapses.
SCHEDULE_DAYS_AHEAD = env.int("SCHEDULE_DAYS_AHEAD", default=7)
# A scheduled order must be accepted this many minutes before its slot's kitchen start, and
# within PAYMENT_AUTHORIZATION_MAX_AGE_HOURS of its authorisation, whichever comes first; else
# it is cancelled and its card released (orders.scheduled_expire, in beat).
SCHEDULED_ACCEPT_DEADLINE_MINUTES = env.int("SCHEDULED_ACCEPT_DEADLINE_MINUTES", default=30)
# The restaurant's team is reminded this long before a scheduled order's accept-by time.
SCHEDULED_ACCEPT_REMINDER_MINUTES = env.int("SCHEDULED_ACCEPT_REMINDER_MINUTES", default=60)

# --- Delivery dispatch -------------------------------------------------------------------------
# How far from the restaurant a driver may be to be offered a delivery.
DISPATCH_RADIUS_KM = env.float("DISPATCH_RADIUS_KM", default=8.0)
DRIVER_MAX_ACTIVE_DELIVERIES = env.int("DRIVER_MAX_ACTIVE_DELIVERIES", default=1)
DELIVERY_OFFER_TIMEOUT_SECONDS = env.int("DELIVERY_OFFER_TIMEOUT_SECONDS", default=60)
# Nobody available: retry after base * 2^(attempts-1) seconds, never waiting longer than max.
DISPATCH_RETRY_BASE_SECONDS = env.int("DISPATCH_RETRY_BASE_SECONDS", default=30)
DISPATCH_RETRY_MAX_SECONDS = env.int("DISPATCH_RETRY_MAX_SECONDS", default=300)
# Admins hear about a delivery still without a driver after this many rounds or minutes.
DISPATCH_ALERT_AFTER_ATTEMPTS = env.int("DISPATCH_ALERT_AFTER_ATTEMPTS", default=5)
DISPATCH_ALERT_AFTER_MINUTES = env.int("DISPATCH_ALERT_AFTER_MINUTES", default=10)
# A driver whose app has not reported a position for this long is not offered anything.
DRIVER_LOCATION_MAX_AGE_SECONDS = env.int("DRIVER_LOCATION_MAX_AGE_SECONDS", default=900)

# --- Stripe ------------------------------------------------------------------------------------
# Without a key the project talks to the local Stripe stand-in (localstripe) of `make run`.
LOCALSTRIPE_URL = "http://127.0.0.1:8420"
# The demo's values are public (they are in this file): with DEBUG off they are refused, since
# anyone could sign a webhook with the demo secret.
DEMO_STRIPE_SECRET_KEY, DEMO_STRIPE_WEBHOOK_SECRET = "sk_test_localstripe", "whsec_localstripe_demo"
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default=DEMO_STRIPE_SECRET_KEY)
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="pk_test_localstripe")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default=DEMO_STRIPE_WEBHOOK_SECRET)
if not DEBUG:
    refuse_unsafe_secrets(
        stripe_secret_key=STRIPE_SECRET_KEY,
        stripe_webhook_secret=STRIPE_WEBHOOK_SECRET,
        jwt_signing_key=JWT_SIGNING_KEY,
        demo_values={DEMO_STRIPE_SECRET_KEY, DEMO_STRIPE_WEBHOOK_SECRET},
    )
STRIPE_API_BASE = env.str(
    "STRIPE_API_BASE", default="" if "STRIPE_SECRET_KEY" in env else LOCALSTRIPE_URL
)
# One try waits at most STRIPE_TIMEOUT_SECONDS; a request (checkout, acceptance) waits on Stripe
# at most STRIPE_REQUEST_BUDGET_SECONDS in all, retries included.
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=5.0)
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=2)
STRIPE_REQUEST_BUDGET_SECONDS = env.float("STRIPE_REQUEST_BUDGET_SECONDS", default=8.0)
STRIPE_WEBHOOK_TOLERANCE_SECONDS = env.int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", default=300)
# Reconciliation: payments without news for this long are re-read from Stripe; authorisations
# older than this many hours (Stripe keeps them about 7 days) are captured or released.
PAYMENT_STUCK_AFTER_MINUTES = env.int("PAYMENT_STUCK_AFTER_MINUTES", default=10)
# A checkout's payment still without an answer this long after it was created (and nobody
# talking to Stripe about it) is settled: cancelled if it never reached Stripe.
PAYMENT_ABANDONED_AFTER_SECONDS = env.int("PAYMENT_ABANDONED_AFTER_SECONDS", default=120)
PAYMENT_AUTHORIZATION_MAX_AGE_HOURS = env.int("PAYMENT_AUTHORIZATION_MAX_AGE_HOURS", default=144)

# --- Locale and time ---------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
DEFAULT_CURRENCY = env.str("DEFAULT_CURRENCY", default="EUR")

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# The development server serves admin assets straight from the apps; production collects them.
WHITENOISE_USE_FINDERS = DEBUG

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="orders@food-delivery.local")

# --- Production hardening (all on when DEBUG is off; `manage.py check --deploy` passes) --------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Benchmark ---------------------------------------------------------------------------------
# `make bench` only: the baseline views under /bench/ and per-request cost headers (bench/).
# Never on in production: the baselines are not part of the API.
BENCHMARK = env.bool("BENCHMARK", default=False)
if BENCHMARK:
    MIDDLEWARE.insert(0, "bench.middleware.RequestCostMiddleware")

# --- Observability -----------------------------------------------------------------------------
# `json`: one JSON object per line for a log shipper; `console`: readable lines for a terminal.
LOG_FORMAT = env.str("LOG_FORMAT", default="console")
LOGGING = logging_config(
    log_format=LOG_FORMAT, level=level_name(env.str("LOG_LEVEL", default="INFO"))
)
structlog_configure()
# django-prometheus would otherwise query the migration table at every process start.
PROMETHEUS_EXPORT_MIGRATIONS = False

# Errors go to Sentry only when a DSN is set (Django, Celery and ASGI integrations).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="development" if DEBUG else "production")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
if SENTRY_DSN:
    # Only with a DSN: without one the SDK is not even imported.
    from config.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
        release=env.str("SENTRY_RELEASE", default="") or None,
    )

# OpenTelemetry traces (Django, psycopg, Redis, Celery) go to this OTLP/HTTP collector when set.
OTEL_EXPORTER_OTLP_ENDPOINT = env.str("OTEL_EXPORTER_OTLP_ENDPOINT", default="")
OTEL_SERVICE_NAME = env.str("OTEL_SERVICE_NAME", default="food-delivery")
