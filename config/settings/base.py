"""Settings for every environment.

Production differs from a developer's machine only through environment variables (README, "Configuration").
With none set you get a local platform: an SQLite file under var/ and Celery tasks run in-process.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The fallback key is for a developer's machine only; `check --deploy` flags it in production.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-local-development-key-change-me")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pgtrigger",
    "csp",
    "allauth",
    "allauth.account",
    "django_htmx",
    "template_partials",
    "audit",
    "outbox",
    "marketplace",
    "scenarios",
    "matching",
    "marketdata",
    "web",
]

MIDDLEWARE = [
    "config.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "web.context.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A local platform: concurrent requests from the dev server and a waiting writer should queue, not fail.
    # IMMEDIATE takes the write lock at BEGIN, so a read-then-write transition cannot deadlock on upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) serve PostgreSQL's counts; SQLite, for a laptop, builds them without the extras.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Auth -----------------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/my/"
# User names (the staff's) go through the lock-out backend; allauth's backend lets organisations log in
# with their e-mail address.
AUTHENTICATION_BACKENDS = [
    "marketplace.auth.LockoutModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Accounts (django-allauth): registration of an organisation with its first member, e-mail verification,
# password reset by e-mail. Sign-ups are throttled per client address and carry a honeypot field that people
# never see (scripts fill it in); no CAPTCHA service is needed, so it works offline.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD = "fax_number"
ACCOUNT_FORMS = {"signup": "web.forms.OrganizationSignupForm"}
ACCOUNT_ADAPTER = "web.accounts.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_RATE_LIMITS = {
    "signup": env("SIGNUP_RATE_LIMIT", default="5/h/ip"),
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "5/h/ip,3/h/key",
    "confirm_email": "3/5m/key",
}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")

# --- Language and time ----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "var" / "static")
# Uploaded documents are confidential (proposals, agreements): they live outside any public URL and are
# served only through permission-checked views.
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760
MARKET_ATTACHMENT_MAX_BYTES = env.int("MARKET_ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)

# --- E-mail ---------------------------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if env("EMAIL_HOST", default="")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# Seconds an SMTP connection may block (a digest is sent inside a row lock).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="场景开放平台 <noreply@localhost>")
EMAIL_FILE_PATH = env("DJANGO_EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
# The platform's address, for links in e-mails.
SITE_URL = env("DJANGO_SITE_URL", default="http://127.0.0.1:8000")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------------------------

_broker = env("CELERY_BROKER_URL", default="")
# No broker configured: run every task in-process, so a fresh clone works with nothing but Python.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not _broker)
CELERY_BROKER_URL = _broker or "memory://localhost/"
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=_broker or None)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
_sweep_every = env.int("FOLLOWUP_SWEEP_EVERY_S", default=0)
CELERY_BEAT_SCHEDULE: dict = {
    "matching-full-rematch": {
        "task": "matching.tasks.full_rematch",
        "schedule": env.int("MATCHING_REMATCH_EVERY_S", default=24 * 3600),
    },
    # The follow-up sweep, and after it each person's daily e-mail: every morning (or every N seconds).
    "followup-sweep": {
        "task": "scenarios.tasks.followup_sweep",
        "schedule": _sweep_every or crontab(hour=env.int("FOLLOWUP_SWEEP_HOUR", default=8), minute=0),
    },
}
CELERY_BEAT_SCHEDULE["outbox-relay"] = {"task": "outbox.tasks.relay", "schedule": 60}
CELERY_BEAT_SCHEDULE["email-digests"] = {
    "task": "marketplace.tasks.send_todays_digests",
    "schedule": crontab(hour=env.int("DIGEST_HOUR", default=8), minute=30),
}
# Seconds before a failed e-mail is tried again (doubling each time, at most 8 tries).
DIGEST_RETRY_BACKOFF_S = env.int("DIGEST_RETRY_BACKOFF_S", default=60)
DIGEST_RETRY_BACKOFF_MAX_S = 6 * 3600
# Redis redelivers a task not acknowledged within this many seconds: it must exceed the longest countdown of
# any retry (the digests' 6 h), or a waiting retry would be delivered twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=12 * 3600),
    # With the broker down, publishing gives up within seconds instead of holding the request (the work is
    # kept in the outbox and sent when the broker is back).
    "max_retries": 1,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
# The queue every task goes to and every worker reads (one per deployment; the tests give each test its own).
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")

# --- Matching (see README "How matching ranks") --------------------------------------------------------
MATCHING = {
    "ENGINE_VERSION": "bm25f-gated-3",
    "TOP_K": env.int("MATCHING_TOP_K", default=50),
    "CANDIDATES": 200,  # text candidates re-ranked with the structured signals
    "TEXT_GATE": 0.25,  # structured signals count fully once the text score reaches this share of the best
    "CHUNK_SCENARIOS": env.int("MATCHING_CHUNK_SCENARIOS", default=1000),
    # The score, in [0, 1]: a core of relevance (BM25F blended with requirement coverage) gated by sector fit,
    # breadth and maturity, plus these bonuses by their weights (the core has the rest). Chosen on one
    # labelled market and reported on the other (README "Held out").
    "WEIGHTS": {
        "region": 0.05,
        "budget": 0.03,
        "record": 0.04,
        "feedback": 0.15,
        "history": 0.10,
    },
    "COVERAGE": 0.4,  # share of relevance from requirement coverage (the scenario's distinct key terms answered)
    "SECTOR_FLOOR": 0.2,  # what a product of another domain keeps of its relevance
    # a product claiming more sectors or tags than this is weaker evidence for each: (allowed / claimed) ** power
    "BREADTH": {"sectors": 3, "tags": 12, "power": 1.0},
    # A search may use the dictionary as checked this many seconds ago (one query fewer per search); a synonym
    # or concept another process adds reaches search that much later, one this process adds at once.
    "SEARCH_DICTIONARY_AGE": 2.0,
    "PRECEDENT_MIN": 0.3,  # how alike (cosine) another scenario must be for its outcomes to count here
    "BM25_K1": 1.5,
    "BM25_B": 0.75,
    "MAX_DF": 0.25,  # a term in more than this share of products says too little to be searched on
    "FIELD_WEIGHTS": {"title": 2, "body": 1, "capability": 2},
    # sector fit: same sub-area, one inside the other (sub-area of a top-level sector), sibling sub-areas
    "SECTOR_FIT": {"same": 1.0, "parent": 0.7, "sibling": 0.35, "none": 0.0, "unknown": 0.3},
    "REGION_FIT": {"same_city": 1.0, "same_province": 0.4, "elsewhere": 0.0},
    "MATURITY": {"prototype": 0.6, "pilot": 0.85, "mature": 1.0, "scaled": 1.0},  # multiplies the core
    "BUDGET_UNKNOWN": 0.5,
    # supplier record: running cooperation counts most; each part saturates (x / (x + half))
    "RECORD": {"running": 0.5, "signed": 0.2, "benchmark": 0.2, "qualification": 0.1, "half": 2},
}

# --- Docking meetings at release events (scenarios/scheduling.py) --------------------------------------------
DOCKING = {
    "CANDIDATES_PER_SCENARIO": 20,  # the matcher's best suppliers offered a meeting, per scenario
    "REQUESTED_WEIGHT": 10.0,  # a requested meeting (a proposal) is worth this much more than its match score
    "SLOTS": 16,
    "SLOT_MINUTES": 20,
    "TABLES": 40,
    "PER_SUPPLIER": 6,
    "PER_PROVIDER": 16,
}

# --- Demonstration zones (scenarios/zones.py): the weights of the score's components (README) ----------------
ZONE_WEIGHTS = {
    "agreements": 0.15,
    "agreement_amount": 0.15,
    "published": 0.10,
    "signed": 0.15,
    "benchmark_cases": 0.20,
    "replications": 0.10,
    "support_amount": 0.10,
    "case_stories": 0.05,
}

# --- Security (secure by default outside DEBUG; see README for the production variables) ----------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Every page: scripts, styles, images and fonts from the platform itself only (no CDN, no inline script);
# inline style attributes are allowed (the admin's widgets set some).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

NUM_PROXIES = env.int("NUM_PROXIES", default=0)

# --- API ------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous write is then answered 401 with WWW-Authenticate, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "marketplace.auth.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "common.filters.StrictFilterBackend",
        "common.filters.RelevanceOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON bodies everywhere; the upload endpoints declare their multipart parser themselves.
    "DEFAULT_PARSER_CLASSES": ["common.parsers.BoundedJSONParser"],
    # Money is a JSON number (万元), as in the market interchange file.
    "COERCE_DECIMAL_TO_STRING": False,
    "DEFAULT_PAGINATION_CLASS": "common.api.Pagination",
    "EXCEPTION_HANDLER": "common.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="120/minute"),
        "user": env("API_THROTTLE_USER", default="600/minute"),
        "login": env("API_THROTTLE_LOGIN", default="20/minute"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Reverse proxies in front of the platform: the client address (throttles, lock-out, audit) is the one
    # the last of them saw. 0: X-Forwarded-For is ignored, as any client can write it.
    "NUM_PROXIES": NUM_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AI 应用场景开放平台 API",
    "DESCRIPTION": (
        "Scenarios, suppliers, release events, proposals and follow-up of the AI scenario market. "
        "Every error has the shape {code, message, fields}; messages follow Accept-Language (zh-hans default)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "common.api.add_error_responses",
        "common.api.forbid_unknown_request_properties",
    ],
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "marketplace.choices.OrganizationKind",
        "NotificationKindEnum": "marketplace.choices.NotificationKind",
        "ProposalKindEnum": "scenarios.choices.ProposalKind",
        "EventKindEnum": "scenarios.choices.EventKind",
        "SupportKindEnum": "scenarios.choices.SupportKind",
        "ScenarioStateEnum": "scenarios.choices.ScenarioState",
        "ReminderRuleCodeEnum": "scenarios.choices.ReminderRuleCode",
        "FollowupStatusEnum": "scenarios.choices.FollowupStatus",
        "DeclineReasonEnum": "scenarios.choices.DeclineReason",
    },
}

# Login lock-out: this many failures for one user name from one client address lock that pair (not the
# account everywhere: anyone could otherwise lock anyone out) for LOGIN_LOCKOUT_SECONDS, doubling with each
# further lock-out of the pair within a day, up to LOGIN_LOCKOUT_MAX_SECONDS.
LOGIN_MAX_FAILURES = env.int("LOGIN_MAX_FAILURES", default=5)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=15 * 60)
LOGIN_LOCKOUT_MAX_SECONDS = env.int("LOGIN_LOCKOUT_MAX_SECONDS", default=24 * 3600)
# API tokens expire this many seconds after they were issued (and whenever the password changes).
API_TOKEN_TTL_SECONDS = env.int("API_TOKEN_TTL_SECONDS", default=7 * 24 * 3600)

# --- Cache (throttling and login lock-out counters; shared across processes in production) -----------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- Logging --------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"jieba": {"level": "WARNING"}, "celery.app.trace": {"level": "WARNING"}},
}

# --- The market's own settings --------------------------------------------------------------------------
# The province whose regions the reference-data migration loads; another province loads its own file
# with `manage.py load_regions FILE`.
MARKET_REGIONS_FILE = env.path(
    "MARKET_REGIONS_FILE", default=BASE_DIR / "marketplace" / "data" / "regions-sichuan.json"
)
MARKET_SECTORS_FILE = env.path("MARKET_SECTORS_FILE", default=BASE_DIR / "marketplace" / "data" / "sectors.json")
