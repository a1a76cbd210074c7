"""Django settings for Golden Thread.

Everything a deployment changes comes from environment variables (see docs/deploy.md).
With none set, the app runs as the demo: SQLite under var/, debug on, a fixed demo secret.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from goldenthread.environment import env_bool, env_int, env_list, env_secret_key, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("GOLDEN_THREAD_VAR_DIR", str(BASE_DIR / "var")))
# Real published data (benchmarking's datasets, with their provenance), kept beside the project.
SHARED_DATA_DIR = Path(
    env_str("GOLDEN_THREAD_SHARED_DATA_DIR", str(BASE_DIR.parent / "shared" / "data"))
)

DEMO_MODE = env_bool("GOLDEN_THREAD_DEMO", default=True)
DEBUG = env_bool("DJANGO_DEBUG", default=DEMO_MODE)

# Outside demo mode, a missing or weak key stops the app (goldenthread/environment.py).
SECRET_KEY = env_secret_key("DJANGO_SECRET_KEY", demo=DEMO_MODE)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "accounts.admin_config.AdminConfig",  # Django's admin, signing in through our sign-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_tasks_db",
    "organisation",
    "strategy",
    "signoff",
    "indicators",
    "returns",
    "scorecards",
    "reports",
    "publishing",
    "demo",
    "audit",
    "accounts",
    "django_otp",
    "accounts.admin_config.AuthenticatorAppsConfig",  # django_otp.plugins.otp_totp
    "operations",
    "notices",
    "framework",
    "targets",
    # Their panels join the directorate scorecard in this order: finance, risks, change,
    # improvement (each app registers its panel in its AppConfig.ready()).
    "finance",
    "risks",
    "delivery",
    "improvement",
    "benchmarking",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "api.limits.ApiLimitsMiddleware",  # requests a minute and body size, before any work
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.context.AuditMiddleware",  # who changes what, for the audit log
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    "goldenthread.middleware.PrivatePagesMiddleware",
    # Innermost, so it answers a view's database failure first (with the 503 page).
    "goldenthread.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "goldenthread.urls"
WSGI_APPLICATION = "goldenthread.wsgi.application"

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
                "django.template.context_processors.csp",
                "organisation.context_processors.council",
                "notices.context_processors.unread_notices",
            ],
        },
    },
]

# SQLite under var/ by default; PostgreSQL (or any dj-database-url URL) via DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "golden-thread.sqlite3",
            "OPTIONS": {
                # WAL lets the web process read while the tasks worker writes.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisation.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.PasswordBackend",
    "accounts.oidc.SingleSignOnBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "scorecards:organisation"
LOGOUT_REDIRECT_URL = "login"

# The API's limits (api.limits): requests a minute from one address without a token, and
# from one token; the largest request body it takes.
API_ANONYMOUS_REQUESTS_PER_MINUTE = env_int("GOLDEN_THREAD_API_ANONYMOUS_PER_MINUTE", 120)
API_TOKEN_REQUESTS_PER_MINUTE = env_int("GOLDEN_THREAD_API_TOKEN_PER_MINUTE", 600)
API_MAX_BODY_BYTES = env_int("GOLDEN_THREAD_API_MAX_BODY_BYTES", 1_000_000)

# django-axes: lock an account and address out after repeated failures.
AXES_FAILURE_LIMIT = env_int("GOLDEN_THREAD_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("GOLDEN_THREAD_LOGIN_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# Sign-in (docs/sign-in.md): single sign-on with OpenID Connect when a provider is configured,
# passwords unless switched off, and two-factor (TOTP) for passwords; required of administrators
# outside the demo. The accounts app reads these.
PASSWORD_SIGN_IN = env_bool("GOLDEN_THREAD_PASSWORD_SIGN_IN", default=True)
REQUIRE_TWO_FACTOR_FOR_ADMINS = env_bool("GOLDEN_THREAD_REQUIRE_TWO_FACTOR_FOR_ADMINS")
OIDC_RP_CLIENT_ID = env_str("GOLDEN_THREAD_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("GOLDEN_THREAD_OIDC_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("GOLDEN_THREAD_OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("GOLDEN_THREAD_OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("GOLDEN_THREAD_OIDC_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("GOLDEN_THREAD_OIDC_JWKS_ENDPOINT")
OIDC_RP_SIGN_ALGO = env_str("GOLDEN_THREAD_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("GOLDEN_THREAD_OIDC_SCOPES", "openid email profile")
OIDC_ISSUER = env_str("GOLDEN_THREAD_OIDC_ISSUER")  # when set, every ID token's `iss` must match
OIDC_CREATE_USER = env_bool("GOLDEN_THREAD_OIDC_CREATE_USERS", default=False)
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env_int("GOLDEN_THREAD_OIDC_TIMEOUT_SECONDS", 10)
SSO_PROVIDER_NAME = env_str("GOLDEN_THREAD_OIDC_PROVIDER_NAME", "your organisation's account")
_oidc_endpoints = [
    OIDC_OP_AUTHORIZATION_ENDPOINT,
    OIDC_OP_TOKEN_ENDPOINT,
    OIDC_OP_USER_ENDPOINT,
    OIDC_OP_JWKS_ENDPOINT,
]
if not PASSWORD_SIGN_IN and not (OIDC_RP_CLIENT_ID and all(_oidc_endpoints)):
    raise ImproperlyConfigured(
        "GOLDEN_THREAD_PASSWORD_SIGN_IN is false but single sign-on is not configured: set "
        "GOLDEN_THREAD_OIDC_CLIENT_ID and the GOLDEN_THREAD_OIDC_*_ENDPOINT variables, or no "
        "one could sign in"
    )
if not DEMO_MODE and any(url and not url.startswith("https://") for url in _oidc_endpoints):
    raise ImproperlyConfigured("The GOLDEN_THREAD_OIDC_*_ENDPOINT addresses must start https://")
OTP_TOTP_ISSUER = "Golden Thread"  # the name authenticator apps show
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("GOLDEN_THREAD_TIME_ZONE", "Europe/London")
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start without it
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Files are written to a temporary name and renamed: never half a file (operations.storage).
    "default": {"BACKEND": "operations.storage.AtomicFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("GOLDEN_THREAD_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"

# Each worker process keeps its own cache: released reports' contents and the public pages
# rendered from them (publishing.caching), which are keyed by what is public and so never
# stale. A thousand entries is every public page of a large council and its reports.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 1000},
    }
}

TASKS = {
    "default": {
        "BACKEND": env_str("GOLDEN_THREAD_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Email: written to files under var/ in the demo; SMTP from the environment in production.
if DEMO_MODE and not env_str("DJANGO_EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "sent-email")},
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("DJANGO_EMAIL_HOST", "localhost"),
                "port": env_int("DJANGO_EMAIL_PORT", 25),
                "username": env_str("DJANGO_EMAIL_HOST_USER"),
                "password": env_str("DJANGO_EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", default=False),
            },
        }
    }
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "performance@example.gov.uk")
# Links in emails (reminders) are absolute: the address people reach the site at.
GOLDEN_THREAD_BASE_URL = env_str("GOLDEN_THREAD_BASE_URL", "http://127.0.0.1:8000")

# Content Security Policy: everything is served from our own origin; no inline script
# except the GOV.UK Frontend initialiser, which carries a nonce.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("GOLDEN_THREAD_SESSION_SECONDS", 8 * 60 * 60)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEMO_MODE:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
    # Preloading HSTS commits the council's whole domain: its web team's decision, not ours.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("GOLDEN_THREAD_LOG_LEVEL", "INFO")},
    # WeasyPrint logs a line per page of every PDF.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
