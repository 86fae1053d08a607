"""The test suite: SQLite in memory unless DATABASE_URL names another database."""

from config import env

from .base import *  # noqa: F403
from .base import MIDDLEWARE, sqlite_database

DEBUG = False
SECRET_KEY = "luodi-test-key"  # noqa: S105
if not env.DATABASE_URL:
    DATABASES = {"default": sqlite_database(":memory:")}
# Argon2 costs 0.17 s a check; tests log in often.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests render pages without collected static files.
MIDDLEWARE = [name for name in MIDDLEWARE if not name.startswith("whitenoise.")]

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
