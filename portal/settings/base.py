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
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
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
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "agencies.middleware.CurrentAreaMiddleware",
    "agencies.middleware.TwoFactorRequiredMiddleware",
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
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
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

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
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
CELERY_BEAT_SCHEDULE = {
    # Memberships start and end on dates: grants follow them daily (agencies.services).
    "agencies-sync-memberships": {"task": "agencies.sync_memberships", "schedule": 60 * 60 * 24},
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
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
OTP_TOTP_ISSUER = "Joint Commissioning Portal"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

# --- REST framework -------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Joint Commissioning Portal API",
    "DESCRIPTION": "Joint commissioning of SEND services by councils and NHS ICBs.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "status", "rag" or "outcome" of their own: name each enum.
    "ENUM_NAME_OVERRIDES": {
        "CommentStatusEnum": "commissioning.coproduction.models.CommentStatus",
        "ConsultationOutcomeEnum": "commissioning.coproduction.models.Outcome",
        "ResponseStatusEnum": "commissioning.coproduction.models.ResponseStatus",
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
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://localhost:8000")
CELERY_BEAT_SCHEDULE.update({
    "governance-request-due-reports": {
        "task": "governance.request_due_reports", "schedule": crontab(hour=6, minute=15)},
    "governance-recover-stuck-reports": {
        "task": "governance.recover_stuck_reports", "schedule": crontab(minute="*/10")},
    "governance-sync-board-access": {
        "task": "governance.sync_board_access", "schedule": crontab(hour=2, minute=30)},
})

# --- Organisation sign-in (OpenID Connect, sso/) ----------------------------------------
# Providers are configured per local area in the database (issuer, client id, the name of
# the environment variable holding the secret); these are the library's fixed choices.
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"
OIDC_RP_SCOPES = "openid email"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_CREATE_USER = False
