"""Settings shared by every environment; everything variable comes from the environment."""
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env("SECRET_KEY", default=DEV_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "guardian",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "portal",
    "agencies",
    "needs",
    "commissioning",
    "commissioning.budgets",
    "commissioning.contracts",
    "commissioning.coproduction",
    "governance",
    "sso",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (CONTENT_SECURITY_POLICY below)
    # Issue 14: errors under /api/ are always the JSON error body; InputGuardMiddleware
    # (below) refuses numbers no database integer holds before any view sees them.
    "portal.middleware.ApiErrorMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "agencies.middleware.SessionTimeoutMiddleware",  # idle and absolute session limits
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "agencies.middleware.CurrentAreaMiddleware",
    "agencies.middleware.TwoFactorRequiredMiddleware",
    "portal.middleware.InputGuardMiddleware",  # issue 14: see ApiErrorMiddleware above
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
AUTH_USER_MODEL = "agencies.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "agencies.backends.UsernameOrEmailBackend",
    "sso.backends.AreaOIDCBackend",
    "guardian.backends.ObjectPermissionBackend",
]

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
                "portal.context_processors.portal",
                "sso.context_processors.sso",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Issue 15: a connection per request cost 5-10 ms; keep it for a minute, checked before
# reuse (CONN_HEALTH_CHECKS), so a restarted database costs one reconnect, not an error.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
# The embedded default (SQLite) configured for a web server (issue 13): write transactions
# take the write lock when they begin (IMMEDIATE), so racing requests queue for up to 20 s
# instead of failing with "database is locked"; WAL lets readers run beside the writer.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "transaction_mode": "IMMEDIATE", "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "build" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# GOV.UK Frontend's compiled CSS asks for /assets/fonts and /assets/images: the build
# copies the package's assets into build/root/assets and WhiteNoise serves them there.
WHITENOISE_ROOT = BASE_DIR / "build" / "root"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="portal@localhost")

# Small-number suppression (portal/disclosure.py, issue 14 #7): counts of children or
# packages from 1 to this minus one are published as "fewer than N" with their costs withheld.
SMALL_NUMBER_THRESHOLD = env.int("SMALL_NUMBER_THRESHOLD", default=5)

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Eager (no broker): tasks deferred with portal.background.defer run in a background thread
# after the request commits, so a page never waits for a slow task (board reports).
CELERY_EAGER_IN_THREAD = env.bool("CELERY_EAGER_IN_THREAD", default=True)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Longer than the longest task (a 40-page report takes seconds), so a running task is
# never re-delivered; the restore sweep is shortened so a killed worker's task returns fast.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900),
    "unacked_restore_interval": 2,
    "unacked_restore_throttle": 1,
}
CELERY_TIMEZONE = TIME_ZONE
# Every worker runs these recovery sweeps when it starts and then every INTERVAL seconds,
# from a thread of its main process (portal.worker.RecoverySweeps): work that lost its
# worker or its broker message is sent again without waiting for beat.
PORTAL_WORKER_SWEEPS = ["governance.services.reports_recover_stuck"]
PORTAL_WORKER_SWEEP_INTERVAL = env.float("PORTAL_WORKER_SWEEP_INTERVAL", default=5)
CELERY_BEAT_SCHEDULE = {
    # Memberships start and end on dates: grants follow them daily (agencies.services).
    "agencies-sync-memberships": {"task": "agencies.sync_memberships", "schedule": 60 * 60 * 24},
    # An agency replaced from a later date becomes inactive on the day (agencies.services).
    "agencies-apply-successions": {"task": "agencies.apply_successions",
                                   "schedule": 60 * 60 * 24},
    # Frozen quarter positions still match their sha256 (commissioning.budgets).
    "budgets-verify-snapshots": {"task": "budgets.verify_snapshots", "schedule": 60 * 60 * 24},
    # Consultations whose opening date has come: tell their audiences (co-production).
    "coproduction-consultations-opening": {
        "task": "commissioning.coproduction.tasks.notify_consultations_opening",
        "schedule": 60 * 60 * 24},
}

# --- Contracts ------------------------------------------------------------------------
# Contracts ending within this many months need a review-stage intention.
CONTRACTS_EXPIRY_PIPELINE_MONTHS = env.int("CONTRACTS_EXPIRY_PIPELINE_MONTHS", default=18)
# The Open Contracting ocid prefix: register one with the Open Contracting Partnership
# before publishing; the default is a placeholder.
OCDS_PREFIX = env("OCDS_PREFIX", default="ocds-jcp000")

# --- Security and sign-in -------------------------------------------------------------
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5  # hours
# Failures count per account (any capitalisation of the username, or the e-mail address,
# resolves to it: agencies.lockout.account_key) and per IP address, pages and API alike.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "agencies.lockout.account_key"
AXES_HANDLER = "agencies.lockout.AccountAndAddressHandler"
AXES_LOCKOUT_CALLABLE = "agencies.lockout.lockout_response"  # JSON on /api/, page elsewhere
LOGIN_FAILURE_LIMIT_PER_IP = env.int("LOGIN_FAILURE_LIMIT_PER_IP", default=30)
# How many reverse proxies (that append to X-Forwarded-For) stand in front of the portal:
# 0 trusts only REMOTE_ADDR. Set it in production, or every client shares the proxy's address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "agencies.lockout.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
OTP_TOTP_ISSUER = "Joint Commissioning Portal"
# First-time two-factor enrolment goes through an e-mailed link valid this long (seconds).
TWO_FACTOR_ENROL_LINK_MAX_AGE = env.int("TWO_FACTOR_ENROL_LINK_MAX_AGE", default=60 * 60)
# Password-reset e-mails (django-ratelimit rates); the page always answers the same.
PASSWORD_RESET_RATE_PER_ADDRESS = env("PASSWORD_RESET_RATE_PER_ADDRESS", default="3/h")
PASSWORD_RESET_RATE_PER_IP = env("PASSWORD_RESET_RATE_PER_IP", default="20/h")
# API tokens (agencies.ApiToken) expire this many days after issue.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=30)
SESSION_COOKIE_HTTPONLY = True
# Sessions end after 30 minutes idle and 12 hours after sign-in (ASVS 3.3.2), seconds;
# enforced by agencies.middleware.SessionTimeoutMiddleware.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

# --- REST framework -------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Expiring tokens, and sessions only once they passed two-factor where it applies.
        "agencies.authentication.ExpiringTokenAuthentication",
        "agencies.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exception_handler",
    # JSON with a depth limit and database-sized integers (issue 14); forms as DRF's default.
    "DEFAULT_PARSER_CLASSES": [
        "portal.parsing.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Joint Commissioning Portal API",
    "DESCRIPTION": "Joint commissioning of SEND services by councils and NHS ICBs.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Issue 14: every operation documents its error statuses with the one error body.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.document_error_responses",
        "portal.api.blank_strings_any_of",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "status", "rag" or "outcome" of their own: name each enum.
    "ENUM_NAME_OVERRIDES": {
        "CommentStatusEnum": "commissioning.coproduction.models.CommentStatus",
        "ConsultationOutcomeEnum": "commissioning.coproduction.models.Outcome",
        "ResponseStatusEnum": "commissioning.coproduction.models.ResponseStatus",
        "QuestionKindEnum": "commissioning.coproduction.models.QuestionKind",
        "ConsultationDocumentKindEnum": "commissioning.coproduction.models.DocumentKind",
        "AgreementStatusEnum": "commissioning.budgets.models.AgreementStatus",
        "SnapshotStatusEnum": "commissioning.budgets.models.SnapshotStatus",
        "StrategyStatusEnum": "commissioning.models.StrategyStatus",
        "IntentionStatusEnum": "commissioning.models.IntentionStatus",
        "GateStatusEnum": "commissioning.models.GateStatus",
        "ReferralStatusEnum": "commissioning.models.ReferralStatus",
        "ActionRagEnum": "commissioning.models.Rag",
        "DisagreementStatusEnum": "commissioning.models.DisagreementStatus",
        "ContractStatusEnum": "commissioning.contracts.models.ContractStatus",
        "KpiRagEnum": "commissioning.contracts.models.Rag",
        "MeetingStatusEnum": "governance.models.MeetingStatus",
        "DecisionOutcomeEnum": "governance.models.Outcome",
        "ReportStatusEnum": "governance.models.ReportStatus",
        "BoardRoleEnum": "governance.roles.BoardRole",
        "MeetingFrequencyEnum": "governance.models.MeetingFrequency",
        "ImportStatusEnum": "needs.models.ImportStatus",
    },
}

IS_PRODUCTION = False
DEMO_PASSWORD = env("DEMO_PASSWORD", default="portal-demo")
PORTAL_NAME = "Joint Commissioning Portal"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# --- Governance: quarterly board reports (see docs/governance.md) ---------------------
from celery.schedules import crontab  # noqa: E402

# Reports start this many working days (Mon-Fri, less GOVERNANCE_HOLIDAYS) after a quarter ends.
GOVERNANCE_REPORT_WORKING_DAYS = env.int("GOVERNANCE_REPORT_WORKING_DAYS", default=5)
GOVERNANCE_HOLIDAYS = env.list("GOVERNANCE_HOLIDAYS", default=[])  # ISO dates
# A report queued or running this long (seconds) with no live worker is queued again.
GOVERNANCE_REPORT_STUCK_AFTER = env.int("GOVERNANCE_REPORT_STUCK_AFTER", default=1800)
# While a report is produced its worker renews a lease on the row every HEARTBEAT seconds,
# LEASE seconds ahead: a running report whose lease ran out (and whose advisory lock is
# free) lost its worker. A queued report whose message the broker no longer holds after
# REQUEUE_AFTER seconds lost its message (Redis restarted empty). The worker's sweep
# (portal.worker) sends both again. See docs/governance.md "Faults and recovery".
GOVERNANCE_REPORT_LEASE = env.int("GOVERNANCE_REPORT_LEASE", default=10)
GOVERNANCE_REPORT_HEARTBEAT = env.float("GOVERNANCE_REPORT_HEARTBEAT", default=2)
GOVERNANCE_REPORT_REQUEUE_AFTER = env.int("GOVERNANCE_REPORT_REQUEUE_AFTER", default=15)
# The site's public address (scheme + host, no trailing slash), used for every absolute link
# the portal writes where there is no request: e-mails above all (portal/links.py).
# `make run` sets it to http://127.0.0.1:$PORT; production refuses to start without it.
# PORTAL_BASE_URL is the older name, still read when SITE_URL is not set.
SITE_URL = env("SITE_URL", default=env("PORTAL_BASE_URL", default="")).rstrip("/") or \
    "http://127.0.0.1:8000"
PORTAL_BASE_URL = SITE_URL  # kept for code that still reads the older name
CELERY_BEAT_SCHEDULE.update({
    "governance-request-due-reports": {
        "task": "governance.request_due_reports", "schedule": crontab(hour=6, minute=15)},
    "governance-recover-stuck-reports": {
        "task": "governance.recover_stuck_reports", "schedule": crontab(minute="*/10")},
    "governance-sync-board-access": {
        "task": "governance.sync_board_access", "schedule": crontab(hour=2, minute=30)},
})

# --- Footer pages: who runs this deployment and how to reach them (portal/pages.py) --------
PORTAL_OPERATOR = env("PORTAL_OPERATOR", default="the local area partnership that runs this portal")
PORTAL_CONTACT_EMAIL = env("PORTAL_CONTACT_EMAIL", default="portal-support@localhost")
PORTAL_DPO_EMAIL = env("PORTAL_DPO_EMAIL", default=PORTAL_CONTACT_EMAIL)

# --- Content-Security-Policy (django-csp) ---------------------------------------------------
# Strict: everything from this origin only, no inline script or style, no framing, no
# plugins. Templates carry no <script> body, no style="" and no on*= handlers (static/js and
# static/css hold them); tests/portal/test_csp.py checks every page type.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Organisation sign-in (OpenID Connect, sso/) ----------------------------------------
# Providers are configured per local area in the database (issuer, client id, the name of
# the environment variable holding the secret); these are the library's fixed choices.
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"
OIDC_RP_SCOPES = "openid email"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_CREATE_USER = False
