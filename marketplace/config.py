"""Configuration: environment variables over safe embedded defaults.

Everything the operator can set is read here and only here, so the rest of the code
reads ``app.config`` and never ``os.environ``.
"""
from __future__ import annotations

import os
from pathlib import Path

# The embedded default secret. Good enough for a laptop, never for production:
# create_app refuses to start with it when MARKETPLACE_ENV=production.
DEFAULT_SECRET_KEY = "dev-only-not-secret-change-me"  # development default; refused in production # nosec B105

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """The configuration is unsafe or inconsistent; the app must not start."""


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def load_config(environ: os._Environ | dict | None = None, instance_path: str | Path | None = None) -> dict:
    """Build the config dict from *environ* (default ``os.environ``)."""
    env = dict(os.environ if environ is None else environ)
    instance = Path(env.get("MARKETPLACE_INSTANCE") or instance_path or PROJECT_ROOT / "instance")
    marketplace_env = env.get("MARKETPLACE_ENV", "development")
    port = int(env.get("PORT", "5000"))
    catcher_port = int(env.get("MAIL_CATCHER_PORT", "2525"))
    production = marketplace_env == "production"
    secret = env.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    base_url = env.get("PUBLIC_BASE_URL", f"http://127.0.0.1:{port}").rstrip("/")
    cfg = {
        "MARKETPLACE_ENV": marketplace_env,
        "PRODUCTION": production,
        "SECRET_KEY": secret,
        # Keyed hash of national identity numbers; a separate secret so rotating the
        # session key does not orphan every user.
        "PID_HMAC_KEY": env.get("PID_HMAC_KEY", secret),
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": env.get("DATABASE_URL") or f"sqlite:///{instance / 'marketplace.db'}",
        "INDEX_DIR": env.get("INDEX_DIR") or str(instance / "index"),
        "UPLOAD_DIR": env.get("UPLOAD_DIR") or str(instance / "uploads"),
        # Background processes (catalogue.background) write a heartbeat file here; /helse/klar reads it.
        "HEARTBEAT_DIR": env.get("HEARTBEAT_DIR") or str(instance / "heartbeats"),
        # Key of the sealed tenders (encrypted until the opening); derived from SECRET_KEY when unset.
        "TENDER_SEAL_KEY": env.get("TENDER_SEAL_KEY", ""),
        "PORT": port,
        "PUBLIC_BASE_URL": base_url,
        "REDIS_URL": env.get("REDIS_URL", ""),
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto we trust (rate limits
        # count per client address, so behind a proxy this must be set).
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        # OpenID Connect (ID-porten / Ansattporten, or the built-in test provider).
        "OIDC_ISSUER": env.get("OIDC_ISSUER") or f"{base_url}/testid",
        "OIDC_CLIENT_ID": env.get("OIDC_CLIENT_ID", "markedsplassen-local"),
        "OIDC_CLIENT_SECRET": env.get("OIDC_CLIENT_SECRET", "local-test-client-secret"),
        "OIDC_ACR_VALUES": env.get("OIDC_ACR_VALUES", "idporten-loa-substantial"),
        "OIDC_SCOPES": env.get("OIDC_SCOPES", "openid profile"),
        "OIDC_AUTHORIZATION_DETAILS": env.get("OIDC_AUTHORIZATION_DETAILS", ""),
        "TEST_IDP_ENABLED": _flag(env.get("TEST_IDP_ENABLED"), default=not production),
        # Contract managers (avtaleforvaltere): comma-separated national identity numbers,
        # hashed on load, never kept in clear.
        "CONTRACT_MANAGER_PIDS": [p.strip() for p in env.get("CONTRACT_MANAGER_PIDS", "").split(",") if p.strip()],
        # Where users write to the operator (contact, accessibility and privacy pages).
        "CONTACT_EMAIL": env.get("CONTACT_EMAIL", "markedsplassen@dfo.example"),
        "BRREG_BASE_URL": env.get("BRREG_BASE_URL", ""),
        # Offline (no BRREG_BASE_URL): the register's records from this fixture, plus the demo
        # suppliers when BRREG_DEMO_SUPPLIERS is on (the default outside production).
        "BRREG_FIXTURE": env.get("BRREG_FIXTURE") or str(PROJECT_ROOT / "seed" / "data" / "enhetsregisteret.json"),
        "BRREG_DEMO_SUPPLIERS": _flag(env.get("BRREG_DEMO_SUPPLIERS"), default=not production),
        # Offline (no BRREG_BASE_URL): the register follower reads these recorded update pages.
        "BRREG_UPDATES_FIXTURE": env.get("BRREG_UPDATES_FIXTURE") or str(PROJECT_ROOT / "seed" / "data"
                                                                         / "brreg_oppdateringer.json"),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_UPLOAD_MB", "10")) * 1024 * 1024 + 64 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "WTF_CSRF_TIME_LIMIT": None,
        "RATELIMIT_ENABLED": _flag(env.get("RATELIMIT_ENABLED"), default=True),
        # Per client IP on /login and /login/callback (flask-limiter notation).
        "AUTH_RATE_LIMIT": env.get("AUTH_RATE_LIMIT", "20/minute"),
        # Per client IP on the search page (a person typing fetches at most ~3 per second).
        "SEARCH_RATE_LIMIT": env.get("SEARCH_RATE_LIMIT", "240/minute;10/second"),
        # Open and warm the search index in each web process at start (a background thread),
        # so no visitor waits for it; off in tests, which build their own indexes.
        "SEARCH_WARM_UP": _flag(env.get("SEARCH_WARM_UP"), default=True),
        "BABEL_DEFAULT_LOCALE": "nb",
        # Mail (issue 12). Outside production the default is the development mail catcher that
        # `make run` starts (flask notify catcher); production must set SMTP_URL.
        "SMTP_URL": env.get("SMTP_URL") or ("" if production else f"smtp://127.0.0.1:{catcher_port}"),
        "MAIL_CATCHER_PORT": catcher_port,
        "MAIL_DIR": env.get("MAIL_DIR") or str(instance / "mail"),
        "MAIL_FROM": env.get("MAIL_FROM", "varsler@markedsplassen.localhost"),
        "NOTIFY_MAX_ATTEMPTS": int(env.get("NOTIFY_MAX_ATTEMPTS", "8")),
        "NOTIFY_RETRY_SECONDS": float(env.get("NOTIFY_RETRY_SECONDS", "60")),
        "NOTIFY_SCHEDULE_SECONDS": float(env.get("NOTIFY_SCHEDULE_SECONDS", "60")),
        # Retention (docs/OPERATIONS.md, the privacy statement): marketplace/retention.py.
        "LOGIN_SESSION_RETENTION_DAYS": int(env.get("LOGIN_SESSION_RETENTION_DAYS", "30")),
        "UPLOAD_ORPHAN_GRACE_HOURS": float(env.get("UPLOAD_ORPHAN_GRACE_HOURS", "24")),
        "RETENTION_INTERVAL_SECONDS": float(env.get("RETENTION_INTERVAL_SECONDS", "300")),
        # Health (/helse/klar) and metrics (/metrikker): marketplace/health.py, marketplace/metrics.py.
        "BACKGROUND_PROCESSES": [p.strip() for p in env.get("BACKGROUND_PROCESSES", "index,notify,retention,register").split(",")
                                 if p.strip()],
        "HEARTBEAT_MAX_AGE_SECONDS": float(env.get("HEARTBEAT_MAX_AGE_SECONDS", "15")),
        "INDEX_LAG_LIMIT_SECONDS": float(env.get("INDEX_LAG_LIMIT_SECONDS", "30")),
        "METRICS_ALLOWED_IPS": tuple(ip.strip() for ip in env.get("METRICS_ALLOWED_IPS", "127.0.0.1,::1").split(",")
                                     if ip.strip()),
        # Logs: "json" (one object per line, the default in production) or "text".
        "LOG_FORMAT": env.get("LOG_FORMAT", ""),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
    }
    if production and secret == DEFAULT_SECRET_KEY:
        raise ConfigError(
            "SECRET_KEY er ikke satt: marketplace nekter å starte i produksjon med standardnøkkelen. "
            "Set SECRET_KEY to a long random value."
        )
    if production and cfg["TEST_IDP_ENABLED"]:
        raise ConfigError("The built-in test identity provider cannot run with MARKETPLACE_ENV=production.")
    if production:
        missing = production_problems(env)
        if missing:
            raise ConfigError("Produksjon krever disse innstillingene (se docs/OPERATIONS.md) / production needs: "
                              + "; ".join(missing))
    return cfg


# Settings production refuses to start without (docs/OPERATIONS.md lists them with examples).
REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "PID_HMAC_KEY", "DATABASE_URL", "PUBLIC_BASE_URL", "OIDC_ISSUER",
                          "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "REDIS_URL", "SMTP_URL", "TRUSTED_PROXIES")


def production_problems(env: dict) -> list[str]:
    """What is missing or unsafe for production in *env* (empty when all is well)."""
    problems = [f"{name} is not set" for name in REQUIRED_IN_PRODUCTION if not env.get(name, "").strip()]
    if env.get("PID_HMAC_KEY") and env.get("PID_HMAC_KEY") == env.get("SECRET_KEY"):
        problems.append("PID_HMAC_KEY must differ from SECRET_KEY")
    if env.get("DATABASE_URL") and not env["DATABASE_URL"].startswith(("postgres://", "postgresql")):
        problems.append("DATABASE_URL must be PostgreSQL")
    if env.get("PUBLIC_BASE_URL") and not env["PUBLIC_BASE_URL"].startswith("https://"):
        problems.append("PUBLIC_BASE_URL must be https://")
    if env.get("OIDC_CLIENT_SECRET") == "local-test-client-secret":
        problems.append("OIDC_CLIENT_SECRET is the development value")
    if env.get("TRUSTED_PROXIES", "").strip() in ("", "0"):
        problems.append("TRUSTED_PROXIES must count the proxies in front (1 behind nginx)")
    return problems
