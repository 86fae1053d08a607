"""Local development and the demo: SQLite under var/, a fixed non-secret key."""

from config import env

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = env.SECRET_KEY or "luodi-dev-only-key-not-for-production"  # noqa: S105
