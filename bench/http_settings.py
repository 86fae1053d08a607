"""Settings of the HTTP benchmark's server: production's, with the benchmark's
ceiling views beside luodi's URLs. Used only by bench/http.py, through
DJANGO_SETTINGS_MODULE."""

from config.settings.prod import *  # noqa: F403

ROOT_URLCONF = "bench.http_urls"
