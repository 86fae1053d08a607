"""What production sends and keeps: security headers, the Content Security
Policy, cookies that end with the working day. The deployment check itself
(`check --deploy`, and the refusal without a secret key) is in test_core.py."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from luodi.core.tests.test_content_security_policy import POLICY, policy_of

ROOT = Path(settings.BASE_DIR)

# Run with the production settings: answers of the test client and the
# settings that cannot be seen in one answer.
PROBE = """
import json
import django

django.setup()
from django.conf import settings
from django.test import Client

client = Client(HTTP_HOST="luodi.example.org")
plain = client.get("/healthz")
secure = client.get("/healthz", secure=True)
home = client.get("/")
names = [
    "Strict-Transport-Security",
    "Content-Security-Policy",
    "Cross-Origin-Opener-Policy",
    "Referrer-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
]
print(json.dumps({
    "plain healthz": plain.status_code,
    "plain home": [home.status_code, home.get("Location")],
    "headers": {name: secure.get(name) for name in names},
    "settings": {
        name: getattr(settings, name)
        for name in [
            "DEBUG",
            "SESSION_COOKIE_AGE",
            "SESSION_EXPIRE_AT_BROWSER_CLOSE",
            "SESSION_COOKIE_SECURE",
            "SESSION_COOKIE_HTTPONLY",
            "CSRF_COOKIE_SECURE",
            "LANGUAGE_COOKIE_SECURE",
        ]
    },
}))
"""


def test_production_sends_the_security_headers_and_ends_sessions_with_the_day(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "LUODI_SECRET_KEY": secrets.token_urlsafe(50),
        "LUODI_ALLOWED_HOSTS": "luodi.example.org",
        "LUODI_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "",
    }

    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    found = json.loads(result.stdout)

    # The load balancer checks over plain HTTP; people are sent to HTTPS.
    assert found["plain healthz"] == 200
    assert found["plain home"] == [301, "https://luodi.example.org/"]
    headers = found["headers"]
    assert policy_of(headers.pop("Content-Security-Policy")) == POLICY
    assert headers == {
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Referrer-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
    }
    assert found["settings"] == {
        "DEBUG": False,
        "SESSION_COOKIE_AGE": 9 * 60 * 60,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_SECURE": True,
    }
