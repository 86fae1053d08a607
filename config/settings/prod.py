"""Production: secrets and hosts come from the environment; HTTPS everywhere."""

from django.core.exceptions import ImproperlyConfigured

from config import env

from .base import *  # noqa: F403

if not env.SECRET_KEY:
    raise ImproperlyConfigured("Set LUODI_SECRET_KEY to a long random value.")

DEBUG = False
SECURE_SSL_REDIRECT = env.SECURE_SSL_REDIRECT
# A load balancer or monitor checks these over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# The base settings already send nosniff, the referrer policy, the
# cross-origin opener policy, frame denial and the Content Security Policy.

# Office computers are shared: a session lasts one working day at most and
# ends when the browser closes.
SESSION_COOKIE_AGE = 9 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
