"""Every setting that comes from the environment is read here and nowhere else."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


VAR_DIR = Path(os.environ.get("LUODI_VAR_DIR", BASE_DIR / "var"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
SECRET_KEY = os.environ.get("LUODI_SECRET_KEY", "")
DEBUG = _flag("LUODI_DEBUG", default=False)
ALLOWED_HOSTS = _list("LUODI_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = _list("LUODI_CSRF_TRUSTED_ORIGINS")
SECURE_SSL_REDIRECT = _flag("LUODI_SECURE_SSL_REDIRECT", default=True)
TEST_DATABASE_URL = os.environ.get("LUODI_TEST_DATABASE_URL", "")
# Where the operator keeps approved boundary files (<division code>.json, GeoJSON)
# that replace the ones luodi builds from the npm package.
MAP_DIR = Path(os.environ["LUODI_MAP_DIR"]) if os.environ.get("LUODI_MAP_DIR") else None
# Mail (the daily digest): printed to the console unless a backend is named,
# e.g. django.core.mail.backends.smtp.EmailBackend with LUODI_EMAIL_HOST.
EMAIL_BACKEND = os.environ.get(
    "LUODI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("LUODI_EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = os.environ.get("LUODI_FROM_EMAIL", "luodi@localhost")
# How many trusted proxies stand in front of luodi (e.g. 1 for nginx): the
# public pages' rate limits then count the address the proxy recorded.
PROXY_HOPS = int(os.environ.get("LUODI_PROXY_HOPS", "0"))
# `luodi serve`: where gunicorn listens and how many sync workers it runs
# (0 means two per processor core plus one).
BIND = os.environ.get("LUODI_BIND", "127.0.0.1:8000")
WORKERS = int(os.environ.get("LUODI_WORKERS", "0"))
# OC4IDS exports: who publishes them, and the project-identifier prefix the
# OC4IDS Helpdesk registered for the office ("oc4ids-xxxxxx-").
OC4IDS_PUBLISHER = os.environ.get("LUODI_OC4IDS_PUBLISHER", "")
OC4IDS_PREFIX = os.environ.get("LUODI_OC4IDS_PREFIX", "oc4ids-luodi-")
